"""A review may cite another organisation's fact-check as evidence, once a reviewer has
confirmed that it is about this claim."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from corroboration.models import MatchState, PriorCheckMatch
from corroboration.services import prior_check_match_decide, prior_checks_import
from reviews.services import review_create, review_update, transition_take
from reviews.workflow import TransitionName

pytestmark = pytest.mark.django_db

DEMO_FEED = Path(__file__).resolve().parents[2] / "demo" / "data" / "claimreviews.json"
INTELLIGENCE = (
    "Russia has provided Iran with information that could help Tehran strike U.S. warships, aircraft and other "
    "assets in the Middle East."
)


@pytest.fixture
def claim_with_prior_check(workflow):
    claim = workflow.researching(statement=INTELLIGENCE)
    prior_checks_import(actor=None, body=DEMO_FEED.read_bytes())
    return claim, PriorCheckMatch.objects.get(claim=claim)


def draft(workflow, claim, **evidence):
    return review_create(
        actor=workflow.reviewer,
        claim=claim,
        rating=workflow.ratings["unproven"],
        recheck_on="2026-06-01",
        rationale="Another fact-checker found no confirmation either.",
        **evidence,
    )


def test_a_confirmed_prior_check_is_evidence_enough_to_submit(workflow, claim_with_prior_check):
    claim, match = claim_with_prior_check
    prior_check_match_decide(actor=workflow.reviewer, match=match, state=MatchState.CONFIRMED)
    review = draft(workflow, claim, evidence_prior_checks=[match.prior_check])
    assert list(review.evidence_prior_checks.all()) == [match.prior_check]
    assert review.readiness_problems() == []
    transition_take(actor=workflow.reviewer, claim=claim, name=TransitionName.SUBMIT_FOR_REVIEW)
    claim.refresh_from_db()
    assert claim.status == "in_review"


def test_a_prior_check_not_confirmed_as_about_the_claim_cannot_be_cited(workflow, claim_with_prior_check):
    claim, match = claim_with_prior_check
    with pytest.raises(ValidationError) as refused:
        draft(workflow, claim, evidence_prior_checks=[match.prior_check])
    assert "confirmed as about this claim" in refused.value.message_dict["evidence_prior_checks"][0]
    assert not claim.reviews.exists()


def test_a_prior_check_of_another_claim_cannot_be_cited(workflow, claim_with_prior_check):
    _, match = claim_with_prior_check
    prior_check_match_decide(actor=workflow.reviewer, match=match, state=MatchState.CONFIRMED)
    other = workflow.researching(statement="The port of Odesa reopened to grain ships on Monday.")
    with pytest.raises(ValidationError):
        draft(workflow, other, evidence_prior_checks=[match.prior_check])


def test_a_review_citing_a_match_rejected_since_cannot_be_submitted(workflow, claim_with_prior_check):
    claim, match = claim_with_prior_check
    prior_check_match_decide(actor=workflow.reviewer, match=match, state=MatchState.CONFIRMED)
    review = draft(workflow, claim, evidence_prior_checks=[match.prior_check], evidence_urls=["https://x.example/"])
    prior_check_match_decide(actor=workflow.editor, match=match, state=MatchState.REJECTED)
    assert any("no longer confirmed" in p for p in review.readiness_problems())
    with pytest.raises(ValidationError, match="no longer confirmed"):
        transition_take(actor=workflow.reviewer, claim=claim, name=TransitionName.SUBMIT_FOR_REVIEW)
    review_update(actor=workflow.reviewer, review=review, evidence_prior_checks=[])
    transition_take(actor=workflow.reviewer, claim=claim, name=TransitionName.SUBMIT_FOR_REVIEW)
