"""The workflow table is the one description of how a claim's status moves: the
database's guard, the API's description and the docs all come from it."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

from claims.models import Status
from reviews.workflow import STATUS_EDGES, describe, markdown_table
from tests.factories import force_status, make_claim

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_the_database_allows_exactly_the_status_changes_of_the_table():
    claim = make_claim()
    allowed, refusals = set(), set()
    for old, new in itertools.permutations(Status.values, 2):
        force_status(claim, old)  # past the guard; the move below is the one it judges
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("UPDATE claims_claim SET status = %s WHERE id = %s", [new, claim.pk])
            allowed.add((old, new))
        except DatabaseError as exc:
            refusals.add(str(exc).splitlines()[0].split(": ", 1)[-1])
    assert allowed == set(STATUS_EDGES)
    assert all("is not a transition of the workflow" in refusal for refusal in refusals)


def test_the_docs_show_the_table_as_the_code_has_it():
    text = (ROOT / "docs" / "architecture.md").read_text()
    shown = re.search(r"<!-- workflow-table -->\n(.*?)\n<!-- /workflow-table -->", text, re.S)
    assert shown is not None
    assert shown.group(1) == markdown_table()


@pytest.mark.django_db
def test_the_api_schema_describes_the_transitions_from_the_table(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/claims/{claim_id}/transitions/"]["post"]
    assert describe() in operation["description"]
    assert "`publish` (an editor who did not write or edit the review;" in operation["description"]
