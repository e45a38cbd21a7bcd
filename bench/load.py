"""The load run (`make load`; reliability.md T3): the product's real processes on
loopback, used by concurrent clients for a bounded time, with throughput, latency and
5xx per kind of request.

    python -m bench.load [--duration 300] [--clients 20] [--pause 1] [--claims 2000]
                         [--faults] [--jobs 40] [--down 10]

It makes a database of its own (`<DATABASE_URL's name>_bench_load`, dropped afterwards),
fills it with `bench.fill.fill_claims`, and creates through the services an API user
(an editor, with a read token and a write token), a reviewer and an editor (with a
second factor, which the production settings ask of editors). It starts a redis-server of
its own (so that the fault below never touches the machine's shared one), the
maintenance worker, the main worker and beat as the Procfile does, and gunicorn (two
workers, DEBUG off, on loopback), each connected as the application's database role.

Every client signs in (a reviewer session, an editor session with its second factor),
then, until the time is up, makes one request after another (`--pause` seconds apart; by
default one, as people at work; with none the clients find the server's limit, and on a
small machine queue for it), one of each kind first and then
kinds drawn by weight (`KINDS`): token API reads (claim list, claim detail, full-text
search, the ClaimReview feed), the admin's claim list (editor session), the reviewer's
"record a claim" form (session and CSRF token, as a browser posts it) and workflow
transitions through the API (reject and restore, on claims of the client's own, so
that clients never race for a claim's version).

With `--faults` (`make load FAULTS=1`), at a third of the run a burst of extraction jobs
is queued and, while one of them runs, the pool processes of the main worker are killed
with SIGKILL (reliability.md J1); at two thirds the run's Redis (broker and cache) is
shut down and started again `--down` seconds later (J4). After the clients stop, every
job of the burst must end done with its suggestions stored once.

Printed: a table per kind, one `LOAD name=<kind> …` line each and one for the total;
the load average and the resident memory of gunicorn and the workers at the start and
the end, and the CPU time they used (per request, for gunicorn). Exit status: 1 when a
request answered 5xx or was broken off (with `--faults`, a read; writes are reported),
answered anything but what its kind expects, gunicorn or a worker exited, or a job of
the burst was lost, duplicated or stuck; 2 when all that is well but a kind's p95 is
over its budget (reads 200 ms, writes 300 ms) in a run without faults (with faults the
latency is reported, not judged: requests wait out the outage); 0 otherwise.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
READ_BUDGET_MS = 200.0
WRITE_BUDGET_MS = 300.0
SEARCH_WORDS = ("tanker", "refinery", "ferry", "inflation", "grain", "airport", "fuel", "hospital")
LOG_DIR = ROOT / "artifacts" / "load"


@dataclass(frozen=True)
class Kind:
    """One kind of request: its share of the mix, and whether it reads or writes."""

    name: str
    weight: int
    read: bool

    @property
    def target_ms(self) -> float:
        return READ_BUDGET_MS if self.read else WRITE_BUDGET_MS


KINDS = (
    Kind("api_claims_list", 15, read=True),
    Kind("api_claim_detail", 20, read=True),
    Kind("api_claims_search", 10, read=True),
    Kind("api_claimreview_feed", 15, read=True),
    Kind("admin_claim_list", 10, read=True),
    Kind("reviewer_claim_form", 15, read=False),
    Kind("api_transition", 15, read=False),
)


# --- What the clients work on ---------------------------------------------------------------


@dataclass
class Plan:
    """Everything the clients need, made before the clock starts."""

    password: str
    reviewer: str
    editor: Any  # the editor's User: each session's recovery code is made just before it signs in
    read_key: str
    write_key: str
    api_user: Any
    claim_ids: list[int]
    person_ids: list[int]
    # Claims the transitions cycle through, with their version, shared out among the clients.
    submitted: list[tuple[int, int]]
    admin_pages: int
    # Pages of the API's lists the reads spread over (the first ten of the feed, the first
    # twenty of the claims), once the lists have said how many they have.
    feed_pages: int
    list_pages: int

    def pages_count(self, client: httpx.Client) -> None:
        """Ask each list how many pages it has, as an integration would, once: the
        feed's Link header names its last page; the claim list gives its count."""
        feed = client.get("/api/v1/claimreviews/")
        last = parse_qs(urlsplit(feed.links.get("last", {}).get("url", "")).query).get("page", ["1"])[0]
        self.feed_pages = max(1, min(10, int(last)))
        claims = client.get("/api/v1/claims/").json()
        self.list_pages = max(1, min(20, math.ceil(claims["count"] / max(1, len(claims["results"])))))


