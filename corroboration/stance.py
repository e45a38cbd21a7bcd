"""What stance an article takes on a claim it carries, read from the article, with the
words that decided it.

    suggestion = suggest_stance(text, found, profile)
    suggestion.stance, suggestion.cue, suggestion.cue_span, suggestion.sentence, suggestion.reason

The passage `match` found is read with its neighbourhood: the sentence after it (where
"This claim is false." or "That could not be independently verified." sits), and every
other sentence that carries the claim on its own.

Who speaks decides how much a denial weighs:

1. The outlet's own verdict — a debunk in its own voice, not attributed to anyone
   ("This claim is false.", "There is no evidence that…", "It is not true that…"), in
   the passage or in the sentence right after it — makes the article dispute the claim.
2. An article that carries the claim on its own sourcing (not under a denial, not
   hedged) supports it, even when it also reports a denial: the subject denying ("The
   Kremlin denied the report") is the right of reply, and the article still confirms.
3. An article that carries the claim only as the object of a denial — by the claim's
   subject, another party it names, or a third party ("A Pentagon spokesperson said
   there was no evidence that…", "Harbor United denied that…") — disputes it. The
   reason says whose denial it is.
4. A hedged carrier ("unverified reports", "could not be independently verified",
   "posts claim") or a weak match only mentions the claim; so does a page on which the
   outlet says, anywhere after it carries the claim, that it could not confirm it ("The
   Courier has not been able to verify the total independently"), even beside a denial
   it reports, and a fact-check that rates the claim unproven.

A negation counts against the claim only when it governs one of the claim's own words
("Russia has not provided…"), and only beyond the negations the claim itself carries
("received no requests" is the claim, not its denial); a negation inside a concessive
clause ("…, despite the city's insistence that no ban exists") is the reply the report
is set against. A claim that is itself a negation ("will not run for president") is
contradicted by a passage saying what it negates ("will run"), not by one that says
nothing of it. A question asserts nothing, and "No." or "Short answer: no." after it
is the outlet's verdict; a claim's word in scare quotes ("cargo bike 'ban'") is a hedge.

No Django here; `Stance` values are the API's coverage-stance values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from corroboration.rating_labels import SEED_LABELS, rating_key
from corroboration.text import (
    CLAIM_LINE,
    NEGATORS,
    RELAYED,
    Token,
    caveat_spans,
    is_content,
    sentence_spans,
    stem,
    term_forms,
    tokens,
)

if TYPE_CHECKING:
    from corroboration.matching import ClaimProfile, Document, Match

__all__ = ["Stance", "StanceSuggestion", "Voice", "suggest_stance"]

Span = tuple[int, int]

# A sentence elsewhere on the page asserts the claim from this share of it up (the
# linking share). It was 0.6, with a passage below it read as a mere mention, while the
# evaluation weighed terms by their frequency over its own pages; with the product's
# weights every linked passage between 0.5 and 0.6 on the development splits was a
# report of the claim in other words (docs/coverage-evaluation.md, "Test splits").
SUPPORT = 0.5
# …and from this share up it is told on the article's own sourcing beside a denial.
OVER_DENIAL = 0.6


class Stance(StrEnum):
    SUPPORTS = "supports"
    DISPUTES = "disputes"
    MENTIONS = "mentions"
    UNRELATED = "unrelated"


class Voice(StrEnum):
    OUTLET = "outlet"  # the article's own narration
    SUBJECT = "subject"  # the party the claim is about (its first party)
    PARTY = "party"  # another party the claim names
    THIRD_PARTY = "third_party"  # anyone else


@dataclass(frozen=True)
class StanceSuggestion:
    """A suggested stance and why: the cue (words and offsets) and the sentence it is in."""

    stance: Stance
    reason: str
    cue: str = ""
    cue_span: Span | None = None
    sentence: Span | None = None
    voice: Voice | None = None


# Debunking words: a verdict on a statement.
_VERDICT = re.compile(
    r"\b(?:false(?:ly|hood)?|untrue|not true|isn['’]t true|no evidence|no proof|no basis|without (?:any )?evidence|"
    r"debunk\w*|fabricat\w*|baseless|unfounded|groundless|hoax|fake|no truth|not accurate|inaccurate|incorrect|"
    # "is misleading", not "fined for misleading investors".
    r"(?:is|are|was|were|be|been) (?:\w+ )?misleading|"
    r"(?:is|are|was|were) (?:simply |just |plainly |completely |totally )?wrong|"
    # "The cargo-bike ban that never was": a headline's verdict.
    r"that (?:never|wasn['’]t|isn['’]t) (?:was|were|is|existed|happened)|"
    r"(?:did not|didn['’]t|does not|doesn['’]t) (?:survive|withstand) scrutiny|(?:does|did) not (?:hold|stand) up|"
    r"(?:is|are|was|were) not supported by (?:the )?(?:evidence|data|facts|figures|results|record))\b",
    re.IGNORECASE,
)
# A sentence that opens by referring back to what was relayed: "The claim did not survive
# scrutiny.", "This claim is false as stated"; a bare "It"/"This"/"That" only as the
# subject of the verdict ("It is mostly false: …"), not "It was a false start".
_BACK_SUBJECT = re.compile(
    r"^\W*(?:(?:but|however|in fact|in short),?\s+)?(?:(?:it|this|that)(?=\s+(?:is|was|['’]s)\s+(?:\w+\s+)?"
    r"(?:false|untrue|not true|wrong|misleading|inaccurate|incorrect|baseless|unfounded)"
    r"(?:\s*(?:[:;,.!?—–]|$)|\s+(?:as|and|but|because|in|on)\b))|(?:the|this|that|these|those|such) "
    r"(?:[\w-]+ ){0,2}?(?:claims?|posts?|rumou?rs?|stor(?:y|ies)|reports?|figures?|assertions?|allegations?)\b)",
    re.IGNORECASE,
)
# How far into such a sentence its verdict may stand.
_BACK_VERDICT_WORDS = 8
# Someone denying a report or a claim.
_DENIAL = re.compile(
    r"\b(?:den(?:y|ies|ied|ying|ial)|"
    r"contradict\w*|disputed? (?:the |these |those |such |any )?(?:\w+ )?(?:reports?|claims?|accounts?|figures?)|"
    r"(?:reject|dismiss|refut|rebut)\w* (?:as [^,.;]{1,30}? )?(?:the |these |those |such |any )?(?:\w+ )?"
    r"(?:reports?|claims?|allegations?|accusations?|suggestions?|stor(?:y|ies)|talk|speculation))\b",
    re.IGNORECASE,
)
# Words that hand a sentence to a speaker.
_SPEECH = re.compile(
    r"\b(?:said|says|say|told|tells|stated|states|added|insisted|wrote|writes|argued|called|calling|"
    r"described|accused|according to|den(?:y|ies|ied)|rejected|dismissed|claimed|maintained)\b|[“”\"]",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"\b(?:unconfirmed|unverified|reportedly|allegedly|alleged|rumou?r\w*|if confirmed|"
    r"(?:could|can)(?:not| not) (?:be )?(?:independently )?(?:verif\w+|confirm\w*)|"
    r"(?:unable|not able) to (?:independently )?(?:verif\w+|confirm\w*)|"
    r"not (?:been )?independently (?:verified|confirmed))\b",
    re.IGNORECASE,
)
# A hedge in the sentence after the passage counts only when it is about verification.
_VERIFICATION = re.compile(
    r"\b(?:unconfirmed|unverified|(?:could|can)(?:not| not) (?:yet )?(?:be )?(?:independently )?"
    r"(?:verif\w+|confirm\w*|check(?:ed)?(?!\s+(?:in|out|on)\b))|"
    r"(?:unable|not (?:yet )?(?:been )?able) to (?:independently )?(?:verif\w+|confirm\w*|check(?!\s+(?:in|out|on)\b))|"
    r"not (?:been )?independently (?:verified|confirmed|checked)|"
    # "Nobody has confirmed those reports": of what was reported, not of a nomination.
    r"(?:nobody|no one) has (?:yet )?confirmed (?:the|those|these|this|that|it|them)\b|"
    r"yet to be independently (?:verified|confirmed))\b",
    re.IGNORECASE,
)
# What the outlet says it could not confirm, when it is not the claim's sentence or the
# next: a definite reference back to something reported.
_BACK_REFERENCE = re.compile(
    r"\b(?:the|those|these|that|this|its|their|his|her) (?P<words>[\w-]+(?:['’]s)?(?: [\w-]+)?)", re.IGNORECASE
)
# Who, doubting, is not the outlet.
_NOT_OUTLETS = frozenset(
    "police officials authorities investigators doctors officers prosecutors experts analysts scientists "  # noqa: SIM905
    "he she they it residents witnesses".split()
)
_CLAUSE_START = re.compile(r"[,;:—–]|\band\b|\bbut\b")
_REPORTED = frozenset(
    "report reports claim claims figure figures total finding findings declaration announcement statement "  # noqa: SIM905
    "account accounts study paper story stories".split()
)
# Words skipped when looking for what a negation governs ("no longer forbid" negates "forbid").
_NEGATION_FILLERS = frozenset(
    "longer more any such further yet also even ever always single one intention intentions intent".split()  # noqa: SIM905
)
_NEGATION_REACH = 4
# Words after a negation that make it no denial of what follows: "not one but two mills",
# "no more than", "no fewer than", "not only".
_NOT_QUALIFIERS = frozenset("one more fewer less only just merely".split())  # noqa: SIM905
# Verbs of evidence: negated, they deny the clause they introduce ("did not find that").
_EVIDENTIAL = frozenset(
    "find finds found show shows showed shown prove proves proved proven establish establishes established "  # noqa: SIM905
    "demonstrate demonstrates demonstrated suggest suggests suggested".split()
)
_CLAUSE_BREAK = re.compile(r"[,;:—–()“”\"]")
# A concessive clause still open before a negation: the negation is a reply the
# sentence sets its report against ("despite the insistence that no ban exists").
_CONCESSIVE = re.compile(r"\b(?:despite|in spite of|notwithstanding|even though)\b[^,;:—–()]*$", re.IGNORECASE)
# A word of the claim's in quotation marks, alone: scare quotes hold the claim at a distance
# ("Copenhagen cargo bike 'ban'").
_SCARE_QUOTE = re.compile(r"(?:^|(?<=\s))['‘“\"]([\w-]+(?: [\w-]+)?)['’”\"](?=[\s:;,.?!]|$)")
# "No." or "Short answer: no." after a question.
_ANSWER_NO = re.compile(r"\s*(?:(?:the |the short |short )?answer(?: is)?:?\s*)?no\b\W*$", re.IGNORECASE)
# A fact-check's rating, wherever it stands on the page: "We rate the claim Misleading.",
# "Our rating: False". A rating that the claim is untrue disputes it; one that it is
# unproven ("Our rating: Unproven") leaves the page a mention. Other ratings are not read.
_RATED = {
    rating_key(label): value
    for value in ("false", "mostly_false", "misleading", "unproven")
    for label in SEED_LABELS[value]
}
_LABELS = "|".join(
    sorted(
        (r"[\s-]+".join(re.escape(word) for word in key.split()) for key in _RATED),
        key=len,
        reverse=True,
    )
)
# "We rate the claim Misleading." names the claim it rates, wherever it stands; a bare
# "Our rating: False" or "Verdict: False" is the page's only on a fact-check that sets
# out the claim it checks ("Claim: …"), not in a sidebar of other fact-checks.
_RATING = re.compile(
    rf"\bwe rate (?:this|the|that|these) (?:claims?|statements?|posts?|figures?|assertions?) (?:as )?"
    rf"[“\"']?(?P<label>{_LABELS})(?![\w-])",
    re.IGNORECASE,
)
_RATING_LINE = re.compile(
    rf"\b(?:our )?(?:rating|verdict)\s*:\s*[“\"']?(?P<label>{_LABELS})(?![\w-])",
    re.IGNORECASE,
)
_CLAIM_LINE = re.compile(CLAIM_LINE, re.IGNORECASE | re.MULTILINE)
# A verdict sentence after the passage is read as about it when it is short.
_VERDICT_SENTENCE_WORDS = 14


@dataclass(frozen=True)
class _Reading:
    kind: str  # "verdict", "denial", "hedge", "negation", "asserted", "silent" (see `_read`)
    cue: str = ""
    cue_span: Span | None = None
    sentence: Span | None = None
    voice: Voice | None = None


def suggest_stance(text: str | Document, found: Match, profile: ClaimProfile) -> StanceSuggestion:
    """The stance of an article (`text`, or its `Document` already read) on a claim
    (`profile`), given the passage `match` found (`found`). Unrelated when nothing
    carries the claim."""
    if not found.related:
        return StanceSuggestion(Stance.UNRELATED, "No passage of the article carries the claim.")
    read = None if isinstance(text, str) else text
    text = text if isinstance(text, str) else text.text
    spans = read.spans if read else sentence_spans(text)
    words = read.tokens if read else tokens(text)
    first, last = found.sentences
    excluded = set(found.excluded)
    passage = _read(text, words, spans, range(first, last), profile)
    after = last if last < len(spans) and last not in excluded else None
    # A hedge in the sentence after the passage ("… could not be independently verified")
    # is about the passage: its own sentences then no longer count as carried unhedged.
    hedged_after = False
    if passage.kind in ("asserted", "silent", "hedge", "negation") and after is not None:
        following = _following(text, words, spans[after], profile, question=passage.cue == "?")
        if following is not None:
            hedged_after = following.kind == "hedge"
            # A claim relayed as a claim and then denied or judged is the denial's.
            if passage.kind != "hedge" or following.kind in ("verdict", "denial"):
                passage = following

    # Every sentence that carries the claim on its own, in the passage or not.
    carried = [(i, score, _read(text, words, spans, [i], profile)) for i, score in found.carriers]
    others = [(i, score, r) for i, score, r in carried if not first <= i < last]
    asserted_elsewhere = [r for _, s, r in carried if r.kind == "asserted" and s >= SUPPORT]
    denial_elsewhere = next((r for _, _, r in others if r.kind in ("denial", "verdict")), None)

    if passage.kind == "verdict" and passage.voice == Voice.OUTLET:
        return _suggest(Stance.DISPUTES, passage, "The article itself says the claim is untrue")
    if passage.kind == "negation" and passage.voice == Voice.OUTLET:
        return _suggest(Stance.DISPUTES, passage, "The article states the opposite of the claim")
    # Every sentence that carries the claim, the passage's included.
    carrying = {*found.carrying, *range(first, last)}
    rating = _RATING.search(text) or (
        _RATING_LINE.search(text) if _checks_this_claim(text, words, spans, carrying, profile) else None
    )
    if rating is not None and passage.kind in ("hedge", "asserted", "silent"):
        where = next(span for span in spans if span[0] <= rating.start() < span[1] + 1)
        if _RATED[rating_key(rating.group("label"))] == "unproven":
            return _suggest(
                Stance.MENTIONS,
                _Reading("hedge", rating.group(), rating.span(), where, Voice.OUTLET),
                "The article rates the claim unproven",
            )
        reading = _Reading("verdict", rating.group(), rating.span(), where, Voice.OUTLET)
        return _suggest(Stance.DISPUTES, reading, "The article rates the claim untrue")
    # The outlet saying it could not confirm the claim holds it at a distance, whether the
    # page carries it unhedged or under someone's denial.
    unconfirmed = _unconfirmed(text, spans, carrying, profile)
    if passage.kind in ("denial", "verdict", "negation") and unconfirmed is not None:
        return _suggest(Stance.MENTIONS, unconfirmed, "The article says it could not confirm the claim")
    if passage.kind in ("denial", "verdict", "negation"):
        # The claim told on the article's own sourcing outweighs a denial only where it
        # is told in full: a loose echo in the denier's account ("According to him, the
        # minister and her colleagues were united…") is part of the denial.
        told = [r for _, s, r in carried if r.kind == "asserted" and s >= OVER_DENIAL]
        if told:
            return _suggest(
                Stance.SUPPORTS,
                told[0],
                f"The article carries the claim on its own sourcing; the denial by {_whom(passage.voice)} "
                f"is reported as a reply",
            )
        return _suggest(Stance.DISPUTES, passage, f"The article reports a denial by {_whom(passage.voice)}")
    if passage.kind == "hedge":
        unhedged = (
            [r for _, s, r in others if r.kind == "asserted" and s >= SUPPORT] if hedged_after else asserted_elsewhere
        )
        if unhedged and unconfirmed is None:
            return _suggest(Stance.SUPPORTS, unhedged[0], "The article carries the claim without hedging")
        # Relayed, then judged further down: "The claim did not survive scrutiny."
        judged = next(
            (
                (spans[i], v)
                for i in range(last, len(spans))
                if (v := _back_verdict(text[spans[i][0] : spans[i][1]])) is not None
            ),
            None,
        )
        if judged is not None:
            (start, end), verdict = judged
            reading = _Reading("verdict", verdict.group(), _shift(verdict.span(), start), (start, end), Voice.OUTLET)
            return _suggest(Stance.DISPUTES, reading, "The article relays the claim, then says it is untrue")
        # Relayed, then contradicted: "Posts claim the study proved it … The study did not
        # find that the vaccine causes diabetes", "… the ministry said it is not banning stoves".
        answer = next(
            (
                r
                for _, _, r in others
                if r.kind in ("verdict", "denial") or (r.kind == "negation" and r.voice == Voice.OUTLET)
            ),
            None,
        )
        if answer is not None:
            whose = "itself says it is untrue" if answer.voice == Voice.OUTLET else f"a denial by {_whom(answer.voice)}"
            return _suggest(Stance.DISPUTES, answer, f"The article relays the claim, then {whose}")
        return _suggest(Stance.MENTIONS, passage, "The article carries the claim with a hedge")
    # Asserted in the passage.
    strong_debunk = next(
        (r for _, s, r in others if r.kind == "verdict" and r.voice == Voice.OUTLET and s >= 0.8 * found.score),
        None,
    )
    if strong_debunk is not None:
        return _suggest(Stance.DISPUTES, strong_debunk, "The article itself says the claim is untrue")
    if unconfirmed is not None:
        return _suggest(Stance.MENTIONS, unconfirmed, "The article says it could not confirm the claim")
    reason = "The article carries the claim without denial or hedge"
    if denial_elsewhere is not None:
        reason += f"; a denial by {_whom(denial_elsewhere.voice)} is reported as a reply"
    return StanceSuggestion(Stance.SUPPORTS, reason + ".", sentence=found.passage)


def _checks_this_claim(
    text: str, words: list[Token], spans: list[Span], carrying: set[int], profile: ClaimProfile
) -> bool:
    """Whether the page is a fact-check setting out this claim: its "Claim: …" line
    carries it, negated as the claim is (a check of another claim rates that one: "Claim:
    the company will close the mill" is not the company's "no plans to close the mill")."""
    return any(
        i in carrying and bool(_negations(text, words, span, profile)) == bool(profile.negations)
        for line in _CLAIM_LINE.finditer(text)
        for i, span in enumerate(spans)
        if span[0] <= line.start() < span[1]
    )


def _unconfirmed(text: str, spans: list[Span], carrying: set[int], profile: ClaimProfile) -> _Reading | None:
    """The outlet saying, anywhere on the page, that it could not confirm what a sentence
    carrying the claim (or the sentence before it) reports: "The Courier has not been able
    to confirm the fee", "…, which could not be independently verified"."""
    if not carrying:
        return None
    for i, span in enumerate(spans):
        if i < min(carrying):
            continue  # doubt about what the page reported before it carries the claim
        sentence = text[span[0] : span[1]]
        cue = _VERIFICATION.search(sentence)
        if cue is None:
            continue
        # The cue's own clause: "…, and Mtaa Digest has not been able to verify the total".
        subject = _clause_before(sentence, cue.start())
        clause = subject + re.split(r"[,;:—–]", sentence[cue.start() :])[0]
        if _SPEECH.search(subject) or not _outlets_doubt(subject, cue.group()):
            continue  # "…, an official said they could not confirm", "Police could not confirm a motive"
        # Next to the claim, a plain doubt ("unconfirmed", "could not be independently
        # verified") is about it; further off, only one that refers back to it.
        near = i in carrying or i - 1 in carrying
        plain = cue.group().lower().startswith(("unconfirmed", "unverified")) or "independently" in clause.lower()
        if _refers_back(clause, profile) or (near and plain):
            return _Reading("hedge", cue.group(), _shift(cue.span(), span[0]), span, Voice.OUTLET)
    return None


def _clause_before(sentence: str, at: int) -> str:
    """The words of `sentence` from the start of the clause holding offset `at` up to it."""
    return _CLAUSE_START.split(sentence[:at])[-1]


def _outlets_doubt(subject: str, cue: str) -> bool:
    """Whether a doubt is the outlet's: said of the thing doubted ("the figures could not
    be independently verified"), by the outlet ("we", "The Courier has not been able
    to…", named with a capital in its own clause), not by police or officials."""
    if re.search(r"\b(?:be|been)\b|^(?:unconfirmed|unverified|nobody|no one|yet)", cue, re.IGNORECASE):
        return True
    words = subject.split()
    return bool(words) and (
        words[0].lower() in ("we", "i")
        or (words[0][:1].isupper() and words[0].lower() not in _NOT_OUTLETS)
        or (words[0].lower() == "the" and len(words) > 1 and words[1][:1].isupper())
    )


def _refers_back(sentence: str, profile: ClaimProfile) -> bool:
    """A definite reference to what was reported: "the findings", "the minister's
    declaration", "those reports", or one of the claim's own words ("the fee")."""
    own = profile.terms - profile.party_terms
    for reference in _BACK_REFERENCE.finditer(sentence):
        # The word that says what is meant: "the total", "the minister's declaration";
        # not "the sales figures" (another figure) nor "the mill gate".
        words = reference.group("words").split()
        head = words[1] if len(words) > 1 and re.search(r"['’]s$", words[0]) else words[0]
        if head.lower() in _REPORTED or _terms_of(tokens(head), profile) & own:
            return True
    return False


def _suggest(stance: Stance, reading: _Reading, reason: str) -> StanceSuggestion:
    detail = f": “{reading.cue}”" if reading.cue else ""
    return StanceSuggestion(
        stance,
        f"{reason}{detail}.",
        cue=reading.cue,
        cue_span=reading.cue_span,
        sentence=reading.sentence,
        voice=reading.voice,
    )


def _whom(voice: Voice | None) -> str:
    return (
        {
            Voice.SUBJECT: "the claim's subject",
            Voice.PARTY: "a party the claim names",
            Voice.OUTLET: "the outlet",
        }.get(voice, "a third party")
        if voice
        else "a third party"
    )


def _read(text: str, words: list[Token], spans: list[Span], indexes: object, profile: ClaimProfile) -> _Reading:
    """The most telling reading of some sentences: a verdict, then a denial, a hedge,
    a negation of the claim's own words, else asserted."""
    chosen = list(indexes)  # type: ignore[call-overload]
    readings = [_read_sentence(text, words, spans[i], profile) for i in chosen]
    order = {"verdict": 0, "denial": 1, "negation": 2, "hedge": 3, "asserted": 4}
    reading = min(readings, key=lambda r: order[r.kind]) if readings else _Reading("asserted")
    # The claim is a negation ("no plans to visit"); a passage that says what it negates
    # ("plans to visit") without the negation says the opposite. One that does not say
    # it at all ("has been interior minister for two years") says nothing of it.
    says_it = not profile.negated or any(profile.negated & _terms_of(_inside(words, spans[i]), profile) for i in chosen)
    if reading.kind == "asserted" and profile.negations and chosen and not says_it:
        # Carried by its parties and setting, not its action: it asserts the claim only
        # as the passage `match` chose, never as a sentence elsewhere on the page.
        return _Reading("silent", sentence=(spans[chosen[0]][0], spans[chosen[-1]][1]))
    dropped = profile.negations and chosen and not any(_negations(text, words, spans[i], profile) for i in chosen)
    if reading.kind == "asserted" and dropped:
        span = (spans[chosen[0]][0], spans[chosen[-1]][1])
        attributed = _SPEECH.search(text[span[0] : span[1]])
        voice = _speaker(text, words, span, attributed.start() + span[0], profile) if attributed else Voice.OUTLET
        return _Reading("negation", "", None, span, voice)
    return reading


def _terms_of(words: list[Token], profile: ClaimProfile) -> set[str]:
    """The terms of some words, wordings folded ("stood down" → "~step down")."""
    return {form for t in words for form in term_forms(t.plain)} | {w.key for w in profile.aliases.wordings(words)}


def _inside(words: list[Token], span: Span) -> list[Token]:
    return [t for t in words if span[0] <= t.start < span[1]]


def _read_sentence(text: str, words: list[Token], span: Span, profile: ClaimProfile) -> _Reading:
    start, end = span
    sentence = text[start:end]
    attributed = bool(_SPEECH.search(sentence))
    verdict = _VERDICT.search(sentence)
    denial = _DENIAL.search(sentence)
    if denial and _CONCESSIVE.search(sentence[: denial.start()]):
        denial = None  # "… despite the works council's denial": the reply the report is set against
    if verdict and not attributed and not denial:
        return _Reading("verdict", verdict.group(), _shift(verdict.span(), start), span, Voice.OUTLET)
    if denial or verdict:
        cue = denial or verdict
        assert cue is not None
        return _Reading(
            "denial",
            cue.group(),
            _shift(cue.span(), start),
            span,
            _speaker(text, words, span, cue.start() + start, profile),
        )
    own = profile.terms - profile.party_terms
    hedge = (
        # "…does not comment on rumours" is the claim's own word, not a hedge on it.
        next((h for h in _HEDGE.finditer(sentence) if not _own_words(h.group(), profile)), None)
        or next(
            (
                r
                for r in RELAYED.finditer(sentence)
                if (_terms_of(tokens(sentence[r.end() :]), profile) & own or not re.search(r"\w", sentence[r.end() :]))
                and not _own_words(r.group(), profile)
            ),
            None,
        )
        or next(
            (
                q
                for q in _SCARE_QUOTE.finditer(sentence)
                # “no intention” quotes what someone said; a scare quote holds a word apart.
                if _terms_of(tokens(q.group(1)), profile) & profile.terms
                and not any(t.plain in NEGATORS for t in tokens(q.group(1)))
            ),
            None,
        )
    )
    if hedge is None and sentence.rstrip().endswith("?"):
        # A question asserts nothing: "Did the court strike down the ban?"
        hedge = re.search(r"\?", sentence)
    negation = _negation(text, words, span, profile)
    # "The council says there is no federal ban, after a viral claim that…": the sentence
    # denies a claim before it relays it. Said before relaying a news report ("…, a day
    # after a media report said…"), it is the reply the report is set against.
    denies_first = (
        hedge is not None
        and negation is not None
        and negation[0] < start + hedge.start()
        and "report" not in hedge.group().lower()
        and bool(_SPEECH.search(text[start : negation[0]]))
        and bool(
            re.search(
                r"\b(?:after|following|amid|over)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,3}$", sentence[: hedge.start()]
            )
        )
    )
    if hedge and not denies_first:
        return _Reading("hedge", hedge.group(), _shift(hedge.span(), start), span)
    if negation is not None:
        voice = _speaker(text, words, span, negation[0], profile) if attributed else Voice.OUTLET
        return _Reading("negation", text[negation[0] : negation[1]], negation, span, voice)
    return _Reading("asserted", sentence=span)


def _following(
    text: str, words: list[Token], span: Span, profile: ClaimProfile, *, question: bool = False
) -> _Reading | None:
    """A short verdict sentence right after the passage ("This claim is false.") is
    about the passage; so is a sentence saying it could not be verified, and a "no"
    answering a passage that asks ("Had Copenhagen really banned cargo bikes? Short answer: no.")."""
    sentence = text[span[0] : span[1]]
    answer = _ANSWER_NO.match(sentence) if question else None
    if answer:
        return _Reading("verdict", answer.group(), _shift(answer.span(), span[0]), span, Voice.OUTLET)
    verdict = _VERDICT.search(sentence) or _DENIAL.search(sentence)
    subject = _BACK_SUBJECT.match(sentence)
    if subject is not None:
        # Opening by what was relayed, the verdict must be said of it: not "This follows
        # false rumours that…".
        verdict = _VERDICT.search(sentence, subject.end())
    if verdict and (len(sentence.split()) <= _VERDICT_SENTENCE_WORDS or subject is not None):
        cue_span = _shift(verdict.span(), span[0])
        if _SPEECH.search(sentence):
            return _Reading(
                "denial", verdict.group(), cue_span, span, _speaker(text, words, span, cue_span[0], profile)
            )
        return _Reading("verdict", verdict.group(), cue_span, span, Voice.OUTLET)
    verification = _VERIFICATION.search(sentence)
    if verification and _outlets_doubt(_clause_before(sentence, verification.start()), verification.group()):
        return _Reading("hedge", verification.group(), _shift(verification.span(), span[0]), span)
    return None


def _back_verdict(sentence: str) -> re.Match[str] | None:
    """The verdict of a sentence that opens by referring back to what was relayed ("It
    is mostly false: …", "The claim did not survive scrutiny"), in the outlet's voice."""
    subject = _BACK_SUBJECT.match(sentence)
    if subject is None:
        return None
    # Said of the subject, after it: not "This follows false rumours that …".
    verdict = _VERDICT.search(sentence, subject.end())
    if verdict is None or len(sentence[: verdict.start()].split()) > _BACK_VERDICT_WORDS:
        return None
    return None if _SPEECH.search(sentence[: verdict.start()]) else verdict


def _negation(text: str, words: list[Token], span: Span, profile: ClaimProfile) -> Span | None:
    """The first negation governing one of the claim's own words, when the sentence
    negates more than the claim itself does."""
    hits = _negations(text, words, span, profile)
    return hits[0] if len(hits) > profile.negations else None


def _negations(text: str, words: list[Token], span: Span, profile: ClaimProfile) -> list[Span]:
    """Negations in the sentence that govern one of the claim's own words."""
    return [hit for hit, _ in _governed(text, words, span, profile)]


def negated_terms(text: str, words: list[Token], profile: ClaimProfile) -> frozenset[str]:
    """The claim's own terms that its own negations govern: "run" in "will not run for
    president". `text` and `words`: the statement read with the profile's table."""
    return frozenset(t for _, terms in _governed(text, words, (0, len(text)), profile) for t in terms)


def _governed(text: str, words: list[Token], span: Span, profile: ClaimProfile) -> list[tuple[Span, set[str]]]:
    """Each negation in the sentence that governs one of the claim's own words, with the
    terms of the word it governs."""
    inside = _inside(words, span)
    own_terms = profile.terms - profile.figures - {t for p in profile.parties for t in p.terms}
    # "did not quit" negates "step down": a word of a wording carries the wording's term.
    wording = {i: w.key for w in profile.aliases.wordings(inside) for i in range(w.first, w.last)}
    caveats = caveat_spans(text[span[0] : span[1]])
    hits: list[tuple[Span, set[str]]] = []
    for i, token in enumerate(inside):
        if not (token.plain in NEGATORS or token.plain.endswith("n't")):
            continue
        if any(start <= token.start - span[0] < end for start, end in caveats):
            continue  # "not authorized to speak", "declined to comment": no denial
        if _CONCESSIVE.search(text[span[0] : token.start]):
            continue  # "…, despite the city's insistence that no ban exists": the reply, not the report
        for k, later in enumerate(inside[i + 1 : i + 1 + _NEGATION_REACH], start=i + 1):
            if _CLAUSE_BREAK.search(text[token.end : later.start]):
                break
            if later.plain in _NEGATION_FILLERS or not is_content(later.plain):
                continue
            if later.plain in _EVIDENTIAL and k + 1 < len(inside) and inside[k + 1].plain == "that":
                # "The study did not find that the vaccine causes diabetes": what the
                # evidence does not show is the clause after "that".
                clause = _clause_after(text, inside, k + 2)
                governed = _terms_of(clause, profile) & own_terms
                # …when that clause says nothing but the claim's words, not another finding
                # ("did not show that coffee lowers the risk of stroke" beside heart disease).
                foreign = [t for t in clause if is_content(t.plain) and stem(t.plain) not in profile.words]
                if governed and not foreign:
                    hits.append(((token.start, later.end), governed))
                break
            # The first content word is what the negation governs; "not the 412,870 the
            # airline says" puts the claim's own count in question. One word may qualify
            # it: "no federal ban".
            own = own_terms | (profile.counts if token.plain == "not" else frozenset())
            governed = {*term_forms(later.plain), wording.get(k, "")} & own
            after = inside[k + 1] if k + 1 < len(inside) else None
            bridged = (
                after is not None
                and text[token.end : later.start] == " "  # "no-bid contract", "no-fault evictions" are kinds
                and later.plain not in _NOT_QUALIFIERS  # "not one but two", "no more than"
                and not _CLAUSE_BREAK.search(text[later.end : after.start])
            )
            if not governed and bridged and after is not None:
                governed = {*term_forms(after.plain), wording.get(k + 1, "")} & own
                later = after if governed else later
            if governed:
                hits.append(((token.start, later.end), governed))
            break
    return hits


def _own_words(cue: str, profile: ClaimProfile) -> bool:
    """Whether a cue's words are all the claim's own ("rumours" in a claim that the
    company "does not comment on rumours")."""
    stems = {stem(t.plain) for t in tokens(cue) if is_content(t.plain)}
    return bool(stems) and stems <= profile.words


def _clause_after(text: str, words: list[Token], first: int) -> list[Token]:
    """The words from `first` to the end of their clause."""
    clause: list[Token] = []
    for k in range(first, len(words)):
        if clause and _CLAUSE_BREAK.search(text[clause[-1].end : words[k].start]):
            break
        clause.append(words[k])
    return clause


def _speaker(text: str, words: list[Token], span: Span, cue_at: int, profile: ClaimProfile) -> Voice:
    """Whose denial: the claim's subject, another party it names, or a third party —
    read from the words before the cue (the speaker usually comes first in news copy)."""
    before = {stem(t.plain) for t in words if span[0] <= t.start < cue_at}
    entities = {e.key for e in profile.aliases.entities([t for t in words if span[0] <= t.start < cue_at])}
    named = before | entities
    if named & profile.subject:
        return Voice.SUBJECT
    if any(named & p.terms for p in profile.parties[1:]):
        return Voice.PARTY
    return Voice.THIRD_PARTY


def _shift(span: tuple[int, int], offset: int) -> Span:
    return span[0] + offset, span[1] + offset
