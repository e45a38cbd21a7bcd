"""A backup holds the whole record, restores into a new database with its protections,
is written whole or not at all, and only the newest BACKUP_KEEP are kept."""

from __future__ import annotations

import io
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg import errors, sql

from claims.models import Claim, Status
from claims.services import claim_update
from core.backups import BackupError, backup_create, backup_name, backups_of
from core.database import append_only_tables
from reviews.models import TransitionName
from reviews.services import transition_take

pytestmark = pytest.mark.django_db(transaction=True)

COUNTED = {
    "claims": "SELECT count(*) FROM claims_claim",
    "attributions": "SELECT count(*) FROM claims_attribution",
    "transitions": "SELECT count(*) FROM reviews_transition",
    "history contexts": "SELECT count(*) FROM pghistory_context",
}
PROTECTING_TRIGGERS = (
    "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
    "WHERE NOT t.tgisinternal ORDER BY 1, 2"
)


def connect(name: str) -> psycopg.Connection:
    owner = settings.DATABASE_OWNER
    return psycopg.connect(
        dbname=name,
        user=owner["USER"],
        password=owner["PASSWORD"] or None,
        host=owner["HOST"] or None,
        port=owner["PORT"] or None,
        autocommit=True,
    )


def count(conn: psycopg.Connection, query: str | sql.Composed) -> int:
    row = conn.execute(query).fetchone()
    assert row is not None
    return int(row[0])


def snapshot(name: str) -> dict[str, Any]:
    with connect(name) as conn:
        counts = {what: count(conn, query) for what, query in COUNTED.items()}
        for table in append_only_tables():
            counts[table] = count(conn, sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        return {
            "counts": counts,
            "claim history": conn.execute("SELECT * FROM claims_claimevent ORDER BY pgh_id").fetchall(),
            "transitions": conn.execute("SELECT * FROM reviews_transition ORDER BY id").fetchall(),
            "triggers": conn.execute(PROTECTING_TRIGGERS).fetchall(),
        }


def migrations_recorded() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_migrations")
        return cursor.fetchone()[0]


@pytest.fixture
def restored_name() -> Iterator[str]:
    name = f"{connection.settings_dict['NAME']}_restored"
    with connect("postgres") as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    yield name
    with connect("postgres") as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def demo_with_history(roles, default_scale, editor) -> None:
    """The demo story, a claim edited and a claim taken through a transition."""
    call_command("load_demo", stdout=io.StringIO())
    claim = Claim.objects.filter(status=Status.SUBMITTED).order_by("pk").first()
    assert claim is not None
    claim_update(actor=editor, claim=claim, context="Edited before the backup.")
    transition_take(actor=editor, claim=Claim.objects.get(pk=claim.pk), name=TransitionName.ACCEPT)


def test_a_backup_restores_the_claims_their_history_and_the_log_protection(demo_with_history, tmp_path, restored_name):
    before = snapshot(connection.settings_dict["NAME"])
    assert before["counts"]["claims"] > 10
    assert before["counts"]["transitions"] > 5
    assert before["counts"]["claims_claimevent"] > before["counts"]["claims"]

    out = io.StringIO()
    call_command("backup", directory=tmp_path, stdout=out)
    path = Path(out.getvalue().strip().splitlines()[-1])
    assert path.parent == tmp_path
    assert path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    call_command("restore", str(path), database_name=restored_name, stdout=io.StringIO())

    after = snapshot(restored_name)
    assert after["counts"] == before["counts"]
    assert after["claim history"] == before["claim history"]
    assert after["transitions"] == before["transitions"]
    assert after["triggers"] == before["triggers"]
    assert any(name == "reviews_transition" and "append_only" in trigger for name, trigger in after["triggers"])
    with connect(restored_name) as conn:
        # The restored tables belong to the owner, and the log still refuses changes.
        assert conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner <> current_user"
        ).fetchone() == (0,)
        with pytest.raises(errors.RaiseException, match="Cannot update or delete"):
            conn.execute("DELETE FROM reviews_transition")
        # Migrated after the restore: nothing is left to apply, and the application's
        # role has its rights in the new database (the backup carries no grants).
        recorded = conn.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
        app = settings.DATABASE_APP_ROLE
        if app != settings.DATABASE_OWNER["USER"]:
            rights = conn.execute(
                "SELECT has_table_privilege(%s, 'claims_claim', 'INSERT'), "
                "has_table_privilege(%s, 'reviews_transition', 'INSERT'), "
                "has_table_privilege(%s, 'reviews_transition', 'UPDATE')",
                [app, app, app],
            ).fetchone()
            assert rights == (True, True, False)
    assert recorded == migrations_recorded()


def test_only_the_newest_backups_are_kept_and_each_is_named_by_its_utc_time(tmp_path):
    database = connection.settings_dict["NAME"]
    first = datetime(2026, 3, 8, 12, 0, tzinfo=UTC)
    made = [backup_create(directory=tmp_path, keep=2, now=first + timedelta(hours=hour)) for hour in range(3)]
    assert made[0].path.name == f"{database}-20260308T120000Z.dump"
    assert made[2].removed == [made[0].path]
    assert backups_of(tmp_path, database) == [made[1].path, made[2].path]
    # Files that are not this database's backups are never deleted.
    stranger = tmp_path / "notes.dump"
    stranger.write_text("kept")
    backup_create(directory=tmp_path, keep=1, now=first + timedelta(hours=5))
    assert stranger.exists()
    assert [path.name for path in backups_of(tmp_path, database)] == [backup_name(database, first + timedelta(hours=5))]


def test_a_failed_backup_leaves_no_file_behind(tmp_path):
    saved = connection.settings_dict["NAME"]
    connection.settings_dict["NAME"] = "corroborate_no_such_database"
    try:
        with pytest.raises(BackupError, match="pg_dump failed"):
            backup_create(directory=tmp_path, keep=2)
    finally:
        connection.settings_dict["NAME"] = saved
    assert list(tmp_path.iterdir()) == []


def test_a_backup_is_never_restored_over_an_existing_database(tmp_path):
    backup = backup_create(directory=tmp_path, keep=1)
    with pytest.raises(CommandError, match="exists; a backup is restored only into a new database"):
        call_command("restore", str(backup.path), database_name=connection.settings_dict["NAME"])
