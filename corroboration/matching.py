"""Does an article carry a claim's proposition, and how?

A claim becomes a profile: its weighted terms and the names it is about. Each article
is read sentence by sentence; the best passage is the shortest run of at most three
sentences that covers most of the claim's weighted terms and names every party the
claim is about. From that passage come the score, the excerpt shown to reviewers, the
suggested stance and whether the article merely repeats another outlet's reporting.

An article about the same countries and the same war that does not carry the
proposition ("Iran will share information with nuclear inspectors") leaves out one
of the parties or most of the predicate, so it scores low and is not suggested.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from corroboration.text import normalize, proper_names, sentences, terms

# Below this an article is not coverage of the claim; up to SUPPORT it only mentions it.
RELATED = 0.5
SUPPORT = 0.65
NAME_WEIGHT = 2.0
MAX_WINDOW = 3

DENIAL = re.compile(
    r"\b(den(y|ies|ied|ial)|false(ly)?|fabricat\w*|baseless|untrue|unfounded|refut\w*|reject(s|ed)?|"
    r"dismiss(es|ed)?|disinformation|no basis)\b"
)
HEDGE = re.compile(
    r"\b(unconfirmed|unverified|could not (be )?(independently )?verif\w*|not independently verif\w*|"
    r"alleged(ly)?|rumou?rs?|it (is|was) (not )?(yet )?(un)?clear whether)\b"
)
REPORTING = r"(reported|reports|said|says|wrote|writes|revealed|first reported)"


class Stance:
    SUPPORTS = "supports"
    DISPUTES = "disputes"
    MENTIONS = "mentions"
    UNRELATED = "unrelated"


@dataclass(frozen=True)
class ClaimProfile:
    weights: dict[str, float]
    names: frozenset[str]

    @classmethod
    def of(cls, statement: str, quote: str = "") -> ClaimProfile:
        """The terms of the neutral statement and of the verbatim quote. The parties a
        claim is about are the names both versions share (the quote may say "American"
        where the statement says "U.S.", and "the region" for "the Middle East")."""
        names = proper_names(statement)
        if quote.strip():
            names &= proper_names(quote) or names
        counts = Counter(terms(statement)) + Counter(terms(quote))
        weights = {term: NAME_WEIGHT if term in names else 1.0 for term in counts}
        return cls(weights=weights, names=frozenset(names))

    @property
    def total(self) -> float:
        return sum(self.weights.values())


@dataclass(frozen=True)
class Match:
    score: float
    excerpt: str
    stance: str
    echo_of: str | None = None
    names_found: frozenset[str] = field(default_factory=frozenset)

    @property
    def related(self) -> bool:
        return self.score >= RELATED


def _coverage(profile: ClaimProfile, found: set[str]) -> float:
    if not profile.total:
        return 0.0
    return sum(w for t, w in profile.weights.items() if t in found) / profile.total


def best_passage(profile: ClaimProfile, text: str) -> tuple[float, list[str], set[str]]:
    """The shortest run of sentences that best carries the claim: (score, sentences,
    terms found). A passage that leaves out a party the claim is about counts half."""
    parts = sentences(text)
    sentence_terms = [set(terms(s)) for s in parts]
    best: tuple[float, int, int, set[str]] = (0.0, 0, 0, set())
    for start in range(len(parts)):
        found: set[str] = set()
        for end in range(start, min(start + MAX_WINDOW, len(parts))):
            found |= sentence_terms[end]
            score = _coverage(profile, found)
            if not profile.names <= found:
                score /= 2
            # Strictly better only: the shortest window wins a tie.
            if score > best[0] + 1e-9:
                best = (score, start, end + 1, set(found))
    score, start, end, found = best
    return score, parts[start:end], found


def _outlet_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    alternatives = sorted({re.escape(normalize(n)) for n in names if n.strip()}, key=len, reverse=True)
    if not alternatives:
        return None
    outlet = "(?:" + "|".join(alternatives) + ")"
    return re.compile(
        rf"\b{outlet}\b,? (?:\w+ ){{0,3}}{REPORTING}\b|according to (?:the )?{outlet}\b|"
        rf"\btold (?:the )?{outlet}\b|\b{outlet}\b (?:\w+ ){{0,2}}(?:reported|said)[^.]*\bciting\b"
    )


def outlet_names(name: str) -> list[str]:
    """How copy refers to an outlet: its name, without a leading "The", and its
    initials (The Associated Press → Associated Press, AP)."""
    bare = re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE)
    initials = "".join(word[0] for word in bare.split() if word[:1].isupper())
    names = [name, bare]
    if len(initials) >= 2:
        names.append(initials)
    return names


def match_article(
    profile: ClaimProfile,
    text: str,
    *,
    own_outlet: str = "",
    other_outlets: Sequence[str] = (),
) -> Match:
    """Score one article against a claim and suggest a stance. `other_outlets` are the
    names of outlets whose reporting a story might re-cite (an echo); the article's own
    outlet is never an echo of itself."""
    score, passage, found = best_passage(profile, text)
    excerpt = " ".join(passage)
    if score < RELATED:
        return Match(score=round(score, 3), excerpt=excerpt, stance=Stance.UNRELATED)
    plain = normalize(excerpt)
    if DENIAL.search(plain):
        stance = Stance.DISPUTES
    elif HEDGE.search(plain) or score < SUPPORT:
        stance = Stance.MENTIONS
    else:
        stance = Stance.SUPPORTS
    own = {normalize(n) for n in outlet_names(own_outlet)} if own_outlet else set()
    echo_of = None
    for outlet in other_outlets:
        names = [n for n in outlet_names(outlet) if normalize(n) not in own]
        pattern = _outlet_pattern(names)
        if pattern and pattern.search(plain):
            echo_of = outlet
            break
    return Match(
        score=round(score, 3),
        excerpt=excerpt,
        stance=stance,
        echo_of=echo_of,
        names_found=frozenset(profile.names & found),
    )
