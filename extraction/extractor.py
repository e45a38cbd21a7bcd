"""Suggest the claims, attributions and anonymity caveats in a news story.

``extract(text)`` reads a story and returns suggestions for a reviewer: every statement
the story credits to a source, who that source is (pronouns and "the officials" resolved
to the earlier mention), the caveat record of each anonymous source, and which
statements respond to which. Nothing here is asserted as fact; a reviewer accepts or
dismisses each suggestion.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any, Final

from extraction import caveats, sources
from extraction.errors import ExtractionError
from extraction.frames import DENIAL_VERBS, Frame, QuoteIndex, find_frame, trim
from extraction.segment import OPENING, Sentence, paragraphs, quotations, sentences
from extraction.values import Access, Addresses, ContentType, Reason, Reply, Role, Side, SourceKind

# A long report is about 100,000 characters, and the article extractor keeps at most
# 500,000 of a fetched page (sources.extract.MAX_TEXT_CHARS). More than that pasted at
# once is not one story; it is refused at once rather than read for a minute.
MAX_CHARS: Final = 500_000


@dataclass(frozen=True)
class Attribution:
    role: Role
    descriptor: str
    start: int
    end: int
    name: str | None
    source_kind: SourceKind
    anonymous: bool
    # The caveat record: filled for anonymous sources, None for named ones.
    count: int | None
    access: Access | None
    reason: Reason | None
    reason_text: str | None
    condition: str | None
    stated_limits: str | None
    side: Side | None
    reply: Reply | None  # only on a response
    cue: str
    # Who the mention stands for, for recording the source (not part of the public JSON):
    # the person's or body's name, or an anonymous group as the story first described it
    # ("two officials familiar with U.S. intelligence" for a later "they"), and that first
    # description as written ("Kremlin spokesman Dmitry Peskov").
    source_name: str = ""
    source_description: str = ""


@dataclass(frozen=True)
class Claim:
    statement: str
    quote: str
    start: int
    end: int
    content_type: ContentType
    cue: str
    attributions: tuple[Attribution, ...]


@dataclass(frozen=True)
class Relation:
    source: int  # "from" in JSON: positions in ``claims``
    target: int
    kind: str
    addresses: Addresses | None
    cue: str


@dataclass(frozen=True)
class Skipped:
    start: int
    end: int
    why: str


@dataclass(frozen=True)
class Extraction:
    text: str
    claims: tuple[Claim, ...]
    relations: tuple[Relation, ...]
    skipped: tuple[Skipped, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "claims": [
                {
                    "statement": c.statement,
                    "quote": c.quote,
                    "start": c.start,
                    "end": c.end,
                    "content_type": c.content_type,
                    "cue": c.cue,
                    "attributions": [{key: getattr(a, key) for key in _ATTRIBUTION_KEYS} for a in c.attributions],
                }
                for c in self.claims
            ],
            "relations": [
                {"from": r.source, "to": r.target, "kind": r.kind, "addresses": r.addresses, "cue": r.cue}
                for r in self.relations
            ],
            "skipped": [{"start": s.start, "end": s.end, "why": s.why} for s in self.skipped],
        }


_ATTRIBUTION_KEYS: Final = (
    "role", "descriptor", "start", "end", "name", "source_kind", "anonymous", "count", "access", "reason",
    "reason_text", "condition", "stated_limits", "side", "reply", "cue",
)  # fmt: skip


# --- the source entities a story mentions ------------------------------------------------


@dataclass
class _Source:
    """One source as the story builds it up across mentions (mutable while reading)."""

    kind: SourceKind
    name: str | None
    descriptor: str
    story_in_us: bool
    count: int | None = None
    access: Access | None = None
    reason: tuple[Reason, str] | None = None
    condition: str | None = None
    limits: list[str] = field(default_factory=list)
    side: Side | None = None
    parent: _Source | None = None

    @property
    def anonymous(self) -> bool:
        return self.kind == "anonymous_group"

    def learn(self, words: str) -> None:
        """Take in the caveats that ``words`` state about this source; the first statement stands."""
        if not self.anonymous:
            return
        self.access = self.access or caveats.access_of(words)
        self.condition = self.condition or caveats.condition_of(words)
        self.reason = self.reason or caveats.reason_of(words)

    def caveat(self, attribute: str) -> Any:
        value = getattr(self, attribute)
        if value in (None, []) and self.parent is not None:
            return self.parent.caveat(attribute)
        return value


_BACK_REFERENCE: Final = re.compile(
    r"^(?:the|The) ((?:[a-z]+ )?(?:officials?|people|person|sources?|aides?|diplomats?|officers?|employees?|"
    r"managers?|administrators?|executives?|board member|poll worker|investigators?|engineers?|workers?|"
    r"company|ministry|body|regulator|federation|agency|office|team|club|union|firm|bank|department|"
    r"study|report|memo|draft|court|manufacturer|developer|operator|council|board))$"
)
_SUBGROUP: Final = re.compile(r"^(One|Neither|Both|Each|None) of (them|the \w+)$|^(Both|Neither)$")


class _Sources:
    """Resolves each mention to a source: named, new, or one mentioned before."""

    def __init__(self, story_in_us: bool) -> None:
        self.story_in_us = story_in_us
        self.recent: list[_Source] = []  # most recent mention last

    def resolve(self, descriptor: str) -> tuple[_Source, str]:
        """The source a descriptor names, and a cue saying how it was found."""
        lowered = descriptor.lower()
        if sources.is_pronoun(descriptor):
            found = self._latest(_pronoun_fits(lowered))
            if found is not None:
                return self._mention(found), f"pronoun “{descriptor}” → {found.name or found.descriptor}"
        back = _BACK_REFERENCE.match(descriptor)
        if back:
            noun = back.group(1).split()[-1].rstrip("s")
            found = self._latest(lambda s: noun in s.descriptor.lower()) or self._latest(
                lambda s: s.kind == sources.kind_of(descriptor) or (s.kind == "organization" and noun == "body")
            )
            if found is not None:
                return self._mention(found), f"back-reference “{descriptor}” → {found.name or found.descriptor}"
        sub = _SUBGROUP.match(descriptor)
        if sub:
            parent = self._latest(lambda s: s.anonymous)
            if parent is not None:
                count = 2 if lowered.startswith("both") else 1 if lowered.startswith("one") else parent.count
                child = _Source("anonymous_group", None, descriptor, self.story_in_us, count=count, parent=parent)
                child.side = parent.side
                return self._mention(child), f"one of “{parent.descriptor}”"
        kind = sources.kind_of(descriptor)
        if kind == "person":
            name = sources.person_name(descriptor)
            found = self._latest(lambda s: s.kind == "person" and s.name == name)
            if found is not None:
                return self._mention(found), f"named source: {name}"
        elif len(descriptor.split()) == 1 and descriptor[:1].isupper():
            # A bare surname ("Pike") is a person mentioned before; otherwise a one-word name is an organisation.
            found = self._latest(lambda s: s.kind == "person" and (s.name or "").split()[-1:] == [descriptor])
            if found is not None:
                return self._mention(found), f"surname “{descriptor}” → {found.name}"
        name = sources.person_name(descriptor) if kind == "person" else None
        if kind in ("organization", "document"):
            name = sources.organization_name(descriptor) if kind == "organization" else None
            found = self._latest(lambda s: s.kind == kind and name is not None and s.name == name)
            if found is not None:
                return self._mention(found), f"named source: {name}"
        source = _Source(kind, name, descriptor, self.story_in_us)
        if source.anonymous:
            source.count = sources.count_of(descriptor)
            source.side = sources.side_of(descriptor, story_in_us=self.story_in_us)
            source.learn(descriptor)
            return self._mention(source), f"anonymous source: {descriptor}"
        return self._mention(source), f"{kind}: {name or descriptor}"

    def reference_at_start(self, sentence: str) -> _Source | None:
        """The anonymous source a caveat sentence opens with ("The people spoke on condition …")."""
        match = re.match(r"^(?:The|the) (\w+)\b|^(They|Both|Neither)\b", sentence)
        if match is None:
            return None
        noun = (match.group(1) or "").rstrip("s")
        return self._latest(lambda s: s.anonymous and (not noun or noun in s.descriptor.lower()))

    def _latest(self, test: Any) -> _Source | None:
        for source in reversed(self.recent):
            if test(source):
                return source
        return None

    def _mention(self, source: _Source) -> _Source:
        if source in self.recent:
            self.recent.remove(source)
        self.recent.append(source)
        return source


def _pronoun_fits(pronoun: str) -> Any:
    if pronoun in {"he", "she", "him", "her", "i"}:
        return lambda s: s.kind == "person" or (s.anonymous and s.count == 1)
    if pronoun in {"they", "them", "we"}:
        return lambda s: s.anonymous or s.kind == "organization"
    return lambda s: s.kind in ("organization", "document")


# --- judging the words -------------------------------------------------------------------

_FUTURE: Final = re.compile(r"\b(will|would|’ll|'ll|plans to|intends to|is scheduled to|are scheduled to)\b")
_NEGATED_FUTURE: Final = re.compile(r"\b(will not|would not|won’t|won't|wouldn’t|wouldn't)\b")
_TIME_EXPRESSION: Final = re.compile(
    r"\b(on (Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|Monday|Tuesday|Wednesday|Thursday|"
    r"Friday|Saturday|Sunday|tomorrow|next (week|month|year)|this week|later this (week|month|year)|"
    r"(January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|"
    r"Aug\.|Sept\.|Oct\.|Nov\.|Dec\.)( \d{1,2})?)\b"
)
_SPECULATION: Final = re.compile(
    r"\b(could|may|might|likely|probably|possibly|perhaps|expected to|expects?|predicts?|almost certainly|"
    r"would)\b",
    re.I,
)
_OPINION: Final = re.compile(
    r"\b(I think|I believe|we believe|should|must|ought to|needs? to|grateful|worried|optimistic|hope|"
    r"cannot keep|the good news|careful)\b",
    re.I,
)
_CHARACTERIZATION: Final = re.compile(
    r"\b(reckless|stunt|betray\w*|deliberate|cynical|incompetent|dishonest|liars?|fantasy|provocation|"
    r"piggy bank|shameful|disgrace\w*|overwhelmed|frenemy|lucky)\b",
    re.I,
)
_DECLINED: Final = re.compile(
    r"\b(declined|refused|refrained)\b(?! to be (named|identified))|\b(does|do|did) not comment\b|"
    r"\bno comment\b|\bnothing to add\b"
)
_NO_RESPONSE: Final = re.compile(
    r"\b(did not|didn’t|didn't|has not|have not) (immediately )?(respond|reply|return|answer)\w*\b|"
    r"\bcould not be (reached|contacted)\b"
)
_RESPONSE_OPENING: Final = re.compile(r"^(?:(?:But|And)\s+)?(Asked|Pressed|When asked|In response|Responding)\b")
_STOPWORDS: Final = frozenset(
    re.findall(
        r"\w+",
        "the a an and or of to in on at for by with from that this these those it its is was were be been has "
        "have had will would could may might can not no such any as about into than then there their they he "
        "she his her we our you your i said says told since whether what which who whom also more most very",
    )
)
_ENGLISH_HINTS: Final = re.compile(r"\b(the|and|of|to|in|said|that|is|was|for)\b", re.I)


def _stems(words: str) -> set[str]:
    # A five-letter prefix is a crude stem, but it joins "provide" and "provided" and needs no model.
    return {w[:5] for w in re.findall(r"[a-z]+", words.lower()) if w not in _STOPWORDS and len(w) > 2}


def _content_type(words: str, verb: str) -> ContentType:
    if _CHARACTERIZATION.search(words) or verb == "called":
        return "characterization"
    if _OPINION.search(words):
        return "opinion"
    if _SPECULATION.search(words):
        return "speculation"
    return "fact"


def _statement(text: str, frame: Frame, source: _Source) -> str:
    """The credited words as a plain proposition: no quotation marks, no "he said" inside."""
    words = text[frame.content_start : frame.content_end]
    if frame.direct:
        words = re.sub(r"[,.]?[”\"]\s*(?:[^“\"]{0,80}?)\s*[“\"]", " ", words)
    words = re.sub(r"[“”\"]", "", words)
    words = re.sub(r"\s+", " ", words).strip()
    if not frame.direct and source.name:
        # "he had agreed" → "Colin Reyes had agreed": only the speaker's own pronoun, only at the start.
        if source.kind == "person":
            words = re.sub(r"^(he|she)\b", source.name, words)
        elif source.kind == "organization":
            words = re.sub(r"^(it)\b", source.name, words)
    if words:
        words = words[0].upper() + words[1:]
    return words + "." if words and words[-1] not in ".!?" else words


def _reply(sentence: str, frame: Frame) -> Reply | None:
    if _NO_RESPONSE.search(sentence):
        return "no_response"
    if _DECLINED.search(sentence):
        return "declined_to_comment"
    if DENIAL_VERBS.match(frame.verb):
        return "denial"
    if _RESPONSE_OPENING.match(sentence) or frame.verb in ("responded", "replied"):
        return "non_denial"
    return None


# --- the whole story ---------------------------------------------------------------------


@dataclass
class _Found:
    frame: Frame
    sentence: Sentence
    sentence_text: str
    source: _Source
    cue: str
    reply: Reply | None = None


def check(text: str, *, max_chars: int = MAX_CHARS) -> None:
    """Refuse what is not a story at all: nothing, too much, or bytes that are not text."""
    if not text or not text.strip():
        raise ExtractionError("empty", "The text is empty: paste the story's text.")
    if len(text) > max_chars:
        raise ExtractionError(
            "too_large", f"The text has {len(text):,} characters; at most {max_chars:,} can be read at once."
        )
    sample = text[:100_000]
    unreadable = sum(1 for ch in sample if not (ch.isprintable() or ch in "\n\r\t"))
    if "\x00" in text or unreadable > len(sample) * 0.1:
        raise ExtractionError("binary", "The text looks like a binary file, not a story: paste the story's text.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # Half of a surrogate pair: bytes decoded as if they were text, not a story anyone wrote.
        raise ExtractionError(
            "binary", "The text holds broken characters, not a story: paste the story's text."
        ) from None


def extract(text: str, *, max_chars: int = MAX_CHARS) -> Extraction:
    check(text, max_chars=max_chars)
    word_count = len(re.findall(r"\w+", text[:200_000]))
    if word_count and len(_ENGLISH_HINTS.findall(text[:200_000])) < word_count * 0.04:
        why = "no English reporting cues: the text may be in another language, which this extractor does not read"
        return Extraction(text, (), (), (Skipped(0, len(text), why),))

    paragraph_spans = paragraphs(text)
    quotes = QuoteIndex(quotations(text, paragraph_spans))
    registry = _Sources(sources.home_country_is_dateline(text))
    found: list[_Found] = []
    skipped: list[Skipped] = []
    consumed = 0
    units = _units(text, sentences(text), quotes)
    for index, sentence in enumerate(units):
        if sentence.start < consumed:
            continue
        words = text[sentence.start : sentence.end]
        if words.rstrip(' ”"’').endswith("?") and words[0] not in OPENING:
            skipped.append(Skipped(sentence.start, sentence.end, "a question, not a claim"))
            continue
        frame = find_frame(text, sentence.start, sentence.end, quotes)
        if frame is None:
            frame = _run_on_of_previous(text, sentence, found, quotes)
            if frame is None:
                _note_caveat_sentence(words, registry, sentence, skipped)
                continue
        frame = _extend_over_quotations(text, frame, units[index + 1 :], sentence, quotes)
        consumed = max(sentence.end, frame.content_end)
        descriptor = text[frame.speaker_start : frame.speaker_end]
        source, cue = registry.resolve(descriptor)
        source.learn(_outside(words, frame, sentence.start))
        content = text[frame.content_start : frame.content_end]
        negated = re.match(r"(Neither|None of them)\b", descriptor) is not None
        if source.anonymous and (negated or caveats.is_limit(frame.verb, content)):
            root = source
            while root.parent is not None:
                root = root.parent
            root.limits.append(
                text[trim(text, sentence.start, sentence.end)[0] : sentence.end].rstrip(".") if negated else content
            )
            skipped.append(Skipped(sentence.start, sentence.end, f"a stated limit of {source.descriptor!r}"))
            continue
        if _reply(words, frame) is None and _is_plan(content, frame, source):
            skipped.append(Skipped(sentence.start, sentence.end, "a named source's plan or schedule, not a claim"))
            continue
        found.append(_Found(frame, sentence, words, source, cue, _reply(words, frame)))

    _inherit_replies(found)
    claims = tuple(_claim(text, item) for item in found)
    return Extraction(text, claims, tuple(_relations(text, found)), tuple(skipped))


def _units(text: str, found: list[Sentence], quotes: QuoteIndex) -> list[Sentence]:
    """Sentences, joined where the segmenter cut inside a quotation within one paragraph."""
    units: list[Sentence] = []
    for sentence in found:
        if units and units[-1].paragraph == sentence.paragraph:
            last = units[-1]
            if any(q.end > last.end for q in quotes.within(last.start, last.end)):
                units[-1] = Sentence(last.start, sentence.end, last.paragraph)
                continue
        units.append(sentence)
    return units


def _run_on_of_previous(text: str, sentence: Sentence, found: list[_Found], quotes: QuoteIndex) -> Frame | None:
    """A paragraph that is only a quotation continues the previous paragraph's quoted speaker."""
    if text[sentence.start] not in OPENING or not found:
        return None
    previous = found[-1]
    quote = quotes.starting_at(sentence.start + 1)
    if quote is None or not previous.frame.direct or previous.sentence.paragraph != sentence.paragraph - 1:
        return None
    start, end = trim(text, quote.start, quote.end)
    f = previous.frame
    return Frame(f.speaker_start, f.speaker_end, f.verb, start, end, "after", direct=True)


