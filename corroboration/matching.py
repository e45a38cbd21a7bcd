"""Does an article carry a claim's proposition, and where?

A claim becomes a profile: the terms of its neutral statement and of its verbatim quote,
each weighted by how much it distinguishes (a rare term such as "Patriot" or "1,284"
weighs more than "Russia", which half the news names), and the parties it is about.
Names are folded through an alias table first, so "the Kremlin" meets "Russia" and
"the Islamic Republic" meets "Iran"; so are the words that say what happened, through
the same table's wordings, so "quit", "resigned" and "stood down" meet "step down" and
"acquire" meets "buy" (matched on stems, one term per group, never a party). Claims,
articles and the document frequencies are all read through the same table, and a
negation still governs a folded wording ("did not step down").

An article is read sentence by sentence. Its passage for the claim is the shortest run
of at most three sentences that carries the largest weighted share of the claim's terms
(scored against the statement and the quote, the better of the two), and that names
every party the claim is about; a passage that leaves a party out scores half. A
party counts where the claim's action is said or before it (not only in a later
sentence), and a party of several words weighs as one name; what the claim says of its
parties must itself be held to the linking share. Sentences that put the claim's own
words in question or still to come ("will rule on Tuesday whether…", "is due to
rule"), beyond what the claim itself does, are previews and carry nothing; so are
sentences that give figures or dates, none of them the claim's ("12,840 cases" for
"1,284 cases", "his term ends in 2028" for "will step down at the end of June"). From the
passage come the score, the excerpt with its matched words marked (offsets, not HTML),
and the place where stance and echo detection look.

A claim that merely *responds* to this one and addresses a different proposition
(Peskov's "no such requests from Tehran" to "Russia has provided Iran with
information") is passed in as a response: the sentences that carry it are not read as
carrying this claim, so its negation never becomes a denial of this claim.

    stats = TermStats.of_texts(texts)            # maintained by the database layer
    profile = ClaimProfile.of(statement, quote, aliases=table, stats=stats)
    result = match(profile, text, responses=[ClaimProfile.of(...)])
    result.related, result.score, result.excerpt, result.marks
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from corroboration.aliases import AliasTable
from corroboration.echoes import EchoFinding, OutletNames, find_echo, outlet_names
from corroboration.stance import Stance, StanceSuggestion, negated_terms, suggest_stance
from corroboration.text import (
    MONTHS,
    NEGATORS,
    RELAYED,
    Token,
    is_content,
    is_verb_form,
    sentence_spans,
    stem,
    term_forms,
    tokens,
    without_caveats,
)

__all__ = [
    "MAX_WINDOW",
    "RELATED",
    "ClaimProfile",
    "Document",
    "Match",
    "Span",
    "TermStats",
    "match",
    "match_article",
    "outlet_names",
    "responses_to",
]

# Below RELATED an article does not carry the claim.
RELATED = 0.5
MAX_WINDOW = 3
# A passage that leaves out a party the claim is about is worth this much of its score.
MISSING_PARTY = 0.5
# …and one that leaves out only the claim's source ("…, according to the Ghana Cocoa
# Board", "The Czech Athletics Federation said …") while naming the others, this much:
# a page may report what was said without saying who said it first.
MISSING_SOURCE = 0.7
# A quote carrying less than this share of the statement's weight is marked down.
QUOTE_DISTINCTIVENESS = 0.8
# Parties may be named this many sentences before a passage ("it", "the club" after the name).
CONTEXT = 2

# Words of a name that say what kind of body it is rather than which one: "Harbor
# United" is named by "Harbor", "Supreme Court" by nothing in particular.
_GENERIC_NAME_STEMS = frozenset(
    stem(w)
    for w in """fc united city court supreme ministry department agency council government state club inc ltd
    corp company group news times post herald national federal international president minister spokesman
    spokeswoman spokesperson""".split()  # noqa: SIM905
)
# The head noun of a body's name, by which copy refers back to it: "Estmark's Health
# Ministry" is "the ministry" two paragraphs on, "the Supreme Court" "the court".
_BODY_STEMS = frozenset(
    stem(w)
    for w in """ministry department agency council court club company government commission committee
    authority regulator parliament board bureau institute bank union alliance party accord agreement treaty
    pact convention""".split()  # noqa: SIM905
)
# A person's title, by which copy refers to them: "the minister", "the country's fisheries minister".
_TITLE_STEMS = frozenset(
    stem(w)
    for w in """minister president governor mayor chairman chairwoman commissioner secretary senator spokesman
    spokeswoman spokesperson""".split()  # noqa: SIM905
)
# Head nouns copy refers back by: a body's, a document's or a person's title.
_HEAD_STEMS = _BODY_STEMS | _TITLE_STEMS
# Words that put what follows in question, in a condition or still to come: "the court
# will rule on Tuesday whether…", "it can only take effect if all of them sign", "is due
# to rule", "asked the judge to wait for the ruling". A plain "will" is not one:
# "Brightwater will buy Lumen" reports an agreed deal.
_PROSPECTIVE_WORDS = frozenset({"whether", "awaiting", "pending", "if", "unless"})
_PROSPECTIVE_PAIRS = frozenset(
    {("due", "to"), ("expected", "to"), ("set", "to"), ("wait", "for"), ("waiting", "for"), ("ahead", "of")}
)
_PROSPECTIVE_REACH = 4
_YEAR = re.compile(r"(?:19|20)\d\d")
# "assets in the Middle East": a name after one of these says where, not who.
_LOCATIVE = frozenset({"in", "at", "across", "throughout", "near", "around", "inside", "within"})
# Ordinary news vocabulary, weighed low when no statistics are given.
_COMMON_NEWS_STEMS = frozenset(
    stem(w)
    for w in """official officials government minister ministry president country countries people state states
    city new year years time first last percent million billion week spokesman spokesperson statement
    added including told news""".split()  # noqa: SIM905
)

Span = tuple[int, int]


@dataclass(frozen=True)
class TermStats:
    """Document frequencies of terms over the articles the tracker holds: `df[term]`
    is how many of `doc_count` articles contain the term (terms as `Document.terms`
    gives them). Maintained by the database layer; `TermStats()` (no articles) falls
    back to a rough prior by kind of term."""

    doc_count: int = 0
    df: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def of_texts(cls, texts: Iterable[str], aliases: AliasTable | None = None) -> TermStats:
        table = aliases or AliasTable()
        counts: dict[str, int] = {}
        n = 0
        for text in texts:
            n += 1
            for term in Document(text, table).all_terms:
                counts[term] = counts.get(term, 0) + 1
        return cls(doc_count=n, df=counts)

    def weight(self, term: str, *, entity: bool = False, name: bool = False) -> float:
        """Inverse document frequency, ln((N + 1) / (df + 0.5)); a rarer term weighs
        more. Without statistics: entities and common news words 0.5, names and
        numbers 1.5, anything else 1."""
        if self.doc_count > 0:
            df = self.df.get(term, 0)
            return max(0.1, math.log((self.doc_count + 1) / (df + 0.5)))
        if entity or term in _COMMON_NEWS_STEMS:
            return 0.5
        if name or term[:1].isdigit():
            return 1.5
        return 1.0


@dataclass(frozen=True)
class _Term:
    term: str
    first: int  # token indexes, [first, last)
    last: int


class Document:
    """A text read once: its sentences and, for each, its terms with the tokens they
    came from (entities folded through the alias table, other words stemmed)."""

    def __init__(self, text: str, aliases: AliasTable | None = None) -> None:
        self.text = text
        self.aliases = aliases or AliasTable()
        self.tokens: list[Token] = tokens(text)
        self.spans: list[Span] = sentence_spans(text)
        self.sentence_terms: list[list[_Term]] = []
        self.sentence_tokens: list[tuple[int, int]] = []
        i = 0
        for start, end in self.spans:
            first = i
            while i < len(self.tokens) and self.tokens[i].start < end:
                i += 1
            # Tokens before `start` (whitespace-only gaps) belong to no sentence.
            while first < i and self.tokens[first].start < start:
                first += 1
            self.sentence_tokens.append((first, i))
            self.sentence_terms.append(self._terms(first, i))

    def _terms(self, first: int, last: int) -> list[_Term]:
        words = self.tokens[first:last]
        found: list[_Term] = []
        entities = {e.first: e for e in self.aliases.entities(words)}
        # A wording never runs into a name: "take over Lumen" is "~buy" then Lumen.
        wordings = {
            w.first: w
            for w in self.aliases.wordings(words)
            if not any(w.first < e.first < w.last for e in entities.values())
        }
        j = 0
        while j < len(words):
            folded = entities.get(j) or wordings.get(j)
            if folded is not None:
                found.append(_Term(folded.key, first + folded.first, first + folded.last))
                end = folded.last - 1
                head = _referring_head(words, end) if words[end].plain.endswith("'s") else None
                if head is not None:  # "Portugal's fisheries minister": Portugal's minister
                    owned = _owned(_head_term(words[head].plain), folded.key)
                    found.append(_Term(owned, first + folded.first, first + head + 1))
                j = folded.last
                continue
            plain = words[j].plain
            head = _referring_head(words, j) if plain in _REFERRING or plain.endswith("'s") else None
            if head is not None:
                # "the ministry": a reference back to a named body (see _Party.head);
                # "Nigeria's government" is Nigeria's, whoever else's government is meant.
                term = _head_term(words[head].plain)
                if plain.endswith("'s") and words[j].capitalised:
                    term = _owned(term, term_forms(plain)[0] if term_forms(plain) else plain)
                elif plain == "the" and head == j + 2 and not words[j + 1].plain.endswith("'s"):
                    # "the foreign ministry" is not the claim's health ministry, nor "the
                    # former president" its president: the word of what kind must be the claim's.
                    term = _owned(term, stem(words[j + 1].plain))
                found.append(_Term(term, first + j, first + head + 1))
            elif (
                words[j].capitalised
                and j > 0
                and words[j - 1].capitalised
                and stem(plain) in _HEAD_STEMS
                and not (j + 1 < len(words) and words[j + 1].capitalised)
                and not (j + 2 < len(words) and words[j + 1].plain == "of" and words[j + 2].plain in _OTHER_COURTS)
            ):
                # "nine Supreme Court judges": the body by its own title, without its country;
                # "Foreign Minister Marek Dobrovský" is the title of the name that follows,
                # and "the Minnesota Court of Appeals" another court than the Supreme Court.
                found.append(_Term(_head_term(plain), first + j, first + j + 1))
            if is_content(plain):
                found.extend(_Term(form, first + j, first + j + 1) for form in term_forms(plain))
            j += 1
        return found

    @cached_property
    def times(self) -> list[set[str]]:
        """Each sentence's months and years (`_times`), read once for every claim."""
        return [_times(self.tokens[first:last]) for first, last in self.sentence_tokens]

    @cached_property
    def figures(self) -> list[tuple[set[str], set[str]]]:
        """Each sentence's figures after its dateline, and which of them it writes as
        years ("2025", not "2,000"), read once for every claim."""
        found = []
        for (first, last), terms in zip(self.sentence_tokens, self.sentence_terms, strict=True):
            dateline = first + _dateline_end(self.tokens[first:last])
            own = {t.term for t in terms if t.term[:1].isdigit() and t.first >= dateline}
            found.append((own, own & _years(self.tokens[first:last])))
        return found

    @cached_property
    def wording_at(self) -> dict[int, str]:
        """Token index → the wording key of the phrase it is part of ("stood" in
        "stood down" → "~step down")."""
        return {
            i: t.term
            for terms in self.sentence_terms
            for t in terms
            if self.aliases.is_wording(t.term)
            for i in range(t.first, t.last)
        }

    @cached_property
    def all_terms(self) -> set[str]:
        return {t.term for terms in self.sentence_terms for t in terms}

    def terms_in(self, first: int, last: int) -> set[str]:
        """The terms of sentences [first, last)."""
        return {t.term for i in range(max(first, 0), min(last, len(self.spans))) for t in self.sentence_terms[i]}

    def passage(self, first: int, last: int) -> Span:
        return self.spans[first][0], self.spans[last - 1][1]


