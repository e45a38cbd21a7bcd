from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from claims.models import Claim
from trackrecords.services import track_records_rebuild, track_records_refresh


class Command(BaseCommand):
    help = (
        "Count the track records again from the published verdicts: every record from scratch (the default, "
        "for a new installation or a check), or only those of the claims given with --claim."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--claim", type=int, action="append", default=[], help="A claim's id (repeatable).")

    def handle(self, *args: Any, claim: list[int], **options: Any) -> None:
        if claim:
            missing = sorted(set(claim) - set(Claim.objects.filter(pk__in=claim).values_list("pk", flat=True)))
            if missing:
                self.stderr.write(f"No such claim: {', '.join(f'#{pk}' for pk in missing)}.")
            touched = track_records_refresh(claim_ids=claim)
            self.stdout.write(f"{len(touched)} record(s) counted again.")
            return
        self.stdout.write(f"{track_records_rebuild()} record(s) built from the published verdicts.")
