"""How fast an outlet's track record is read, against reading one precomputed row (the
lower bound).

    python -m bench.track_record [--scale 100000] [--rounds 300]

It makes a database of its own (`<DATABASE_URL's name>_bench_track_record`, dropped afterwards),
migrates it, and fills it with `--scale` published claims first reported by one outlet
(each with its claimant, its published review and its verdict; one in ten resting on
anonymous officials described in a few wordings), then builds the track records from
the verdicts as the product does (`track_records_rebuild`). It then times, in
interleaved rounds so that both see the same machine load:

- the operation: `trackrecords.api.outlet_record_data` — the outlet's record as the API
  answers it (before DRF renders it to JSON), from its precomputed row and its
  descriptors' rows;
- the bound: reading the outlet's precomputed row by its primary key.

Besides the table, it prints the `BENCH …` line of the benchmark suite, and how long
counting the outlet again after one more publish takes (what the after-commit task does,
not timed against a target).
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from dataclasses import dataclass

from bench.harness import Result, bench_database, elapsed_ms, interleaved, option, report, setup_django

TARGET = 5.0
WORDINGS = (
    "two officials familiar with U.S. intelligence",
    "officials familiar with US intelligence",
    "an official familiar with American intelligence",
)
RATINGS = ("true", "mostly_true", "half_true", "misleading", "mostly_false", "false", "unproven")
BATCH = 5000
# The project's modules are imported inside the functions below: run as a script, Django
# must be set up (main) before any model can be imported.


@dataclass
class TrackRecordResult(Result):
    """The suite's row, and how long counting the outlet again after one more publish
    takes (reported, not held to a target)."""

    refresh_ms: float = 0.0


def populate(scale: int) -> int:
    """`scale` published claims first reported by one new outlet; its id. Written in
    bulk (the workflow's own path is timed elsewhere): claims are inserted as
    submitted, then moved to published with the workflow's status trigger held off,
    as a migration would."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from claims.models import Attribution, AttributionRole, Claim, Rating, Status
    from reviews.models import Review
    from sources.models import Article, Outlet, Source, SourceKind
    from trackrecords.services import track_records_rebuild

    ratings = {r.value: r for r in Rating.objects.filter(scale__is_default=True)}
    author, _ = get_user_model().objects.get_or_create(username="bench-reviewer")
    outlet = Outlet.objects.create(name=f"Bench Outlet {time.time_ns()}")
    named = Source.objects.create(kind=SourceKind.PERSON, name="Bench Spokesperson")
    anonymous = Source.objects.create(kind=SourceKind.ANONYMOUS_GROUP, name="Officials familiar with U.S. intelligence")
    articles = Article.objects.bulk_create(
        Article(canonical_url=f"https://bench.example/{outlet.pk}/{n}", url="", outlet=outlet, title=f"Story {n}")
        for n in range(100)
    )
    now = timezone.now()
    start = dt.date(2023, 1, 1)
    for first in range(0, scale, BATCH):
        numbers = range(first, min(first + BATCH, scale))
        with transaction.atomic():
            claims = Claim.objects.bulk_create(
                Claim(
                    statement=f"Bench claim {n} happened as reported.",
                    made_on=start + dt.timedelta(days=n % 1000),
                    first_appearance=articles[n % len(articles)],
                )
                for n in numbers
            )
            Attribution.objects.bulk_create(
                Attribution(
                    claim=claim,
                    source=anonymous if n % 10 == 0 else named,
                    role=AttributionRole.CLAIMANT,
                    attribution_text=WORDINGS[n % len(WORDINGS)] if n % 10 == 0 else "",
                    granted_by=outlet if n % 10 == 0 else None,
                )
                for n, claim in zip(numbers, claims, strict=True)
            )
            Review.objects.bulk_create(
                Review(
                    claim=claim,
                    author=author,
                    rating=ratings[RATINGS[n % len(RATINGS)]],
                    rationale="Bench.",
                    evidence_urls=["https://bench.example/evidence"],
                    recheck_on=dt.date(2030, 1, 1) if RATINGS[n % len(RATINGS)] == "unproven" else None,
                    published_at=now,
                )
                for n, claim in zip(numbers, claims, strict=True)
            )
    with transaction.atomic(), connection.cursor() as cursor:
        # Deferred checks pending in this transaction would forbid the ALTER TABLE.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE claims_claim DISABLE TRIGGER claim_status_follows_workflow")
        cursor.execute(
            "UPDATE claims_claim c SET status = %s, rating_id = r.rating_id, published_at = r.published_at, "
            "first_published_at = r.published_at FROM reviews_review r "
            "WHERE r.claim_id = c.id "
            "AND c.first_appearance_id IN (SELECT id FROM sources_article WHERE outlet_id = %s)",
            [Status.PUBLISHED, outlet.pk],
        )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE claims_claim ENABLE TRIGGER claim_status_follows_workflow")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    track_records_rebuild()
    return outlet.pk


def measure(outlet_id: int, *, rounds: int = 300, scale: int = 0) -> TrackRecordResult:
    from claims.models import Claim
    from sources.models import Outlet
    from trackrecords.api import outlet_record_data
    from trackrecords.models import TrackRecord
    from trackrecords.services import track_records_refresh

    outlet = Outlet.objects.get(pk=outlet_id)
    row_id = TrackRecord.objects.of_outlet(outlet).pk  # type: ignore[union-attr]
    counted = outlet_record_data(outlet)["claims"]
    if scale and counted != scale:
        raise AssertionError(f"the record counts {counted} claims, not {scale}")

    def bound() -> object:
        return TrackRecord.objects.filter(pk=row_id).get()

    def operation() -> object:
        return outlet_record_data(outlet)

    timed = interleaved(
        "outlet_track_record", scale=counted, target=TARGET, operation=operation, bound=bound, rounds=rounds, warmup=10
    )
    one = Claim.objects.filter(first_appearance__outlet=outlet).order_by("pk").values_list("pk", flat=True)[0]
    refresh_ms = [elapsed_ms(lambda: track_records_refresh(claim_ids=[one])) for _ in range(5)]
    return TrackRecordResult(
        name=timed.name,
        scale=timed.scale,
        target=timed.target,
        operation_ms=timed.operation_ms,
        bound_ms_all=timed.bound_ms_all,
        refresh_ms=statistics.median(refresh_ms),
    )


def main(argv: list[str]) -> int:
    setup_django()
    scale, rounds = option(argv, "--scale", 100_000), option(argv, "--rounds", 300)
    with bench_database("track_record"):
        started = time.perf_counter()
        outlet_id = populate(scale)
        print(f"built {scale} published claims and their records in {time.perf_counter() - started:.0f} s")
        result = measure(outlet_id, rounds=rounds, scale=scale)
    print(f"counting the outlet again after one more publish (the after-commit task): {result.refresh_ms:.0f} ms")
    return report([result], scale_label="claims")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
