"""The demo story shows every state, each reached through real transitions, and the
standards gate holds on its anonymous intelligence claim."""

from itertools import pairwise

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command

from claims.models import Claim, Status
from core.history import history_of
from reviews.models import Transition
from reviews.services import review_create, sourcing_sign_off, transition_take
from reviews.workflow import STATUS_EDGES, TransitionName
from tests.reviews.test_workflow import AP_OK

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(roles):
    call_command("load_demo", verbosity=0)
    return {u.username: u for u in get_user_model().objects.all()}


def claim(start: str) -> Claim:
    return Claim.objects.get(statement__startswith=start)


def test_every_state_is_shown(demo):
    intelligence = claim("Russia has provided Iran with information")
    assert (intelligence.status, intelligence.assignee) == (Status.RESEARCHING, demo["reviewer"])

    treaty = claim("Russia and Iran signed a comprehensive strategic partnership")
    assert (treaty.status, treaty.rating.value) == (Status.PUBLISHED, "true")
    published = treaty.reviews.get()
    assert published.author == demo["reviewer"]
    assert treaty.transitions.get(name="publish").actor == demo["editor"]

    shaheds = claim("After Russia invaded Ukraine")
    assert shaheds.status == Status.IN_REVIEW
    assert shaheds.reviews.get().author == demo["reviewer2"]

    greene = claim("There is no evidence that Putin's authority suffers")
    assert greene.status == Status.REJECTED
    assert greene.transitions.get().details == {"reason": "opinion"}

    # The story's other claims (its invented past, tagged demo-history, is all published).
    others = Claim.objects.exclude(pk__in=[intelligence.pk, treaty.pk, shaheds.pk, greene.pk]).exclude(
        tags__contains=["demo-history"]
    )
    assert others.count() >= 4
    assert set(others.values_list("status", flat=True)) == {Status.SUBMITTED}


def test_every_state_was_reached_through_logged_transitions(demo):
    for c in Claim.objects.exclude(status=Status.SUBMITTED):
        steps = list(c.transitions.order_by("pk"))
        assert steps[0].from_status == Status.SUBMITTED
        assert steps[-1].to_status == c.status
        assert all((s.from_status, s.to_status) in STATUS_EDGES for s in steps)
        assert all(a.to_status == b.from_status for a, b in pairwise(steps))
    assert any(e.model == "Claim" and "status" in e.changes for e in history_of(claim("Russia and Iran signed")))


def test_loading_again_takes_no_transitions(demo):
    before = Transition.objects.count()
    call_command("load_demo", verbosity=0)
    assert Transition.objects.count() == before


def test_the_intelligence_claim_cannot_be_published_without_a_standards_sign_off(demo, editor2):
    intelligence = claim("Russia has provided Iran with information")
    reviewer, editor = demo["reviewer"], demo["editor"]
    review_create(
        actor=reviewer,
        claim=intelligence,
        rating=intelligence.reviews.model.rating.field.related_model.objects.get(value="unproven"),
        recheck_on="2026-12-31",
        rationale="Two anonymous officials; no independent confirmation yet; the Kremlin declined to comment.",
        evidence_attributions=list(intelligence.attributions.all()),
    )
    transition_take(actor=reviewer, claim=intelligence, name=TransitionName.SUBMIT_FOR_REVIEW)
    with pytest.raises(ValidationError) as exc:
        transition_take(actor=editor, claim=intelligence, name=TransitionName.PUBLISH)
    assert "must sign off the sourcing" in " ".join(exc.value.messages)

    sourcing_sign_off(actor=editor, claim=intelligence, **AP_OK, note="AP's two officials; limits stated.")
    transition_take(actor=editor, claim=intelligence, name=TransitionName.PUBLISH)
    intelligence.refresh_from_db()
    assert (intelligence.status, intelligence.rating.value) == (Status.PUBLISHED, "unproven")
    assert str(intelligence.recheck_on) == "2026-12-31"