_REFERRING = frozenset({"the", "its", "their"})
# What follows "Court of" in the name of another court than a supreme one: "the Minnesota
# Court of Appeals" (the Supreme Court of Canada is its country's).
_OTHER_COURTS = frozenset("appeal appeals justice cassation arbitration claims session auditors first".split())  # noqa: SIM905


def _referring_head(words: Sequence[Token], at: int) -> int | None:
    """Where the head noun is when the words from `at` refer back to a body or a person
    by what they are: "the ministry", "the minister", or by the place they belong to,
    with at most one word between: "the state's highest court", "Portugal's fisheries
    minister", "its fisheries minister". None when they do not."""
    if words[at].plain in ("its", "their"):
        # "its fisheries minister", "their board": the body's own, named before.
        possessive = at
    elif words[at].plain == "the":
        # "the ministry", "the Court", and with one word of what kind in lower case
        # before the head: "the health ministry", "the prime minister" (which refer back
        # only to a claim that says that word: `_Term` owned by it, see Document._terms).
        for k in range(at + 1, min(at + 3, len(words))):
            if stem(words[k].plain) in _HEAD_STEMS and (k == at + 1 or words[k].surface.islower()):
                return k
            if not words[k].surface.islower() or words[k].plain.endswith("'s") or not is_content(words[k].plain):
                break
        k = at + 1
        if not (k < len(words) and words[k].plain.endswith("'s") and not words[k].capitalised):
            return None
        possessive = k
    elif words[at].plain.endswith("'s") and words[at].capitalised:
        possessive = at
    else:
        return None
    k = possessive + 1
    if k + 1 < len(words) and not words[k].capitalised and stem(words[k + 1].plain) in _HEAD_STEMS:
        k += 1
    return k if k < len(words) and stem(words[k].plain) in _HEAD_STEMS else None


