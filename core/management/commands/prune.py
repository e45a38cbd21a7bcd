"""python manage.py prune [--dry-run]

Deletes what has outlived its retention setting (RETENTION_*_DAYS): finished jobs,
finished webhook deliveries, login attempts and logs, and articles nothing uses, and
says how many of each. With --dry-run it only counts. The beat schedule runs the same
thing every hour (`core.prune`, a bounded number of rows per run); this command goes on
until nothing is left, for a first clean-up, or shows what would go."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from core.retention import retention_prune


class Command(BaseCommand):
    help = "Delete (or with --dry-run, count) rows older than their RETENTION_*_DAYS setting."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count what would be deleted; delete nothing.")

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        outcomes = retention_prune(dry_run=dry_run)
        while any(outcome.more for outcome in outcomes):
            again = retention_prune()
            outcomes = [
                replace(first, count=first.count + later.count, more=later.more)
                for first, later in zip(outcomes, again, strict=True)
            ]
        for outcome in outcomes:
            self.stdout.write(outcome.line(dry_run=dry_run))
