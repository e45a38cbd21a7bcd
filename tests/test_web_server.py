"""The web server that `make run` starts (the Procfile's `web`), and Django's development
server, keep a bounded number of database connections however many requests come in:
one per gunicorn worker, none left behind by runserver's request threads."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests import worker

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = 40
WORKERS = 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def procfile_web() -> str:
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith("web:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError("the Procfile has no web process")


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - loopback only
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@contextmanager
def serving(command: str, port: int, application_name: str) -> Iterator[str]:
    """Run `command` (a shell line, as honcho runs it) until it answers on `port`."""
    env: dict[str, str] = dict(
        os.environ,
        HOST="127.0.0.1",
        WEB_PORT=str(port),
        WEB_CONCURRENCY=str(WORKERS),
        DATABASE_URL=worker.test_database_url(),
        DATABASE_APPLICATION_NAME=application_name,
        CACHE_URL=str(settings.CACHES["default"]["LOCATION"]),
        CACHE_KEY_PREFIX=str(settings.CACHES["default"]["KEY_PREFIX"]),
        API_THROTTLE_ANON="100000/minute",
        DEBUG="true",
    )
    log = open(ROOT / "artifacts" / "web-server.log", "ab")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        ["/bin/sh", "-c", command], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, "the web server exited; see artifacts/web-server.log"
            try:
                get(f"{base}/api/v1/claims/")
                break
            except OSError:
                assert time.monotonic() < deadline, "the web server never answered"
                time.sleep(0.2)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def open_connections(application_name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [application_name])
        return cursor.fetchone()[0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("server", "most"),
    [("procfile", WORKERS), ("runserver", 0)],
)
def test_many_requests_leave_a_bounded_number_of_database_connections(server, most):
    (ROOT / "artifacts").mkdir(exist_ok=True)
    runserver = f"{sys.executable} manage.py runserver --noreload 127.0.0.1:$WEB_PORT"
    command = procfile_web() if server == "procfile" else runserver
    name = f"web-test-{uuid.uuid4().hex[:8]}"
    with serving(command, free_port(), name) as base:
        with ThreadPoolExecutor(max_workers=10) as pool:
            statuses = list(pool.map(get, [f"{base}/api/v1/claims/"] * REQUESTS))
        assert statuses == [200] * REQUESTS
        # A request's connection is closed just after its answer is sent: look until
        # the count settles (a server that keeps them never gets there).
        deadline = time.monotonic() + 15
        while open_connections(name) > most and time.monotonic() < deadline:
            time.sleep(0.2)
        assert open_connections(name) <= most
