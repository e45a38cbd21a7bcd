"""Celery runs as configured, a task round-trips through a real worker on Redis, and a
worker outlives its broker's restart whatever messages it holds."""

import time

import pytest
import redis
from django.conf import settings

from bench.processes import OwnRedis
from config.celery import app as celery_app
from core.services import task_send
from tests.factories import ArticleFactory, make_claim
from tests.test_queues import StallingPage, stalling_server  # noqa: F401 - the fixture
from tests.worker import celery_redis_at, running_worker


def test_celery_is_configured_for_safe_delivery():
    conf = celery_app.conf
    assert conf.task_serializer == "json"
    assert conf.result_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert 0 < conf.task_soft_time_limit < conf.task_time_limit
    assert settings.CELERY_TASK_ALWAYS_EAGER is False


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_task_round_trips_through_a_real_worker():
    make_claim()
    make_claim(statement="A second claim.")
    with running_worker() as worker:
        result = celery_app.send_task("corroborate.canary").get(timeout=30)
        assert worker.poll() is None
    assert result["database"].startswith("test_")
    assert result["claims"] == 2


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_holding_messages_outlives_a_broker_restart(stalling_server):  # noqa: F811 - the fixture imported above
    """When Redis goes away, a worker holds messages unacknowledged: tasks waiting for
    their countdown (as webhook and job retries do) and a task still running, which it
    acknowledges once Redis is back. Either once made it exit; it must reconnect and
    answer the canary again."""
    port = stalling_server.server_port
    article = ArticleFactory(canonical_url=f"http://127.0.0.1:{port}/story", text="")
    env = {"FETCH_ALLOWED_NETWORKS": "127.0.0.0/8", "FETCH_HOST_INTERVAL": "0"}
    broker = OwnRedis(prefix="corroborate-test-broker-")
    broker.start()
    try:
        with celery_redis_at(broker.url), running_worker(concurrency=2, extra_env=env) as worker:
            for _ in range(3):
                celery_app.send_task("corroborate.canary", countdown=600)
            task_send("sources.fetch_article_text", article.pk)
            assert StallingPage.arrived.wait(timeout=60), "the worker never started the fetch"
            held = redis.Redis.from_url(broker.url)
            deadline = time.monotonic() + 30
            while held.hlen("unacked") < 4:  # kombu's set of delivered, unacknowledged messages
                assert time.monotonic() < deadline, "the worker never took the messages"
                time.sleep(0.2)
            broker.shutdown()
            StallingPage.release.set()  # the fetch ends while Redis is down
            time.sleep(2)
            broker.start()
            answer = None
            deadline = time.monotonic() + 60
            while answer is None and time.monotonic() < deadline:
                try:
                    answer = celery_app.send_task("corroborate.canary").get(timeout=5)
                except Exception:  # the broker or the worker is not answering yet
                    time.sleep(0.5)
            time.sleep(2)  # the late acknowledgement of the fetch
            assert worker.poll() is None, "the worker exited when the broker went away"
            assert answer is not None
    finally:
        broker.remove()
