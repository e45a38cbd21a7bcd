"""`manage.py backup`: one pg_dump custom-format file of the database in BACKUP_DIR."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.backups import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write a backup of the database (pg_dump custom format, as the owner of the tables) to BACKUP_DIR, "
        "named with the UTC time, and delete all but the newest BACKUP_KEEP. Prints the file as its last line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--directory", type=Path, help="Write here instead of BACKUP_DIR.")
        parser.add_argument("--keep", type=int, help="Backups to keep instead of BACKUP_KEEP.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            backup = backup_create(directory=options["directory"], keep=options["keep"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for old in backup.removed:
            self.stdout.write(f"Deleted the older backup {old}.")
        self.stdout.write(str(backup.path))
