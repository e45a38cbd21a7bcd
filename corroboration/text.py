"""Plain-text tools the coverage pipeline is built on: sentences and words with their
offsets, comparable terms (Snowball-stemmed), and word shingles for near-duplicate
detection.

Everything here is a pure function of strings, so it is cheap to test and to run
inside a job without touching the database. Offsets are Python string indices into
the text given, so a passage or a cue found here can be shown in place.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

# The months, by their plain forms: no term of their own (below), but a date that
# matching compares (`matching._other_times`).
MONTHS = frozenset(
    "january february march april may june july august september october november december".split()  # noqa: SIM905 - a word list reads best as words
)

# Words that carry no proposition of their own. Reporting verbs are here too: "said"
# and "told" say who speaks, not what happened (stance and echo detection read them
# from the raw text instead).
STOPWORDS = (
    frozenset(
        """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me more
    most my myself nor now of off on once only or other our ours ourselves out over own same she
    should so some such than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves said says say told tell according reported report reports
    monday tuesday wednesday thursday friday saturday sunday week weeks today yesterday""".split()  # noqa: SIM905 - a word list reads best as words
    )
    | MONTHS
)

# Words that turn a statement round. Kept out of STOPWORDS' effect on stance: matching
# ignores them, stance reading counts them.
NEGATORS = frozenset({"no", "not", "never", "none", "nor", "neither", "without", "n't", "cannot", "nothing"})

# How copy grants a source anonymity: "spoke on condition of anonymity", "asked not to be
# named", "declined to be identified" (extraction reads it as the caveat's condition).
ANONYMITY_CONDITION = re.compile(
    r"(?:\b(?:spoke|speaking|spoken|talked|talking)\s+)?\bon (?:the )?condition "
    r"(?:of anonymity|that \w+ (?:not|would not) be (?:named|identified|quoted))"
    r"|\b(?:asked|asking|requested|requesting)\s+(?:not to be (?:named|identified|quoted)|that (?:his|her|their) "
    r"names? not be (?:used|published))"
    r"|\b(?:requested|requesting|insisted on|insisting on|(?:was|were) granted|granted|sought)\s+anonymity"
    r"|\bdeclined to be (?:named|identified)",
    re.I,
)
# Why, in its commonest form: "(who were) not authorized to speak publicly".
NOT_AUTHORIZED = r"\b(?:not|n['’]t)\s+(?:authori[sz]ed|permitted|allowed|cleared|entitled)\b"
# How copy qualifies its sourcing or reports a refusal to speak — the two above, and
# "declined to comment", "did not respond to a request for comment": a negation there
# denies nothing of what is reported, and its words are not what a claim says.
_NOT = r"(?:\s+not|n['’]t)"
CAVEAT = re.compile(
    r"\b(?:(?:was|were|is|are|be|being)\s+)?" + NOT_AUTHORIZED + r"\s+to\s+"
    r"(?:speak|comment|talk|discuss|brief|be\s+(?:named|identified|quoted))(?:\s+(?:publicly|on\s+the\s+record))?"
    r"|" + ANONYMITY_CONDITION.pattern + r"|\b(?:declin\w*|refus\w*)\s+to\s+(?:comment|be\s+(?:named|identified))"
    r"|\b(?:do|does|did|would|will|could|can)" + _NOT + r"\s+(?:immediately\s+)?"
    r"(?:comment|respond|reply|be\s+reached|return)"
    r"|\b(?:no|without)\s+(?:immediate\s+)?comment",
    re.IGNORECASE,
)


def caveat_spans(text: str) -> list[tuple[int, int]]:
    """Where `text` qualifies its sourcing or reports a refusal to comment (`CAVEAT`)."""
    return [m.span() for m in CAVEAT.finditer(text)]


def without_caveats(text: str) -> str:
    """`text` with its sourcing caveats blanked out, offsets kept."""
    return CAVEAT.sub(lambda m: " " * len(m.group()), text)


# Words that hand on what follows them as someone's claim or report, not the outlet's
# own. Stance reads them as a hedge over the claim's words after them, or over the whole
# sentence when they close it ("…, posts online claim."), never over words before them
# ("…, as reports that the premier intends to call an early vote continued" relays the
# vote, not what was said before it); matching reads what follows them in a reply's sentence as
# the report the reply answers ("…, a day after a media report said it intends to close
# the smelter").
# A fact-check's "Claim: …" line, at the start of a sentence or of a line of the page.
CLAIM_LINE = r"^\W*(?:the |viral |what was )?claim(?:ed)?(?=\s*:)"
RELAYED = re.compile(
    # "a publication … claiming that…", "a viral claim that…", "rumours that…".
    r"\b(?:claiming|alleging) that\b"
    r"|\b(?:claims?|rumou?rs?|allegations?|assertions?|suggestions?|speculation) that\b"
    # A fact-check's "Claim: …" line.
    r"|" + CLAIM_LINE +
    # "Cuprandina is reported to have told journalists" (not "were reported to police").
    r"|\b(?:is|are|was|were) (?:reported|said) to (?:have|be)\b"
    # Reports nobody is named for: "Media reports last week said that…", "reports that
    # the premier intends…", "according to reports", "several outlets have reported that".
    r"|(?:^\W*|\b(?:media|press|news|newspaper|local|recent|earlier|several|some|unnamed|other|foreign|"
    r"unconfirmed|conflicting|as|where|amid|after|following|despite|(?:responding|reacting|replying|in response) to) )"
    r"reports?\b(?! to\b)"
    r"|\baccording to (?:media |press |news |local )?reports\b"
    # …but not the outlet's own contact with them: "speaking to the media, she said that".
    r"|(?<!to the )(?<!with the )(?<!told the )(?<!told )(?<!to )"
    r"\b(?:media|outlets|newspapers|the press),?(?: [\w'’-]+,?){0,10} (?:have |has )?(?:reported|said|say) that\b"
    # "Posts shared since the weekend claim…", "social media users say…".
    r"|\b(?:posts?|users?|social media|online|viral \w+)(?: [\w'’-]+){0,8} (?:claim(?:s|ed|ing)?|say|says|said)\b"
    # "…,” the post declared"; not "online retailer Zalando declared a dividend".
    r"|\b(?:the|a|one|another|viral|such) posts? (?:declared|declares|stated|alleged|alleges)\b"
    # Posts however long their description ("posts shared tens of thousands of times on
    # Facebook, X and TikTok say…"): shared or circulating, not "cut 500 posts, union
    # officials say" nor "100 million users, Meta executives say".
    r"|\bposts? (?:shared|circulating|spread|published|going round)\b(?:,? [\w'’-]+){0,14} (?:claim|say|allege)\b",
    re.IGNORECASE,
)


# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    "u.s u.k u.n e.u mr mrs ms dr st gen col lt sen rep gov prof jan feb mar apr aug sept sep oct nov dec vs".split()  # noqa: SIM905
)
# A word: letters/digits with inner apostrophes or dots (U.S., don't), or a number
# with thousands separators (1,284), optionally with a money or magnitude suffix.
_WORD = re.compile(r"\d+(?:,\d{3})+(?:\.\d+)?|[^\W_]+(?:[.'’][^\W_]+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9£$€])")
_MAGNITUDE = re.compile(r"^(\d+(?:\.\d+)?)(m|bn|k)$")
_MAGNITUDE_WORDS = {"m": "million", "bn": "billion", "k": "thousand"}

_STEMMER = snowballstemmer.stemmer("english")


@dataclass(frozen=True)
class Token:
    """A word of a text: where it is, how it was written, and its plain form
    (lower case, typographic apostrophes made plain, dots and separators dropped)."""

    start: int
    end: int
    surface: str
    plain: str

    @property
    def capitalised(self) -> bool:
        return self.surface[:1].isupper()


_PLAIN = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "—": " ", "–": " "})


def normalize(text: str) -> str:
    """Unicode-normalised, lower-case, single-spaced text with typographic quotes and
    dashes made plain: the same words always look the same."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_PLAIN)
    return " ".join(text.lower().split())


