"""Change history: who changed what and when, including bulk updates, and never rewritten."""

import pytest
from django.db import DatabaseError, connection, transaction

from claims.models import Attribution, AttributionRole, Claim
from claims.services import attribution_update, claim_update
from core.history import history_of
from sources.models import Source
from sources.services import source_update
from tests.factories import SourceFactory, make_claim

pytestmark = pytest.mark.django_db


def test_a_claim_change_is_recorded_with_the_actor_and_the_change(reviewer, editor):
    claim = make_claim(actor=reviewer)
    claim_update(actor=editor, claim=claim, statement="A corrected statement.")

    latest = history_of(claim)[0]
    assert latest.model == "Claim"
    assert latest.action == "changed"
    assert latest.user == editor
    assert latest.changes["statement"] == ("The minister signed the agreement on Tuesday.", "A corrected statement.")


def test_the_claim_history_includes_its_attributions(reviewer):
    claim = make_claim(actor=reviewer)
    attribution_update(actor=reviewer, attribution=claim.attributions.get(), quote="We signed.")
    entries = history_of(claim)
    assert any(e.model == "Attribution" and e.action == "changed" and "quote" in e.changes for e in entries)
    assert {e.username for e in entries} == {"rev"}


def test_a_source_change_is_recorded(editor):
    source = SourceFactory(name="Mark Galeotti")
    source_update(actor=editor, source=source, reliability="B")
    (change,) = [e for e in history_of(source) if e.action == "changed"]
    assert change.changes["reliability"] == ("F", "B")
    assert change.user == editor


def test_bulk_updates_are_recorded_too():
    claims = [make_claim(statement=f"Claim {n}.") for n in range(3)]
    Claim.objects.filter(pk__in=[c.pk for c in claims]).update(context="bulk")
    Attribution.objects.filter(role=AttributionRole.CLAIMANT).update(quote="bulk quote")
    for claim in claims:
        entries = history_of(claim)
        assert any(e.model == "Claim" and e.changes.get("context") == ("", "bulk") for e in entries)
        assert any(e.model == "Attribution" and "quote" in e.changes for e in entries)


def test_raw_sql_changes_are_recorded():
    source = SourceFactory(name="Sam Greene")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE sources_source SET title = 'Professor' WHERE id = %s", [source.pk])
    assert any(e.changes.get("title") for e in history_of(Source.objects.get(pk=source.pk)))


@pytest.mark.parametrize(
    "statement", ["UPDATE claims_claimevent SET statement = 'rewritten'", "DELETE FROM claims_claimevent"]
)
def test_history_rows_cannot_be_rewritten(statement):
    make_claim()
    with (
        pytest.raises(DatabaseError, match="Cannot update or delete"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