def _account(username: str, role: str, password: str) -> Any:
    """A user in `role` whose password any web process can check, whatever hasher this
    process's settings name (the tests use a fast one gunicorn does not know)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.contrib.auth.models import Group

    hasher = PBKDF2PasswordHasher()
    user = get_user_model().objects.create_user(username=username, is_staff=role == "editor")
    user.password = hasher.encode(password, hasher.salt())
    user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=role))
    return user


def plan_make() -> Plan:
    """The accounts (through the services where there is one), the tokens and the ids
    the requests ask for."""
    from claims.models import Claim, Status
    from core.roles import sync_roles
    from core.second_factor import second_factor_confirm, second_factor_enrol
    from core.tokens import token_create
    from sources.models import Source, SourceKind
    from web.admin import ClaimAdmin

    sync_roles()
    password = secrets.token_urlsafe(16)
    _account("load-reviewer", "reviewer", password)
    editor = _account("load-editor", "editor", password)
    device = second_factor_enrol(actor=editor)
    assert second_factor_confirm(actor=editor, device=device, code=_current_code(device)).accepted
    api_user = _account("load-api", "editor", password)
    _, read_key = token_create(actor=None, user=api_user, name="load reads", scope="read")
    _, write_key = token_create(actor=None, user=api_user, name="load writes", scope="write")
    claims = Claim.objects.count()
    return Plan(
        password=password,
        reviewer="load-reviewer",
        editor=editor,
        read_key=read_key,
        write_key=write_key,
        api_user=api_user,
        claim_ids=list(Claim.objects.values_list("pk", flat=True)),
        person_ids=list(Source.objects.filter(kind=SourceKind.PERSON).values_list("pk", flat=True)[:200]),
        submitted=list(Claim.objects.filter(status=Status.SUBMITTED).order_by("pk").values_list("pk", "version")),
        admin_pages=max(1, math.ceil(claims / ClaimAdmin.list_per_page)),
        feed_pages=1,
        list_pages=1,
    )


def _current_code(device: Any) -> str:
    """What an authenticator app holding the device's secret shows now."""
    from django_otp.oath import totp

    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


# --- The clients ---------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    at: float  # seconds since the start of the run
    ms: float
    status: int  # 0: no answer (connection refused or broken, time-out)
    expected: bool