def tokens(text: str) -> list[Token]:
    """Every word of `text` with its offsets."""
    found: list[Token] = []
    for match in _WORD.finditer(text):
        surface = match.group()
        plain = surface.lower().replace("’", "'")
        # "1,284" keeps its digits together; "U.S." loses its dots.
        plain = plain.replace(",", "") if plain[:1].isdigit() else plain.replace(".", "")
        plain = _ABBREVIATED.get(plain, plain)
        if (
            found
            and _YEAR_RANGE_END.fullmatch(plain)
            and _YEAR_RANGE.fullmatch(text[found[-1].start : match.start()])
            and int(plain) == (int(found[-1].plain[2:]) + 1) % 100
            and not _DATE_GOES_ON.match(text, match.end())
        ):
            # "2025-26" and "2025/26" name both years: the second is 2026 (but "2025-11-17"
            # is a date, and "2019-24" no season).
            century = int(found[-1].plain[:2]) + (int(plain) < int(found[-1].plain[2:]))
            plain = f"{century}{plain}"
        found.append(Token(match.start(), match.end(), surface, plain))
    return found


# A season or fiscal year: "2025-26", "2025/26", "2025–26".
_YEAR_RANGE = re.compile(r"(?:19|20)\d\d[-/–]")
_YEAR_RANGE_END = re.compile(r"\d\d")
_DATE_GOES_ON = re.compile(r"[-/–]\d")
# Abbreviations copy writes for a word a claim spells out.
_ABBREVIATED = {"rs": "rupees"}


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, without breaking after U.S. or Mr.; a line
    break always ends a sentence (paragraphs of extracted text are lines)."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        start = 0
        for match in _SENTENCE_END.finditer(line):
            before = line[start : match.start()].rstrip('"”’)')
            last_word = before.rsplit(None, 1)[-1].rstrip(".").lower() if before.split() else ""
            if last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha()):
                continue
            spans.append(_trimmed(line, start, match.start(), offset))
            start = match.end()
        spans.append(_trimmed(line, start, len(line), offset))
        offset += len(line) + 1
    return [(s, e) for s, e in spans if e > s]


