"""Create what the database needs on a fresh server, and check it on an existing one.

Connected as a role that may create roles and databases (DATABASE_ADMIN_URL), it makes
sure that the owner role (DATABASE_OWNER_URL, allowed to create databases so that the
test suite can make its own) and the application's role (DATABASE_URL: no superuser, no
ownership, no role creation) exist with the passwords the URLs carry, that the database
exists and belongs to the owner, and that the application's role has its rights
(core.database). Running it again changes nothing. With one role for both it only
creates the database, as before."""

from __future__ import annotations

from typing import Any

import environ
import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from psycopg import sql

from core.database import append_only_tables, privilege_statements


def _connect(url_settings: dict[str, Any], dbname: str) -> psycopg.Connection:
    return psycopg.connect(
        dbname=dbname,
        host=url_settings.get("HOST") or None,
        port=url_settings.get("PORT") or None,
        user=url_settings.get("USER") or None,
        password=url_settings.get("PASSWORD") or None,
        autocommit=True,
        connect_timeout=10,
    )


class Command(BaseCommand):
    help = "Create the database roles and the database named in DATABASE_URL if they do not exist yet."

    def handle(self, *args: Any, **options: Any) -> None:
        admin = environ.Env.db_url_config(settings.DATABASE_ADMIN_URL)
        name = settings.DATABASES["default"]["NAME"]
        owner = settings.DATABASE_OWNER
        app = {key: settings.DATABASES["default"].get(key) or "" for key in ("USER", "PASSWORD")}
        try:
            with _connect(admin, admin.get("NAME") or "postgres") as conn:
                self._roles(conn, owner=owner, app=app)
                self._database(conn, name=name, owner=owner["USER"])
                self._test_database(conn, name=f"test_{name}", owner=owner["USER"])
            if owner["USER"] != app["USER"]:
                # Default privileges belong to one database: set them inside it.
                with _connect(admin, name) as conn:
                    present = {
                        row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                    }
                    for statement in privilege_statements(
                        owner=owner["USER"],
                        app=app["USER"],
                        log_tables=[table for table in append_only_tables() if table in present],
                    ):
                        conn.execute(statement)
        except psycopg.Error as exc:
            raise CommandError(
                f"Could not set up {name} on {admin.get('HOST')}:{admin.get('PORT')} as {admin.get('USER')} "
                f"(DATABASE_ADMIN_URL): {exc}"
            ) from exc

    def _roles(self, conn: psycopg.Connection, *, owner: dict[str, Any], app: dict[str, Any]) -> None:
        if owner["USER"] == app["USER"]:
            self._role(conn, owner["USER"], owner["PASSWORD"], sql.SQL("LOGIN CREATEDB"), what="database role")
            return
        self._role(conn, owner["USER"], owner["PASSWORD"], sql.SQL("LOGIN CREATEDB NOSUPERUSER"), what="owner role")
        self._role(
            conn,
            app["USER"],
            app["PASSWORD"],
            sql.SQL("LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"),
            what="application role",
        )
        # Both roles exist by now (created above if they were missing).
        superuser, member = conn.execute(
            "SELECT rolsuper, pg_has_role(%s, %s, 'MEMBER') FROM pg_roles WHERE rolname = %s",
            [app["USER"], owner["USER"], app["USER"]],
        ).fetchone() or (False, False)
        if superuser or member:
            raise CommandError(
                f"The application role {app['USER']} (DATABASE_URL) is "
                f"{'a superuser' if superuser else 'a member of the owner role ' + owner['USER']}: it could get "
                "past the append-only log. Use a role without either (docs/operations.md, 'Database roles')."
            )

    def _role(
        self, conn: psycopg.Connection, role: str, password: str, attributes: sql.Composable, *, what: str
    ) -> None:
        row = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role]).fetchone()
        statement = sql.SQL("CREATE ROLE {} " if row is None else "ALTER ROLE {} ").format(sql.Identifier(role))
        if row is not None and row[0]:
            # A superuser named on purpose (a single-role machine) is left as it is.
            self.stdout.write(f"The {what} {role} exists (a superuser).")
            return
        if password:
            attributes = sql.SQL("{} PASSWORD {}").format(attributes, sql.Literal(password))
        conn.execute(statement + attributes)
        self.stdout.write(f"{'Created' if row is None else 'Checked'} the {what} {role}.")

    def _test_database(self, conn: psycopg.Connection, *, name: str, owner: str) -> None:
        """The tests create and drop test_<name> as the owner role. One left behind by an
        interrupted run made as another role (before the roles existed, say) could not be
        dropped, and every later run would stop at it: hand it to the owner."""
        row = conn.execute("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s", [name]).fetchone()
        if row is not None and row[0] != owner:
            conn.execute(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(sql.Identifier(name), sql.Identifier(owner)))
            self.stdout.write(f"Handed the left-over test database {name} to {owner}, so that the tests can drop it.")

    def _database(self, conn: psycopg.Connection, *, name: str, owner: str) -> None:
        row = conn.execute("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s", [name]).fetchone()
        if row is None:
            conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(name), sql.Identifier(owner)))
            self.stdout.write(self.style.SUCCESS(f"Created database {name}, owned by {owner}."))
        elif row[0] != owner:
            self.stdout.write(
                self.style.WARNING(
                    f"Database {name} exists but belongs to {row[0]}, not {owner} (DATABASE_OWNER_URL); "
                    "see docs/operations.md, 'Database roles', to move it to the owner role."
                )
            )
        else:
            self.stdout.write(f"Database {name} exists.")
