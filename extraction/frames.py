"""Attribution frames: where a sentence says who said what.

A frame is the source's words (``speaker``), the reporting cue, and the credited words
(``content``). News style puts the source before the words ("Peskov said that …"), after
them ("“…,” Peskov said", "…, said the people"), inside them ("The president, he said,
“is …”"), or behind "according to". One function per placement, tried in that order.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Final

from extraction.segment import OPENING, Quotation

REPORTING_VERB: Final = re.compile(
    r"\b(said|says|say|told|tells|added|adds|noted|observed|cautioned|warned|wrote|writes|argued|stated|insisted|"
    r"explained|claimed|contended|asserted|acknowledged|conceded|admitted|confirmed|announced|predicted|"
    r"estimated|recalled|stressed|emphasized|underscored|responded|replied|denied|denies|disputed|rejected|"
    r"reported|testified|alleged|complained|maintained|found|showed|shows|concluded|called|declined|refused|"
    r"refrained|did not (?:immediately )?(?:respond|reply|return|answer)|could not be reached)\b"
)
# Cues whose sentence is the whole of the response: nothing is said, or a report is refused.
NO_WORDS: Final = re.compile(r"^(declined|refused|refrained|did not|could not|called|rejected)\b")
DENIAL_VERBS: Final = re.compile(r"^(denied|denies|disputed|rejected)$")
_CALLED_NEEDS_QUOTE: Final = "called"

# What may sit between a reporting verb and the words it reports.
_MODIFIER: Final = re.compile(
    r"\s*,?\s*(?:"
    r"(?:on |last |this )?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?: night| morning| evening)?"
    r"|today|yesterday|tonight|also|only|repeatedly|again|publicly|privately|separately|earlier|later"
    r"|(?:in|on|via) (?:an? |his |her |their |its |the )?[\w’'. -]{0,40}?(?:statement|interview|email|e-mail|"
    r"letter|post|video|podcast|commentary|release|briefing|call|conference|Telegram|X)"
    r"(?: (?:to|on|with|released|posted|published)\b[\w’'. ]{0,40}?(?=,| that\b| “| \"|:|$))?"
    r")\b\s*"
)
_TOLD_OBJECT: Final = re.compile(r"\s*([^,“\":]{1,60}?)(?=\s+that\b|:|,|$)")
_LEADING_ADVERBIAL: Final = re.compile(
    r"(?:(?:But|And|Yet|Still|Also|However|Meanwhile),?\s+)?"
    r"(?:(?:On|In|At|By|After|Before|During|Hours after|Asked|Pressed|When asked|Speaking|Earlier|Later|"
    r"Separately|Last|This)\b[^,]{0,160},\s*)?"
)
_FINITE: Final = re.compile(
    r"\b(is|was|were|are|has|have|had|will|would|could|may|might|can|did|does|do|should|must)\b"
)
_RELATIVE: Final = re.compile(r"\b(who|which|that|whose)\b.*$")
_CAVEAT_CLAUSE: Final = re.compile(
    r",\s*(?:who|which|speaking|spoke|insisting|requesting|asking)\b[^,]*?"
    r"(?:anonymity|authorized|permitted|named|identified|condition|fear|safety|reprisal|retaliation|because)",
    re.I,
)
# A sentence that opens with a subordinate clause has no source before its verb.
_SUBORDINATE: Final = re.compile(r"(As|While|When|If|Although|Though|Because|Since|Even|Once|Until|Unless)\b")
_ACCORDING: Final = re.compile(r"\b[Aa]ccording to ")
_INVERTED_LEAD: Final = re.compile(r"(Noted|Said|Added|Wrote|Asked)\s+([^:“\"]{2,80}?):\s*")


@dataclass(frozen=True)
class Frame:
    speaker_start: int
    speaker_end: int
    verb: str
    content_start: int
    content_end: int
    placement: str  # before, after, inside, according_to
    direct: bool  # the content opens with a quotation

    @property
    def cue(self) -> str:
        return f"{self.verb} ({self.placement} the words)"


class QuoteIndex:
    """Answers "is this offset inside a quotation?" in logarithmic time."""

    def __init__(self, quotes: list[Quotation]) -> None:
        self.quotes = quotes
        self._starts = [q.start for q in quotes]

    def inside(self, at: int) -> bool:
        index = bisect.bisect_right(self._starts, at) - 1
        return index >= 0 and self.quotes[index].start <= at < self.quotes[index].end

    def starting_at(self, at: int) -> Quotation | None:
        index = bisect.bisect_left(self._starts, at)
        if index < len(self.quotes) and self.quotes[index].start == at:
            return self.quotes[index]
        return None

    def within(self, start: int, end: int) -> list[Quotation]:
        low = bisect.bisect_left(self._starts, start)
        high = bisect.bisect_left(self._starts, end)
        return self.quotes[low:high]


def find_frame(text: str, start: int, end: int, quotes: QuoteIndex) -> Frame | None:
    """The attribution frame of the sentence ``text[start:end]``, if it has one."""
    return (
        _quotation_first(text, start, end, quotes)
        or _according_to(text, start, end, quotes)
        or _inverted_lead(text, start, end)
        or _verb_frame(text, start, end, quotes)
    )


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without surrounding spaces, final punctuation and outer quotation marks."""
    while start < end and (text[start].isspace() or text[start] in OPENING or text[start] in ",:—–"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in '.,;:!?”"—'):
        end -= 1
    return start, end


