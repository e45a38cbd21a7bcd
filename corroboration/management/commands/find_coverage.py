import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from claims.models import Claim
from corroboration import pipeline
from corroboration.models import Job, JobKind
from corroboration.services import job_claim, job_finish, job_request, ledger


class Command(BaseCommand):
    help = "Find coverage for a claim: queue the job, wait for a worker to finish it, print the ledger."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("claim_id", type=int)
        parser.add_argument("--timeout", type=int, default=600, help="Seconds to wait for the job (default 600).")
        parser.add_argument(
            "--here", action="store_true", help="Run the job in this process instead of waiting for a worker."
        )

    def handle(self, *args: Any, claim_id: int, timeout: int, here: bool, **options: Any) -> None:
        claim = Claim.objects.filter(pk=claim_id).first()
        if claim is None:
            raise CommandError(f"There is no claim #{claim_id}.")
        with transaction.atomic():
            job, created = job_request(actor=None, kind=JobKind.FIND_COVERAGE, claim=claim)
        self.stdout.write(f"Job #{job.pk} {'queued' if created else 'already ' + job.status} for claim #{claim_id}.")
        if here:
            claimed = job_claim(job.pk)
            if claimed is not None:
                job_finish(claimed, counts=pipeline.run(claimed))
        job = self._wait(job, timeout)
        if job.status == "failed":
            raise CommandError(f"Job #{job.pk} failed: {job.error}")
        self._print_ledger(claim)

    def _wait(self, job: Job, timeout: int) -> Job:
        deadline = time.monotonic() + timeout
        last = None
        hinted = False
        while True:
            job.refresh_from_db()
            if job.finished:
                return job
            line = f"  {job.status} {job.progress:3d}%  {job.step}"
            if line != last:
                self.stdout.write(line)
                last = line
            if (
                not hinted
                and job.status == "queued"
                and job.attempts == 0
                and time.monotonic() > deadline - timeout + 30
            ):
                self.stdout.write(
                    "  No worker has taken the job yet: is `celery -A config worker` running? (or use --here)"
                )
                hinted = True
            if time.monotonic() > deadline:
                raise CommandError(f"Job #{job.pk} did not finish within {timeout} s (it is {job.status}).")
            time.sleep(0.5)

    def _print_ledger(self, claim: Claim) -> None:
        result = ledger(claim)
        self.stdout.write(self.style.SUCCESS(f"Corroboration ledger for claim #{claim.pk}: “{claim.statement}”"))
        for label, value in (
            ("origin", result.origin),
            ("independent confirmations", result.independent),
            ("  of them confirmed by a reviewer", result.independent_confirmed),
            ("echoes", result.echoes),
            ("syndicated copies", result.syndicated),
            ("denials", result.denials),
            ("mentions", result.mentions),
        ):
            self.stdout.write(f"  {label:<34} {value}")
        for outlet in result.outlets:
            marks = " [state-controlled]" if outlet.state_controlled else ""
            marks += " [wire]" if outlet.is_wire else ""
            plural = f" ×{outlet.articles}" if outlet.articles > 1 else ""
            self.stdout.write(f"    {outlet.name}{marks}: {outlet.independence}, {outlet.stance}{plural}")
        self.stdout.write(
            f"  suggested information credibility: {result.suggested_credibility} — {result.credibility_reason}"
        )
