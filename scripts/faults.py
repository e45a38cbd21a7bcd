"""The fault suite (`make faults`; not part of `make test`): faults met in the middle of a
burst of work, as an operator would meet them.

It runs on a Redis of its own (another port, append-only file on, so the queue survives
a restart) and a database of its own (`<DATABASE_URL's name>_faults`, created and
dropped here), with the product's real processes: the main worker (jobs, webhooks), the
maintenance worker (one process), beat and, for the database scenario, gunicorn. The
scenarios (all by default; `--only` picks some):

- broker    Redis shut down and started again on the same files during a burst of
            extraction jobs (reliability.md J4);
- postgres  every application connection terminated (`pg_terminate_backend`, chosen by
            `application_name`), three times 3 s apart, during a burst of jobs while 20
            clients read and write the API (J5);
- worker    a pool child `kill -9`, the main worker process `kill -9`, and SIGTERM (warm
            shutdown), each during its own burst (J1, J2);
- receiver  a webhook receiver down while claims change, then up again within the
            retry horizon: every delivery arrives once, each claim's in order.

Each prints one `FAULT name=…` line: jobs (or deliveries), lost, duplicated, stuck, 5xx
and the recovery time. lost, duplicated and stuck must be 0, 5xx too except requests in
flight when the database connections were cut, which must stop within 5 s; the exit
status says whether they were. docs/reliability.md explains the figures and records them.

    python scripts/faults.py [--only broker,postgres,worker,receiver] [--jobs 200] [--down 10]
                             [--clients 20] [--cuts 3] [--claims 20]
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.processes import (  # noqa: E402 - the project's root is on the path from here on
    OwnRedis,
    Tally,
    WebServer,
    burst_tally,
    extraction_burst,
    free_port,
    jobs_done,
    pool_children,
    running_beat,
    story_suggestions,
    wait_until_drained,
)

CANARY_TARGET_S = 30.0
# Requests in flight when the database connections are cut may fail; later ones may not,
# and the failures must have stopped within this many seconds (reliability.md J5).
IN_FLIGHT_BOUND_S = 5.0
SCENARIOS = ("broker", "postgres", "worker", "receiver")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(SCENARIOS), help=f"comma-separated: {','.join(SCENARIOS)}")
    parser.add_argument("--jobs", type=int, default=200, help="jobs in each burst")
    parser.add_argument("--down", type=float, default=10.0, help="seconds Redis or the receiver stays down")
    parser.add_argument("--clients", type=int, default=20, help="HTTP clients during the database scenario")
    parser.add_argument("--cuts", type=int, default=3, help="database cuts, 3 s apart, in that scenario")
    parser.add_argument("--claims", type=int, default=20, help="claims whose transitions the receiver hears")
    args = parser.parse_args()
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(SCENARIOS))
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}")

    redis = OwnRedis(prefix="corroborate-faults-")
    redis.start()
    try:
        return run(args, chosen, redis)
    finally:
        redis.remove()


def run(args: argparse.Namespace, chosen: list[str], redis: OwnRedis) -> int:
    """The chosen scenarios on the suite's own Redis and database; the exit status."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        REDIS_URL=redis.url,
        CELERY_BROKER_URL=redis.url,
        CELERY_RESULT_BACKEND=redis.url,
        CACHE_URL=redis.url,
        CELERY_TASK_ALWAYS_EAGER="false",
        # A dead worker's jobs are taken over soon, and the sweepers look often.
        JOB_LEASE_SECONDS="10",
        JOB_SWEEP_INTERVAL="5",
        JOB_RETRY_BASE_SECONDS="1",
        # The receiver listens on loopback, and its retries come within seconds: the
        # horizon (six attempts, 2 s doubling to at most 16 s, up to half taken off by the
        # jitter) is 23 to 46 s, so a 10 s outage stays inside it.
        FETCH_ALLOWED_NETWORKS="127.0.0.0/8",
        WEBHOOK_RETRY_BASE_DELAY="2",
        WEBHOOK_RETRY_MAX_DELAY="16",
        WEBHOOK_MAX_ATTEMPTS="6",
        WEBHOOK_SWEEP_INTERVAL="5",
        WEBHOOK_TIMEOUT="5",
        # The clients of the database scenario are the load, not abuse to throttle.
        API_THROTTLE_USER="1000000/minute",
        API_THROTTLE_ANON="1000000/minute",
    )
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import setup_databases, teardown_databases

    database = settings.DATABASES["default"]
    database["TEST"]["NAME"] = f"{database['NAME']}_faults"
    databases = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    results: list[bool] = []
    try:
        suite = Suite(redis, jobs=args.jobs)
        with suite.processes():
            for name in chosen:
                if name == "broker":
                    results.append(suite.broker_restart(down=args.down))
                elif name == "postgres":
                    results.append(suite.database_terminated(clients=args.clients, cuts=args.cuts))
                elif name == "worker":
                    results.append(suite.worker_killed("child_kill9"))
                    results.append(suite.worker_killed("main_kill9"))
                    results.append(suite.worker_killed("main_sigterm"))
                elif name == "receiver":
                    results.append(suite.receiver_down(down=args.down, claims=args.claims))
    finally:
        teardown_databases(databases, verbosity=0)
    ok = all(results)
    print("ok" if ok else "FAILED: see the lines above")
    return 0 if ok else 1


