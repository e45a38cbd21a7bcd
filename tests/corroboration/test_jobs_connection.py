"""A job whose database connection is terminated while it runs (pg_terminate_backend, as
a database restart or a failover would) records the error through a fresh connection
and goes back to the queue at once, instead of staying `running` for its whole lease."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import redis
from django.db import connection, transaction
from django.utils import timezone

from config.celery import app as celery_app
from corroboration.models import Job, JobKind, JobStatus
from corroboration.services import job_request
from corroboration.tasks import run_job
from tests.factories import make_claim

pytestmark = pytest.mark.django_db(transaction=True)

NO_ARTICLES = b'{"articles": []}'


class HeldSearch:
    """A GDELT-shaped search that answers (with nothing) only once the test says so: the
    job waits for it, outside any transaction, while the test cuts the job's database
    connection; its next query is then the first to meet the dead connection."""

    def __init__(self) -> None:
        self.requested = threading.Event()
        self.release = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.requested.set()
                owner.release.wait(30)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(NO_ARTICLES)))
                self.end_headers()
                self.wfile.write(NO_ARTICLES)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/api/v2/doc/doc"


@pytest.fixture
def held_search(settings: Any) -> Iterator[HeldSearch]:
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    settings.FETCH_HOST_INTERVAL = 0
    page = HeldSearch()
    settings.GDELT_BASE_URL = page.url
    settings.GDELT_MIN_INTERVAL = 0
    settings.FACTCHECK_TOOLS_API_KEY = ""
    settings.MEDIACLOUD_API_KEY = ""
    yield page
    page.release.set()
    page.httpd.shutdown()
    page.httpd.server_close()


def run_job_messages(broker: redis.Redis, job_id: int) -> list[dict[str, Any]]:
    """The headers of the run_job messages for this job waiting in the broker (no worker
    runs here, so every message sent stays)."""
    queue = celery_app.amqp.router.route({}, "corroboration.run_job")["queue"].name
    found = []
    for raw in broker.lrange(queue, 0, -1):
        message = json.loads(raw)
        is_run_job = message["headers"]["task"] == "corroboration.run_job"
        if is_run_job and json.loads(base64.b64decode(message["body"]))[0] == [job_id]:
            found.append(message["headers"])
    return found


def backend_waiting_for_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row is not None and row[0] == "Lock"


def test_a_job_whose_connection_is_terminated_is_requeued_at_once_with_the_error(held_search: HeldSearch, roles):
    """The connection is cut while the job's own UPDATE (its progress, outside any
    transaction) waits for the row: Django does not drop a connection that failed outside
    a transaction, so recording the failure on it would fail too."""
    broker = redis.Redis.from_url(celery_app.conf.broker_url)
    job, _ = job_request(actor=None, kind=JobKind.FIND_COVERAGE, claim=make_claim())
    sent_on_request = len(run_job_messages(broker, job.pk))
    backend: list[int] = []
    outcome: list[str] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with connection.cursor() as cursor:  # this thread's own connection, as a worker's
                cursor.execute("SELECT pg_backend_pid()")
                backend.append(cursor.fetchone()[0])
            outcome.append(run_job(job.pk))
        except BaseException as exc:  # reported by the test
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    assert held_search.requested.wait(30), "the job never searched"
    with transaction.atomic():
        # Hold the job's row: its next progress report waits for it.
        assert Job.objects.select_for_update().get(pk=job.pk).status == JobStatus.RUNNING
        held_search.release.set()
        deadline = time.monotonic() + 30
        while not backend_waiting_for_a_lock(backend[0]) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert backend_waiting_for_a_lock(backend[0]), "the job never reported progress"
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend[0]])
            assert cursor.fetchone()[0] is True
    thread.join(60)

    assert errors == []
    assert outcome == ["retrying"]
    job.refresh_from_db()
    assert (job.status, job.attempts, job.lease_until) == (JobStatus.QUEUED, 1, None)
    assert job.error.startswith("The database connection was lost while the job ran")
    assert job.run_after <= timezone.now()  # due again now, not after a backoff
    # Sent again at once: one more message, with no countdown.
    messages = run_job_messages(broker, job.pk)
    assert len(messages) == sent_on_request + 1
    assert messages[0]["eta"] is None  # the newest (Redis lists take new messages at the head)


def test_a_failure_on_a_healthy_connection_keeps_its_backoff(roles, settings, closed_port: int):
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    url = f"http://127.0.0.1:{closed_port}/story"  # refused: a transient failure of the job's own
    job, _ = job_request(actor=None, kind=JobKind.FETCH_URL, claim=make_claim(), params={"url": url})
    assert run_job(job.pk) == "retrying"
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    assert job.error.startswith("FetchError")
    assert job.run_after > timezone.now()  # after a backoff
