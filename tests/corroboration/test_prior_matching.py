"""Whether another organisation's fact-check is about one of our claims: the coverage
matching made both ways, with the reason in words."""

from __future__ import annotations

from corroboration.matching import ClaimProfile
from corroboration.prior_matching import match_prior_check

OURS = (
    "Russia has provided Iran with information that could help Tehran strike U.S. warships, aircraft and other "
    "assets in the Middle East."
)


def judge(theirs: str, ours: str = OURS, **kwargs: str):
    return match_prior_check(ClaimProfile.of(ours), theirs, ours=(ours,), **kwargs)


def test_the_same_claim_in_other_names_matches_through_the_alias_table():
    found = judge("Moscow provided Tehran with information to strike US warships and aircraft in the Middle East.")
    assert found.related
    assert found.score > 0.7
    assert {"Moscow", "Tehran", "US"} <= set(found.carried)


def test_a_claim_that_shares_only_the_setting_does_not_match():
    # It carries most of "an effective operator in the Middle East", but that claim carries little of it.
    found = judge(OURS, ours="Russia has been an effective operator in the Middle East.")
    assert found.ours_in_theirs > 0.5
    assert found.theirs_in_ours < 0.4
    assert not found.related


def test_a_different_claim_about_the_same_countries_does_not_match():
    found = judge("Iran sent Shahed drones to Russia.")
    assert not found.related
    assert "does not name U.S" in found.reason


def test_a_negated_wording_still_matches_but_says_the_rating_does_not_carry_over():
    found = judge("Russia did not give Iran information about U.S. warships and aircraft in the Middle East.")
    assert found.related
    assert found.opposite
    assert "its rating does not carry over as it stands" in found.reason


def test_the_reason_gives_both_shares_and_both_claimants():
    found = judge(OURS, reviewed_claimant="Social media", our_claimant="two officials familiar with U.S. intelligence")
    assert found.score == 1.0
    assert found.reason.startswith("The reviewed claim carries 100% of what distinguishes this claim (")
    assert "and this claim 100% of what distinguishes the reviewed one" in found.reason
    assert "the publisher names the claimant “Social media”" in found.reason
    assert "(ours: “two officials familiar with U.S. intelligence”)" in found.reason


def test_a_review_without_claim_text_scores_nothing():
    found = judge("   ")
    assert (found.score, found.related) == (0.0, False)