def _extend_over_quotations(
    text: str, frame: Frame, following: list[Sentence], sentence: Sentence, quotes: QuoteIndex
) -> Frame:
    """Take in a quotation that runs on past the sentence, and the speaker's next unframed quotations."""
    end = frame.content_end
    for quote in quotes.within(frame.content_start - 1, frame.content_end):
        end = max(end, quote.end)
    if frame.direct:
        for nxt in following:
            if nxt.paragraph != sentence.paragraph or text[nxt.start] not in OPENING:
                break
            if find_frame(text, nxt.start, nxt.end, quotes) is not None:
                break
            run_on = quotes.starting_at(nxt.start + 1)
            if run_on is None:
                break
            end = max(end, run_on.end)
    _, end = trim(text, frame.content_start, end)
    if end == frame.content_end:
        return frame
    return Frame(frame.speaker_start, frame.speaker_end, frame.verb, frame.content_start, end, frame.placement, True)


def _outside(words: str, frame: Frame, offset: int) -> str:
    """The sentence without the credited words: where caveats about the source are stated."""
    start, end = frame.content_start - offset, frame.content_end - offset
    return words[: max(start, 0)] + " … " + words[max(end, 0) :]


def _note_caveat_sentence(words: str, registry: _Sources, sentence: Sentence, skipped: list[Skipped]) -> None:
    if not (caveats.condition_of(words) or caveats.reason_of(words)):
        return
    source = registry.reference_at_start(words)
    if source is None:
        return
    source.learn(words)
    skipped.append(Skipped(sentence.start, sentence.end, f"anonymity caveats of {source.descriptor!r}"))