def speaker_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The descriptor: the speaker's words without a comma-set anonymity clause or time words."""
    start, end = trim(text, start, end)
    caveat = _CAVEAT_CLAUSE.search(text, start, end)
    if caveat:
        end = caveat.start()
    words = text[start:end]
    stripped = re.sub(r"\s+(also|only|later|then|first)$", "", words)
    end = start + len(stripped)
    return trim(text, start, end)


def plausible_speaker(words: str, *, limit: int = 20) -> bool:
    words = words.strip()
    if _SUBORDINATE.match(words):
        return False
    if not words or len(words.split()) > limit or any(mark in words for mark in '“”"'):
        return False
    first_chunk = _RELATIVE.sub("", words.split(",")[0])
    if _FINITE.search(first_chunk) or REPORTING_VERB.search(first_chunk):
        return False
    return words[0].isupper() or words.split()[0].lower() in {
        "two",
        "three",
        "four",
        "five",
        "six",
        "several",
        "a",
        "an",
        "one",
        "some",
        "many",
        "the",
        "officials",
        "people",
        "analysts",
        "residents",
        "critics",
        "experts",
        "local",
        "state",
        "prosecutors",
        "police",
        "he",
        "she",
        "they",
        "it",
        "we",
        "i",
    }


def _after_verb(text: str, at: int, end: int, verb: str) -> int:
    """Where the reported words begin after a verb, past time words, the hearer and "that"."""
    while True:
        match = _MODIFIER.match(text, at, end)
        if not match or match.end() == at:
            break
        at = match.end()
    if verb in {"told", "tells"}:
        obj = _TOLD_OBJECT.match(text, at, end)
        if obj:
            at = obj.end()
    rest = re.match(r"\s*(?:that\b|:|,)?\s*", text[at:end])
    return at + (rest.end() if rest else 0)


def _quotation_first(text: str, start: int, end: int, quotes: QuoteIndex) -> Frame | None:
    if text[start] not in OPENING:
        return None
    quote = quotes.starting_at(start + 1)
    if quote is None or quote.end >= end:
        return None
    after = quote.end + 1
    for verb in REPORTING_VERB.finditer(text, after, end):
        if quotes.inside(verb.start()):
            continue
        between = text[after : verb.start()].strip(" ,")
        later = quotes.within(verb.end(), end)
        content_end = later[-1].end if later else quote.end
        if between:
            if not plausible_speaker(between, limit=15):
                return None
            s_start, s_end = speaker_span(text, after + text[after : verb.start()].index(between[0]), verb.start())
        else:
            # "…,” said Amir Tosun, 52, a baker.
            stop = later[0].start - 1 if later else end
            s_start, s_end = speaker_span(text, verb.end(), stop)
            if not plausible_speaker(text[s_start:s_end], limit=15):
                return None
        return Frame(s_start, s_end, verb.group(0), quote.start, content_end, "after", direct=True)
    return None


