"""The transition log is append-only, enforced by PostgreSQL; so is the sign-off record,
and the status can only move along the workflow's edges."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse

from claims.models import Claim
from reviews.models import StandardsSignOff, Transition
from reviews.services import sourcing_sign_off
from tests.reviews.test_workflow import AP_OK

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged(workflow) -> Transition:
    return workflow.researching().transitions.get()


def test_the_orm_cannot_update_a_transition(logged):
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        Transition.objects.filter(pk=logged.pk).update(note="rewritten")


def test_the_orm_cannot_save_over_a_transition(logged):
    logged.note = "rewritten"
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        logged.save()


def test_the_orm_cannot_delete_a_transition(logged):
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        logged.delete()


@pytest.mark.parametrize(
    "statement",
    ["UPDATE reviews_transition SET actor_id = actor_id", "DELETE FROM reviews_transition"],
)
def test_raw_sql_cannot_rewrite_the_log(logged, statement):
    with (
        pytest.raises(DatabaseError, match="Cannot update or delete"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert Transition.objects.filter(pk=logged.pk, note=logged.note).exists()


def test_the_admin_cannot_change_or_delete_the_log(logged, client, editor):
    client.force_login(editor)
    change = reverse("admin:reviews_transition_change", args=[logged.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert b'name="note"' not in page.content  # read-only view
    assert client.post(change, {"note": "rewritten"}).status_code == 403
    delete = reverse("admin:reviews_transition_delete", args=[logged.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Transition.objects.get(pk=logged.pk).note == logged.note


def test_a_sign_off_cannot_be_rewritten(workflow):
    claim = workflow.in_review(anonymous=True)
    signoff = sourcing_sign_off(actor=workflow.editor, claim=claim, **AP_OK)
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        StandardsSignOff.objects.filter(pk=signoff.pk).update(note="backdated")


def test_a_sign_off_with_an_unmet_condition_cannot_be_stored(workflow):
    claim = workflow.in_review(anonymous=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        StandardsSignOff.objects.create(
            claim=claim, signed_by=workflow.editor, **{**AP_OK, "reason_stated": False}, sourcing_fingerprint="x"
        )


@pytest.mark.parametrize(("start", "target"), [("submitted", "published"), ("rejected", "researching")])
def test_the_database_refuses_a_status_change_off_the_workflow(workflow, start, target):
    claim = getattr(workflow, start)()
    with (
        pytest.raises(DatabaseError, match="is not a transition of the workflow"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE claims_claim SET status = %s WHERE id = %s", [target, claim.pk])
    assert Claim.objects.get(pk=claim.pk).status == start


def test_a_new_claim_starts_submitted(workflow):
    claim = workflow.submitted()
    with (
        pytest.raises(DatabaseError, match="starts as submitted"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO claims_claim (statement, quote, context, language, tags, priority, status, version,"
            " created_at, updated_at) SELECT 'x', '', '', 'en', '{}', 2, 'published', 1, now(), now()"
        )
    assert Claim.objects.count() == 1
    assert claim.pk
