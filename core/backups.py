"""Backups of the database and restoring one (docs/operations.md, "Backups").

A backup is one `pg_dump` custom-format file, written as the owner of the tables (who
can read every row, the logs included) under a temporary name and renamed when complete,
so a directory never holds a half-written backup under a backup's name. The newest
BACKUP_KEEP are kept. Restoring creates a new, empty database as the owner, restores
into it and migrates it, which also gives the application role its rights there: the
dump carries no owner and no grants, so it restores on a server whose roles have other
names."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from psycopg import sql
from psycopg.conninfo import make_conninfo

from core.database import connected_as_owner

SUFFIX = ".dump"
STAMP = "%Y%m%dT%H%M%SZ"


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


@dataclass
class Backup:
    path: Path
    removed: list[Path] = field(default_factory=list)


def _owner_environment(database: str) -> dict[str, str]:
    """libpq's variables for the owner role: the password never shows in a process list."""
    owner = settings.DATABASE_OWNER
    environment = dict(os.environ, PGDATABASE=database, PGUSER=str(owner["USER"]))
    for variable, key in (("PGPASSWORD", "PASSWORD"), ("PGHOST", "HOST"), ("PGPORT", "PORT")):
        if owner[key]:
            environment[variable] = str(owner[key])
    return environment


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (the PostgreSQL client, the same major version as the server).")
    return path


def backup_name(database: str, at: datetime) -> str:
    return f"{database}-{at.astimezone(UTC).strftime(STAMP)}{SUFFIX}"


def backups_of(directory: Path, database: str) -> list[Path]:
    """The finished backups of the database in the directory, oldest first (their names
    sort by time)."""
    pattern = re.compile(rf"^{re.escape(database)}-\d{{8}}T\d{{6}}Z{re.escape(SUFFIX)}$")
    return sorted(path for path in directory.glob(f"*{SUFFIX}") if pattern.match(path.name))


def backup_create(
    *,
    directory: Path | None = None,
    keep: int | None = None,
    now: datetime | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> Backup:
    """Write a backup of the application's database, then delete all but the newest `keep`."""
    directory = Path(directory or settings.BACKUP_DIR)
    keep = keep if keep is not None else settings.BACKUP_KEEP
    if keep < 1:
        raise BackupError("At least one backup must be kept.")
    database = connections[using].settings_dict["NAME"]
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = directory / backup_name(database, now or datetime.now(UTC))
    if target.exists():
        raise BackupError(f"{target} exists already; a backup is never overwritten.")
    partial = target.with_name(f".{target.name}.partial")
    # Readable by this account only: a backup holds password digests and unpublished work.
    os.close(os.open(partial, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600))
    result = subprocess.run(  # noqa: S603 - a fixed program and arguments; no shell
        [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"],
        env=_owner_environment(database),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed for {database}: {result.stderr.strip()}")
    with open(partial, "rb") as written:
        os.fsync(written.fileno())
    os.replace(partial, target)
    # The rename itself must survive a crash.
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    backups = backups_of(directory, database)
    removed = backups[: max(0, len(backups) - keep)]
    for old in removed:
        old.unlink()
    return Backup(path=target, removed=removed)


@contextmanager
def _connected_to(name: str, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    connection = connections[using]
    previous = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = previous


def backup_restore(*, path: Path, database: str, migrate: bool = True, using: str = DEFAULT_DB_ALIAS) -> None:
    """Restore a backup into a new database `database`, owned by the owner role, then
    migrate it (newer migrations than the backup's, and the application role's rights)."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    owner = settings.DATABASE_OWNER
    try:
        with psycopg.connect(
            dbname="postgres",
            user=owner["USER"] or None,
            password=owner["PASSWORD"] or None,
            host=owner["HOST"] or None,
            port=owner["PORT"] or None,
            autocommit=True,
            connect_timeout=10,
        ) as admin:
            if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
                raise BackupError(f"Database {database} exists; a backup is restored only into a new database.")
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    except psycopg.Error as exc:
        raise BackupError(f"Could not create {database} as {owner['USER']} (DATABASE_OWNER_URL): {exc}") from exc
    result = subprocess.run(  # noqa: S603 - a fixed program and arguments; no shell
        [
            _tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            # A connection string, so that no database name is read as one.
            f"--dbname={make_conninfo(dbname=database)}",
            str(path),
        ],
        env=_owner_environment(database),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(
            f"pg_restore failed; {database} is left as it is for inspection (drop it before trying again): "
            f"{result.stderr.strip()}"
        )
    if migrate:
        with connected_as_owner(using), _connected_to(database, using):
            call_command("migrate", database=using, interactive=False, verbosity=0)