_APPOSITIVE_OPENERS = frozenset({"the", "a", "an", "its", "their"})


def _described(document: Document) -> set[str]:
    """Terms said only in an appositive after a name ("Asante Cocoa Works, the country's
    largest cocoa processor,"): a comma after a capitalised word, then "the", "a", "its"
    or a possessive, up to the next comma or the end of the sentence."""
    words, text = document.tokens, document.text
    inside: set[int] = set()
    for i in range(1, len(words)):
        gap = text[words[i - 1].end : words[i].start]
        opens = words[i].plain in _APPOSITIVE_OPENERS or words[i].plain.endswith("'s")
        if "," not in gap or not words[i - 1].capitalised or not opens:
            continue
        j = i
        while j < len(words) and (j == i or not re.search(r"[,.;:!?]", text[words[j - 1].end : words[j].start])):
            inside.add(j)
            j += 1
    said_elsewhere = {t.term for terms in document.sentence_terms for t in terms if t.first not in inside}
    return {t.term for terms in document.sentence_terms for t in terms if t.first in inside} - said_elsewhere


_PARENTHESIS = re.compile(r"\(([^()]*)\)")
# A figure in units or money: what may be said again in other units.
_MEASURE = re.compile(
    r"(?:[$€£¥₹]|\bRs\.?\s?)\s?\d|\d[\d,.]*\s?(?:%|(?:per ?cent|percent|million|billion|trillion|"
    r"crores?|lakhs?|thousand|bn|m|rupees|dollars|euros|pounds|yen|yuan|francs|kroner|kronor|pesos|rand|"
    r"km|kilometres|kilometers|miles|hectares|acres|tonnes|tons|kg|kilograms|litres|liters|gallons|mm|millimetres)\b)",
    re.IGNORECASE,
)


def _restated(document: Document) -> tuple[set[str], dict[str, str]]:
    """A figure the wording says again in brackets in other units ("84.12 billion rupees
    (8,412 crore rupees)", "€2.1bn ($2.3bn)"): the terms said only in the brackets, and
    each bracketed figure → the figure it restates (the last one before the bracket)."""
    words, text = document.tokens, document.text
    inside: set[int] = set()
    equal: dict[str, str] = {}
    for bracket in _PARENTHESIS.finditer(text):
        # Only a measure restates a measure: "(8,412 crore rupees)" after "84.12 billion
        # rupees", never "(including 3 children)" after "12 people".
        lead = text[max(0, bracket.start() - 30) : bracket.start()]
        if not (_MEASURE.match(bracket.group(1).strip()) and _MEASURE.search(lead)):
            continue
        within = [i for i, w in enumerate(words) if bracket.start() < w.start < bracket.end()]
        before = [i for i, w in enumerate(words) if w.end <= bracket.start()][-3:]
        stated = next((words[i].plain for i in reversed(before) if words[i].plain[:1].isdigit()), None)
        figures = [words[i].plain for i in within if words[i].plain[:1].isdigit()]
        if stated is None or not figures:
            continue
        inside.update(within)
        equal.update((figure, term_forms(stated)[0]) for figure in figures)
    said_elsewhere = {t.term for terms in document.sentence_terms for t in terms if t.first not in inside}
    terms_inside = {t.term for terms in document.sentence_terms for t in terms if t.first in inside}
    return terms_inside - said_elsewhere, {term_forms(k)[0]: v for k, v in equal.items() if k != v}


def _head_term(plain: str) -> str:
    return "the:" + stem(plain)


_OWNER = "^"


def _owned(head: str, owner: str) -> str:
    """A head noun with the name that owns it: "Nigeria's government" → "the:govern^nigeria".
    It refers back to a claim's body only when the owner is one of the claim's own
    names (`ClaimProfile.read`)."""
    return f"{head}{_OWNER}{owner}"


def _unowned(term: str) -> str:
    return term.partition(_OWNER)[0]


@dataclass(frozen=True)
class _Party:
    """A name the claim is about; present when any of its distinguishing terms is, or
    when a body's name is referred back to by its head noun ("the ministry")."""

    label: str
    terms: frozenset[str]
    head: str = ""

    def named_in(self, seen: set[str]) -> bool:
        return bool(self.terms & seen) or (bool(self.head) and self.head in seen)


@dataclass(frozen=True)
class _Version:
    weights: Mapping[str, float]

    @cached_property
    def total(self) -> float:
        return sum(self.weights.values())

    def coverage(self, found: set[str]) -> float:
        if not self.total:
            return 0.0
        return sum(w for t, w in self.weights.items() if t in found) / self.total


