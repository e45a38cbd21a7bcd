"""The two database roles (docs/operations.md, "Database roles").

The owner role owns every table: `migrate` and `backup` connect as it. The application
connects as a role that may read and write rows and nothing more; on the append-only
logs (the transition log, the sign-offs, every change-history table) it may only read
and insert. The triggers on those tables stop a mistaken UPDATE or DELETE; the missing
privileges stop what a trigger cannot: TRUNCATE, `session_replication_role = replica`
(which needs a superuser) and pgtrigger's own switch for ignoring a trigger.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pgtrigger
from django.apps import AppConfig, apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg import sql

CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT")
APP_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
LOG_PRIVILEGES_REVOKED = "UPDATE, DELETE, TRUNCATE"


def append_only_tables() -> list[str]:
    """Every table whose rows the database refuses to change or delete: the models with
    a pgtrigger `Protect` trigger on UPDATE or DELETE (the transition log, the standards
    sign-offs and each change-history table pghistory keeps with PGHISTORY_APPEND_ONLY)."""
    tables = set()
    for model in apps.get_models():
        for trigger in getattr(model._meta, "triggers", ()):
            if isinstance(trigger, pgtrigger.Protect) and (
                "UPDATE" in str(trigger.operation) or "DELETE" in str(trigger.operation)
            ):
                tables.add(model._meta.db_table)
    return sorted(tables)


def privilege_statements(*, owner: str, app: str, log_tables: list[str]) -> list[sql.Composed]:
    """What the application role may do, as statements an owner (or a superuser) runs in
    the application's database. Each is idempotent."""
    owner_id, app_id = sql.Identifier(owner), sql.Identifier(app)
    statements = [
        # Tables and sequences a later migration creates get the same rights.
        sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT {} ON TABLES TO {}").format(
            owner_id, sql.SQL(APP_PRIVILEGES), app_id
        ),
        sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {}").format(
            owner_id, app_id
        ),
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(app_id),
        sql.SQL("GRANT {} ON ALL TABLES IN SCHEMA public TO {}").format(sql.SQL(APP_PRIVILEGES), app_id),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(app_id),
        # Nothing else (in particular no TRUNCATE, REFERENCES or TRIGGER) on any table.
        sql.SQL("REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM {}").format(app_id),
    ]
    if log_tables:
        statements.append(
            sql.SQL("REVOKE {} ON {} FROM {}").format(
                sql.SQL(LOG_PRIVILEGES_REVOKED),
                sql.SQL(", ").join(sql.Identifier(table) for table in log_tables),
                app_id,
            )
        )
    return statements


def existing_log_tables(connection: BaseDatabaseWrapper, tables: list[str]) -> list[str]:
    """The tables that exist yet (a partial migration may not have created them all)."""
    present = set(connection.introspection.table_names())
    return [table for table in tables if table in present]


def last_migrated_app() -> AppConfig:
    """The app whose post_migrate signal comes last: Django sends it only for apps with
    models, in INSTALLED_APPS order."""
    return [config for config in apps.get_app_configs() if config.models_module is not None][-1]


def grant_app_privileges(sender: Any = None, *, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """After `migrate` (post_migrate, once the last app has migrated): give the
    application's role its rights on the tables as they are now. Nothing to do when one
    role does everything, or when the application's role does not exist on this server
    (a test database on a machine set up with a single role)."""
    if sender is not None and sender is not last_migrated_app():
        return
    app_role = settings.DATABASE_APP_ROLE
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s)", [app_role])
        owner, app_exists = cursor.fetchone()
        if not app_exists or owner == app_role:
            return
        for statement in privilege_statements(
            owner=owner, app=app_role, log_tables=existing_log_tables(connection, append_only_tables())
        ):
            cursor.execute(statement.as_string(cursor.connection))


@contextmanager
def connected_as_owner(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Let the connection `using` speak as the owner role (DATABASE_OWNER_URL) to the same
    database, then return it to the application's role. A no-op when they are the same."""
    connection = connections[using]
    owner = settings.DATABASE_OWNER
    current = {key: connection.settings_dict.get(key) or "" for key in CREDENTIALS}
    if {key: str(value) for key, value in current.items()} == {key: str(value) for key, value in owner.items()}:
        yield
        return
    if connection.in_atomic_block:
        raise RuntimeError("Cannot change the database role inside a transaction.")
    connection.close()
    connection.settings_dict.update(owner)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(current)
