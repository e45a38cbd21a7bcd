"""The workflow of product.md §3: every transition for every role, every guard with
its message, four-eyes, the standards gate, stale versions and the effects of each step."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from claims.models import Attribution, Claim, ClaimRelation, Status
from claims.services import StaleVersion, attribution_update
from config.celery import app as celery_app
from core.history import history_of
from reviews.models import APConditions, Assignment, Review, Transition, claims_awaiting_review_by
from reviews.notifications import may_concern_anyone, recipients
from reviews.services import assignment_create, review_create, review_update, sourcing_sign_off, transition_take
from reviews.workflow import RULES, STATUS_EDGES, WORKFLOW, TransitionName
from tests.factories import SourceFactory, UserFactory

pytestmark = pytest.mark.django_db

AP_OK: APConditions = {
    "information_not_opinion": True,
    "not_obtainable_on_record": True,
    "source_in_position_to_know": True,
    "reason_stated": True,
}


def take(actor, claim, name, **params) -> Transition:
    return transition_take(actor=actor, claim=claim, name=name, **params)


def messages(exc: pytest.ExceptionInfo) -> str:
    return " ".join(exc.value.messages)


# --- Who may take each transition ---------------------------------------------------------

# (transition, the state it starts from, the parameters its guard needs)
START = {
    TransitionName.ACCEPT: ("submitted", {}),
    TransitionName.REJECT: ("submitted", {"reason": "opinion"}),
    TransitionName.RESTORE: ("rejected", {}),
    TransitionName.SUBMIT_FOR_REVIEW: ("draft_ready", {}),
    TransitionName.SEND_BACK: ("in_review", {"note": "Find an on-record source."}),
    TransitionName.PUBLISH: ("in_review", {}),
    TransitionName.REOPEN: ("published", {"note": "The date was wrong."}),
}
# Who may take it, by role: editor, the assigned reviewer, another reviewer, a user with no role.
ALLOWED = {
    TransitionName.ACCEPT: {"editor"},
    TransitionName.REJECT: {"editor"},
    TransitionName.RESTORE: {"editor"},
    TransitionName.SUBMIT_FOR_REVIEW: {"editor", "assigned_reviewer"},
    TransitionName.SEND_BACK: {"editor"},
    TransitionName.PUBLISH: {"editor"},
    TransitionName.REOPEN: {"editor"},
}
ROLES = ["editor", "assigned_reviewer", "other_reviewer", "no_role"]


def test_the_policy_table_covers_every_transition():
    assert set(START) == set(ALLOWED) == set(RULES) == set(TransitionName)


def claim_ready_for(workflow, start: str) -> Claim:
    if start == "draft_ready":
        claim = workflow.researching()
        workflow.draft(claim)
        return claim
    return getattr(workflow, start)()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(TransitionName))
def test_every_transition_for_every_role(workflow, editor2, reviewer2, roles, name, role):
    start, params = START[name]
    claim = claim_ready_for(workflow, start)
    actor = {
        # The editor who publishes must not have written the review: a second editor.
        "editor": editor2,
        "assigned_reviewer": workflow.reviewer,
        "other_reviewer": reviewer2,
        "no_role": UserFactory(username="nobody"),
    }[role]
    before = Transition.objects.count()
    if role in ALLOWED[name]:
        logged = take(actor, claim, name, **params)
        claim.refresh_from_db()
        assert claim.status == RULES[name].target
        assert logged.actor == actor
        assert Transition.objects.count() == before + 1
    else:
        with pytest.raises(PermissionDenied) as exc:
            take(actor, claim, name, **params)
        assert "can be taken only by" in str(exc.value)
        assert Transition.objects.count() == before


@pytest.mark.parametrize(
    ("name", "state"),
    [
        (TransitionName.PUBLISH, "submitted"),
        (TransitionName.ACCEPT, "researching"),
        (TransitionName.REOPEN, "in_review"),
        (TransitionName.RESTORE, "published"),
        (TransitionName.SUBMIT_FOR_REVIEW, "rejected"),
    ],
)
def test_a_transition_from_the_wrong_state_is_refused(workflow, name, state):
    claim = getattr(workflow, state)()
    with pytest.raises(ValidationError) as exc:
        take(workflow.editor, claim, name, note="n", reason="opinion")
    assert "cannot take" in messages(exc)


def test_an_unknown_transition_is_refused(workflow):
    with pytest.raises(ValidationError) as exc:
        take(workflow.editor, workflow.submitted(), "approve")
    assert "is not a transition" in messages(exc)


# --- Guards ---------------------------------------------------------------------------------


def test_accepting_sets_priority_and_assigns(workflow, reviewer2):
    claim = workflow.submitted()
    logged = take(workflow.editor, claim, TransitionName.ACCEPT, priority=4, assignee=reviewer2)
    claim.refresh_from_db()
    assert (claim.priority, claim.assignee) == (4, reviewer2)
    assert logged.details == {"priority": 4, "assignee": "rev2"}
    assignment = Assignment.objects.get(claim=claim)
    assert (assignment.assignee, assignment.assigned_by, assignment.ended_at) == (reviewer2, workflow.editor, None)


def test_only_a_reviewer_or_editor_can_be_assigned(workflow):
    with pytest.raises(ValidationError) as exc:
        take(workflow.editor, workflow.submitted(), TransitionName.ACCEPT, assignee=UserFactory(username="intern"))
    assert "cannot be assigned" in messages(exc)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "Give a reason for rejecting"),
        ({"reason": "duplicate"}, "needs a link to the claim it duplicates"),
        ({"reason": "other"}, "Explain the reason in the note"),
    ],
)
def test_rejecting_needs_a_reason(workflow, params, message):
    with pytest.raises(ValidationError) as exc:
        take(workflow.editor, workflow.submitted(), TransitionName.REJECT, **params)
    assert message in messages(exc)


def test_a_claim_cannot_duplicate_itself(workflow):
    claim = workflow.submitted()
    with pytest.raises(ValidationError) as exc:
        take(workflow.editor, claim, TransitionName.REJECT, reason="duplicate", duplicate_of=claim)
    assert "duplicate of itself" in messages(exc)


def test_rejecting_a_duplicate_links_the_original(workflow):
    original, copy = workflow.submitted(statement="The original."), workflow.submitted(statement="The copy.")
    take(workflow.editor, copy, TransitionName.REJECT, reason="duplicate", duplicate_of=original)
    relation = ClaimRelation.objects.get(from_claim=copy)
    assert (relation.kind, relation.to_claim) == ("duplicate_of", original)


def test_submitting_needs_a_draft_review(workflow):
    with pytest.raises(ValidationError) as exc:
        take(workflow.reviewer, workflow.researching(), TransitionName.SUBMIT_FOR_REVIEW)
    assert "Write a draft review first" in messages(exc)


def test_submitting_needs_rating_rationale_and_evidence(workflow):
    claim = workflow.researching()
    review_create(actor=workflow.reviewer, claim=claim, summary="Not finished.")
    with pytest.raises(ValidationError) as exc:
        take(workflow.reviewer, claim, TransitionName.SUBMIT_FOR_REVIEW)
    text = messages(exc)
    for missing in ("no rating", "no rationale", "cites no evidence"):
        assert missing in text


def test_sending_back_needs_a_note(workflow):
    with pytest.raises(ValidationError) as exc:
        take(workflow.editor, workflow.in_review(), TransitionName.SEND_BACK, note="  ")
    assert "Add a note" in messages(exc)


def test_reopening_needs_a_correction_reason(workflow):
    with pytest.raises(ValidationError) as exc:
        take(workflow.editor, workflow.published(), TransitionName.REOPEN)
    assert "correction reason" in messages(exc)


# --- Four eyes and the standards gate -----------------------------------------------------


def test_whoever_wrote_the_review_cannot_publish_it(workflow):
    claim = workflow.in_review(author=workflow.editor)
    with pytest.raises(ValidationError) as exc:
        take(workflow.editor, claim, TransitionName.PUBLISH)
    assert "Four eyes" in messages(exc)
    assert Claim.objects.get(pk=claim.pk).status == Status.IN_REVIEW


def test_an_editor_who_edited_the_review_cannot_publish_it(workflow, editor2):
    claim = workflow.in_review()
    review_update(actor=editor2, review=claim.reviews.get(), summary="Tightened by the desk.")
    with pytest.raises(ValidationError) as exc:
        take(editor2, claim, TransitionName.PUBLISH)
    assert "Four eyes" in messages(exc)
    take(workflow.editor, claim, TransitionName.PUBLISH)


def test_anonymous_sourcing_needs_a_standards_sign_off(workflow):
    claim = workflow.in_review(anonymous=True)
    with pytest.raises(ValidationError) as exc:
        take(workflow.editor, claim, TransitionName.PUBLISH)
    assert "must sign off the sourcing" in messages(exc)

    signoff = sourcing_sign_off(actor=workflow.editor, claim=claim, **AP_OK)
    take(workflow.editor, claim, TransitionName.PUBLISH)
    assert Claim.objects.get(pk=claim.pk).status == Status.PUBLISHED
    assert signoff.signed_by == workflow.editor


def test_a_sign_off_lapses_when_the_sourcing_changes(workflow):
    claim = workflow.in_review(anonymous=True)
    sourcing_sign_off(actor=workflow.editor, claim=claim, **AP_OK)
    attribution_update(actor=workflow.editor, attribution=claim.attributions.get(), sources_claimed=3)
    with pytest.raises(ValidationError) as exc:
        take(workflow.editor, claim, TransitionName.PUBLISH)
    assert "must sign off the sourcing" in messages(exc)


def test_a_sign_off_needs_every_ap_condition(workflow):
    claim = workflow.in_review(anonymous=True)
    with pytest.raises(ValidationError) as exc:
        sourcing_sign_off(actor=workflow.editor, claim=claim, **{**AP_OK, "reason_stated": False})
    assert "The story says why the source was granted anonymity." in messages(exc)


def test_only_an_editor_signs_off(workflow):
    claim = workflow.in_review(anonymous=True)
    with pytest.raises(PermissionDenied):
        sourcing_sign_off(actor=workflow.reviewer, claim=claim, **AP_OK)


def test_a_claim_on_named_sources_needs_no_sign_off(workflow):
    with pytest.raises(ValidationError) as exc:
        sourcing_sign_off(actor=workflow.editor, claim=workflow.in_review(), **AP_OK)
    assert "needs no sign-off" in messages(exc)


def test_unresolved_caveat_warnings_block_publishing(workflow):
    claim = workflow.in_review(anonymous=True)
    Attribution.objects.filter(claim=claim).update(content_type="opinion")
    sourcing_sign_off(actor=workflow.editor, claim=claim, **AP_OK)
    with pytest.raises(ValidationError) as exc:
        take(workflow.editor, claim, TransitionName.PUBLISH)
    assert "Unresolved caveat warning" in messages(exc)


# --- Effects of publishing and reopening --------------------------------------------------


def test_publishing_sets_the_verdict_and_marks_the_review(workflow):
    claim = workflow.published()
    review = claim.reviews.get()
    assert (claim.status, claim.rating.value) == (Status.PUBLISHED, "true")
    assert review.published_at == claim.published_at == claim.first_published_at


def test_an_unproven_verdict_carries_its_recheck_date(workflow):
    claim = workflow.researching()
    with pytest.raises(ValidationError) as exc:
        workflow.draft(claim, rating="unproven")
    assert "needs a re-check date" in messages(exc)
    recheck = timezone.localdate() + dt.timedelta(days=30)
    workflow.draft(claim, rating="unproven", recheck_on=recheck)
    take(workflow.reviewer, claim, TransitionName.SUBMIT_FOR_REVIEW)
    take(workflow.editor, claim, TransitionName.PUBLISH)
    claim.refresh_from_db()
    assert claim.recheck_on == recheck


def test_reopening_withdraws_the_verdict_and_keeps_it_in_the_history(workflow, editor2):
    claim = workflow.published()
    first_published = claim.first_published_at
    take(workflow.editor, claim, TransitionName.REOPEN, note="The treaty was signed on the 17th, not the 18th.")
    claim.refresh_from_db()
    assert (claim.status, claim.rating) == (Status.RESEARCHING, None)
    earlier = claim.reviews.get()
    assert earlier.withdrawn_at is not None
    assert any(e.model == "Claim" and "rating_id" in e.changes for e in history_of(claim))

    workflow.draft(claim, rating="mostly_true")
    take(workflow.reviewer, claim, TransitionName.SUBMIT_FOR_REVIEW)
    take(editor2, claim, TransitionName.PUBLISH)
    claim.refresh_from_db()
    assert claim.rating.value == "mostly_true"
    assert claim.first_published_at == first_published
    assert claim.published_at > first_published
    assert Review.objects.filter(claim=claim, withdrawn_at__isnull=False).count() == 1


def test_a_published_verdict_is_not_edited(workflow):
    claim = workflow.published()
    with pytest.raises(ValidationError):
        review_update(actor=workflow.editor, review=claim.reviews.get(), summary="Quietly changed.")


# --- One log row, one version step, no lost updates ---------------------------------------


def test_each_transition_writes_one_log_row_and_bumps_the_version(workflow):
    claim = workflow.submitted()
    version = claim.version
    logged = take(workflow.editor, claim, TransitionName.ACCEPT, note="Worth checking.")
    claim.refresh_from_db()
    assert claim.version == version + 1
    assert list(claim.transitions.all()) == [logged]
    assert (logged.from_status, logged.to_status, logged.claim_version) == ("submitted", "researching", claim.version)
    assert logged.note == "Worth checking."


def test_a_stale_version_is_refused_and_nothing_is_written(workflow, editor2):
    claim = workflow.submitted()
    seen = claim.version
    take(editor2, claim, TransitionName.ACCEPT)
    with pytest.raises(StaleVersion) as exc:
        take(workflow.editor, claim, TransitionName.ACCEPT, version=seen)
    assert "changed by ed2" in str(exc.value)
    assert claim.transitions.count() == 1


def test_the_status_edges_are_the_diagram():
    assert {
        ("submitted", "researching"),
        ("submitted", "rejected"),
        ("rejected", "submitted"),
        ("researching", "in_review"),
        ("in_review", "researching"),
        ("in_review", "published"),
        ("published", "researching"),
    } == STATUS_EDGES
    assert len(WORKFLOW) == 7


# --- Reviews and assignments follow the same policy -----------------------------------------


def test_a_reviewer_writes_reviews_only_on_claims_they_work_on(workflow, reviewer2):
    claim = workflow.researching()
    with pytest.raises(PermissionDenied):
        workflow.draft(claim, author=reviewer2)


def test_reviews_are_written_while_researching_or_in_review(workflow):
    with pytest.raises(ValidationError) as exc:
        workflow.draft(workflow.submitted())
    assert "researching or in review" in messages(exc)


def test_evidence_must_belong_to_the_claim(workflow):
    claim, other = workflow.researching(), workflow.submitted(statement="Another claim.")
    with pytest.raises(ValidationError):
        workflow.draft(claim, evidence_attributions=list(other.attributions.all()))


def test_assigning_a_reviewer_ends_the_earlier_assignment(workflow, reviewer2):
    claim = workflow.researching()
    assignment_create(actor=workflow.editor, claim=claim, assignee=reviewer2)
    claim.refresh_from_db()
    assert claim.assignee == reviewer2
    assert list(claim.assignments.filter(ended_at__isnull=True).values_list("assignee__username", flat=True)) == [
        "rev2"
    ]
    assert claim.assignments.count() == 2
    with pytest.raises(PermissionDenied):
        assignment_create(actor=workflow.reviewer, claim=claim, assignee=workflow.reviewer)


def test_a_reviewer_loses_edit_rights_when_reassigned(workflow, reviewer2):
    claim = workflow.researching(statement="A claim recorded by someone else.")
    Claim.objects.filter(pk=claim.pk).update(created_by=None)
    assignment_create(actor=workflow.editor, claim=claim, assignee=reviewer2)
    with pytest.raises(PermissionDenied):
        attribution_update(actor=workflow.reviewer, attribution=claim.attributions.get(), quote="x")


# --- Side effects after commit ------------------------------------------------------------


@pytest.fixture
def eager_tasks():
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def test_side_effects_are_queued_only_after_commit(
    workflow, reviewer2, django_capture_on_commit_callbacks, eager_tasks
):
    claim = workflow.submitted()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        take(workflow.editor, claim, TransitionName.ACCEPT, assignee=reviewer2)
    assert len(callbacks) == 1
    assert mail.outbox == []  # nothing sent before the commit

    for callback in callbacks:
        callback()
    (message,) = mail.outbox
    assert message.to == ["rev2@example.org"]
    assert f"Claim #{claim.pk} is assigned to you" in message.subject


def test_a_notification_is_queued_only_when_the_transition_concerns_someone_else(
    workflow, reviewer2, monkeypatch, django_capture_on_commit_callbacks
):
    sent: list[str] = []
    monkeypatch.setattr("reviews.services.task_send", lambda name, *args, **kw: sent.append(name))
    nobody, themselves, someone = workflow.submitted(), workflow.submitted(), workflow.submitted()
    with django_capture_on_commit_callbacks(execute=True):
        take(workflow.editor, nobody, TransitionName.ACCEPT, priority=2)
        take(workflow.editor, themselves, TransitionName.ACCEPT, assignee=workflow.editor)
    assert sent == []
    with django_capture_on_commit_callbacks(execute=True):
        take(workflow.editor, someone, TransitionName.ACCEPT, assignee=reviewer2)
    assert sent == ["reviews.notify_transition"]


def test_who_a_transition_concerns_is_read_the_same_way_before_and_after_commit(workflow):
    """`transition_take` queues the e-mail only when the worker would find someone to
    write to: both read the one table in reviews/notifications.py."""
    published = workflow.published()
    take(workflow.editor, published, TransitionName.REOPEN, note="Wrong date.")
    in_review = workflow.in_review()
    take(workflow.editor, in_review, TransitionName.SEND_BACK, note="More sources.")
    take(workflow.editor, workflow.rejected(), TransitionName.RESTORE)
    take(workflow.editor, workflow.submitted(), TransitionName.ACCEPT, assignee=workflow.editor)
    logged = Transition.objects.select_related("claim", "review").order_by("pk")
    assert {t.name for t in logged} == set(RULES)
    for transition in logged:
        _, users = recipients(transition)
        concerns_others = any(user != transition.actor for user in users)
        claim = transition.claim
        assert concerns_others == may_concern_anyone(
            transition.name,
            actor_id=transition.actor_id,
            # The claim as the transition left it: none of these changes later here.
            assignee_id=claim.assignee_id,
            review_author_id=transition.review.author_id if transition.review else None,
            creator_id=claim.created_by_id,
        ), transition.name


def test_a_refused_transition_queues_nothing(workflow, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError):
        take(workflow.editor, workflow.submitted(), TransitionName.REJECT)
    assert callbacks == []


def test_a_new_claim_records_who_saw_which_transitions(workflow):
    claim = workflow.published()
    assert [t.name for t in claim.transitions.order_by("pk")] == ["accept", "submit_for_review", "publish"]
    assert [t.actor for t in claim.transitions.order_by("pk")] == [workflow.editor, workflow.reviewer, workflow.editor]


def test_a_source_changing_mid_review_is_in_the_history(workflow):
    claim = workflow.in_review()
    attribution_update(actor=workflow.editor, attribution=claim.attributions.get(), source=SourceFactory(name="New"))
    assert any(e.model == "Attribution" and "source_id" in e.changes for e in history_of(claim))


def test_awaiting_my_review_leaves_out_reviews_an_editor_edited(workflow, editor2):
    claim = workflow.in_review()
    assert list(claims_awaiting_review_by(editor2)) == [claim]
    review_update(actor=editor2, review=claim.reviews.get(), summary="Tightened by the desk.")
    assert list(claims_awaiting_review_by(editor2)) == []
    assert list(claims_awaiting_review_by(workflow.editor)) == [claim]