@dataclass(frozen=True)
class ClaimProfile:
    """What distinguishes a claim: weighted terms of each wording, and its parties."""

    versions: tuple[_Version, ...]
    parties: tuple[_Party, ...]
    negations: int  # negators in the statement: "no requests" carries one of its own
    prospective: int = 0  # open or pending frames in the statement or quote: "is expected to step down" carries one
    times: frozenset[str] = frozenset()  # months and years the claim dates itself by: "at the end of June" → june
    negated: frozenset[str] = frozenset()  # the claim's own terms its negations govern: "will not run" → run
    restated: tuple[tuple[str, str], ...] = ()  # a figure said again in other units → the figure: ("8412", "84.12")
    words: frozenset[str] = frozenset()  # stems of every word of the wordings, names included
    years: frozenset[str] = frozenset()  # figures the wordings write as years: "2025", not "2,000"
    sources: frozenset[str] = frozenset()  # labels of parties the statement names as its source
    aliases: AliasTable = field(compare=False, repr=False, default_factory=AliasTable)

    @classmethod
    def of(
        cls,
        statement: str,
        quote: str = "",
        *,
        aliases: AliasTable | Mapping[str, Sequence[str]] | None = None,
        stats: TermStats | None = None,
    ) -> ClaimProfile:
        """The profile of a claim from its neutral statement and verbatim quote.
        `aliases` is a compiled table or a mapping canonical → other names (default:
        the seed table); `stats` the document frequencies (default: a rough prior)."""
        table = aliases if isinstance(aliases, AliasTable) else AliasTable(aliases)
        stats = stats or TermStats()
        # "…, two officials who were not authorized to speak publicly said": how the
        # claim was sourced is kept with it, but is not what it says.
        statement, quote = without_caveats(statement), without_caveats(quote)
        # Each wording read once, for its parties, its weights and its frames alike.
        read = {wording: Document(wording, table) for wording in (statement, quote)}
        parties = _parties(read[statement], table)
        names = {t for p in parties for t in p.terms}
        # A party is one name however many words it has: "Peeter Lind" weighs as one
        # name, shared between its words, not as two.
        share = {t: 1 / len(p.terms) for p in reversed(parties) for t in p.terms}
        versions = []
        restated: dict[str, str] = {}
        for wording in (statement, quote):
            if not wording.strip():
                continue
            # "Asante Cocoa Works, the country's largest cocoa processor": a description
            # of a party says who it is, not what the claim says of it.
            # "84.12 billion rupees (8,412 crore rupees)": the same figure said again in
            # other units is one figure of the claim, either way a page gives it.
            inside, equal = _restated(read[wording])
            restated.update(equal)
            described = _described(read[wording]) | inside
            weights = {
                term: stats.weight(term, entity=table.is_entity(term), name=term in names) * share.get(term, 1.0)
                for term in {_unowned(t) for t in read[wording].all_terms if t not in described or t in names}
            }
            if weights:
                versions.append(_Version(weights))
        negations = sum(1 for t in read[statement].tokens if _negator(t.plain))
        profile = cls(versions=tuple(versions), parties=tuple(parties), negations=negations, aliases=table)
        prospective = max(
            sum(_prospective_frames(profile, own, i) for i in range(len(own.spans)))
            for own in (read[statement], read[quote])
        )
        return cls(
            versions=profile.versions,
            parties=profile.parties,
            sources=_sources(statement, profile.parties),
            negations=negations,
            negated=negated_terms(statement, read[statement].tokens, profile),
            restated=tuple(sorted(restated.items())),
            words=frozenset(stem(t.plain) for own in read.values() for t in own.tokens if is_content(t.plain)),
            years=frozenset(y for own in read.values() for y in _years(own.tokens)),
            prospective=prospective,
            times=frozenset(
                t
                for own in read.values()
                for first, last in own.sentence_tokens
                for t in _times(own.tokens[first:last])
            ),
            aliases=table,
        )

    @cached_property
    def terms(self) -> frozenset[str]:
        return frozenset(t for v in self.versions for t in v.weights)

    def read(self, found: set[str]) -> set[str]:
        """An article's terms as this claim reads them: a head noun owned by one of the
        claim's names is the head ("Ghana's government" → "the government"); owned by
        another name, it refers to nothing of the claim ("Nigeria's government").
        `score`, `content` and `content_share` take terms read this way."""
        read = {_unowned(t) for t in found if _OWNER not in t or t.partition(_OWNER)[2] in self.owners}
        # A rounded figure is the claim's: "nearly 12,000" for 11,846; so is the figure in
        # the other units the claim gives it in.
        read |= {f for f in self.counts for t in read if t[:1].isdigit() and t != f and _near(t, f)}
        read |= {figure for other, figure in self.restated if other in read}
        return read

    def sentences(self, document: Document) -> list[set[str]]:
        """Each sentence's terms of `document` as this claim reads them (`read`), once."""
        return [self.read(document.terms_in(i, i + 1)) for i in range(len(document.spans))]

    @cached_property
    def party_terms(self) -> frozenset[str]:
        return frozenset(t for p in self.parties for t in p.terms)

    def content_share(self, found: set[str]) -> float:
        """The share of what the claim says beyond its parties' names that `found`
        holds, the better wording's (a wording less distinctive than the statement
        marked down as in `score`)."""
        names = self.party_terms
        shares = []
        for version in self.versions:
            total = sum(w for t, w in version.weights.items() if t not in names)
            held = sum(w for t, w in version.weights.items() if t not in names and t in found)
            shares.append(held / total * self._distinctiveness(version) if total else 1.0)
        return max(shares, default=0.0)

    def content(self, found: set[str]) -> float:
        """The weight of what the claim says of its parties (its terms other than the
        parties' names) among `found`, the better wording's."""
        names = self.party_terms
        return max(
            (sum(w for t, w in v.weights.items() if t in found and t not in names) for v in self.versions), default=0.0
        )

    @cached_property
    def figures(self) -> frozenset[str]:
        return frozenset(t for t in self.terms if t[:1].isdigit())

    @cached_property
    def owners(self) -> frozenset[str]:
        """What may own a head noun that refers back to the claim: its terms, and the
        stems of every word its wordings use, names folded or not ("prime" in "the
        Croatian prime minister's office")."""
        return self.terms | self.words

    @cached_property
    def counts(self) -> frozenset[str]:
        """The claim's figures that count something rather than name a year."""
        return frozenset(t for t in self.figures if t not in self.years)

    @cached_property
    def stated_figures(self) -> frozenset[str]:
        """The figures of the neutral statement (the first wording)."""
        return frozenset(t for t in self.versions[0].weights if t[:1].isdigit()) if self.versions else frozenset()

    @cached_property
    def subject(self) -> frozenset[str]:
        """Terms naming the claim's first party, normally its grammatical subject."""
        return self.parties[0].terms if self.parties else frozenset()

    def _distinctiveness(self, version: _Version) -> float:
        # A wording that distinguishes less than the statement ("it has received no such
        # requests") counts only as far as it distinguishes: the statement is the yardstick.
        if not self.versions or not self.versions[0].total:
            return 1.0
        return min(1.0, version.total / (QUOTE_DISTINCTIVENESS * self.versions[0].total))

    def could_carry(self, document: Document) -> bool:
        """Whether any passage of `document` could reach RELATED: a passage holds at most
        the terms of the whole article, and scores at most the share of a wording's
        weight it holds. A set intersection per wording, where `match` reads every
        window of sentences: the cheap test for a candidate that shares a figure and a
        few common words with the article and nothing of what the claim says."""
        terms = self.read(document.all_terms)
        return any(v.coverage(terms) * self._distinctiveness(v) >= RELATED for v in self.versions)

    def score(self, found: set[str], context: set[str], named: set[str] | None = None) -> tuple[float, tuple[str, ...]]:
        """(score, parties missing) of a passage with terms `found`; parties may also
        be named in `context` (the sentences just before, where a pronoun's antecedent is).
        `named`, when given, is where the parties must be found instead of `found`."""
        seen = (found if named is None else named) | context
        absent = [p for p in self.parties if not p.named_in(seen)]
        # A party that does not count as named (only after the claim's action) adds nothing.
        held = found.difference(*(p.terms for p in absent))
        coverage = max((v.coverage(held) * self._distinctiveness(v) for v in self.versions), default=0.0)
        # Naming the parties is not carrying the claim: what it says of them must itself be
        # held to the linking share, else the passage scores only what it holds of that —
        # never less than half its share, as for a missing party, and always below RELATED.
        said = self.content_share(held)
        if said < RELATED:
            coverage = min(coverage, max(said, coverage * MISSING_PARTY))
        missing = tuple(p.label for p in absent)
        if not missing:
            return coverage, missing
        only_source = len(absent) < len(self.parties) and all(p.label in self.sources for p in absent)
        return coverage * (MISSING_SOURCE if only_source else MISSING_PARTY), missing