def _trimmed(line: str, start: int, end: int, offset: int) -> tuple[int, int]:
    piece = line[start:end]
    lead = len(piece) - len(piece.lstrip())
    trail = len(piece) - len(piece.rstrip())
    return offset + start + lead, offset + end - trail


def sentences(text: str) -> list[str]:
    """The sentences of running text."""
    return [text[s:e] for s, e in sentence_spans(text)]


def words(text: str) -> list[str]:
    """The plain forms of the words of a text, in order."""
    return [t.plain for t in tokens(text)]


# Irregular forms of verbs news copy reports with, to their base form: a stemmer makes
# "found" and "find" two words, so "the study found" and "did not find" would not meet.
# Only forms without a common other sense ("left", "saw", "lead" are not here).
_IRREGULAR = {
    form: base
    for base, forms in {
        "find": "found",
        "say": "said",
        "tell": "told",
        "make": "made",
        "take": "took taken",
        "give": "gave given",
        "hold": "held",
        "bring": "brought",
        "send": "sent",
        "keep": "kept",
        "pay": "paid",
        "sell": "sold",
        "buy": "bought",
        "win": "won",
        "meet": "met",
        "begin": "began begun",
        "write": "wrote written",
        "know": "knew known",
        "show": "shown",
        "choose": "chose chosen",
        "rise": "rose risen",
        "fall": "fell fallen",
        "grow": "grew grown",
        "speak": "spoke spoken",
        "strike": "struck stricken",
        "seek": "sought",
        "think": "thought",
        "catch": "caught",
        "fight": "fought",
        "withdraw": "withdrew withdrawn",
        "become": "became",
        "shut": "shut",
        "steal": "stole stolen",
        "hide": "hid hidden",
        "drive": "drove driven",
        "break": "broke broken",
        "forbid": "forbade forbidden",
        "freeze": "froze frozen",
    }.items()
    for form in forms.split()
}