class Client:
    """One person at a keyboard, or one integration: its own connections, sessions and
    share of the claims to move through the workflow."""

    def __init__(self, index: int, url: str, plan: Plan, claims: list[tuple[int, int]]) -> None:
        self.index = index
        self.plan = plan
        self.rng = random.Random(index)
        api = {"Accept": "application/json"}
        self.reads = httpx.Client(base_url=url, headers={**api, "Authorization": f"Token {plan.read_key}"}, timeout=60)
        self.writes = httpx.Client(
            base_url=url, headers={**api, "Authorization": f"Token {plan.write_key}"}, timeout=60
        )
        self.reviewer = httpx.Client(base_url=url, timeout=60)
        self.editor = httpx.Client(base_url=url, timeout=60)
        # claim id -> (status, version), as this client last saw it.
        self.claims = {pk: ("submitted", version) for pk, version in claims}
        self.order = [pk for pk, _ in claims]
        self.turn = 0
        self.recorded = 0
        self.operations: dict[str, Callable[[], httpx.Response]] = {
            "api_claims_list": self.api_claims_list,
            "api_claim_detail": self.api_claim_detail,
            "api_claims_search": self.api_claims_search,
            "api_claimreview_feed": self.api_claimreview_feed,
            "admin_claim_list": self.admin_claim_list,
            "reviewer_claim_form": self.reviewer_claim_form,
            "api_transition": self.api_transition,
        }
        self.expected = {"reviewer_claim_form": 302, "api_transition": 201}

    def close(self) -> None:
        for client in (self.reads, self.writes, self.reviewer, self.editor):
            client.close()

    # Signing in, before the clock starts.

    def sign_in(self, second_factor: threading.Lock) -> None:
        """Both sessions signed in through the login page; the editor's proves its second
        factor with a recovery code made for it (each code works once, and making new
        ones voids the old, hence the lock)."""
        from django.db import connection

        from core.second_factor import recovery_codes_create

        _sign_in(self.reviewer, self.plan.reviewer, self.plan.password)
        _sign_in(self.editor, self.plan.editor.username, self.plan.password)
        with second_factor:
            code = recovery_codes_create(actor=self.plan.editor)[0]
            answer = self.editor.post(
                "/accounts/second-factor/",
                data={"recovery_code": code, "next": "/admin/", "csrfmiddlewaretoken": _csrf(self.editor)},
            )
        connection.close()  # this thread's own
        if answer.status_code != 302:
            raise RuntimeError(f"the editor's second factor was refused ({answer.status_code})")

    # The requests.

    def api_claims_list(self) -> httpx.Response:
        return self.reads.get("/api/v1/claims/", params={"page": self.rng.randint(1, self.plan.list_pages)})

    def api_claim_detail(self) -> httpx.Response:
        return self.reads.get(f"/api/v1/claims/{self.rng.choice(self.plan.claim_ids)}/")

    def api_claims_search(self) -> httpx.Response:
        return self.reads.get("/api/v1/claims/", params={"q": self.rng.choice(SEARCH_WORDS)})

    def api_claimreview_feed(self) -> httpx.Response:
        return self.reads.get("/api/v1/claimreviews/", params={"page": self.rng.randint(1, self.plan.feed_pages)})

    def admin_claim_list(self) -> httpx.Response:
        return self.editor.get("/admin/claims/claim/", params={"p": self.rng.randint(1, self.plan.admin_pages)})

    def reviewer_claim_form(self) -> httpx.Response:
        """The "record a claim" form as a browser posts it: the claim and one claimant."""
        self.recorded += 1
        return self.reviewer.post(
            "/claims/new/",
            data={
                "csrfmiddlewaretoken": _csrf(self.reviewer),
                "statement": f"The port operator said the ferry service would resume (load {self.index}-"
                f"{self.recorded}).",
                "quote": "",
                "made_on": "",
                "first_appearance": "",
                "context": "",
                "language": "en",
                "tags": "shipping",
                "priority": "2",
                "attributions-TOTAL_FORMS": "1",
                "attributions-INITIAL_FORMS": "0",
                "attributions-MIN_NUM_FORMS": "0",
                "attributions-MAX_NUM_FORMS": "50",
                "attributions-0-source": str(self.rng.choice(self.plan.person_ids)),
                "attributions-0-role": "claimant",
                "attributions-0-credibility": "6",  # the form's default choice
            },
        )

    def api_transition(self) -> httpx.Response:
        """The next of this client's claims rejected if submitted, restored if rejected."""
        pk = self.order[self.turn % len(self.order)]
        self.turn += 1
        status, version = self.claims[pk]
        body: dict[str, Any] = {"version": version}
        if status == "submitted":
            body.update(transition="reject", reason="not_check_worthy")
        else:
            body.update(transition="restore")
        answer = self.writes.post(f"/api/v1/claims/{pk}/transitions/", json=body)
        if answer.status_code == 201:
            claim = answer.json()["claim"]
            self.claims[pk] = (claim["status"], claim["version"])
        return answer

    def run(self, until: float, started: float, samples: list[Sample], pause: float = 0.0) -> None:
        """Requests one after another until `until`, `pause` seconds apart (a person
        reading the answer; 0: none, the closed loop that finds the server's limit)."""
        names = [kind.name for kind in KINDS]
        weights = [kind.weight for kind in KINDS]
        if not self.claims:  # more clients than submitted claims: this one only reads and records
            weights[names.index("api_transition")] = 0
        # One request of each kind first (every kind is measured, however short the run),
        # each client starting at another kind; then kinds drawn by weight.
        first = [name for name, weight in zip(names, weights, strict=True) if weight]
        first = first[self.index % len(first) :] + first[: self.index % len(first)]
        while first or time.monotonic() < until:
            name = first.pop(0) if first else self.rng.choices(names, weights)[0]
            begin = time.monotonic()
            try:
                status = self.operations[name]().status_code
            except httpx.HTTPError:
                status = 0
            end = time.monotonic()
            samples.append(
                Sample(name, begin - started, (end - begin) * 1000, status, status == self.expected.get(name, 200))
            )
            if pause:
                time.sleep(pause)