# Who a statement says said it: "…, according to the Ghana Cocoa Board", "…, the
# federation said.", "The Czech Athletics Federation said (that) …". The patterns are
# fixed and each party's label is compared where they leave a name: patterns made for
# a claim's own parties would be compiled again for every claim a matching job reads.
_ACCORDING_TO = re.compile(r"\baccording to ", re.IGNORECASE)
_ARTICLE = re.compile(r"(?:the |an? )?", re.IGNORECASE)
_SAID_LAST = re.compile(r"\s+(?:said|says|stated|told)\b[^,]*$", re.IGNORECASE)
_AFTER_COMMA = re.compile(r",\s*(?:the |an? )?$", re.IGNORECASE)
_SAID_FIRST = re.compile(
    r"\s+(?:said|says|stated|told)\s+(?:that\s+)?(?!(?:it|they|he|she|we|its|their|his|her)\b)", re.IGNORECASE
)
_OPENING = re.compile(r"\W*")


def _written_at(text: str, at: int, label: str) -> bool:
    """Whether `label` (in any case) is written in `text` from `at`."""
    return at >= 0 and text[at : at + len(label)].lower() == label.lower()


def _word_ends(text: str, at: int) -> bool:
    r"""Whether a word boundary (`\b`) falls at `at`."""
    before = at > 0 and (text[at - 1].isalnum() or text[at - 1] == "_")
    after = at < len(text) and (text[at].isalnum() or text[at] == "_")
    return before != after


def _sources(statement: str, parties: Sequence[_Party]) -> frozenset[str]:
    """The parties a statement names only as the source of what it reports."""
    labels = [p.label for p in parties]
    found: set[str] = set()
    # "…, according to (the) Ghana Cocoa Board".
    for phrase in _ACCORDING_TO.finditer(statement):
        article = _ARTICLE.match(statement, phrase.end())
        for at in {phrase.end(), article.end() if article else phrase.end()}:
            found.update(
                label
                for label in labels
                if _written_at(statement, at, label) and _word_ends(statement, at + len(label))
            )
    # "…, the federation said." (no comma after the verb).
    said = _SAID_LAST.search(statement)
    while said is not None:
        before = statement[: said.start()]
        found.update(
            label
            for label in labels
            if _written_at(before, len(before) - len(label), label)
            and _AFTER_COMMA.search(before[: len(before) - len(label)])
        )
        said = _SAID_LAST.search(statement, said.start() + 1)
    # "The federation said Vondrušková set a record", not "Germany said it will send
    # tanks": the source's clause has a subject of its own.
    opening = _OPENING.match(statement)
    words_from = opening.end() if opening else 0
    starts = {words_from}  # a label starts with a word
    if statement[words_from : words_from + 4].lower() == "the ":
        starts.add(words_from + 4)
    for at in starts:
        found.update(
            label
            for label in labels
            if _written_at(statement, at, label) and _SAID_FIRST.match(statement, at + len(label))
        )
    return frozenset(found)


def _negator(plain: str) -> bool:
    return plain in NEGATORS or plain.endswith("n't")


def _parties(document: Document, table: AliasTable) -> list[_Party]:
    """The names the statement is about: entities from the alias table and runs of
    capitalised words, except a sentence's first word when it is an ordinary word,
    names that only say where ("in the Middle East"), and a place that only says whose
    or where from the name after it is ("Canadian regional airline Tamarack Air",
    "New Zealand's conservation minister"). `document`: the statement."""
    words = document.tokens
    parties: dict[str, _Party] = {}
    runs = _name_runs(document, table)
    for k, run in enumerate(runs):
        if k + 1 < len(runs) and _qualifies(run, runs[k + 1], document, table):
            if any(_OWNER not in t.term for t in runs[k + 1]):
                continue
            # "Ghana's government" names no one but Ghana's: the place is the party, and
            # "the government" or "Accra" names it alike.
            runs[k + 1] = [*run, *runs[k + 1]]
            continue
        _add_party(parties, run, words, table)
    return list(parties.values())


