"""How other fact-checkers' verdicts read on our rating scale.

Publishers word their verdicts freely ("Pants on Fire", "Missing context", "Partly
false"). A prior check keeps the publisher's words as they were published; the table
of `RatingMapping`s (editable in the admin) says which of our ratings each wording
stands for. Wordings are compared by `rating_key`, so "Half-True", "half true" and
"HALF TRUE!" are one entry. A wording not in the table stays as text, unmapped.

`SEED_LABELS` are the common English labels and their usual variants, loaded by the
migration that creates the table (and by the tests that empty it).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

__all__ = ["SEED_LABELS", "rating_key", "seed_rating_mappings"]

SEED_LABELS: dict[str, tuple[str, ...]] = {
    # our rating value: the publishers' wordings that stand for it
    "true": ("True", "Correct", "Accurate", "Right", "Verified", "Confirmed", "Correct attribution", "Fact"),
    "mostly_true": ("Mostly True", "Mostly Correct", "Mostly Accurate", "Largely True", "Largely Accurate"),
    "half_true": (
        "Half True",
        "Half Truth",
        "Partly True",
        "Partially True",
        "Partly False",
        "Partially False",
        "Mixture",
        "Mixed",
    ),
    "misleading": ("Misleading", "Missing Context", "Lacks Context", "Out of Context", "Needs Context", "Distorts"),
    "mostly_false": ("Mostly False", "Mostly Inaccurate", "Largely False", "Largely Inaccurate"),
    "false": (
        "False",
        "Incorrect",
        "Inaccurate",
        "Wrong",
        "Not True",
        "Fake",
        "Fabricated",
        "Hoax",
        "Pants on Fire",
    ),
    "unproven": (
        "Unproven",
        "Unverified",
        "Unverifiable",
        "Unsubstantiated",
        "Unsupported",
        "No Evidence",
        "Lacks Evidence",
    ),
}

_DASHES = re.compile(r"[-‐‑‒–—_/]+")
_OTHER = re.compile(r"[^\w\s]+")


def rating_key(text: str) -> str:
    """A publisher's verdict, compared without case, punctuation or spacing:
    "Half-True!" and "half true" give "half true"."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = _OTHER.sub("", _DASHES.sub(" ", text))
    return " ".join(text.split())[:200]


def seed_rating_mappings(RatingMapping: Any, Rating: Any) -> int:
    """Add the seed wordings missing from the table, mapped to the default scale's
    ratings (a wording an editor already mapped keeps their choice); the number added."""
    ratings = {r.value: r for r in Rating.objects.filter(scale__is_default=True)}
    added = 0
    for value, labels in SEED_LABELS.items():
        rating = ratings.get(value)
        if rating is None:
            continue
        for label in labels:
            _, created = RatingMapping.objects.get_or_create(
                label=rating_key(label), defaults={"rating": rating, "example": label}
            )
            added += int(created)
    return added