def _csrf(client: httpx.Client) -> str:
    token = client.cookies.get("csrftoken")
    if token is None:
        raise RuntimeError("no CSRF cookie: sign in first")
    return str(token)


def _sign_in(client: httpx.Client, username: str, password: str) -> None:
    client.get("/accounts/login/")
    answer = client.post(
        "/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": _csrf(client)},
    )
    if answer.status_code != 302:
        raise RuntimeError(f"{username} could not sign in ({answer.status_code})")


# --- The figures -----------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile of sorted `values` (0 when there are none)."""
    if not values:
        return 0.0
    return values[max(0, math.ceil(p / 100 * len(values)) - 1)]


@dataclass
class Figures:
    name: str
    requests: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors_5xx: int  # 5xx answers, and requests given no answer
    errors_other: int  # any other answer than the kind expects (a 4xx, a form shown again)
    target_ms: float
    read: bool

    @property
    def ok(self) -> bool:
        return self.errors_5xx == 0 and self.errors_other == 0 and self.p95_ms <= self.target_ms

    def line(self) -> str:
        return (
            f"LOAD name={self.name} requests={self.requests} rps={self.rps:.1f} p50_ms={self.p50_ms:.0f} "
            f"p95_ms={self.p95_ms:.0f} p99_ms={self.p99_ms:.0f} errors_5xx={self.errors_5xx} "
            f"errors_other={self.errors_other} target_p95_ms={self.target_ms:.0f} ok={'yes' if self.ok else 'no'}"
        )


def figures(name: str, samples: list[Sample], duration: float, *, target_ms: float, read: bool) -> Figures:
    times = sorted(s.ms for s in samples)
    return Figures(
        name=name,
        requests=len(samples),
        rps=len(samples) / duration,
        p50_ms=percentile(times, 50),
        p95_ms=percentile(times, 95),
        p99_ms=percentile(times, 99),
        errors_5xx=sum(1 for s in samples if s.status == 0 or s.status >= 500),
        errors_other=sum(1 for s in samples if not s.expected and 0 < s.status < 500),
        target_ms=target_ms,
        read=read,
    )


def table(rows: list[Figures]) -> str:
    width = max(len(r.name) for r in rows)
    lines = [
        f"{'kind':{width}} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'5xx':>5} {'other':>5} {'budget':>6} {'ok':>3}"
    ]
    for r in rows:
        lines.append(
            f"{r.name:{width}} {r.requests:8} {r.rps:7.1f} {r.p50_ms:7.0f} {r.p95_ms:7.0f} {r.p99_ms:7.0f} "
            f"{r.errors_5xx:5} {r.errors_other:5} {r.target_ms:6.0f} {'yes' if r.ok else 'no':>3}"
        )
    return "\n".join(lines)