def _name_runs(document: Document, table: AliasTable) -> list[list[_Term]]:
    """The statement's names in order, each as the run of adjacent terms it is made of:
    "Tomas Vekic", "Estmark's Health Ministry" are one run each."""
    words = document.tokens
    lowercase = {t.plain for t in words if t.surface.islower()}
    runs: list[list[_Term]] = []
    for s, (first, _) in enumerate(document.sentence_tokens):
        run: list[_Term] = []
        for term in [*document.sentence_terms[s], None]:
            token = words[term.first] if term is not None else None
            # What happened is never a party, however it is capitalised ("Lind Quits").
            is_name = (
                term is not None
                and not table.is_wording(term.term)
                and (
                    table.is_entity(term.term)
                    or (
                        token is not None
                        and token.capitalised
                        and not (term.first == first and token.plain in lowercase)
                        and not token.plain[:1].isdigit()
                    )
                )
            )
            name = term if is_name else None
            # Adjacent names are one party: "Tomas Vekic", "Estmark's Health Ministry".
            # Terms over the same words ("Accord" is the accord and "accord"; "Zealand's
            # conservation minister" and "conservation minister") stay one name.
            # A head owned by the name before it starts a name of its own: "New Zealand's
            # conservation minister" is the minister (see _qualifies).
            owned = name is not None and _OWNER in name.term
            if name is not None and run and (owned or not run[-1].first <= name.first <= run[-1].last):
                runs.append(run)
                run = []
            if name is not None:
                run.append(name)
            elif run:
                runs.append(run)
                run = []
    return runs


# Endings of the adjective a place gives: "Canadian", "Portuguese", "Danish", "Czech".
_DEMONYM_ENDINGS = ("ian", "ean", "ese", "ish", "ch", "ic", "an", "i")
# Words between a place and the name it qualifies that say what kind of party it is
# ("regional airline", "state-owned copper company"), at most this many.
_QUALIFIED_REACH = 4
# Words that make the place the subject of a clause instead: "Iran has received".
_CLAUSE_WORDS = frozenset(
    """has have had is are was were will would can could may might should must did does do
    to and or that which who""".split()  # noqa: SIM905
)


def _qualifies(run: list[_Term], following: list[_Term], document: Document, table: AliasTable) -> bool:
    """Whether `run` is a place that only qualifies the name after it, in one noun
    phrase: a possessive ("Chile's state-owned copper company Cuprandina", "New
    Zealand's conservation minister") or an adjective of the place ("Portuguese club
    Estrela do Tejo"), with at most a few lower-case words between and no verb. The
    qualified name is the party; the place still weighs as a term of the claim."""
    words, text = document.tokens, document.text
    if len(run) != 1 or not table.is_entity(run[0].term):
        return False
    place = words[run[0].last - 1]
    # An adjective is a one-word alias of a place, not its own name ("Canadian" for
    # Canada; "Pakistan accuses India" keeps Pakistan), ending as adjectives of places do.
    adjective = (
        run[0].last - run[0].first == 1
        and place.plain != table.names.get(run[0].term, "").lower()
        and place.plain.endswith(_DEMONYM_ENDINGS)
    )
    if not (place.plain.endswith("'s") or adjective):
        return False
    between = words[run[0].last : following[0].first]
    if len(between) > _QUALIFIED_REACH or re.search(
        r"[,;:()\[\]—–]", text[place.end : words[following[0].first].start]
    ):
        return False
    return all(w.surface.islower() and not _verb_like(w.plain) for w in between)


def _verb_like(plain: str) -> bool:
    """A word that may be a verb: an auxiliary, a past form, or one ending in "-s"
    ("accuses", "warns"; "sports club" is read as a verb too, and the place kept)."""
    return (
        plain in _CLAUSE_WORDS
        or plain.endswith("ed")
        or (plain.endswith("s") and not plain.endswith("ss"))
        or is_verb_form(plain)
    )


def _add_party(parties: dict[str, _Party], run: list[_Term], words: list[Token], table: AliasTable) -> None:
    first = run[0].first
    # Skip over "the" to find the preposition before the name.
    before = first - 1
    while before >= 0 and words[before].plain == "the":
        before -= 1
    if before >= 0 and words[before].plain in _LOCATIVE:
        return
    distinguishing = frozenset(_unowned(t.term) for t in run if t.term not in _GENERIC_NAME_STEMS)
    if not distinguishing:
        return
    label = " ".join(words[i].surface for i in range(first, run[-1].last))
    last = words[run[-1].last - 1].plain
    head = _head_term(last) if stem(last) in _HEAD_STEMS else ""
    if not head:
        # A person by the title before or in the name: "fisheries minister Ana Brandão"
        # is "the minister", "the country's fisheries minister".
        title = next(
            (words[i].plain for i in range(max(first - 1, 0), run[-1].last) if stem(words[i].plain) in _TITLE_STEMS),
            "",
        )
        head = _head_term(title) if title else ""
    parties.setdefault(" ".join(sorted(distinguishing)), _Party(label=label, terms=distinguishing, head=head))


@dataclass(frozen=True)
class Match:
    """The best passage of an article for a claim. `passage` and `marks` are offsets
    into the article text; `sentences` is the [first, last) range of its sentences."""

    score: float
    passage: Span = (0, 0)
    excerpt: str = ""
    marks: tuple[Span, ...] = ()
    sentences: tuple[int, int] = (0, 0)
    missing_parties: tuple[str, ...] = ()
    excluded: tuple[int, ...] = ()  # sentences that carry a response, not this claim
    carriers: tuple[tuple[int, float], ...] = ()  # every sentence carrying the claim alone: (index, score)
    naming: tuple[int, ...] = ()  # sentences that name the claim's subject (its first party)

    @property
    def related(self) -> bool:
        return self.score >= RELATED

    @property
    def carrying(self) -> tuple[int, ...]:
        """The sentences that carry the claim on their own (`carriers` without scores)."""
        return tuple(i for i, _ in self.carriers)