def _is_plan(content: str, frame: Frame, source: _Source) -> bool:
    """A named source's own plan or schedule: checked by waiting, not by research."""
    if frame.direct or source.anonymous or _NEGATED_FUTURE.search(content[:80]):
        return False
    if re.match(r"(he|she|it|they|we|I) " + _FUTURE.pattern, content):
        return True
    return _FUTURE.search(content[:80]) is not None and _TIME_EXPRESSION.search(content) is not None


def _inherit_replies(found: list[_Found]) -> None:
    """A source's next words after its reply are part of the reply ("Pike denied …. “We have nothing to hide”")."""
    for previous, item in itertools.pairwise(found):
        if (
            item.reply is None
            and previous.reply is not None
            and item.source is previous.source
            and item.sentence.paragraph - previous.sentence.paragraph <= 1
        ):
            item.reply = previous.reply


def _claim(text: str, item: _Found) -> Claim:
    frame, source = item.frame, item.source
    content = text[frame.content_start : frame.content_end]
    anonymous = source.anonymous
    reason = source.caveat("reason")
    limits = source.caveat("limits")
    role: Role = "responds" if item.reply is not None else "claimant"
    root = source
    while root.parent is not None:
        root = root.parent
    attribution = Attribution(
        role=role,
        descriptor=text[frame.speaker_start : frame.speaker_end],
        start=frame.speaker_start,
        end=frame.speaker_end,
        name=None if anonymous else source.name,
        source_kind=source.kind,
        anonymous=anonymous,
        count=source.count if anonymous else None,
        access=(source.caveat("access") or "unstated") if anonymous else None,
        reason=(reason[0] if reason else "not_given") if anonymous else None,
        reason_text=(reason[1] if reason else None) if anonymous else None,
        condition=source.caveat("condition") if anonymous else None,
        stated_limits="; ".join(limits) if anonymous and limits else None,
        side=(source.side or "unknown") if anonymous else None,
        reply=item.reply,
        cue=item.cue,
        source_name=(None if anonymous else source.name) or root.descriptor,
        source_description=root.descriptor,
    )
    cue = frame.cue
    if source.kind == "organization" and sources.OUTLET_WORDS.search(source.descriptor):
        cue = f"credited to another outlet: {frame.verb}"
    return Claim(
        statement=_statement(text, frame, source),
        quote=content,
        start=frame.content_start,
        end=frame.content_end,
        content_type=_content_type(content, frame.verb),
        cue=cue,
        attributions=(attribution,),
    )


