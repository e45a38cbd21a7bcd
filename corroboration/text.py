"""Plain-text tools the coverage pipeline is built on: sentences, comparable terms,
word shingles for near-duplicate detection, and a 64-bit fingerprint.

Everything here is a pure function of strings, so it is cheap to test and to run
inside a job without touching the database.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

# Words that carry no proposition of their own.
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me more
    most my myself no nor not now of off on once only or other our ours ourselves out over own same she
    should so some such than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves said says say told tell according reported report reports
    friday thursday saturday sunday monday tuesday wednesday week year years one two three""".split()  # noqa: SIM905 - a word list reads best as words
)

# Names that stand for one another in news copy: a capital for its country, a
# demonym for its nation. Kept small and explicit; matching needs the usual ones.
ALIASES = {
    "moscow": "russia",
    "kremlin": "russia",
    "russian": "russia",
    "russians": "russia",
    "tehran": "iran",
    "iranian": "iran",
    "iranians": "iran",
    "washington": "us",
    "american": "us",
    "americans": "us",
    "pentagon": "us",
    "kyiv": "ukraine",
    "ukrainian": "ukraine",
    "israeli": "israel",
    "beijing": "china",
    "chinese": "china",
}

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    "u.s u.k u.n e.u mr mrs ms dr st gen col lt sen rep gov prof jan feb mar apr aug sept sep oct nov dec vs".split()  # noqa: SIM905
)
_WORD = re.compile(r"[a-z0-9]+(?:[.'’][a-z0-9]+)*", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")


def normalize(text: str) -> str:
    """Unicode-normalised, lower-case, single-spaced text with typographic quotes and
    dashes made plain: the same words always look the same."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "—": " ", "–": " "}))
    return " ".join(text.lower().split())


def sentences(text: str) -> list[str]:
    """Split running text into sentences, without breaking after U.S. or Mr."""
    pieces: list[str] = []
    for paragraph in re.split(r"\n\s*\n|\n", text):
        start = 0
        for match in _SENTENCE_END.finditer(paragraph):
            before = paragraph[start : match.start()].rstrip('"”’)')
            last_word = before.rsplit(None, 1)[-1].rstrip(".").lower() if before.split() else ""
            if last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha()):
                continue
            pieces.append(paragraph[start : match.start()].strip())
            start = match.end()
        pieces.append(paragraph[start:].strip())
    return [p for p in pieces if p]


def words(text: str) -> list[str]:
    return [w.replace("’", "'").replace(".", "") for w in _WORD.findall(normalize(text))]


def stem(word: str) -> str:
    """A deliberately small suffix stripper: enough to make provided/provides/providing,
    strike/striking and warship/warships meet, and nothing cleverer."""
    if word in ALIASES:
        return ALIASES[word]
    if word.endswith("'s"):
        word = word[:-2]
    for suffix, replacement, min_len in (
        ("ies", "y", 4),
        ("sses", "ss", 4),
        ("ing", "", 5),
        ("ed", "", 4),
        ("es", "e", 4),
        ("s", "", 3),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= min_len - len(replacement) and not word.endswith("ss"):
            word = word[: -len(suffix)] + replacement
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return ALIASES.get(word, word)


def terms(text: str) -> list[str]:
    """Comparable content terms of a text, in order."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and not w.isdigit() and len(w) > 1]


def proper_names(text: str) -> set[str]:
    """The names a proposition is about (Russia, Iran, U.S.): capitalised terms. A
    capital at the start of a sentence counts unless the word also appears in lower
    case in the text (then it is an ordinary word that happened to start a sentence)."""
    lowercase = {w for w in _WORD.findall(text) if w.islower()}
    names: set[str] = set()
    for sentence in sentences(text):
        for i, token in enumerate(_WORD.findall(sentence)):
            plain = token.lower()
            if not token[0].isupper() or plain in STOPWORDS:
                continue
            if i == 0 and plain in lowercase:
                continue
            names.add(stem(plain.replace(".", "")))
    return names


# --- Near-duplicate detection --------------------------------------------------------------

SHINGLE_SIZE = 5


def shingles(text: str, size: int = SHINGLE_SIZE) -> set[int]:
    """Hashes of every run of `size` consecutive words. Two copies of one story share
    most of them, whatever headline, boilerplate or credit line surrounds the text."""
    tokens = words(text)
    if len(tokens) < size:
        return {_hash(" ".join(tokens))} if tokens else set()
    return {_hash(" ".join(tokens[i : i + size])) for i in range(len(tokens) - size + 1)}


def _hash(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode(), digest_size=8).digest(), "big")


def containment(a: set[int], b: set[int]) -> float:
    """How much of the shorter text is inside the longer one (0–1). Unlike Jaccard
    similarity, a copy with its ending trimmed or a credit line added still scores high."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def simhash(features: Iterable[int]) -> str:
    """A 64-bit SimHash of the shingles, as 16 hex digits: near-identical texts get
    fingerprints a few bits apart. Stored on the article for quick look-ups."""
    weights = [0] * 64
    count = 0
    for feature in features:
        count += 1
        for bit in range(64):
            weights[bit] += 1 if feature >> bit & 1 else -1
    if not count:
        return ""
    value = sum(1 << bit for bit in range(64) if weights[bit] > 0)
    return f"{value:016x}"


def hamming(a: str, b: str) -> int:
    return bin(int(a, 16) ^ int(b, 16)).count("1")
