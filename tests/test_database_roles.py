"""The application's database role can run the product but cannot rewrite its logs.

The tests themselves connect as the owner of the tables (tests/conftest.py); here the
test database is used through the application's role (DATABASE_URL), with the rights
`migrate` gave it (core.database.grant_app_privileges), as in production."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import environ
import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from psycopg import errors, sql

from claims.models import Claim
from core.database import CREDENTIALS, append_only_tables
from core.history import event_model
from reviews.models import Transition


def app_credentials() -> dict[str, Any]:
    app = environ.Env.db_url_config(settings.DATABASE_URL)
    return {key: app.get(key) or "" for key in CREDENTIALS}


@pytest.fixture
def app_role() -> dict[str, Any]:
    credentials = app_credentials()
    if credentials["USER"] == settings.DATABASE_OWNER["USER"]:
        pytest.skip("DATABASE_URL and DATABASE_OWNER_URL name the same role: there is no application role to test")
    return credentials


@pytest.fixture
def as_app(app_role: dict[str, Any], transactional_db: None) -> Iterator[psycopg.Connection]:
    """A connection to the test database as the application's role."""
    with psycopg.connect(
        dbname=connection.settings_dict["NAME"],
        user=app_role["USER"],
        password=app_role["PASSWORD"] or None,
        host=app_role["HOST"] or None,
        port=app_role["PORT"] or None,
        autocommit=True,
    ) as conn:
        yield conn


@contextmanager
def django_connected_as(credentials: dict[str, Any]) -> Iterator[None]:
    saved = {key: connection.settings_dict[key] for key in CREDENTIALS}
    connection.close()
    connection.settings_dict.update(credentials)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def refused(conn: psycopg.Connection, statement: sql.SQL | sql.Composed) -> bool:
    try:
        conn.execute(statement)
    except errors.InsufficientPrivilege:
        return True
    return False


def test_the_log_tables_are_every_table_the_database_keeps_append_only(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND t.tgname LIKE 'pgtrigger_%%append_only%%'"
        )
        protected = sorted(row[0] for row in cursor.fetchall())
    assert protected == append_only_tables()
    assert {"reviews_transition", "claims_claimevent", "claims_attributionevent", "reviews_reviewevent"} <= set(
        protected
    )


def test_the_application_role_is_neither_superuser_nor_owner(as_app):
    superuser, creates_databases, owned = as_app.execute(
        "SELECT rolsuper, rolcreatedb, (SELECT count(*) FROM pg_tables WHERE tableowner = current_user) "
        "FROM pg_roles WHERE rolname = current_user"
    ).fetchone()
    assert (superuser, creates_databases, owned) == (False, False, 0)
    assert refused(as_app, sql.SQL("CREATE TABLE intruder (id int)"))
    assert refused(as_app, sql.SQL("ALTER TABLE reviews_transition DISABLE TRIGGER ALL"))


def test_the_application_role_cannot_update_delete_or_truncate_any_log_table(as_app):
    tables = append_only_tables()
    assert len(tables) > 10
    for table in tables:
        name = sql.Identifier(table)
        first_column = as_app.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum = 1", [table]
        ).fetchone()[0]
        column = sql.Identifier(first_column)
        # It may read and add rows…
        as_app.execute(sql.SQL("SELECT count(*) FROM {}").format(name))
        assert as_app.execute("SELECT has_table_privilege(%s, 'INSERT')", [table]).fetchone()[0], table
        # …and nothing else, whether or not a trigger would have stopped it.
        assert refused(as_app, sql.SQL("UPDATE {} SET {} = {}").format(name, column, column)), f"UPDATE {table}"
        assert refused(as_app, sql.SQL("DELETE FROM {}").format(name)), f"DELETE {table}"
        assert refused(as_app, sql.SQL("TRUNCATE {}").format(name)), f"TRUNCATE {table}"
    # TRUNCATE … CASCADE from a table it may write reaches the logs and is refused as a whole.
    assert refused(as_app, sql.SQL("TRUNCATE claims_claim CASCADE"))


def test_the_application_role_cannot_switch_the_triggers_off(as_app):
    # Replica mode skips ordinary triggers; only a superuser may choose it.
    assert refused(as_app, sql.SQL("SET session_replication_role = replica"))
    # pgtrigger's own switch for ignoring a trigger is a plain setting anyone may change:
    # the missing privilege still refuses the change.
    as_app.execute("SELECT set_config('pgtrigger.ignore', '{pgtrigger_transition_append_only_4c827}', false)")
    assert refused(as_app, sql.SQL("DELETE FROM reviews_transition"))


def test_the_application_role_runs_the_demo_and_its_workflow(app_role, transactional_db, default_scale):
    with django_connected_as(app_role):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == app_role["USER"]
        call_command("load_demo", stdout=io.StringIO())
        transitions = Transition.objects.count()
        claim_history = event_model(Claim).objects.count()
    assert transitions > 0
    assert claim_history > 0