# Nouns news copy makes of a verb, where the stemmer keeps the two apart ("decision",
# "decided"): "no decision has been taken" and "has not been decided" say one thing.
# Only nouns whose everyday sense is the verb's act: "agreement" (a document), "sales"
# (turnover), "payments" and "departures" (flights) are not here.
_DERIVED = {
    form: base
    for base, forms in {
        "decide": "decision decisions",
        "close": "closure closures",
        "deny": "denial denials",
        "suspend": "suspension suspensions",
        "intend": "intention intentions",
    }.items()
    for form in forms.split()
}


def is_verb_form(plain: str) -> bool:
    """Whether a plain word is an irregular form of a verb news copy reports with ("said", "gave")."""
    return plain in _IRREGULAR


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The Snowball (Porter 2) stem of a plain word, possessive dropped: provided,
    provides and providing all become "provid", and an irregular form its verb's
    ("found" → "find"); numbers are kept as they are."""
    if word.endswith("'s"):
        word = word[:-2]
    word = word.replace("'", "")
    if not word or word[0].isdigit():
        return word
    return _STEMMER.stemWord(_IRREGULAR.get(word) or _DERIVED.get(word, word))


def term_forms(plain: str) -> list[str]:
    """The terms one plain word contributes: its stem, or for "£48m" the number and
    its magnitude ("48", "million"), so that "£48m" and "£48 million" meet."""
    magnitude = _MAGNITUDE.match(plain)
    if magnitude:
        return [magnitude.group(1), _MAGNITUDE_WORDS[magnitude.group(2)]]
    return [stem(plain)]


def is_content(plain: str) -> bool:
    """A word that can carry a proposition: not a stopword or a negator, not a lone letter."""
    return plain not in STOPWORDS and plain not in NEGATORS and (len(plain) > 1 or plain.isdigit())


def terms(text: str) -> list[str]:
    """Comparable content terms of a text, in order."""
    return [form for t in tokens(text) if is_content(t.plain) for form in term_forms(t.plain)]


def proper_names(text: str) -> set[str]:
    """The names a text is about (Russia, Iran, U.S.) as stems: capitalised words. A
    capital at the start of a sentence counts unless the word also appears in lower
    case in the text (then it is an ordinary word that happened to start a sentence)."""
    every = tokens(text)
    lowercase = {t.plain for t in every if t.surface.islower()}
    names: set[str] = set()
    for start, end in sentence_spans(text):
        inside = [t for t in every if start <= t.start < end]
        for i, token in enumerate(inside):
            if not token.capitalised or not is_content(token.plain):
                continue
            if i == 0 and token.plain in lowercase:
                continue
            names.add(stem(token.plain))
    return names


# --- Near-duplicate detection (kept for the stored SimHash; see fingerprint.py) ------------

SHINGLE_SIZE = 5


def shingles(text: str, size: int = SHINGLE_SIZE) -> set[int]:
    """Hashes of every run of `size` consecutive words. Two copies of one story share
    most of them, whatever headline, boilerplate or credit line surrounds the text."""
    plain = words(text)
    if len(plain) < size:
        return {_hash(" ".join(plain))} if plain else set()
    return {_hash(" ".join(plain[i : i + size])) for i in range(len(plain) - size + 1)}


def _hash(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode(), digest_size=8).digest(), "big")


def containment(a: set[int], b: set[int]) -> float:
    """How much of the shorter text is inside the longer one (0–1). Unlike Jaccard
    similarity, a copy with its ending trimmed or a credit line added still scores high."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))
