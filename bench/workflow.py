"""How fast a workflow transition is taken through the one service that takes them,
against the raw database work a transition cannot do without (the lower bound).

    python -m bench.workflow [--small] [--scale 5000] [--profile [--cumulative]]

It makes a database of its own (`<DATABASE_URL's name>_bench_workflow`, dropped
afterwards), fills it with `bench.fill.fill_claims` (a fifth of the claims submitted)
and times, in interleaved rounds, on two halves of the submitted claims:

- the operation: `reviews.services.transition_take(name="accept", priority=3)` by an
  editor, as the admin, the pages and the API call it — permission, guard, the
  conditional UPDATE on the version, the log row, and after commit the notification
  task sent to the broker (Redis; the queue is emptied afterwards);
- the bound: in one transaction, a raw `UPDATE` of the claim's status, priority and
  version, and an `INSERT` of its row into the log with the next sequence number. The
  database's triggers fire for both (the status edges, the log's append-only guard, the
  change history).

The target is the service at half the raw rate or better (ratio ≤ 2). `--profile` also
prints the queries one transition runs and where its time goes (cProfile, by
own time or, with `--cumulative`, by time including callees).
"""

from __future__ import annotations

import cProfile
import io
import pstats
import sys
import time
from typing import Any

from bench.harness import Result, bench_database, option, report, setup_django

TARGET = 2.0
BOUND_SQL = (
    "UPDATE claims_claim SET status = 'researching', priority = 3, version = version + 1, "
    "updated_at = now(), updated_by_id = %(actor)s WHERE id = %(claim)s AND version = %(version)s",
    "INSERT INTO reviews_transition "
    "(claim_id, name, from_status, to_status, actor_id, note, claim_version, sequence, details, created_at) "
    "SELECT %(claim)s, 'accept', 'submitted', 'researching', %(actor)s, '', %(version)s + 1, "
    "coalesce(max(sequence), 0) + 1, '{\"priority\": 3}', now() FROM reviews_transition WHERE claim_id = %(claim)s",
)


def raw_accept(claim_id: int, actor_id: int) -> None:
    """The lower bound: the status change and its log row, in one transaction."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT version FROM claims_claim WHERE id = %s", [claim_id])
        (version,) = cursor.fetchone()
        values = {"claim": claim_id, "actor": actor_id, "version": version}
        for statement in BOUND_SQL:
            cursor.execute(statement, values)


def service_accept(claim_id: int, actor: Any) -> None:
    """The operation: the product's transition service."""
    from claims.models import Claim
    from reviews.services import transition_take

    transition_take(actor=actor, claim=Claim(pk=claim_id), name="accept", priority=3)


def submitted_claims() -> list[int]:
    from claims.models import Claim, Status

    return list(Claim.objects.filter(status=Status.SUBMITTED).order_by("pk").values_list("pk", flat=True))


def editor() -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="bench-editor")


def measure(claim_ids: list[int], *, scale: int) -> Result:
    """Half of `claim_ids` accepted by the service, the other half by the raw SQL,
    alternately, one sample per transition."""
    from bench.harness import elapsed_ms

    actor = editor()
    actor = type(actor).objects.get(pk=actor.pk)
    operation_ids, bound_ids = claim_ids[0::2], claim_ids[1::2]
    # Warm up outside the samples: the first of each half.
    service_accept(operation_ids.pop(0), actor)
    raw_accept(bound_ids.pop(0), actor.pk)
    result = Result(name="workflow_transition", scale=scale, target=TARGET)
    for op_id, bound_id in zip(operation_ids, bound_ids, strict=False):
        result.bound_ms_all.append(elapsed_ms(lambda bound_id=bound_id: raw_accept(bound_id, actor.pk)))  # type: ignore[misc]
        result.operation_ms.append(elapsed_ms(lambda op_id=op_id: service_accept(op_id, actor)))  # type: ignore[misc]
    return result


def profile(claim_ids: list[int], order: str = "tottime") -> None:
    """The queries of one transition, and cProfile's view of the rest (by `order`)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    actor = editor()
    with CaptureQueriesContext(connection) as queries:
        service_accept(claim_ids[0], actor)
    print(f"queries for one transition: {len(queries.captured_queries)}")
    for query in queries.captured_queries:
        print("   ", query["sql"][:160])
    profiler = cProfile.Profile()
    profiler.enable()
    for pk in claim_ids[1:]:
        service_accept(pk, actor)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(45)
    print(out.getvalue())


def purge_broker() -> None:
    """Empty the queue of the notifications the operation sent (no worker runs here)."""
    from config.celery import app

    app.control.purge()


def main(argv: list[str]) -> int:
    setup_django()
    from bench.fill import fill_claims

    small = "--small" in argv
    scale = option(argv, "--scale", 500 if small else 5_000)
    with bench_database("workflow"):
        started = time.perf_counter()
        fill_claims(scale)
        print(f"filled {scale} claims in {time.perf_counter() - started:.0f} s", flush=True)
        claims = submitted_claims()
        if "--profile" in argv:
            profile(claims[-60:], "cumulative" if "--cumulative" in argv else "tottime")
            claims = claims[:-60]
        try:
            result = measure(claims, scale=scale)
        finally:
            purge_broker()
    print(f"transitions per second: service {1000 / result.median_ms:.0f}, raw SQL {1000 / result.bound_ms:.0f}")
    return report([result], scale_label="claims")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
