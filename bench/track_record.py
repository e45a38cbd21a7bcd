"""How fast an outlet's track record is read, against reading one precomputed row (the
lower bound).

    python -m bench.track_record [--scale 100000] [--rounds 300]

It makes a database of its own (`<DATABASE_URL's name>_bench`, dropped afterwards),
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
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Result:
    scale: int
    median_ms: float
    p95_ms: float
    bound_ms: float
    refresh_ms: float

    @property
    def ratio(self) -> float:
        return self.median_ms / self.bound_ms

    @property
    def ok(self) -> bool:
        return self.ratio <= TARGET

    def table(self) -> str:
        head = (
            f"{'operation':22} {'claims':>8} {'median ms':>10} {'p95 ms':>8} {'bound ms':>9} {'ratio':>6} {'target':>6}"
        )
        row = (
            f"{'outlet_track_record':22} {self.scale:8} {self.median_ms:10.3f} {self.p95_ms:8.3f} "
            f"{self.bound_ms:9.3f} {self.ratio:6.2f} {TARGET:6.0f}"
        )
        return f"{head}\n{row}"

    def bench_line(self) -> str:
        return (
            f"BENCH name=outlet_track_record scale={self.scale} median_ms={self.median_ms:.3f} "
            f"p95_ms={self.p95_ms:.3f} bound_ms={self.bound_ms:.3f} ratio={self.ratio:.2f} "
            f"target={TARGET:.0f} ok={'yes' if self.ok else 'no'}"
        )


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


def _time(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return (time.perf_counter() - started) * 1000


def measure(outlet_id: int, *, rounds: int = 300, scale: int = 0) -> Result:
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

    for _ in range(10):  # warm the connection, the statement caches and the imports
        bound()
        operation()
    operation_ms: list[float] = []
    bound_ms: list[float] = []
    for _ in range(rounds):
        bound_ms.append(_time(bound))
        operation_ms.append(_time(operation))
    one = Claim.objects.filter(first_appearance__outlet=outlet).order_by("pk").values_list("pk", flat=True)[0]
    refresh_ms = [_time(lambda: track_records_refresh(claim_ids=[one])) for _ in range(5)]
    return Result(
        scale=counted,
        median_ms=statistics.median(operation_ms),
        p95_ms=statistics.quantiles(operation_ms, n=20)[18],
        bound_ms=statistics.median(bound_ms),
        refresh_ms=statistics.median(refresh_ms),
    )


def _option(argv: list[str], name: str, default: int) -> int:
    return int(argv[argv.index(name) + 1]) if name in argv else default


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import setup_databases, teardown_databases

    scale, rounds = _option(argv, "--scale", 100_000), _option(argv, "--rounds", 300)
    database = settings.DATABASES["default"]
    # As the owner of the tables, who may create databases (docs/operations.md, "Database roles").
    database.update(settings.DATABASE_OWNER)
    # A database of the benchmark's own, never the one people (or the tests) work in.
    database.setdefault("TEST", {})["NAME"] = f"{database['NAME']}_bench"
    created = setup_databases(verbosity=0, interactive=False, keepdb=False)
    try:
        started = time.perf_counter()
        outlet_id = populate(scale)
        print(f"built {scale} published claims and their records in {time.perf_counter() - started:.0f} s")
        result = measure(outlet_id, rounds=rounds, scale=scale)
    finally:
        teardown_databases(created, verbosity=0)
    print(result.table())
    print(f"counting the outlet again after one more publish (the after-commit task): {result.refresh_ms:.0f} ms")
    print(result.bench_line())
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
