from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from corroboration.services import MAX_IMPORT_BYTES, PriorChecksImported, prior_checks_import
from sources.claimreviews import ClaimReviewUnreadable
from sources.fetch import FetchError

SHAPES = {
    "data_feed": "a schema.org DataFeed",
    "list": "a list of ClaimReviews",
    "claim_review": "one ClaimReview",
    "page": "a page's embedded JSON-LD",
}


class Command(BaseCommand):
    help = (
        "Import fact-checks others published (schema.org ClaimReview) as prior checks, and match them to our "
        "claims. PATH_OR_URL is a file or an http(s) address of a DataFeed, a JSON or JSON-LD list, or a web "
        "page with ClaimReview JSON-LD. A file that does not parse is refused (exit status 1) and nothing of it "
        "is kept; items missing what a prior check needs are skipped, each with its reason."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path_or_url", metavar="PATH_OR_URL")

    def handle(self, *args: Any, path_or_url: str, **options: Any) -> None:
        try:
            if path_or_url.lower().startswith(("http://", "https://")):
                summary = prior_checks_import(actor=None, url=path_or_url)
            else:
                summary = prior_checks_import(actor=None, body=self._read(Path(path_or_url)), name=path_or_url)
        except ClaimReviewUnreadable as exc:
            raise CommandError(f"{path_or_url}: {exc} Nothing was imported.") from None
        except FetchError as exc:
            raise CommandError(f"{path_or_url} could not be fetched: {exc} Nothing was imported.") from None
        self._report(path_or_url, summary)

    def _read(self, path: Path) -> bytes:
        try:
            if path.stat().st_size > MAX_IMPORT_BYTES:
                raise CommandError(f"{path} is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB: split it.")
            return path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path} cannot be read: {exc.strerror or exc}.") from None

    def _report(self, where: str, summary: PriorChecksImported) -> None:
        self.stdout.write(
            f"Read {summary.read} item{'s' if summary.read != 1 else ''} from {where} "
            f"({SHAPES.get(summary.shape, summary.shape)}): {summary.new} new, {summary.updated} updated, "
            f"{summary.unchanged} unchanged, {len(summary.skipped)} skipped."
        )
        if summary.skipped:
            self.stdout.write("Skipped:")
            for reason in summary.skipped:
                self.stdout.write(f"  {reason}")
        claims = ", ".join(f"#{pk}" for pk in summary.claims)
        self.stdout.write(
            f"Matched to our claims: {summary.matches} new match{'es' if summary.matches != 1 else ''}"
            + (f" (claim {claims})." if claims else ".")
        )
