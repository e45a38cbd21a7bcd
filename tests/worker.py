"""A real Celery worker process for tests: prefork, against the test database and the
tests' own Redis database."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent


def test_database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"])
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{credentials}@{host}:{port}/{db['NAME']}"


@contextmanager
def running_worker(
    *,
    concurrency: int = 1,
    log_dir: Path | None = None,
    extra_env: dict[str, str] | None = None,
    queues: Sequence[str] = (),
    wait_for_canary: bool = True,
    purge: bool = True,
) -> Iterator[subprocess.Popen]:
    """Start `celery worker`, wait until it answers a canary, stop it afterwards.

    Without `queues` it consumes every queue (settings.CELERY_TASK_QUEUES), as one
    worker of a small installation would; with them, only those, as the main worker
    (`jobs`, `webhooks`) and the maintenance worker do. A worker that does not consume
    `maintenance` cannot answer the canary, so it is not waited for
    (`wait_for_canary=False`); start the maintenance worker first, and the second
    worker with `purge=False` so that it leaves the messages already queued."""
    log_dir = log_dir or ROOT / "artifacts"
    log_dir.mkdir(exist_ok=True)
    name = f"test-{uuid.uuid4().hex[:8]}@%h"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": test_database_url(),
        "CELERY_BROKER_URL": celery_app.conf.broker_url,
        "CELERY_RESULT_BACKEND": celery_app.conf.result_backend,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        # The settings' cache entries are typed `object`; these two are strings.
        "CACHE_URL": str(settings.CACHES["default"]["LOCATION"]),
        "CACHE_KEY_PREFIX": str(settings.CACHES["default"]["KEY_PREFIX"]),
        # Last, so that the caller may replace any of the above (the database's role).
        **(extra_env or {}),
    }
    # Messages left by earlier tests (their rows are gone) must not reach this worker.
    if purge:
        celery_app.control.purge()
    log = open(log_dir / "celery-worker.log", "ab")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=prefork",
            f"--concurrency={concurrency}",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            *([f"--queues={','.join(queues)}"] if queues else []),
            "-n",
            name,
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while wait_for_canary:
            if process.poll() is not None:
                raise RuntimeError(
                    f"the Celery worker exited with {process.returncode}; see artifacts/celery-worker.log"
                )
            try:
                celery_app.send_task("corroborate.canary").get(timeout=5)
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()
        log.close()


@contextmanager
def celery_redis_at(url: str) -> Iterator[None]:
    """Point this process's Celery (broker and result store) at `url`, dropping the
    connections it keeps, and back again afterwards."""
    conf = celery_app.conf
    working = (conf.broker_url, conf.result_backend)

    def switch(broker: str, backend: str) -> None:
        conf.update(broker_url=broker, result_backend=backend)
        # Celery keeps its connections in these; they are made again from the new
        # settings on the next send (as after a fork, celery.app.base.Celery._after_fork).
        celery_app._pool = None  # type: ignore[attr-defined]
        celery_app.amqp._producer_pool = None  # type: ignore[attr-defined]
        celery_app._backend_cache = None  # type: ignore[attr-defined]
        celery_app._local = threading.local()  # type: ignore[attr-defined]

    switch(url, url)
    try:
        yield
    finally:
        switch(*working)
