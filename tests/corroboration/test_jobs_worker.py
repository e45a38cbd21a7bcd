"""Jobs under a real Celery worker (prefork, on the tests' own Redis database): a
worker killed mid-job, a worker told to stop mid-job, the same job started three times at once, a job that always
fails, and an enqueue inside a rolled-back transaction (reliability.md J1, J2, J3, J7)."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import redis
from django.db import transaction

from config.celery import app as celery_app
from corroboration.models import Coverage, Job, JobKind, JobStatus
from corroboration.services import job_enqueue, job_request
from corroboration.tasks import sweep_jobs
from sources.models import Article
from tests.corroboration.corpus import corpus_outlets
from tests.corroboration.test_matching import QUOTE, STATEMENT
from tests.factories import ArticleFactory, SourceFactory, complete_caveats, make_claim
from tests.worker import running_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

CORPUS = Path(__file__).resolve().parents[2] / "demo" / "corpus_pages"
PAGE = "wire/russia-iran-intelligence.html"


class Provider(BaseHTTPRequestHandler):
    """A GDELT-shaped search answering with one corpus page, and that page, which can
    be told to stall (the worker is killed while it waits) or the search to fail."""

    stall_first = 0.0
    fail_search = False
    page_hits: list[float] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        host = f"http://127.0.0.1:{self.server.server_port}"
        if self.path.startswith("/gdelt"):
            if type(self).fail_search:
                return self._send(503, b"busy", "text/plain")
            body = {
                "articles": [
                    {
                        "url": f"{host}/{PAGE}",
                        "title": "Wire",
                        "seendate": "20260306T180000Z",
                        "domain": "127.0.0.1",
                        "language": "English",
                        "sourcecountry": "United States",
                    }
                ]
            }
            return self._send(200, json.dumps(body).encode(), "application/json")
        if self.path == f"/{PAGE}":
            type(self).page_hits.append(time.monotonic())
            if len(type(self).page_hits) == 1 and type(self).stall_first:
                time.sleep(type(self).stall_first)
            return self._send(200, (CORPUS / PAGE).read_bytes(), "text/html; charset=utf-8")
        return self._send(404, b"", "text/plain")

    def _send(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError):  # the worker was killed mid-read
            self.wfile.write(body)


@pytest.fixture
def provider():
    Provider.stall_first, Provider.fail_search, Provider.page_hits = 0.0, False, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Provider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def worker_env(provider):
    return {
        "FETCH_ALLOWED_NETWORKS": "127.0.0.0/8",
        "GDELT_BASE_URL": f"http://127.0.0.1:{provider.server_port}/gdelt/api/v2/doc/doc",
        "GDELT_MIN_INTERVAL": "0",
        "FETCH_HOST_INTERVAL": "0",
        "PROVIDER_RETRY_ATTEMPTS": "1",
        "FACTCHECK_TOOLS_API_KEY": "",
        "MEDIACLOUD_API_KEY": "",
        "JOB_LEASE_SECONDS": "5",
        "JOB_RETRY_BASE_SECONDS": "1",
    }


@pytest.fixture
def claim(roles):
    outlets = corpus_outlets()
    first = ArticleFactory(canonical_url="https://apnews.com/article/sample", outlet=outlets["The Associated Press"])
    return make_claim(
        statement=STATEMENT,
        quote=QUOTE,
        claimant=SourceFactory(anonymous=True),
        claimant_fields=complete_caveats(),
        first_appearance=first,
    )


def wait_for(predicate, timeout=60.0, every=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return False


def pool_children(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def request_job(claim) -> Job:
    with transaction.atomic():
        job, _ = job_request(actor=None, kind=JobKind.FIND_COVERAGE, claim=claim)
    return job


def finished(job: Job) -> bool:
    job.refresh_from_db()
    return job.finished


def test_a_job_whose_worker_child_is_killed_finishes_once(claim, provider, worker_env):
    Provider.stall_first = 8.0
    with running_worker(extra_env=worker_env) as worker:
        job = request_job(claim)
        assert wait_for(lambda: Provider.page_hits, timeout=30), "the job never reached the page"
        (child,) = pool_children(worker.pid)
        os.kill(child, signal.SIGKILL)
        assert wait_for(lambda: finished(job), timeout=60), f"job still {job.status}: {job.step}"
    assert job.status == JobStatus.DONE
    assert job.attempts >= 2
    assert Article.objects.filter(url__endswith=PAGE).count() == 1
    assert Coverage.objects.filter(claim=claim).count() == 1


def test_a_job_whose_whole_worker_is_killed_is_picked_up_by_the_next(claim, provider, worker_env):
    Provider.stall_first = 30.0
    with running_worker(extra_env=worker_env) as worker:
        job = request_job(claim)
        assert wait_for(lambda: Provider.page_hits, timeout=30)
        os.killpg(worker.pid, signal.SIGKILL)
    Provider.stall_first = 0.0
    with running_worker(extra_env=worker_env):
        # What beat does every JOB_SWEEP_INTERVAL: re-send jobs whose lease ran out.
        assert wait_for(lambda: sweep_jobs.delay().get(timeout=10) >= 0 and finished(job), timeout=60, every=2)
    assert job.status == JobStatus.DONE
    assert Coverage.objects.filter(claim=claim).count() == 1
    assert Article.objects.filter(url__endswith=PAGE).count() == 1


def test_a_worker_told_to_stop_finishes_its_running_job_once(claim, provider, worker_env):
    Provider.stall_first = 3.0
    with running_worker(extra_env=worker_env) as worker:
        job = request_job(claim)
        assert wait_for(lambda: Provider.page_hits, timeout=30), "the job never reached the page"
        worker.terminate()  # SIGTERM: the warm shutdown lets the running job end first
        worker.wait(timeout=120)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.attempts == 1
    assert Article.objects.filter(url__endswith=PAGE).count() == 1
    assert Coverage.objects.filter(claim=claim).count() == 1


def test_the_same_job_sent_three_times_at_once_has_one_effect(claim, provider, worker_env):
    with running_worker(concurrency=3, extra_env=worker_env):
        job = request_job(claim)
        for _ in range(3):
            job_enqueue(job.pk)
        assert wait_for(lambda: finished(job), timeout=60)
        time.sleep(2)  # let the duplicates run out
    assert (job.status, job.attempts) == (JobStatus.DONE, 1)
    assert len(Provider.page_hits) == 1
    assert Coverage.objects.filter(claim=claim).count() == 1


def test_asking_three_times_at_once_makes_one_job(claim):
    barrier = threading.Barrier(3)
    results = []

    def ask():
        from django.db import connection

        try:
            barrier.wait()
            results.append(request_job(claim).pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1
    assert Job.objects.count() == 1


def test_a_job_that_always_fails_ends_failed_with_its_error(claim, provider, worker_env):
    Provider.fail_search = True
    with running_worker(extra_env=worker_env):
        job = request_job(claim)
        assert wait_for(lambda: finished(job), timeout=90)
    assert job.status == JobStatus.FAILED
    assert job.attempts == job.max_attempts
    assert "Every search provider failed" in job.error


@transaction.atomic
def ask_then_fail(claim) -> None:
    job_request(actor=None, kind=JobKind.FIND_COVERAGE, claim=claim)
    raise RuntimeError("the view failed after asking")


def queued_messages(broker: redis.Redis) -> int:
    return int(broker.llen(celery_app.conf.task_default_queue or "celery"))


def test_an_enqueue_inside_a_rolled_back_transaction_never_runs(claim):
    """No worker runs here, so every message sent stays in the broker's queue, where the
    test can count it: none for the rolled-back request, one for a committed one."""
    broker = redis.Redis.from_url(celery_app.conf.broker_url)
    broker.delete(celery_app.conf.task_default_queue or "celery")
    with pytest.raises(RuntimeError):
        ask_then_fail(claim)
    assert queued_messages(broker) == 0
    assert not Job.objects.exists()

    # The same request, committed: its message is sent once, after the commit.
    with transaction.atomic():
        job, _ = job_request(actor=None, kind=JobKind.FIND_COVERAGE, claim=claim)
        assert queued_messages(broker) == 0  # not before the commit
    assert queued_messages(broker) == 1
    message = json.loads(broker.lindex(celery_app.conf.task_default_queue or "celery", 0))
    assert message["headers"]["task"] == "corroboration.run_job"
    assert json.loads(base64.b64decode(message["body"]))[0] == [job.pk]
    broker.delete(celery_app.conf.task_default_queue or "celery")
