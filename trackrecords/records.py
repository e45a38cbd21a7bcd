"""What a track record says, from the counts of published verdicts behind it.

A record (of an outlet, a named source, or an anonymous descriptor at an outlet) counts
the claims with a current published verdict, once each, by rating. Of those, the ones
with a verdict on the scale are *judged*; Unproven (no place on the scale) is counted
but judged neither way. The shares are of the judged claims:

    true share  = (true + mostly true) / judged
    false share = (false + mostly false) / judged

half true and misleading are judged, and in neither share. Below `TOO_FEW` judged
claims the record is "too few to judge": its counts are shown, its shares are not, and
a source's suggested reliability is F.

Pure: counts in, words and figures out. `trackrecords.services` keeps the counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

__all__ = [
    "FALSE_SIDE",
    "TOO_FEW",
    "TRUE_SIDE",
    "Part",
    "RatingCount",
    "Suggestion",
    "side_of",
    "suggest_reliability",
]

TOO_FEW = 5
TRUE_SIDE = frozenset({"true", "mostly_true"})
FALSE_SIDE = frozenset({"false", "mostly_false"})

GRADE_LABELS = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}


def side_of(value: str, on_scale: bool) -> str:
    """Where a verdict counts: "true", "false", "mixed" (judged, in neither share) or
    "unproven" (not judged: no place on the scale)."""
    if not on_scale:
        return "unproven"
    if value in TRUE_SIDE:
        return "true"
    if value in FALSE_SIDE:
        return "false"
    return "mixed"


@dataclass(frozen=True)
class RatingCount:
    value: str
    label: str
    count: int
    side: str


@dataclass(frozen=True)
class Part:
    """A record's figures for a set of claims (all of them, or those resting on
    anonymous sources)."""

    by_rating: tuple[RatingCount, ...] = ()
    first_on: date | None = None
    last_on: date | None = None

    @property
    def claims(self) -> int:
        return sum(r.count for r in self.by_rating)

    def _side(self, side: str) -> int:
        return sum(r.count for r in self.by_rating if r.side == side)

    @property
    def judged(self) -> int:
        return self.claims - self.unproven

    @property
    def true_count(self) -> int:
        return self._side("true")

    @property
    def false_count(self) -> int:
        return self._side("false")

    @property
    def mixed_count(self) -> int:
        return self._side("mixed")

    @property
    def unproven(self) -> int:
        return self._side("unproven")

    @property
    def too_few_to_judge(self) -> bool:
        return self.judged < TOO_FEW

    @property
    def true_share(self) -> float | None:
        return None if self.too_few_to_judge else round(self.true_count / self.judged, 3)

    @property
    def false_share(self) -> float | None:
        return None if self.too_few_to_judge else round(self.false_count / self.judged, 3)

    def line(self) -> str:
        """The record in one line, for beside an attribution."""
        if not self.claims:
            return "no published verdicts yet"
        parts = [f"{self.claims} published verdict{'s' if self.claims != 1 else ''}"]
        if self.too_few_to_judge:
            parts.append(f"too few to judge ({self.judged} on the scale, {TOO_FEW} needed)")
        else:
            parts.append(f"{_percent(self.true_share)} true or mostly true")
            parts.append(f"{_percent(self.false_share)} false or mostly false")
        if self.first_on and self.last_on:
            parts.append(_range(self.first_on, self.last_on))
        return " · ".join(parts)

    # --- stored as JSON in the precomputed row ---------------------------------------------

    def as_json(self) -> dict[str, Any]:
        return {
            "by_rating": [[r.value, r.label, r.count, r.side] for r in self.by_rating],
            "first_on": self.first_on.isoformat() if self.first_on else None,
            "last_on": self.last_on.isoformat() if self.last_on else None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Part:
        if not data:
            return cls()
        return cls(
            by_rating=tuple(RatingCount(*row) for row in data.get("by_rating", [])),
            first_on=date.fromisoformat(data["first_on"]) if data.get("first_on") else None,
            last_on=date.fromisoformat(data["last_on"]) if data.get("last_on") else None,
        )

    @classmethod
    def of_counts(
        cls,
        counts: Iterable[tuple[str, str, int, bool, int]],
        *,
        first_on: date | None = None,
        last_on: date | None = None,
    ) -> Part:
        """From (value, label, position, on the scale, count) rows, in scale order."""
        rows = sorted(counts, key=lambda row: (row[2], row[0]))
        merged: dict[str, RatingCount] = {}
        for value, label, _, on_scale, count in rows:
            if count <= 0:
                continue
            known = merged.get(value)
            merged[value] = RatingCount(value, label, count + (known.count if known else 0), side_of(value, on_scale))
        return cls(by_rating=tuple(merged.values()), first_on=first_on, last_on=last_on)


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{round(share * 100)}%"


def _range(first: date, last: date) -> str:
    if (first.year, first.month) == (last.year, last.month):
        return f"{first:%b %Y}"
    return f"{first:%b %Y} – {last:%b %Y}"


@dataclass(frozen=True)
class Suggestion:
    grade: str
    reason: str


def suggest_reliability(part: Part) -> Suggestion:
    """An Admiralty source-reliability grade a source's record suggests, with why. Only
    a suggestion: an editor decides.

        A  20 or more judged, at least 95% true or mostly true, none false or mostly false
        B  at least 80% true or mostly true, at most 10% false or mostly false
        C  at least 60% true or mostly true, at most 25% false or mostly false
        D  anything between (more often right than wrong, but not reliably)
        E  half or more false or mostly false
        F  fewer than 5 judged: too few to judge
    """
    if part.too_few_to_judge:
        unproven = f", and {part.unproven} unproven" if part.unproven else ""
        return Suggestion(
            "F",
            f"F — {GRADE_LABELS['F']}: {part.judged} claim{'s' if part.judged != 1 else ''} with a verdict on the "
            f"scale{unproven}; {TOO_FEW} are needed to judge.",
        )
    true_share, false_share = part.true_share or 0.0, part.false_share or 0.0
    if part.judged >= 20 and true_share >= 0.95 and part.false_count == 0:
        grade = "A"
    elif true_share >= 0.8 and false_share <= 0.1:
        grade = "B"
    elif true_share >= 0.6 and false_share <= 0.25:
        grade = "C"
    elif false_share >= 0.5:
        grade = "E"
    else:
        grade = "D"
    when = f", {_range(part.first_on, part.last_on)}" if part.first_on and part.last_on else ""
    unproven = f" ({part.unproven} unproven not judged)" if part.unproven else ""
    return Suggestion(
        grade,
        f"{grade} — {GRADE_LABELS[grade]}: of {part.judged} claims with a published verdict on the scale{unproven}, "
        f"{part.true_count} {'was' if part.true_count == 1 else 'were'} rated true or mostly true "
        f"({_percent(part.true_share)}) and {part.false_count} "
        f"false or mostly false ({_percent(part.false_share)}){when}.",
    )
