"""/healthz reports the database, Redis and the worker's heartbeat each on its own, and
answers 200 only when all three do; /healthz?live is the web process alone."""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client

from config.celery import canary
from core.health import HEARTBEAT_KEY, heartbeat_record
from tests.worker import celery_redis_at, running_worker


def health(client: Client, *params: str) -> tuple[int, dict[str, Any]]:
    response = client.get("/healthz" + (f"?{params[0]}" if params else ""))
    assert response["Content-Type"] == "application/json"
    assert "redis://" not in response.content.decode()  # a URL may hold a password
    return response.status_code, response.json()


@pytest.fixture
def no_heartbeat() -> Iterator[None]:
    caches["default"].delete(HEARTBEAT_KEY)
    yield
    caches["default"].delete(HEARTBEAT_KEY)


@pytest.fixture
def redis_down(settings: Any, closed_port: int) -> Iterator[None]:
    caches_setting = copy.deepcopy(settings.CACHES)
    caches_setting["default"]["LOCATION"] = f"redis://127.0.0.1:{closed_port}/0"
    settings.CACHES = caches_setting
    with celery_redis_at(f"redis://127.0.0.1:{closed_port}/0"):
        yield


@pytest.mark.django_db
def test_all_three_answering_is_200_with_each_reported(client: Client, no_heartbeat: None, settings):
    canary()  # what a worker runs every CANARY_INTERVAL seconds
    status, body = health(client)
    assert status == 200
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True}
    assert body["redis"] == {"ok": True}
    assert body["worker"]["ok"] is True
    assert body["worker"]["stale_after"] == 2 * settings.CANARY_INTERVAL
    assert 0 <= body["worker"]["heartbeat_age"] <= body["worker"]["stale_after"]
    assert "failed" not in body


@pytest.mark.django_db
def test_a_heartbeat_older_than_twice_the_interval_is_stale(client: Client, no_heartbeat: None, settings):
    # The ages leave minutes of room, so a slow machine cannot change the answers: an age
    # only grows between writing the heartbeat and reading it.
    settings.CANARY_INTERVAL = 300
    heartbeat_record(worker="w1@host", now=lambda: time.time() - 400)  # one canary late: still fine
    assert health(client)[0] == 200

    heartbeat_record(worker="w1@host", now=lambda: time.time() - 601)  # two missed: stale
    status, body = health(client)
    assert status == 503
    assert body["failed"] == ["worker"]
    assert body["worker"]["error"].startswith("stale")
    assert body["worker"]["worker"] == "w1@host"
    assert (body["database"]["ok"], body["redis"]["ok"]) == (True, True)


@pytest.mark.django_db
def test_no_heartbeat_at_all_is_a_failure_that_says_so(client: Client, no_heartbeat: None):
    status, body = health(client)
    assert status == 503
    assert body["failed"] == ["worker"]
    assert "no worker has run the canary" in body["worker"]["error"]


@pytest.mark.django_db
def test_redis_down_is_named_while_the_live_check_still_answers(
    client: Client, redis_down: None, django_assert_num_queries
):
    status, body = health(client)
    assert status == 503
    assert body["failed"] == ["redis", "worker"]
    assert body["database"] == {"ok": True}
    assert "unreachable" in body["redis"]["error"]
    assert body["worker"]["error"].startswith("unknown")

    with django_assert_num_queries(0):  # nor Redis: it is down
        status, body = health(client, "live")
    assert (status, body) == (200, {"status": "ok", "live": True})


@pytest.mark.django_db(transaction=True)
def test_the_database_down_is_named(client: Client, closed_port: int, no_heartbeat: None):
    canary()
    connection.close()
    working = connection.settings_dict["PORT"]
    connection.settings_dict["PORT"] = closed_port
    try:
        status, body = health(client)
        live, _ = health(client, "live")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = working
    assert status == 503
    assert body["failed"] == ["database"]
    assert body["database"]["error"].startswith("unreachable")
    assert live == 200


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_s_canary_makes_the_check_pass(client: Client, no_heartbeat: None):
    assert health(client)[0] == 503
    with running_worker() as worker:  # it has answered a canary when this returns
        status, body = health(client)
        assert worker.poll() is None
    assert status == 200, body
    assert body["worker"]["worker"].startswith("test-")
