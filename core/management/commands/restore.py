"""`manage.py restore FILE --database-name NAME`: a backup into a new database."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup (from `manage.py backup`) into a new database, as the owner of the tables, and migrate it. "
        "The running installation is not touched: point DATABASE_URL at the new database to use it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The backup file.")
        parser.add_argument("--database-name", required=True, help="The database to create; it must not exist yet.")
        parser.add_argument(
            "--no-migrate", action="store_true", help="Leave the schema as the backup had it (migrate later)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            backup_restore(path=options["file"], database=options["database_name"], migrate=not options["no_migrate"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {options['file']} into {options['database_name']}. To use it, set the database name in "
                "DATABASE_URL to it and restart the web server, the workers and beat."
            )
        )
