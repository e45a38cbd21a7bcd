"""Random walks through the workflow by random people: whatever is tried, the claim
only ever moves along the diagram, each success logs one row and one version step,
and every refusal leaves no trace."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from claims.models import Claim, Rating, Status
from core.roles import EDITOR, REVIEWER
from reviews.models import Review
from reviews.services import review_create, transition_take
from reviews.workflow import STATUS_EDGES, TransitionName
from tests.factories import UserFactory, make_claim

pytestmark = pytest.mark.django_db


class WorkflowMachine(RuleBasedStateMachine):
    @initialize()
    def setup(self) -> None:
        self.people = {
            "editor": UserFactory.create(username="m-editor", role=EDITOR),
            "editor2": UserFactory.create(username="m-editor2", role=EDITOR),
            "reviewer": UserFactory.create(username="m-reviewer", role=REVIEWER),
            "outsider": UserFactory.create(username="m-outsider"),
        }
        self.claim = make_claim(actor=self.people["reviewer"], statement="A claim walked at random.")
        self.status: str = Status.SUBMITTED
        self.version = self.claim.version
        self.logged = 0

    @rule(
        who=st.sampled_from(["editor", "editor2", "reviewer", "outsider"]),
        name=st.sampled_from([*TransitionName, "approve"]),
        note=st.sampled_from(["", "A reason."]),
        reason=st.sampled_from(["", "opinion", "other", "duplicate"]),
    )
    def try_transition(self, who: str, name: str, note: str, reason: str) -> None:
        before = Claim.objects.get(pk=self.claim.pk)
        try:
            logged = transition_take(
                actor=self.people[who],
                claim=before,
                name=name,
                note=note,
                reason=reason,
                assignee=self.people["reviewer"] if name == TransitionName.ACCEPT else None,
            )
        except (ValidationError, PermissionDenied):
            after = Claim.objects.get(pk=self.claim.pk)
            assert (after.status, after.version) == (before.status, before.version)
            return
        assert (logged.from_status, logged.to_status) in STATUS_EDGES
        self.logged += 1
        self.status = logged.to_status

    @rule(rating=st.sampled_from(["true", "false", "half_true"]), complete=st.booleans())
    def reviewer_drafts(self, rating: str, complete: bool) -> None:
        claim = Claim.objects.get(pk=self.claim.pk)
        if claim.status not in (Status.RESEARCHING, Status.IN_REVIEW) or claim.reviews.drafts().exists():
            return
        review_create(
            actor=self.people["reviewer"],
            claim=claim,
            rating=Rating.objects.get(value=rating),
            rationale="Checked." if complete else "",
            evidence_urls=["https://records.example/a"] if complete else [],
        )

    @invariant()
    def the_claim_matches_its_log(self) -> None:
        claim = Claim.objects.get(pk=self.claim.pk)
        assert claim.status == self.status
        assert claim.transitions.count() == self.logged
        last = claim.transitions.order_by("-pk").first()
        assert claim.status == (last.to_status if last else Status.SUBMITTED)
        if claim.status == Status.PUBLISHED:
            assert last is not None
            assert claim.rating_id is not None
            assert Review.objects.current_verdicts().filter(claim=claim).count() == 1
            assert self.people["reviewer"].pk != last.actor_id


@pytest.mark.usefixtures("roles", "default_scale")
def test_random_walks_keep_the_workflow_invariants():
    WorkflowMachine.TestCase.settings = settings(
        max_examples=40,
        stateful_step_count=20,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    WorkflowMachine.TestCase().runTest()
