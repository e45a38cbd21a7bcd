"""Tasks go to their queues (jobs, webhooks, maintenance), and the maintenance worker
answers while the main worker is busy with a long job (docs/operations.md)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import redis
from django.conf import settings

from config.celery import app as celery_app
from core.services import task_send
from tests.factories import ArticleFactory
from tests.worker import running_worker

EXPECTED_QUEUES = {
    "corroboration.run_job": "jobs",
    "corroboration.match_prior_checks": "jobs",
    "sources.poll_feed": "jobs",
    "sources.fetch_article_text": "jobs",
    "trackrecords.refresh_claim": "jobs",
    "trackrecords.refresh_recent": "jobs",
    "reviews.notify_transition": "jobs",
    "integrations.deliver_webhook": "webhooks",
    "corroborate.canary": "maintenance",
    "corroboration.sweep_jobs": "maintenance",
    "integrations.sweep_webhook_deliveries": "maintenance",
    "sources.poll_due_feeds": "maintenance",
    "corroboration.recheck_due_claims": "maintenance",
    "corroboration.match_new_articles": "maintenance",
    "core.prune": "maintenance",
}


def queue_of(task_name: str) -> str:
    return celery_app.amqp.router.route({}, task_name)["queue"].name


def product_tasks() -> list[str]:
    celery_app.loader.import_default_modules()
    return sorted(name for name in celery_app.tasks if not name.startswith("celery."))


@pytest.mark.parametrize(("task_name", "queue"), sorted(EXPECTED_QUEUES.items()))
def test_each_task_is_routed_to_its_queue(task_name, queue):
    assert task_name in product_tasks()
    assert queue_of(task_name) == queue


def test_every_task_goes_to_one_of_the_three_queues():
    declared = {queue.name for queue in settings.CELERY_TASK_QUEUES}
    assert declared == {"jobs", "webhooks", "maintenance"}
    for name in product_tasks():
        assert queue_of(name) in declared, name
    # A task added later without a route lands where the main worker looks.
    assert queue_of("someapp.new_task") == "jobs"


def test_the_canary_that_writes_the_worker_heartbeat_is_on_the_maintenance_queue():
    assert queue_of("corroborate.canary") == "maintenance"
    assert settings.CELERY_BEAT_SCHEDULE["corroborate.canary"]["task"] == "corroborate.canary"


def test_every_task_on_the_beat_schedule_is_routed_and_the_sweepers_are_maintenance():
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert queue_of(entry["task"]) in {"jobs", "maintenance"}
    for sweeper in ("corroboration.sweep_jobs", "integrations.sweep_webhook_deliveries", "sources.poll_due_feeds"):
        assert queue_of(sweeper) == "maintenance"


@pytest.fixture
def broker() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(celery_app.conf.broker_url)
    celery_app.control.purge()
    yield client
    celery_app.control.purge()
    client.close()


def test_a_sent_task_waits_in_its_queues_list_in_redis(broker):
    for name in ("corroboration.run_job", "integrations.deliver_webhook", "corroboration.sweep_jobs"):
        celery_app.send_task(name, args=(0,) if "sweep" not in name else ())
    celery_app.send_task("corroborate.canary")
    assert broker.llen("jobs") == 1
    assert broker.llen("webhooks") == 1
    assert broker.llen("maintenance") == 2
    assert broker.llen("celery") == 0


class StallingPage(BaseHTTPRequestHandler):
    """A page that answers only when the test lets it: the job fetching it keeps the
    main worker's one process busy for as long as the test needs."""

    release = threading.Event()
    arrived = threading.Event()

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/robots.txt":
            body, status = b"", 404
        else:
            type(self).arrived.set()
            type(self).release.wait(timeout=120)
            body, status = b"<html><body><p>Released.</p></body></html>", 200
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError):
            self.wfile.write(body)


@pytest.fixture
def stalling_server() -> Iterator[ThreadingHTTPServer]:
    StallingPage.release, StallingPage.arrived = threading.Event(), threading.Event()
    server = ThreadingHTTPServer(("127.0.0.1", 0), StallingPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    StallingPage.release.set()
    server.shutdown()
    server.server_close()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_maintenance_worker_answers_while_the_main_worker_is_busy(stalling_server, broker):
    port = stalling_server.server_port
    env = {"FETCH_ALLOWED_NETWORKS": "127.0.0.0/8", "FETCH_HOST_INTERVAL": "0"}
    articles = [ArticleFactory(canonical_url=f"http://127.0.0.1:{port}/story-{n}", text="") for n in range(5)]
    with (
        running_worker(queues=["maintenance"], extra_env=env),
        running_worker(queues=["jobs", "webhooks"], extra_env=env, wait_for_canary=False, purge=False),
    ):
        for article in articles:
            task_send("sources.fetch_article_text", article.pk)
        assert StallingPage.arrived.wait(timeout=60), "the main worker never started the first fetch"

        result = celery_app.send_task("corroborate.canary").get(timeout=60)

        # The canary came back while the main worker's only process was still held by
        # the first fetch and the four others still waited in the jobs queue.
        assert result["database"].startswith("test_")
        assert not StallingPage.release.is_set()
        assert broker.llen("jobs") == 4
        StallingPage.release.set()
