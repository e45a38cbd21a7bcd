"""The product's processes run for real on loopback, and the burst of jobs struck under
them: what the fault suite (`scripts/faults.py`) and the load run (`bench/load.py`)
share.

- `OwnRedis`: a redis-server of the run's own on a free port, so that shutting it down
  never touches the machine's shared one;
- `WebServer`: gunicorn as the Procfile starts it, on loopback;
- `running_beat`: Celery beat, whose sweeps take over jobs a dead worker left;
- `rss_mb`: the resident memory of a process and its children (gunicorn's master and
  workers, a Celery worker and its pool);
- `extraction_burst`, `wait_until_drained`, `burst_tally`: a burst of extraction jobs,
  each of which reads one story and stores its suggestions exactly once, and what became
  of them (lost, duplicated, stuck), read from their rows.

Nothing here is imported by the product; it plays the operator (and the clients) on
loopback.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The story every job of a burst reads: it yields a known number of suggestions, so a
# job done twice, or done without storing them, shows in the counts.
STORY = (
    "The minister signed the agreement on Tuesday, two officials familiar with the talks said. "
    "They spoke on condition of anonymity because they were not authorized to comment publicly. "
    'A spokesman for the ministry said: "We have received no such requests."'
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class OwnRedis:
    """A redis-server of the run's own, never the machine's shared one: append-only file
    on, so that its queues survive a shutdown and a start on the same files, as a
    restarted Redis's would."""

    def __init__(self, prefix: str = "corroborate-redis-") -> None:
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix=prefix)
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


class WebServer:
    """gunicorn on loopback, as the Procfile starts it; `env` is laid over this
    process's environment (the database, Redis, DEBUG…)."""

    def __init__(self, log_dir: Path, env: Mapping[str, str], *, workers: int = 2) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_dir = log_dir
        self.env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1,localhost", **env}
        self.workers = workers
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def __enter__(self) -> WebServer:
        self.start()
        self.wait_ready()
        return self

    def start(self) -> None:
        """Start gunicorn without waiting for it (other processes may start meanwhile)."""
        self.log = open(self.log_dir / "gunicorn.log", "ab")  # noqa: SIM115 - closed in __exit__
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--timeout",
                "60",
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self) -> None:
        """Until gunicorn answers `/healthz?live`."""
        assert self.process is not None
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/healthz?live", timeout=5).close()  # noqa: S310 - loopback
                return
            except (urllib.error.URLError, OSError):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start; see {self.log_dir / 'gunicorn.log'}") from None
                time.sleep(0.3)

    def __exit__(self, *exc: object) -> None:
        if self.process is None:
            return
        os.killpg(self.process.pid, 15)
        self.process.wait(timeout=30)
        self.log.close()


@contextmanager
def running_beat(log_dir: Path, schedule_dir: str, env: Mapping[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    """Celery beat (the sweeps, the canary), its schedule file in `schedule_dir`."""
    log = open(log_dir / "beat.log", "ab")  # noqa: SIM115 - closed below
    beat = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "beat",
            "--loglevel=INFO",
            f"--schedule={schedule_dir}/beat",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield beat
    finally:
        os.killpg(beat.pid, 15)
        beat.wait(timeout=30)
        log.close()


def rss_mb(pid: int) -> float:
    """Resident memory of the process and its descendants, in MB (Linux /proc)."""
    total_kb = 0
    for current in _tree(pid):
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:  # gone meanwhile
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total_kb += int(line.split()[1])
    return total_kb / 1024


def _tree(pid: int) -> list[int]:
    """The process and its descendants alive now."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        try:
            pending.extend(int(c) for c in Path(f"/proc/{current}/task/{current}/children").read_text().split())
        except OSError:  # gone meanwhile
            continue
        found.append(current)
    return found


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) used so far by the process and its descendants alive
    now, in seconds (Linux /proc): what the work cost, whoever else shares the cores."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for current in _tree(pid):
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / ticks


def pool_children(pid: int) -> list[int]:
    """The pool processes of a Celery worker (its direct children)."""
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(child) for child in found.stdout.split()]


# --- A burst of jobs and what became of it ------------------------------------------------


@dataclass
class Tally:
    """What became of a burst of jobs, read from their rows and their effects."""

    jobs: int
    done: int
    failed: int
    lost: int
    duplicated: int
    stuck: int
    retried: int

    def line(self) -> str:
        return (
            f"jobs={self.jobs} done={self.done} failed={self.failed} lost={self.lost} "
            f"duplicated={self.duplicated} stuck={self.stuck} retried={self.retried}"
        )

    @property
    def ok(self) -> bool:
        return self.lost == self.duplicated == self.stuck == 0


def story_suggestions() -> int:
    """How many suggestions one job over `STORY` stores."""
    from extraction.extractor import extract

    return len(extract(STORY).claims)


def extraction_burst(actor: Any, jobs: int) -> list[int]:
    """`jobs` extraction jobs over `STORY`, queued through the service as the pages
    queue them; their ids."""
    from extraction.services import extraction_request

    ids = [extraction_request(actor=actor, text=STORY).job_id for _ in range(jobs)]
    return [job_id for job_id in ids if job_id is not None]


def jobs_done(ids: list[int]) -> int:
    from corroboration.models import Job, JobStatus

    return Job.objects.filter(pk__in=ids, status=JobStatus.DONE).count()


def jobs_running(ids: list[int]) -> int:
    from corroboration.models import Job, JobStatus

    return Job.objects.filter(pk__in=ids, status=JobStatus.RUNNING).count()


def wait_until_drained(ids: list[int], *, within: float = 300) -> float | None:
    """The time at which every job had ended, or None if some had not within `within`."""
    from corroboration.models import Job, JobStatus

    start = time.monotonic()
    while time.monotonic() - start < within:
        if not Job.objects.filter(pk__in=ids, status__in=(JobStatus.QUEUED, JobStatus.RUNNING)).exists():
            return time.monotonic()
        time.sleep(0.5)
    return None


def burst_tally(ids: list[int], expected: int) -> Tally:
    """Lost: failed, or done without its `expected` suggestions; duplicated: suggestions
    stored more than once; stuck: still queued or running."""
    from corroboration.models import Job, JobStatus
    from extraction.models import Extraction, Suggestion

    rows = Job.objects.filter(pk__in=ids)
    failed = rows.filter(status=JobStatus.FAILED).count()
    extractions = Extraction.objects.filter(job_id__in=ids, job__status=JobStatus.DONE)
    stored = {e.pk: Suggestion.objects.filter(extraction=e).count() for e in extractions}
    return Tally(
        jobs=len(ids),
        done=rows.filter(status=JobStatus.DONE).count(),
        failed=failed,
        lost=failed + sum(1 for count in stored.values() if count < expected),
        duplicated=sum(max(0, count - expected) for count in stored.values()),
        stuck=rows.filter(status__in=(JobStatus.QUEUED, JobStatus.RUNNING)).count(),
        retried=rows.filter(attempts__gt=1).count(),
    )