def first_unexpected(samples: list[Sample]) -> str:
    """What went wrong first, per kind: enough to start looking in the logs."""
    seen: dict[str, str] = {}
    for s in samples:
        if not s.expected and s.kind not in seen:
            seen[s.kind] = f"{s.kind}: {s.status or 'no answer'} at {s.at:.1f} s"
    return "; ".join(seen.values())


# --- The faults ------------------------------------------------------------------------------


@dataclass
class Faults:
    """J1 at a third of the run, J4 at two thirds; what happened, when (seconds since
    the start), for the report."""

    jobs: int
    down: float
    events: list[str] = field(default_factory=list)
    burst: list[int] = field(default_factory=list)

    def strike(self, *, started: float, duration: float, worker_pid: int, redis: Any, actor: Any) -> None:
        from django.db import connection

        from bench.processes import extraction_burst, jobs_done, jobs_running, pool_children

        _sleep_until(started + duration / 3)
        self.burst = extraction_burst(actor, self.jobs)
        queued = time.monotonic()
        # Strike while a job of the burst is being worked on: every pool process is
        # killed, so whichever holds it dies mid-job (a job takes a fraction of a second).
        while not jobs_running(self.burst) and time.monotonic() - queued < 30:
            time.sleep(0.02)
        children = pool_children(worker_pid)
        for child in children:
            os.kill(child, 9)
        self.events.append(
            f"J1 at {time.monotonic() - started:.1f} s: pool processes {', '.join(map(str, children))} killed "
            f"(SIGKILL) with {jobs_done(self.burst)}/{len(self.burst)} jobs done"
        )
        _sleep_until(started + 2 * duration / 3)
        down_at = time.monotonic()
        redis.shutdown()
        time.sleep(self.down)
        redis.start()
        self.events.append(
            f"J4 at {down_at - started:.1f} s: Redis (broker and cache) shut down, back at "
            f"{time.monotonic() - started:.1f} s"
        )
        connection.close()  # this thread's own, so that the run's database can be dropped


def _sleep_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.monotonic()))


# --- The run ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    duration: float
    clients: int
    faults: bool
    jobs: int
    down: float
    pause: float = 0.0


def child_env(database_url: str, redis_url: str) -> dict[str, str]:
    """The settings of gunicorn and the workers: production's (DEBUG off, so the second
    factor is asked of editors), on plain HTTP on loopback, on the run's database and
    Redis; no API throttling (the clients are the load, not abuse to slow down)."""
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_RESULT_BACKEND": redis_url,
        "CACHE_URL": redis_url,
        "CACHE_KEY_PREFIX": "load",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "API_THROTTLE_USER": "1000000/minute",
        "API_THROTTLE_ANON": "1000000/minute",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        # A job whose pool process died is taken over soon (J1).
        "JOB_LEASE_SECONDS": "10",
        "JOB_SWEEP_INTERVAL": "5",
        "JOB_RETRY_BASE_SECONDS": "1",
    }


def static_collected(env: dict[str, str]) -> None:
    """With DEBUG off, pages name their static files through the manifest that
    `collectstatic` writes with DEBUG off; written here if it is missing."""
    from django.conf import settings

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env={**os.environ, **env},
            check=True,
        )


@contextmanager
def product(database_url: str, redis: Any) -> Iterator[tuple[Any, Any, Any]]:
    """The maintenance worker, beat, the main worker and gunicorn, as the Procfile
    starts them; yields (web server, main worker, maintenance worker)."""
    from bench.processes import WebServer, running_beat
    from tests.worker import celery_redis_at, running_worker

    env = child_env(database_url, redis.url)
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        stack.enter_context(celery_redis_at(redis.url))
        # gunicorn starts while the workers do; it is waited for last.
        web = WebServer(LOG_DIR, env)
        stack.push(web)  # stopped on the way out
        web.start()
        stack.enter_context(running_beat(LOG_DIR, redis.dir, env))
        worker = stack.enter_context(
            running_worker(
                queues=["jobs", "webhooks"],
                concurrency=2,
                log_dir=LOG_DIR,
                extra_env=env,
                wait_for_canary=False,
                purge=False,
            )
        )
        maintenance = stack.enter_context(
            running_worker(queues=["maintenance"], log_dir=LOG_DIR, extra_env=env, concurrency=1, purge=False)
        )
        web.wait_ready()
        yield web, worker, maintenance


