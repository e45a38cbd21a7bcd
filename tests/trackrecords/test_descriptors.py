"""Anonymous descriptors that differ only in count or wording are one group."""

from __future__ import annotations

import pytest

from trackrecords.descriptors import descriptor_key

INTELLIGENCE = descriptor_key("officials familiar with US intelligence")


@pytest.mark.parametrize(
    "wording",
    [
        "two officials familiar with U.S. intelligence",
        "officials familiar with US intelligence",
        "an official familiar with American intelligence",
        "three U.S. officials familiar with the intelligence",
        "Officials familiar with U.S. intelligence, who spoke on condition of anonymity",
        "several officials with knowledge of U.S. intelligence",
    ],
)
def test_counts_and_rewordings_fall_into_one_group(wording: str):
    assert descriptor_key(wording) == INTELLIGENCE


@pytest.mark.parametrize(
    "wording",
    [
        "a senior official familiar with U.S. intelligence",  # senior officials are another kind of source
        "officials familiar with Russian intelligence",
        "diplomats familiar with U.S. intelligence",
        "military officials familiar with U.S. intelligence",
    ],
)
def test_what_distinguishes_a_kind_of_source_keeps_it_apart(wording: str):
    assert descriptor_key(wording) != INTELLIGENCE


def test_people_and_sources_in_general_are_one_and_a_bare_count_is_no_group():
    assert descriptor_key("people familiar with the matter") == descriptor_key(
        "two sources with knowledge of the matter"
    )
    assert descriptor_key("two people") == ""
    assert descriptor_key("") == ""