def match(
    profile: ClaimProfile,
    text: str | Document,
    *,
    responses: Sequence[ClaimProfile] = (),
) -> Match:
    """Score one article against a claim and find its passage.

    `responses` are profiles of claims that respond to this one with a different
    proposition; a sentence that carries one of them is left out of this claim's
    passages. Returns a `Match` (score 0 and an empty passage when nothing matches)."""
    document = text if isinstance(text, Document) else Document(text, profile.aliases)
    replies = set(_carriers(document, responses))
    read = profile.sentences(document)
    # "… said it has no plans to cut jobs, a day after a media report said it intends to
    # close the smelter": the reply's sentence carries this claim only in what it says
    # the report said.
    reported = {i: terms for i in replies if (terms := _reported_in(profile, document, i, responses)) is not None}
    for i, terms in reported.items():
        read[i] = terms
    excluded = (replies - set(reported)) | set(_other_figures(profile, document)) | set(_prospective(profile, document))
    # A sentence dated elsewhere says nothing of the claim, but an aside ("he had been
    # expected to serve until 2028") does not part the sentences around it either.
    dated_elsewhere = set(_other_times(profile, document)) - excluded
    best: tuple[float, int, int, int, tuple[str, ...]] = (0.0, 0, 0, 0, ())
    content = [profile.content(terms) for terms in read]
    skipped = excluded | dated_elsewhere
    for start in range(len(document.spans)):
        if start in dated_elsewhere:
            continue
        found: set[str] = set()
        anchor = start
        for end in range(start, min(start + MAX_WINDOW, len(document.spans))):
            if end in excluded:
                break
            if end in dated_elsewhere:
                continue
            found |= read[end]
            if content[end] > content[anchor]:
                anchor = end
            context = _union(read, start - CONTEXT, start)
            # The parties count where the claim's action is said or before it: "Kuusk will
            # step down … Governor Lind thanked him" does not say Lind steps down.
            score, missing = profile.score(found, context, _union(read, start, anchor + 1))
            length = document.spans[end][1] - document.spans[start][0]
            # Strictly better, or as good and shorter: the shortest passage holding the claim.
            if score > best[0] + 1e-9 or (score > 0 and abs(score - best[0]) <= 1e-9 and length < best[3]):
                best = (score, start, end + 1, length, missing)
    score, first, last, _, missing = best
    if score <= 0:
        return Match(score=0.0, excluded=tuple(sorted(skipped)))
    passage = document.passage(first, last)
    marks = tuple(
        (document.tokens[t.first].start, document.tokens[t.last - 1].end)
        for s in range(first, last)
        if s not in dated_elsewhere
        for t in document.sentence_terms[s]
        if t.term in profile.terms
    )
    return Match(
        score=round(min(score, 1.0), 3),
        passage=passage,
        excerpt=document.text[passage[0] : passage[1]],
        marks=tuple(sorted(set(marks))),
        sentences=(first, last),
        missing_parties=missing,
        excluded=tuple(sorted(skipped)),
        carriers=tuple(carriers(profile, document, excluded=skipped, read=read)),
        naming=tuple(i for i, terms in enumerate(read) if profile.parties and profile.parties[0].named_in(terms)),
    )


def _union(read: Sequence[set[str]], first: int, last: int) -> set[str]:
    """The terms of sentences [first, last), as read by one claim."""
    return set().union(*read[max(first, 0) : max(last, 0)])


def carriers(
    profile: ClaimProfile,
    document: Document,
    *,
    excluded: Iterable[int] = (),
    read: Sequence[set[str]] | None = None,
) -> list[tuple[int, float]]:
    """Every sentence that on its own (with the sentence before as context for the
    parties) carries the claim: (index, score), for reading stance beyond the best passage.
    `read`: the document's sentences as the claim reads them, when already at hand."""
    read = profile.sentences(document) if read is None else read
    skip = set(excluded)
    found = []
    for i in range(len(document.spans)):
        if i in skip:
            continue
        score, _ = profile.score(read[i], _union(read, i - CONTEXT, i))
        if score >= RELATED:
            found.append((i, score))
    return found


def _other_figures(profile: ClaimProfile, document: Document) -> list[int]:
    """Sentences that give figures, none of them the claim's: "12,840 cases" is another
    claim than "1,284 cases", and a verdict on it is no verdict on this one. The
    statement's figures are the claim's when it gives any: a figure only its quote
    gives ("the legal limit of 10 micrograms") does not make "4 of 92 samples" its."""
    figures = (profile.stated_figures or profile.figures) | {other for other, _ in profile.restated}
    if not figures:
        return []
    # A year is when, not how many: "455,000 tonnes in the 2024/25 season" is another
    # count than "488,000 tonnes in the 2025/26 season", whatever year the two share.
    counts = figures - profile.years
    found = []
    # "SANTIAGO, Nov 17 (Andes Wire) -": the dispatch's day is no figure of the story.
    for i, (own, years) in enumerate(document.figures):
        own_counts = own - years
        if (own and not any(_near(a, b) for a in own for b in figures)) or (
            counts and own_counts and not any(_near(a, b) for a in own_counts for b in counts)
        ):
            found.append(i)
    return found


# A figure within this share of the claim's is the claim's, rounded: "more than 412,000"
# for 412,600, "nearly 12,000" for 11,846 — not 455,000 for 488,000.
ROUNDING = 0.02


def _near(page: str, claim: str) -> bool:
    """Whether a page's figure is the claim's: the same, or the claim's rounded — within
    ROUNDING of it and rounder ("412,000" for 412,600; not "200,720" for 204,310). A
    year is never rounded: 2024 is not 2025."""
    if page == claim:
        return True
    if _YEAR.fullmatch(page) or _YEAR.fullmatch(claim):
        return False
    try:
        x, y = float(page), float(claim)
    except ValueError:
        return False
    return y >= 1000 and abs(x - y) <= ROUNDING * y and _zeros(x) > _zeros(y)


def _zeros(figure: float) -> int:
    """Trailing zeros of a figure's whole part: 412,000 → 3, 412,600 → 2."""
    whole = int(figure)
    if figure != whole or whole == 0:
        return 0
    return len(str(whole)) - len(str(whole).rstrip("0"))


def _years(words: Sequence[Token]) -> set[str]:
    """The figures some words write as years: "2025", "2025-26" → 2026; not "2,000"."""
    return {t.plain for t in words if _YEAR.fullmatch(t.plain) and "," not in t.surface}


def _other_times(profile: ClaimProfile, document: Document) -> list[int]:
    """Sentences that date what they say by months or years, none of them the claim's,
    and give none of its figures: "his term ends in 2028" is not the claim that he
    leaves at the end of June, where "1,284 cases, the most since 2005" still is 1,284."""
    if not profile.times:
        return []
    figures = profile.figures - profile.times
    return [
        i
        for i, own in enumerate(document.times)
        if own
        and not own & profile.times
        and not (figures and any(t.term in figures for t in document.sentence_terms[i]))
    ]


def _times(sentence: Sequence[Token]) -> set[str]:
    """The months and years named in a sentence ("june", "2025"), months as copy writes
    them, capitalised, and "May" not where it could be the verb opening the sentence. A
    weekday or "today" is relative to the day of writing and dates nothing, and so does
    a dateline's day ("SANTIAGO, Nov 17 (Andes Wire) -"): it dates the dispatch."""
    start = _dateline_end(sentence)
    return {
        w.plain
        for i, w in enumerate(sentence)
        if i >= start
        and ((w.plain in MONTHS and w.capitalised and (i > 0 or w.plain != "may")) or _YEAR.fullmatch(w.plain))
    }


