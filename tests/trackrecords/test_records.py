"""What a record says from its counts: shares of the judged claims, Unproven counted but
judged neither way, "too few to judge" below five, and the grade a source's record
suggests with its reason."""

from __future__ import annotations

from datetime import date

import pytest

from trackrecords.records import Part, suggest_reliability

SCALE = {  # value: (label, position, on the scale)
    "true": ("True", 1, True),
    "mostly_true": ("Mostly true", 2, True),
    "half_true": ("Half true", 3, True),
    "misleading": ("Misleading", 4, True),
    "mostly_false": ("Mostly false", 5, True),
    "false": ("False", 6, True),
    "unproven": ("Unproven", 7, False),
}


def part(**counts: int) -> Part:
    return Part.of_counts(
        [(value, *SCALE[value], n) for value, n in counts.items()], first_on=date(2025, 1, 6), last_on=date(2026, 3, 8)
    )


def test_shares_are_of_the_judged_claims_and_unproven_is_in_neither():
    record = part(true=3, mostly_true=2, half_true=1, misleading=1, mostly_false=1, false=2, unproven=4)
    assert (record.claims, record.judged, record.unproven) == (14, 10, 4)
    assert (record.true_count, record.false_count, record.mixed_count) == (5, 3, 2)
    assert (record.true_share, record.false_share) == (0.5, 0.3)
    assert not record.too_few_to_judge
    assert (
        record.line()
        == "14 published verdicts · 50% true or mostly true · 30% false or mostly false · Jan 2025 – Mar 2026"
    )


def test_below_five_judged_claims_it_is_too_few_to_judge_however_many_are_unproven():
    record = part(true=4, unproven=6)
    assert record.too_few_to_judge
    assert (record.true_share, record.false_share) == (None, None)
    assert record.line().startswith("10 published verdicts · too few to judge (4 on the scale, 5 needed)")
    assert not part(true=4, false=1).too_few_to_judge


def test_ratings_come_in_scale_order_and_the_part_survives_its_json():
    record = part(false=1, true=2, unproven=1)
    assert [r.value for r in record.by_rating] == ["true", "false", "unproven"]
    assert [r.side for r in record.by_rating] == ["true", "false", "unproven"]
    assert Part.from_json(record.as_json()) == record


def test_an_empty_record_says_so():
    assert Part().line() == "no published verdicts yet"
    assert suggest_reliability(Part()).grade == "F"


@pytest.mark.parametrize(
    ("counts", "grade"),
    [
        ({"true": 20}, "A"),
        ({"true": 19}, "B"),  # A needs twenty judged
        ({"true": 8, "mostly_true": 1, "false": 1}, "B"),
        ({"true": 6, "half_true": 2, "false": 2}, "C"),
        ({"true": 4, "misleading": 3, "false": 3}, "D"),
        ({"true": 2, "half_true": 1, "false": 2}, "D"),
        ({"true": 2, "mostly_false": 1, "false": 2}, "E"),  # half or more false or mostly false
        ({"true": 1, "false": 4}, "E"),
        ({"true": 3, "false": 1, "unproven": 9}, "F"),
    ],
)
def test_the_suggested_grade_follows_the_shares(counts: dict[str, int], grade: str):
    assert suggest_reliability(part(**counts)).grade == grade


def test_the_suggestion_gives_its_reason_in_words():
    suggestion = suggest_reliability(part(true=8, mostly_true=1, false=1, unproven=2))
    assert suggestion.reason == (
        "B — usually reliable: of 10 claims with a published verdict on the scale (2 unproven not judged), "
        "9 were rated true or mostly true (90%) and 1 false or mostly false (10%), Jan 2025 – Mar 2026."
    )
    too_few = suggest_reliability(part(true=3, unproven=1))
    assert too_few.reason == (
        "F — reliability cannot be judged: 3 claims with a verdict on the scale, and 1 unproven; 5 are needed to judge."
    )