def _according_to(text: str, start: int, end: int, quotes: QuoteIndex) -> Frame | None:
    match = _ACCORDING.search(text, start, end)
    if match is None or quotes.inside(match.start()):
        return None
    if match.start() - start <= 4:
        # According to X, who …, CONTENT.
        comma = text.find(",", match.end(), end)
        if comma < 0:
            return None
        s_start, s_end = speaker_span(text, match.end(), comma)
        content_from = comma + 1
        if re.match(r"\s*(who|which)\b", text[comma + 1 : end]):
            next_comma = text.find(",", comma + 1, end)
            if next_comma < 0:
                return None
            content_from = next_comma + 1
        c_start, c_end = trim(text, content_from, end)
    else:
        c_start, c_end = trim(text, start, match.start())
        s_start, s_end = speaker_span(text, match.end(), end)
    if c_end <= c_start or s_end <= s_start:
        return None
    return Frame(s_start, s_end, "according to", c_start, c_end, "according_to", text[c_start - 1] in OPENING)


def _inverted_lead(text: str, start: int, end: int) -> Frame | None:
    match = _INVERTED_LEAD.match(text, start, end)
    if match is None:
        return None
    c_start, c_end = trim(text, match.end(), end)
    return Frame(match.start(2), match.end(2), match.group(1).lower(), c_start, c_end, "before", direct=True)


def _verb_frame(text: str, start: int, end: int, quotes: QuoteIndex) -> Frame | None:
    adverbial = _LEADING_ADVERBIAL.match(text, start, end)
    lead = adverbial.end() if adverbial else start
    for verb in REPORTING_VERB.finditer(text, start, end):
        if quotes.inside(verb.start()):
            continue
        word = verb.group(0)
        frame = _trailing_or_inside(text, start, end, lead, verb, quotes) or _leading(text, start, end, lead, verb)
        if frame is not None:
            if word == _CALLED_NEEDS_QUOTE and not quotes.within(verb.end(), end):
                return None
            return frame
    return None


def _trailing_or_inside(
    text: str, start: int, end: int, lead: int, verb: re.Match[str], quotes: QuoteIndex
) -> Frame | None:
    comma = text.rfind(",", lead, verb.start())
    while comma >= 0 and quotes.inside(comma):
        comma = text.rfind(",", lead, comma)
    if comma < 0:
        return None
    between = text[comma + 1 : verb.start()].strip()
    before_words = len(text[start:comma].split())
    if not between:
        # "…, said the people, who spoke …": the speaker follows the verb.
        s_start, s_end = speaker_span(text, verb.end(), end)
        candidate = text[s_start:s_end]
        first = candidate.split(",")[0]
        modifier = _MODIFIER.match(text, verb.end(), end)
        if re.search(r"\bthat\b", first) or (modifier is not None and modifier.end() > verb.end() + 1):
            return None
        if (
            before_words >= 3
            and plausible_speaker(candidate, limit=12)
            and not _FINITE.search(_RELATIVE.sub("", first))
        ):
            c_start, c_end = trim(text, start, comma)
            return Frame(s_start, s_end, verb.group(0), c_start, c_end, "after", text[start] in OPENING)
        return None
    if not plausible_speaker(between, limit=8) or before_words < 2:
        return None
    s_start, s_end = speaker_span(text, comma + 1, verb.start())
    rest = _after_verb(text, verb.end(), end, verb.group(0))
    remainder = text[rest:end].strip(' .”"')
    if not remainder:
        c_start, c_end = trim(text, start, comma)
        return Frame(s_start, s_end, verb.group(0), c_start, c_end, "after", text[start] in OPENING)
    if text[verb.end() : end].lstrip().startswith(",") or text[rest - 1 : rest] == ",":
        c_start, c_end = trim(text, start, end)
        return Frame(s_start, s_end, verb.group(0), c_start, c_end, "inside", direct=False)
    return None


def _leading(text: str, start: int, end: int, lead: int, verb: re.Match[str]) -> Frame | None:
    s_start, s_end = speaker_span(text, lead, verb.start())
    if not plausible_speaker(text[s_start:s_end]):
        return None
    word = verb.group(0)
    no_that = not re.match(r"\s+(?:[A-Z]\w+\s+)?that\b", text[verb.end() : end])
    if NO_WORDS.match(word) or ((DENIAL_VERBS.match(word) or word == "reported") and no_that):
        c_start, c_end = trim(text, start, end)
    else:
        c_start, c_end = trim(text, _after_verb(text, verb.end(), end, word), end)
    if c_end <= c_start:
        return None
    return Frame(s_start, s_end, word, c_start, c_end, "before", text[c_start - 1] in OPENING)