def _dateline_end(sentence: Sequence[Token]) -> int:
    """Where a dateline opening the sentence ends: its place in capitals, then the
    month and day ("SANTIAGO, Nov 17"); 0 when the sentence has none."""
    if not (sentence and sentence[0].surface.isupper() and len(sentence[0].surface) > 1):
        return 0
    i = 0
    while i < len(sentence) and sentence[i].surface.isupper() and len(sentence[i].surface) > 1:
        i += 1
    # The month in full or cut short: "November 17", "Nov 17", "Sept. 3".
    month = sentence[i].plain.rstrip(".") if i + 1 < len(sentence) else ""
    if len(month) >= 3 and any(m.startswith(month) for m in MONTHS) and re.fullmatch(r"\d{1,2}", sentence[i + 1].plain):
        return i + 2
    return i


def _prospective(profile: ClaimProfile, document: Document) -> list[int]:
    """Sentences that put the claim's own words in the future or in question beyond
    what the claim itself does: "the court will rule on Tuesday whether the law…" is
    a preview of a ruling, not a report of it."""
    return [i for i in range(len(document.spans)) if _prospective_frames(profile, document, i) > profile.prospective]


def _prospective_frames(profile: ClaimProfile, document: Document, index: int) -> int:
    """How many future or open frames in sentence `index` govern one of the claim's own
    words (not its parties' names or figures): the first content word after the frame."""
    own = profile.terms - profile.figures - profile.party_terms
    first, last = document.sentence_tokens[index]
    words = document.tokens[first:last]
    hits = 0
    for j, token in enumerate(words):
        if token.plain in _PROSPECTIVE_WORDS:
            after = j + 1
        elif j + 1 < len(words) and (token.plain, words[j + 1].plain) in _PROSPECTIVE_PAIRS:
            after = j + 2
        else:
            continue
        for k, later in enumerate(words[after : after + _PROSPECTIVE_REACH], start=first + after):
            if re.search(r"[,;:—–()“”\"]", document.text[token.end : later.start]):
                break
            if not is_content(later.plain):
                continue
            forms = {*term_forms(later.plain), document.wording_at.get(k, "")}
            # "is expected to decide next week on the province's tax": a decision still to
            # come on what the claim is about previews whatever the claim says was decided.
            hits += bool(
                forms & own
                or (forms & _DECIDING and _about(document, k + 1, first + len(words), own | profile.party_terms))
            )
            break
    return hits


def _about(document: Document, start: int, last: int, claim: frozenset[str]) -> bool:
    """Whether one of the claim's words or names follows token `start`, in the same
    clause and within a dozen words ("decide as early as next week a challenge to a
    Bukidnon provincial tax"); tokens [start, last) are the sentence's rest."""
    for k in range(start, min(start + 3 * _PROSPECTIVE_REACH, last)):
        later = document.tokens[k]
        if re.search(r"[,;:—–()“”\"]", document.text[document.tokens[start - 1].end : later.start]):
            return False
        if {*term_forms(later.plain), document.wording_at.get(k, "")} & claim:
            return True
    return False


# Verbs of deciding, which a frame puts ahead of any outcome: "is due to rule", "will decide".
_DECIDING = frozenset(stem(w) for w in "decide rule hear consider weigh review deliberate".split())  # noqa: SIM905


def _reported_in(
    profile: ClaimProfile, document: Document, index: int, responses: Sequence[ClaimProfile]
) -> set[str] | None:
    """The claim's terms in what sentence `index` of a reply says a report said (the
    words after "reports that"), with the claim's parties the sentence names anywhere
    ("it intends" is the company named before); None when the sentence says no report
    said anything, or when the words after the cue are the reply itself ("Following
    local reports, Cuprandina said it has no plans to close the smelter")."""
    start, end = document.spans[index]
    said = RELAYED.search(document.text[start:end])
    if said is None:
        return None
    following = {t.term for t in document.sentence_terms[index] if document.tokens[t.first].start >= start + said.end()}
    if any(reply.score(reply.read(following), set())[0] >= RELATED for reply in responses):
        return None
    terms = profile.read({t.term for t in document.sentence_terms[index]})
    return profile.read(following) | (terms & profile.party_terms)


def _carriers(document: Document, responses: Sequence[ClaimProfile]) -> list[int]:
    return sorted({i for response in responses for i, _ in carriers(response, document)})


def responses_to(
    claim_id: object,
    relations: Iterable[tuple[object, str, object, str]],
) -> list[object]:
    """Ids of the claims that respond to `claim_id` with a different proposition, from
    relations given as (from, kind, to, addresses): their profiles go to `match(...,
    responses=...)` and `suggest_stance(..., responses=...)`."""
    return [
        source
        for source, kind, target, addresses in relations
        if target == claim_id and kind == "responds_to" and addresses == "different_proposition"
    ]


@dataclass(frozen=True)
class ArticleReading:
    """A match with its suggested stance and echo finding, in the shape the service
    layer stores today (`echo_of` is the re-cited outlet's name)."""

    found: Match
    suggestion: StanceSuggestion
    echo: EchoFinding | None = None

    @property
    def related(self) -> bool:
        return self.found.related

    @property
    def score(self) -> float:
        return self.found.score

    @property
    def excerpt(self) -> str:
        return self.found.excerpt

    @property
    def stance(self) -> str:
        return str(self.suggestion.stance)

    @property
    def echo_of(self) -> str | None:
        return str(self.echo.outlet_id) if self.echo else None


def match_article(
    profile: ClaimProfile,
    text: str,
    *,
    own_outlet: str = "",
    other_outlets: Sequence[str] = (),
) -> ArticleReading:
    """Match, stance and echo for one article, outlets given by name (the service
    layer's current call). New callers use `match`, `suggest_stance` and `find_echo`."""
    found = match(profile, text)
    if not found.related:
        return ArticleReading(found, StanceSuggestion(Stance.UNRELATED, "No passage of the article carries the claim."))
    echo = find_echo(
        text,
        [OutletNames(id=name, name=name) for name in other_outlets if name != own_outlet],
        own_names=[own_outlet] if own_outlet else [],
        passage=found.sentences,
        naming=found.naming,
        carrying=found.carrying,
    )
    return ArticleReading(found, suggest_stance(text, found, profile), echo)
