"""The fault suite (`make faults`; not part of `make test`): the broker is shut down and
started again in the middle of a burst of jobs, as an operator would meet it.

It runs on a Redis of its own (another port, append-only file on, so the queue survives
the restart) and a database of its own (`<DATABASE_URL's name>_faults`, created and
dropped here), with the product's real processes: the main worker (jobs, webhooks), the
maintenance worker (one process) and beat. It queues a burst of extraction jobs (each
stores its suggestions once), shuts Redis down while they run, keeps it down, starts it
again on the same files, and prints:

    jobs, done, failed, lost, duplicated, stuck, retried,
    canary_s (Redis back → a canary answered), drained_s (Redis back → every job ended)

lost, duplicated and stuck must be 0 and the canary must answer within 30 s (reliability.md
J4); the exit status says whether they were. docs/reliability.md records the figures.

    python scripts/faults.py [--jobs 200] [--down 10]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORY = (
    "The minister signed the agreement on Tuesday, two officials familiar with the talks said. "
    "They spoke on condition of anonymity because they were not authorized to comment publicly. "
    'A spokesman for the ministry said: "We have received no such requests."'
)
CANARY_TARGET_S = 30.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OwnRedis:
    """A redis-server of the suite's own, never the machine's shared one."""

    def __init__(self) -> None:
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="corroborate-faults-")
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                self.dir,
                "--appendonly",
                "yes",
                "--save",
                "",
                "--maxmemory-policy",
                "noeviction",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        ping = ["redis-cli", "-p", str(self.port), "ping"]
        while subprocess.run(ping, capture_output=True).stdout.strip() != b"PONG":
            if time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.1)

    def shutdown(self) -> None:
        """`SHUTDOWN` writes the append-only file and exits, as a restart would."""
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown"], capture_output=True)
        if self.process is not None:
            self.process.wait(timeout=30)

    def remove(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.shutdown()
        shutil.rmtree(self.dir, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--down", type=float, default=10.0, help="seconds Redis stays down")
    args = parser.parse_args()

    redis = OwnRedis()
    redis.start()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        REDIS_URL=redis.url,
        CELERY_BROKER_URL=redis.url,
        CELERY_RESULT_BACKEND=redis.url,
        CACHE_URL=redis.url,
        CELERY_TASK_ALWAYS_EAGER="false",
        # A dead worker's jobs are taken over soon, and the sweeper looks often.
        JOB_LEASE_SECONDS="10",
        JOB_SWEEP_INTERVAL="5",
        JOB_RETRY_BASE_SECONDS="1",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import setup_databases, teardown_databases

    database = settings.DATABASES["default"]
    database["TEST"]["NAME"] = f"{database['NAME']}_faults"
    databases = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    try:
        return burst(redis, jobs=args.jobs, down=args.down)
    finally:
        teardown_databases(databases, verbosity=0)
        redis.remove()


def burst(redis: OwnRedis, *, jobs: int, down: float) -> int:
    from django.contrib.auth.models import Group, User

    from config.celery import app as celery_app
    from core.roles import sync_roles
    from corroboration.models import Job, JobStatus
    from extraction.extractor import extract
    from extraction.models import Extraction, Suggestion
    from extraction.services import extraction_request
    from tests.worker import running_worker, test_database_url

    sync_roles()  # the groups and their permissions
    editor = User.objects.create_user("faults-editor")
    editor.groups.add(Group.objects.get(name="editor"))
    expected = len(extract(STORY).claims)
    log_dir = ROOT / "artifacts" / "faults"
    log_dir.mkdir(parents=True, exist_ok=True)
    beat_env = dict(os.environ, DATABASE_URL=test_database_url())
    beat_log = open(log_dir / "beat.log", "ab")  # noqa: SIM115 - closed below
    beat = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO", f"--schedule={redis.dir}/beat"],
        cwd=ROOT,
        env=beat_env,
        stdout=beat_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        with (
            running_worker(queues=["maintenance"], log_dir=log_dir),
            running_worker(
                queues=["jobs", "webhooks"], concurrency=2, log_dir=log_dir, wait_for_canary=False, purge=False
            ),
        ):
            ids = [extraction_request(actor=editor, text=STORY).job_id for _ in range(jobs)]
            # Let the burst get going, then take the broker away under it.
            while Job.objects.filter(pk__in=ids, status=JobStatus.DONE).count() < jobs // 10:
                time.sleep(0.2)
            redis.shutdown()
            time.sleep(down)
            redis.start()
            back = time.monotonic()
            canary_s = None
            while canary_s is None and time.monotonic() - back < 120:
                try:
                    celery_app.send_task("corroborate.canary").get(timeout=5)
                    canary_s = time.monotonic() - back
                except Exception:  # the broker or the worker is not answering yet
                    time.sleep(0.5)
            drained_s = None
            while time.monotonic() - back < 300:
                if not Job.objects.filter(pk__in=ids, status__in=(JobStatus.QUEUED, JobStatus.RUNNING)).exists():
                    drained_s = time.monotonic() - back
                    break
                time.sleep(0.5)
    finally:
        os.killpg(beat.pid, 15)
        beat.wait(timeout=30)
        beat_log.close()

    rows = Job.objects.filter(pk__in=ids)
    done = rows.filter(status=JobStatus.DONE).count()
    failed = rows.filter(status=JobStatus.FAILED).count()
    stuck = rows.filter(status__in=(JobStatus.QUEUED, JobStatus.RUNNING)).count()
    retried = rows.filter(attempts__gt=1).count()
    extractions = Extraction.objects.filter(job_id__in=ids, job__status=JobStatus.DONE)
    stored = {e.pk: Suggestion.objects.filter(extraction=e).count() for e in extractions}
    lost = failed + sum(1 for count in stored.values() if count < expected)
    duplicated = sum(max(0, count - expected) for count in stored.values())
    print(
        f"FAULT name=broker_restart jobs={jobs} done={done} failed={failed} lost={lost} duplicated={duplicated} "
        f"stuck={stuck} retried={retried} down_s={down:g} "
        f"canary_s={'none' if canary_s is None else f'{canary_s:.1f}'} "
        f"drained_s={'none' if drained_s is None else f'{drained_s:.1f}'}"
    )
    ok = lost == duplicated == stuck == 0 and canary_s is not None and canary_s <= CANARY_TARGET_S
    print("ok" if ok else "FAILED: lost, duplicated and stuck must be 0 and the canary back within 30 s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