def memory(web: Any, worker: Any, maintenance: Any) -> str:
    from bench.processes import rss_mb

    return (
        f"gunicorn {rss_mb(web.pid):.0f} MB, main worker {rss_mb(worker.pid):.0f} MB, "
        f"maintenance worker {rss_mb(maintenance.pid):.0f} MB"
    )


def cpu_use(web: Any, worker: Any, maintenance: Any) -> dict[str, float]:
    """CPU seconds used so far by gunicorn, the workers, this database's PostgreSQL
    backends and this process alone (the clients): where a request's cost goes."""
    from django.db import connection

    from bench.processes import cpu_seconds

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        backends = [pid for (pid,) in cursor.fetchall()]
    return {
        "gunicorn": cpu_seconds(web.pid),
        "workers": cpu_seconds(worker.pid) + cpu_seconds(maintenance.pid),
        "postgresql": sum(cpu_seconds(pid) for pid in backends),
        "clients": time.process_time(),  # this process alone, all its threads
    }


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def run(options: Options, database_url: str) -> int:
    """Start the product, sign the clients in, let them loose for `options.duration`
    seconds (with the faults if asked), print the figures; the exit status."""
    from bench.processes import OwnRedis

    plan = plan_make()
    redis = OwnRedis(prefix="corroborate-load-")
    static_collected(child_env(database_url, redis.url))
    redis.start()
    try:
        started = time.monotonic()
        with product(database_url, redis) as (web, worker, maintenance):
            print(f"workers, beat and gunicorn started in {time.monotonic() - started:.0f} s", flush=True)
            return drive(options, plan, web, worker, maintenance, redis)
    finally:
        redis.remove()