def since(start: float | None, end: float | None) -> str:
    return "none" if start is None or end is None else f"{end - start:.1f}"


class Suite:
    """The processes and the burst of jobs the scenarios share: the maintenance worker
    and beat run throughout; each scenario has the main worker it needs."""

    def __init__(self, redis: OwnRedis, *, jobs: int) -> None:
        from django.contrib.auth.models import Group, User

        from core.roles import sync_roles

        self.redis = redis
        self.jobs = jobs
        sync_roles()  # the groups and their permissions
        self.editor = User.objects.create_user("faults-editor")
        self.editor.groups.add(Group.objects.get(name="editor"))
        self.reviewer = User.objects.create_user("faults-reviewer")
        self.reviewer.groups.add(Group.objects.get(name="reviewer"))
        self.expected = story_suggestions()
        self.log_dir = ROOT / "artifacts" / "faults"
        self.log_dir.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def processes(self) -> Iterator[None]:
        from tests.worker import running_worker, test_database_url

        with (
            running_beat(self.log_dir, self.redis.dir, {"DATABASE_URL": test_database_url()}),
            running_worker(queues=["maintenance"], log_dir=self.log_dir),
        ):
            yield

    @contextmanager
    def main_worker(self) -> Iterator[subprocess.Popen[bytes]]:
        from tests.worker import running_worker

        with running_worker(
            queues=["jobs", "webhooks"], concurrency=2, log_dir=self.log_dir, wait_for_canary=False, purge=False
        ) as process:
            yield process

    def request_burst(self) -> list[int]:
        return extraction_burst(self.editor, self.jobs)

    def wait_until_done(self, ids: list[int], count: int) -> None:
        deadline = time.monotonic() + 300
        while jobs_done(ids) < count:
            if time.monotonic() > deadline:
                raise RuntimeError(f"fewer than {count} jobs done after 5 minutes; see artifacts/faults/")
            time.sleep(0.2)

    def tally(self, ids: list[int]) -> Tally:
        return burst_tally(ids, self.expected)

    def taken_over_s(self, ids: list[int], fault: datetime) -> str:
        """Seconds from the fault to the last job that needed another attempt being done:
        how long the work the fault interrupted took to be taken over and finished."""
        from django.db.models import Max

        from corroboration.models import Job

        last = Job.objects.filter(pk__in=ids, attempts__gt=1).aggregate(last=Max("finished_at"))["last"]
        return "none" if last is None else f"{(last - fault).total_seconds():.1f}"

    # --- Scenarios ------------------------------------------------------------------------

    def broker_restart(self, *, down: float) -> bool:
        """Redis shut down under a burst, kept down, started again on the same files."""
        from config.celery import app as celery_app

        with self.main_worker():
            ids = self.request_burst()
            # Let the burst get going, then take the broker away under it.
            self.wait_until_done(ids, self.jobs // 10)
            self.redis.shutdown()
            time.sleep(down)
            self.redis.start()
            back = time.monotonic()
            canary: float | None = None
            while canary is None and time.monotonic() - back < 120:
                try:
                    celery_app.send_task("corroborate.canary").get(timeout=5)
                    canary = time.monotonic()
                except Exception:  # the broker or the worker is not answering yet
                    time.sleep(0.5)
            drained = wait_until_drained(ids)
        tally = self.tally(ids)
        canary_s = None if canary is None else canary - back
        print(
            f"FAULT name=broker_restart {tally.line()} down_s={down:g} "
            f"canary_s={since(back, canary)} drained_s={since(back, drained)}"
        )
        return tally.ok and canary_s is not None and canary_s <= CANARY_TARGET_S

    def database_terminated(self, *, clients: int, cuts: int) -> bool:
        """Every application connection cut, `cuts` times 3 s apart, while jobs run and
        clients use the API."""
        from django.db import connection

        from core.tokens import token_create
        from tests.factories import SourceFactory
        from tests.worker import test_database_url

        _, key = token_create(actor=None, user=self.editor, name="faults", scope="write")
        source = SourceFactory.create()
        windows: list[tuple[float, float]] = []  # (just before, just after) each cut
        terminated = 0
        with self.main_worker(), WebServer(self.log_dir, {"DATABASE_URL": test_database_url()}) as web:
            load = HttpLoad(web.url, key, source_id=source.pk, clients=clients)
            with load.running():
                ids = self.request_burst()
                self.wait_until_done(ids, self.jobs // 10)
                first_at = datetime.now(UTC)
                for number in range(cuts):
                    if number:
                        time.sleep(3)
                    before = time.monotonic()
                    with connection.cursor() as cursor:
                        cursor.execute(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                            "current_database() AND application_name = %s AND pid <> pg_backend_pid()",
                            [settings_application_name()],
                        )
                        terminated += sum(1 for (ok,) in cursor.fetchall() if ok)
                    windows.append((before, time.monotonic()))
                drained = wait_until_drained(ids)
                time.sleep(2)  # a little load after the jobs, to see the web side settled too
        tally = self.tally(ids)
        report = load.report(windows)
        ok = tally.ok and report.after == 0 and report.last_failure_s <= IN_FLIGHT_BOUND_S
        print(
            f"FAULT name=postgres_terminate {tally.line()} cuts={cuts} terminated={terminated} "
            f"requests={report.requests} writes={report.writes} 5xx={report.failures} "
            f"5xx_in_flight={report.in_flight} 5xx_after={report.after} "
            f"last_5xx_s={report.last_failure_s:.1f} p95_ms={report.p95_ms:.0f} "
            f"taken_over_s={self.taken_over_s(ids, first_at)} drained_s={since(windows[-1][1], drained)}"
        )
        return ok

    def worker_killed(self, how: str) -> bool:
        """The main worker's pool child killed, the main worker killed, or the main worker
        told to stop (SIGTERM, warm shutdown), during a burst; a new worker is started
        where the old one is gone, as a supervisor would."""
        with ExitStack() as stack:
            worker = stack.enter_context(self.main_worker())
            ids = self.request_burst()
            self.wait_until_done(ids, self.jobs // 10)
            stopped: float | None = None
            if how == "child_kill9":
                os.kill(pool_children(worker.pid)[0], 9)
                hit, hit_at = time.monotonic(), datetime.now(UTC)
            else:
                if how == "main_kill9":
                    os.killpg(worker.pid, 9)
                else:
                    worker.terminate()  # the warm shutdown: running jobs finish, then it exits
                hit, hit_at = time.monotonic(), datetime.now(UTC)
                worker.wait(timeout=300)
                stopped = time.monotonic()
                stack.enter_context(self.main_worker())
            drained = wait_until_drained(ids)
        tally = self.tally(ids)
        extra = "" if how == "child_kill9" else f" stopped_s={since(hit, stopped)}"
        print(
            f"FAULT name=worker_{how} {tally.line()} 5xx=0{extra} "
            f"taken_over_s={self.taken_over_s(ids, hit_at)} drained_s={since(hit, drained)}"
        )
        return tally.ok and drained is not None

    def receiver_down(self, *, down: float, claims: int) -> bool:
        """A webhook receiver down while claims change, up again within the retry horizon."""
        from integrations.models import DeliveryStatus, WebhookDelivery
        from integrations.services import webhook_endpoint_create
        from reviews.services import transition_take
        from reviews.workflow import TransitionName
        from tests.factories import make_claim

        receiver = Receiver()
        receiver.start()
        webhook_endpoint_create(actor=self.editor, url=receiver.url, description="faults receiver")
        with self.main_worker():
            subjects = [make_claim(actor=self.reviewer) for _ in range(claims)]
            # One event of each claim goes out while the receiver listens…
            for claim in subjects:
                transition_take(actor=self.editor, claim=claim, name=TransitionName.REJECT, reason="not_check_worthy")
            receiver.stop()
            # …the rest are made while it is down.
            for claim in subjects:
                claim.refresh_from_db()
                transition_take(actor=self.editor, claim=claim, name=TransitionName.RESTORE)
                claim.refresh_from_db()
                transition_take(
                    actor=self.editor, claim=claim, name=TransitionName.ACCEPT, note="Worth checking after all."
                )
            time.sleep(down)
            receiver.start()
            back = time.monotonic()
            ids = {claim.pk for claim in subjects}
            deliveries = WebhookDelivery.objects.filter(claim_id__in=ids)
            drained = None
            while time.monotonic() - back < 300:
                if not deliveries.filter(status=DeliveryStatus.PENDING).exists():
                    drained = time.monotonic()
                    break
                time.sleep(0.5)
            time.sleep(1)  # a late duplicate would arrive now
        receiver.stop()
        total = deliveries.count()
        delivered = deliveries.filter(status=DeliveryStatus.DELIVERED).count()
        failed = deliveries.filter(status=DeliveryStatus.FAILED).count()
        stuck = deliveries.filter(status=DeliveryStatus.PENDING).count()
        retried = deliveries.filter(attempts__gt=1).count()
        heard: dict[str, int] = {}
        for payload in receiver.payloads:
            heard[payload["delivery"]] = heard.get(payload["delivery"], 0) + 1
        known = {str(d) for d in deliveries.values_list("delivery_id", flat=True)}
        lost = failed + len(known - heard.keys())
        duplicated = sum(count - 1 for count in heard.values())
        out_of_order = 0
        last: dict[int, int] = {}
        for payload in receiver.payloads:
            claim_id, sequence = payload["claim"]["id"], payload["sequence"]
            if sequence <= last.get(claim_id, 0):
                out_of_order += 1
            last[claim_id] = max(sequence, last.get(claim_id, 0))
        print(
            f"FAULT name=receiver_down deliveries={total} delivered={delivered} failed={failed} lost={lost} "
            f"duplicated={duplicated} stuck={stuck} out_of_order={out_of_order} retried={retried} "
            f"down_s={down:g} "
            f"recovery_s={since(back, drained)}"
        )
        return lost == duplicated == stuck == out_of_order == 0 and total == 3 * claims


def settings_application_name() -> str:
    from django.conf import settings

    return str(settings.DATABASES["default"]["OPTIONS"]["application_name"])


# --- The web server and its clients ----------------------------------------------------------


@dataclass
class LoadReport:
    requests: int
    writes: int
    failures: int  # 5xx and broken connections
    in_flight: int  # of which running during a cut
    after: int  # of which not (started after a cut had been done, or before any)
    last_failure_s: float  # from a cut to the end of the last request it broke
    p95_ms: float


@dataclass
class HttpLoad:
    """`clients` threads reading `/api/v1/claims/` with a token; every tenth request of
    the first three is a write (a new claim)."""

    url: str
    key: str
    source_id: int
    clients: int
    # (start, end, status, write); status 0 is a broken connection.
    seen: list[tuple[float, float, int, bool]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def request(self, *, write: bool, number: int) -> int:
        headers = {"Authorization": f"Token {self.key}", "Accept": "application/json"}
        data = None
        if write:
            headers["Content-Type"] = "application/json"
            data = json.dumps(
                {
                    "statement": f"The port reopened on Monday, said statement {number}.",
                    "attributions": [{"source": self.source_id, "role": "claimant"}],
                }
            ).encode()
        request = urllib.request.Request(f"{self.url}/api/v1/claims/", data=data, headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
                response.read()
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)
        except (urllib.error.URLError, OSError):
            return 0

    def client(self, index: int) -> None:
        number = 0
        while not self.stop.is_set():
            number += 1
            write = index < 3 and number % 10 == 0
            start = time.monotonic()
            status = self.request(write=write, number=index * 1_000_000 + number)
            self.seen.append((start, time.monotonic(), status, write))

    @contextmanager
    def running(self) -> Iterator[None]:
        threads = [threading.Thread(target=self.client, args=(i,), daemon=True) for i in range(self.clients)]
        for thread in threads:
            thread.start()
        try:
            yield
        finally:
            self.stop.set()
            for thread in threads:
                thread.join(timeout=60)

    def report(self, windows: list[tuple[float, float]]) -> LoadReport:
        """`windows`: each cut, from just before it was asked for to just after it was done.
        A failed request that was running during a cut is in flight; any other is not."""
        in_flight, after, last = 0, 0, 0.0
        for start, end, status, _ in self.seen:
            if status and status < 500:
                continue
            spanned = [before for before, done in windows if start <= done and end >= before]
            if spanned:
                in_flight += 1
                last = max(last, end - max(spanned))
            else:
                after += 1
        unexpected = [status for *_, status, _ in self.seen if 400 <= status < 500]
        if unexpected:
            print(f"note: {len(unexpected)} requests answered 4xx (first {unexpected[0]})")
        durations = sorted(end - start for start, end, *_ in self.seen)
        p95 = durations[int(len(durations) * 0.95)] * 1000 if durations else 0.0
        return LoadReport(
            requests=len(self.seen),
            writes=sum(1 for *_, write in self.seen if write),
            failures=in_flight + after,
            in_flight=in_flight,
            after=after,
            last_failure_s=last,
            p95_ms=p95,
        )


# --- The webhook receiver --------------------------------------------------------------------


class Receiver:
    """A webhook receiver on loopback that records every payload it is sent; stopped, its
    port refuses connections, as a receiver that is down does."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/hooks/corroborate"
        self.payloads: list[dict[str, Any]] = []
        self.server: http.server.ThreadingHTTPServer | None = None
        lock = threading.Lock()
        payloads = self.payloads

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with lock:
                    payloads.append(json.loads(body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.handler = Handler

    def start(self) -> None:
        http.server.ThreadingHTTPServer.allow_reuse_address = True
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), self.handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


if __name__ == "__main__":
    sys.exit(main())