def _relations(text: str, found: list[_Found]) -> list[Relation]:
    """Each response, suggested as answering the claim it shares most words with; a reviewer judges."""
    relations = []
    for index, item in enumerate(found):
        if item.reply is None:
            continue
        asked = _stems(item.sentence_text)
        said = _stems(text[item.frame.content_start : item.frame.content_end])
        best: tuple[float, int] | None = None
        for other_index, other in enumerate(found):
            if other.reply is not None or other.source is item.source:
                continue
            shared = len(asked & _stems(text[other.frame.content_start : other.frame.content_end]))
            score = shared + (0.5 if other.source.anonymous else 0) - abs(other_index - index) * 0.01
            if best is None or score > best[0]:
                best = (score, other_index)
        if best is None:
            continue
        target = found[best[1]]
        target_stems = _stems(text[target.frame.content_start : target.frame.content_end])
        overlap = len(said & target_stems) / max(len(target_stems), 1)
        addresses: Addresses | None
        if item.reply in ("declined_to_comment", "no_response"):
            addresses = None
        elif item.reply == "denial":
            addresses = "fully" if overlap >= 0.3 else "partly"
        else:
            addresses = "partly" if overlap >= 0.2 else "different_proposition"
        relations.append(
            Relation(
                index, best[1], "responds_to", addresses, f"{item.reply} sharing {overlap:.0%} of the claim's words"
            )
        )
    return relations
