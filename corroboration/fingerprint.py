"""Near-duplicate fingerprints for grouping syndicated copies of one story.

    sig = signature(text)                  # MinHash over four-word shingles
    keys = band_keys(sig)                  # index these; a copy shares at least one
    same_story(sig, other_sig)             # confirm a candidate: containment estimate
    groups = group({page_id: sig, ...})    # page id → group key, order-independent

A republished wire story comes back with an edited headline, a local introduction, its
last paragraphs trimmed or a sentence reworded; its word shingles still largely sit
inside the original. MinHash estimates the Jaccard similarity of two shingle sets from
two short signatures; locality-sensitive hashing cuts each signature into bands, so two
texts that share any band are candidates, found by key equality in an index (no OR of
every word). A candidate is confirmed by estimated *containment* — how much of the
shorter text is inside the longer — which a trimmed or padded copy keeps high.

Deterministic: hashes are BLAKE2b and the permutations come from a fixed seed, never
from Python's per-process `hash()`, so signatures stored today match those computed
tomorrow.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from corroboration.text import words

__all__ = [
    "BANDS",
    "NUM_PERM",
    "ROWS",
    "SAME_STORY",
    "Signature",
    "band_ids",
    "band_keys",
    "containment",
    "group",
    "jaccard",
    "pack_shingles",
    "same_story",
    "signature",
    "unpack_shingles",
]

SHINGLE_WORDS = 4
NUM_PERM = 128
ROWS = 2  # rows per band: two texts sharing ~25% of shingles still meet in some band
BANDS = NUM_PERM // ROWS
# Estimated share of the shorter text inside the longer for the two to be one story.
SAME_STORY = 0.5
# Texts with fewer shingles are too short to call copies with confidence.
MIN_SHINGLES = 20

_PRIME = (1 << 61) - 1
_MAX = _PRIME
_SEED = b"corroborate-minhash-v1"


def _params(i: int) -> tuple[int, int]:
    digest = hashlib.blake2b(_SEED + i.to_bytes(2, "big"), digest_size=16).digest()
    a = int.from_bytes(digest[:8], "big") % (_PRIME - 1) + 1
    b = int.from_bytes(digest[8:], "big") % _PRIME
    return a, b


_PERMUTATIONS = tuple(_params(i) for i in range(NUM_PERM))


@dataclass(frozen=True)
class Signature:
    """A MinHash signature and the number of distinct shingles it summarises."""

    values: tuple[int, ...]
    shingles: int

    def as_hex(self) -> str:
        """A compact stored form (16 hex digits per value)."""
        return "".join(f"{v:016x}" for v in self.values)

    @classmethod
    def from_hex(cls, value: str, shingles: int) -> Signature:
        return cls(tuple(int(value[i : i + 16], 16) for i in range(0, len(value), 16)), shingles)


def _shingle_hashes(text: str) -> set[int]:
    plain = words(text)
    if len(plain) < SHINGLE_WORDS:
        runs = [" ".join(plain)] if plain else []
    else:
        runs = [" ".join(plain[i : i + SHINGLE_WORDS]) for i in range(len(plain) - SHINGLE_WORDS + 1)]
    return {int.from_bytes(hashlib.blake2b(run.encode(), digest_size=8).digest(), "big") for run in runs}


def signature(text: str) -> Signature:
    """The MinHash signature of a text's four-word shingles (words lower-cased, so
    case and punctuation changes do not matter)."""
    hashes = _shingle_hashes(text)
    if not hashes:
        return Signature(tuple([_MAX] * NUM_PERM), 0)
    values = tuple(min((a * h + b) % _PRIME for h in hashes) for a, b in _PERMUTATIONS)
    return Signature(values, len(hashes))


def band_keys(sig: Signature) -> list[str]:
    """One key per band ("07:3fa1…"); two signatures sharing a key are candidates.
    An empty text has no keys."""
    if not sig.shingles:
        return []
    keys = []
    for band in range(BANDS):
        rows = sig.values[band * ROWS : (band + 1) * ROWS]
        digest = hashlib.blake2b(b"".join(v.to_bytes(8, "big") for v in rows), digest_size=8).hexdigest()
        keys.append(f"{band:02d}:{digest}")
    return keys


def band_ids(sig: Signature) -> list[int]:
    """The band keys as signed 64-bit integers, the form stored in the database's index
    (`corroboration.ArticleBand`): equal keys give equal ids."""
    return [
        int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)
        for key in band_keys(sig)
    ]


def jaccard(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    if not a.shingles or not b.shingles:
        return 0.0
    return sum(1 for x, y in zip(a.values, b.values, strict=True) if x == y) / NUM_PERM


def containment(a: Signature, b: Signature) -> float:
    """Estimated share of the shorter text's shingles found in the longer:
    |A∩B| = J·(|A|+|B|)/(1+J), divided by the smaller set."""
    j = jaccard(a, b)
    if not j:
        return 0.0
    shared = j * (a.shingles + b.shingles) / (1 + j)
    return min(1.0, shared / min(a.shingles, b.shingles))


def same_story(a: Signature, b: Signature) -> bool:
    """Are these two texts copies of one story?"""
    if min(a.shingles, b.shingles) < MIN_SHINGLES:
        return False
    return containment(a, b) >= SAME_STORY


def pack_shingles(hashes: set[int]) -> bytes:
    """Shingle hashes (`text.shingles`, which grouping compares) in the form stored with
    an article's group (`Syndication.shingles`): eight bytes each, big-endian, in order,
    so the same set always gives the same bytes."""
    return b"".join(h.to_bytes(8, "big") for h in sorted(hashes))


def unpack_shingles(stored: bytes) -> set[int]:
    """The shingle hashes `pack_shingles` stored."""
    return set(struct.unpack(f">{len(stored) // 8}Q", stored))


# A page id: stored articles are keyed by their primary key, corpus pages by a name.
PageKey = TypeVar("PageKey", str, int)


def group(signatures: Mapping[PageKey, Signature]) -> dict[PageKey, PageKey]:
    """Group texts into stories: page id → group key (the smallest page id of its
    group, compared as strings so mixed ids sort). Candidates come from shared band
    keys, copies are confirmed pairwise, and copy-of-a-copy joins the group; the
    result does not depend on the order of the mapping."""
    ids = sorted(signatures, key=str)
    parent = {i: i for i in ids}

    def root(x: PageKey) -> PageKey:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    buckets: dict[str, list[PageKey]] = {}
    for i in ids:
        for key in band_keys(signatures[i]):
            buckets.setdefault(key, []).append(i)
    checked: set[tuple[str, str]] = set()
    for members in buckets.values():
        for x_index, x in enumerate(members):
            for y in members[x_index + 1 :]:
                pair = (str(x), str(y))
                if pair in checked:
                    continue
                checked.add(pair)
                if same_story(signatures[x], signatures[y]):
                    rx, ry = root(x), root(y)
                    if rx != ry:
                        low, high = sorted((rx, ry), key=str)
                        parent[high] = low
    return {i: root(i) for i in ids}