def drive(options: Options, plan: Plan, web: Any, worker: Any, maintenance: Any, redis: Any) -> int:
    """The clients against the running product, then the figures."""
    from bench.processes import burst_tally, story_suggestions, wait_until_drained

    clients = [
        Client(index, web.url, plan, plan.submitted[index :: options.clients]) for index in range(options.clients)
    ]
    signing_in = time.monotonic()
    plan.pages_count(clients[0].reads)
    second_factor = threading.Lock()
    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        list(pool.map(lambda client: client.sign_in(second_factor), clients))  # raises what a sign-in raised
    print(f"{options.clients} clients signed in in {time.monotonic() - signing_in:.0f} s")
    print(
        f"clients: {options.clients}, duration: {options.duration:g} s, pause: {options.pause:g} s, "
        f"faults: {'on' if options.faults else 'off'}"
    )
    print(f"memory at the start: {memory(web, worker, maintenance)}; load average {load_average()}", flush=True)
    cpu_before = cpu_use(web, worker, maintenance)
    samples: list[Sample] = []
    started = time.monotonic()
    until = started + options.duration
    threads = [
        threading.Thread(target=c.run, args=(until, started, samples, options.pause), daemon=True) for c in clients
    ]
    faults = Faults(jobs=options.jobs, down=options.down) if options.faults else None
    if faults is not None:
        threads.append(
            threading.Thread(
                target=faults.strike,
                kwargs={
                    "started": started,
                    "duration": options.duration,
                    "worker_pid": worker.pid,
                    "redis": redis,
                    "actor": plan.api_user,
                },
                daemon=True,
            )
        )
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    print(f"memory at the end: {memory(web, worker, maintenance)}; load average {load_average()}")
    cpu_after = cpu_use(web, worker, maintenance)
    used = {name: cpu_after[name] - cpu_before.get(name, 0.0) for name in cpu_after}
    print(
        f"CPU over the run: gunicorn {used['gunicorn']:.1f} s ({1000 * used['gunicorn'] / max(1, len(samples)):.0f} ms "
        f"per request), PostgreSQL {used['postgresql']:.1f} s, workers "
        + (f"{used['workers']:.1f} s" if used["workers"] >= 0 else "not counted (pool processes replaced)")
        + f", the clients {used['clients']:.1f} s; wall {elapsed:.1f} s on {os.cpu_count()} cores"
    )
    for client in clients:
        client.close()

    rows = [
        figures(
            kind.name, [s for s in samples if s.kind == kind.name], elapsed, target_ms=kind.target_ms, read=kind.read
        )
        for kind in KINDS
    ]
    total = figures("total", samples, elapsed, target_ms=WRITE_BUDGET_MS, read=False)
    print(table([*rows, total]))
    for row in [*rows, total]:
        print(row.line())
    unexpected = first_unexpected(samples)
    if unexpected:
        print(f"first unexpected answers: {unexpected} (logs: {LOG_DIR})")

    failed = any(row.errors_other for row in rows) or any(row.errors_5xx for row in rows if row.read or faults is None)
    for name, process in (("gunicorn", web.process), ("main worker", worker), ("maintenance worker", maintenance)):
        if process.poll() is not None:
            print(f"the {name} exited during the run (status {process.returncode}); see {LOG_DIR}")
            failed = True
    if faults is not None:
        for event in faults.events:
            print(event)
        drained = wait_until_drained(faults.burst, within=180)
        tally = burst_tally(faults.burst, story_suggestions())
        print(f"LOAD_FAULTS {tally.line()} drained={'yes' if drained is not None else 'no'} down_s={faults.down:g}")
        failed = failed or not tally.ok or len(faults.events) < 2
    if failed:
        print("FAILED: see the lines above")
        return 1
    if faults is not None:
        # T3's gate with faults is no 5xx on reads and no job lost: while Redis is down
        # for seconds, requests wait for it, and their latency is reported, not judged.
        print("ok (with faults, p95 budgets are reported, not judged)")
        return 0
    if any(row.p95_ms > row.target_ms for row in rows):
        print("over budget: a kind's p95 is above its target (ok=no)")
        return 2
    print("ok")
    return 0


def app_role_url(database_name: str) -> str:
    """DATABASE_URL with another database's name: the application's role, as production
    connects (not the owner the benchmark's database was made by)."""
    from django.conf import settings

    url = urlsplit(str(settings.DATABASE_URL))
    return urlunsplit(url._replace(path=f"/{database_name}"))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=300, help="seconds the clients run")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients")
    parser.add_argument("--claims", type=int, default=2000, help="synthetic claims in the run's database")
    parser.add_argument(
        "--pause", type=float, default=1, help="seconds each client waits between requests (0: the saturation run)"
    )
    parser.add_argument("--faults", action="store_true", help="J1 at a third of the run, J4 at two thirds")
    parser.add_argument("--jobs", type=int, default=40, help="extraction jobs in the burst J1 strikes")
    parser.add_argument("--down", type=float, default=10, help="seconds Redis stays down (J4)")
    args = parser.parse_args(argv)
    options = Options(
        duration=args.duration,
        clients=args.clients,
        faults=args.faults,
        jobs=args.jobs,
        down=args.down,
        pause=args.pause,
    )

    from bench.harness import bench_database, setup_django

    setup_django()
    from django.db import connection

    from bench.fill import fill_claims

    with bench_database("load"):
        started = time.monotonic()
        fill_claims(args.claims)
        print(f"filled {args.claims} claims in {time.monotonic() - started:.0f} s", flush=True)
        return run(options, app_role_url(connection.settings_dict["NAME"]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
