"""An existing newsroom's database survives the upgrade to one-way apps.

`demo-database-before-one-way-apps.sql.gz` is a `pg_dump` of the demo database as it
was before the apps were made to depend one way (rating scale in reviews, API tokens and
webhook deliveries in integrations, existing fact-checks in sources, before prior
checks), with a token that
submitted a claim, a webhook delivery, coverage found by a real job, a confirmed stance
and a fact-check by another organisation. It is restored into a database of its own,
migrated with `manage.py migrate`, and read again: every claim, attribution and history
row must still be there, as it was, and what moved must have arrived."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
DUMP = Path(__file__).with_name("demo-database-before-one-way-apps.sql.gz")

# Whole rows of what must come through untouched (ordered, so lists compare).
UNCHANGED = {
    "claims": "SELECT * FROM claims_claim ORDER BY id",
    "attributions": "SELECT * FROM claims_attribution ORDER BY id",
    "relations": "SELECT * FROM claims_claimrelation ORDER BY id",
    "claim history": "SELECT * FROM claims_claimevent ORDER BY pgh_id",
    "attribution history": "SELECT * FROM claims_attributionevent ORDER BY pgh_id",
    "review history": "SELECT * FROM reviews_reviewevent ORDER BY pgh_id",
    "source history": "SELECT * FROM sources_sourceevent ORDER BY pgh_id",
    "rating history": "SELECT * FROM reviews_ratingevent ORDER BY pgh_id",
    "token history": "SELECT * FROM integrations_apitokenevent ORDER BY pgh_id",
    "history contexts": "SELECT * FROM pghistory_context ORDER BY id",
    "reviews": "SELECT * FROM reviews_review ORDER BY id",
    "ratings": "SELECT * FROM reviews_rating ORDER BY id",
    "tokens": "SELECT * FROM integrations_apitoken ORDER BY id",
    "coverage": "SELECT * FROM corroboration_coverage ORDER BY id",
}
# Fact-checks by others, one row per claim and review, become prior checks (one per
# review) matched to the claim they were found for: every row must arrive whole.
FACT_CHECKS_BEFORE = (
    "SELECT claim_id, url, title, publisher_name, publisher_site, textual_rating AS rating, review_date, "
    "claim_text AS claim_reviewed, claimant, claim_date, language, raw_payload "
    "FROM sources_existingfactcheck ORDER BY claim_id, url"
)
FACT_CHECKS_AFTER = (
    "SELECT m.claim_id, p.url, p.title, p.publisher_name, p.publisher_site, p.rating_text AS rating, p.review_date, "
    "p.claim_reviewed, p.claimant, p.claim_date, p.language, p.raw_payload "
    "FROM corroboration_priorcheckmatch m JOIN corroboration_priorcheck p ON p.id = m.prior_check_id "
    "ORDER BY m.claim_id, p.url"
)
# Columns the upgrade adds to a table it otherwise keeps; compared without them.
ADDED = {
    # The claims' index for matching new articles: a generated column of what was there.
    "claims": {"submitted_with_id", "match_vector"},
    "claim history": {"submitted_with_id"},
    # A draft may be discarded; a published verdict keeps the ledger it was published with.
    "reviews": {"discarded_at", "ledger_at_publication"},
    "review history": {"discarded_at", "ledger_at_publication"},
    # Coverage keeps why its stance was suggested, its story group and its marked words,
    # filled in the next time the claim is matched.
    "coverage": {
        "echo_cue",
        "origin_group",
        "stance_reason",
        "stance_cue",
        "stance_sentence",
        "excerpt_marks",
        "new_since_publication",
    },
}


def _rows(connection: psycopg.Connection, query: str, leave_out: set[str] = frozenset()) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(query)
        names = [column.name for column in cursor.description or ()]
        return [
            {name: value for name, value in zip(names, row, strict=True) if name not in leave_out}
            for row in cursor.fetchall()
        ]


def _url(name: str) -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


@pytest.fixture
def old_database() -> Iterator[str]:
    """A database holding the dump, dropped afterwards."""
    name = f"{settings.DATABASES['default']['NAME']}_upgrade"
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        ["psql", "--quiet", "--no-psqlrc", "-v", "ON_ERROR_STOP=1", _url(name)],
        input=gzip.decompress(DUMP.read_bytes()),
        check=True,
        capture_output=True,
    )
    yield _url(name)
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_an_existing_database_keeps_its_claims_attributions_and_history_through_the_upgrade(old_database):
    with psycopg.connect(old_database) as connection:
        before = {name: _rows(connection, query, ADDED.get(name, set())) for name, query in UNCHANGED.items()}
        submitted_by_token = _rows(connection, "SELECT claim_id, apitoken_id FROM integrations_apitoken_claims")
        deliveries = _rows(
            connection,
            "SELECT d.id, t.claim_id, (SELECT count(*) FROM reviews_transition e WHERE e.claim_id = t.claim_id "
            "AND (e.created_at, e.id) <= (t.created_at, t.id)) AS sequence "
            "FROM integrations_webhookdelivery d JOIN reviews_transition t ON t.id = d.transition_id ORDER BY d.id",
        )
        transitions = _rows(connection, "SELECT * FROM reviews_transition ORDER BY id")
        fact_checks = _rows(connection, FACT_CHECKS_BEFORE)
    assert fact_checks, "the dump should hold a fact-check by another organisation"
    assert submitted_by_token, "the dump should hold a claim submitted with a token"
    assert deliveries, "the dump should hold a webhook delivery"
    assert all(before[name] for name in ("claims", "attributions", "claim history", "coverage", "tokens"))

    migrated = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": old_database},
        capture_output=True,
        text=True,
        check=False,
    )
    assert migrated.returncode == 0, migrated.stderr[-3000:]

    with psycopg.connect(old_database) as connection:
        after = {name: _rows(connection, query, ADDED.get(name, set())) for name, query in UNCHANGED.items()}
        for name in UNCHANGED:
            assert after[name] == before[name], f"{name} changed in the upgrade"
        # Articles count as unchanged since they were first seen: no published ClaimReview
        # looks modified by the upgrade itself.
        assert _rows(connection, "SELECT id FROM sources_article WHERE updated_at <> seen_at") == []
        # The token that recorded a claim is now on the claim itself.
        assert _rows(connection, "SELECT id AS claim_id, submitted_with_id AS apitoken_id FROM claims_claim "
                     "WHERE submitted_with_id IS NOT NULL") == submitted_by_token  # fmt: skip
        # Deliveries name their claim and the transition's place in the claim's order.
        assert _rows(connection, "SELECT id, claim_id, sequence FROM integrations_webhookdelivery ORDER BY id") == (
            deliveries
        )
        # The workflow log is as it was, each claim's transitions now numbered 1, 2, 3…
        numbered = _rows(connection, "SELECT * FROM reviews_transition ORDER BY id")
        assert [{k: v for k, v in row.items() if k != "sequence"} for row in numbered] == transitions
        by_claim: dict[int, list[int]] = {}
        for row in numbered:
            by_claim.setdefault(row["claim_id"], []).append(row["sequence"])
        assert all(sequence == list(range(1, len(sequence) + 1)) for sequence in by_claim.values())
        # Each fact-check by another organisation is now a prior check matched to its claim.
        assert _rows(connection, FACT_CHECKS_AFTER) == fact_checks
        assert {row["state"] for row in _rows(connection, "SELECT state FROM corroboration_priorcheckmatch")} == {
            "suggested"
        }
        # The models that changed app kept their content types, so no permission was lost.
        moved = _rows(
            connection,
            "SELECT app_label, model FROM django_content_type WHERE model IN "
            "('apitoken', 'rating', 'ratingscale', 'existingfactcheck') ORDER BY model",
        )
        assert moved == [
            {"app_label": "core", "model": "apitoken"},
            {"app_label": "corroboration", "model": "existingfactcheck"},
            {"app_label": "claims", "model": "rating"},
            {"app_label": "claims", "model": "ratingscale"},
        ]
        # The history triggers still write: a change made now is recorded.
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM claims_claimevent")
            (events,) = cursor.fetchone() or (0,)
            cursor.execute("UPDATE claims_claim SET context = context || ' (upgraded)' WHERE id = 1")
            cursor.execute("SELECT count(*) FROM claims_claimevent")
            assert (cursor.fetchone() or (0,))[0] == events + 1
