"""While Redis is down (cache, broker and result store at a port that refuses
connections), everything that needs only PostgreSQL keeps working: the API reads and
writes, the reviewer pages, and the requests whose follow-up work could not be queued.
That work is not lost: its row (a queued job) is the truth, and the sweeper sends it once
the broker is back."""

from __future__ import annotations

import base64
import copy
import json
import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import redis
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim
from config.celery import app as celery_app
from corroboration.models import Job, JobKind, JobStatus
from corroboration.tasks import sweep_jobs
from tests.api.conftest import Caller, new_source_claim
from tests.worker import celery_redis_at

pytestmark = pytest.mark.django_db(transaction=True)

CLAIMS = "/api/v1/claims/"
# Every task registered now: a first send of an unregistered task would import the task
# modules, and with them set Django (and its logging) up again mid-test.
celery_app.loader.import_default_modules()


@pytest.fixture
def redis_down(settings: Any, closed_port: int) -> Iterator[str]:
    """The cache (throttles, robots.txt, pace) and Celery's Redis, all unreachable."""
    url = f"redis://127.0.0.1:{closed_port}/0"
    caches_setting = copy.deepcopy(settings.CACHES)
    caches_setting["default"]["LOCATION"] = url
    settings.CACHES = caches_setting
    with celery_redis_at(url):
        yield url


def queued_messages(task_name: str) -> list[list[Any]]:
    """The arguments of every message for `task_name` waiting in its queue (no worker
    runs in these tests, so what was sent stays there)."""
    queue = celery_app.amqp.router.route({}, task_name)["queue"].name
    broker = redis.Redis.from_url(celery_app.conf.broker_url)
    found = []
    for raw in broker.lrange(queue, 0, -1):
        message = json.loads(raw)
        if message["headers"]["task"] == task_name:
            found.append(json.loads(base64.b64decode(message["body"]))[0])
    return found


def purge(task_name: str) -> None:
    queue = celery_app.amqp.router.route({}, task_name)["queue"].name
    redis.Redis.from_url(celery_app.conf.broker_url).delete(queue)


def test_the_api_reads_and_writes_while_redis_is_down(callers: dict[str, Caller], workflow, redis_down, caplog):
    submit, editor = callers["submit_token_reviewer"], callers["write_token_editor"]
    assert submit.get(CLAIMS).status_code == 200

    created = submit.post(CLAIMS, new_source_claim("The ferry resumed service on Tuesday."))
    assert created.status_code == 201, created.content
    claim = Claim.objects.get(pk=created.json()["id"])

    # A transition commits, though its webhooks and e-mail could not be queued.
    with caplog.at_level(logging.WARNING, logger="core.services"):
        accepted = editor.post(
            f"{CLAIMS}{claim.pk}/transitions/", {"transition": "accept", "version": claim.version, "assignee": "rev"}
        )
    assert accepted.status_code == 201, accepted.content
    assert Claim.objects.get(pk=claim.pk).status == "researching"
    assert any("reviews.notify_transition" in record.getMessage() for record in caplog.records)

    # A search is accepted: the job row waits for the broker.
    searched = editor.post(f"{CLAIMS}{claim.pk}/find-coverage/")
    assert searched.status_code == 202, searched.content
    job = Job.objects.get(pk=searched.json()["id"])
    assert (job.status, job.attempts) == (JobStatus.QUEUED, 0)
    assert editor.get(f"/api/v1/jobs/{job.pk}/").status_code == 200


def test_the_pages_read_and_write_while_redis_is_down(reviewer, editor, default_scale, redis_down):
    client = Client()
    client.force_login(reviewer)
    assert client.get(reverse("claims:list")).status_code == 200
    data = {
        "statement": "The bridge toll doubled last year.",
        "language": "en",
        "priority": 2,
        "attributions-TOTAL_FORMS": 1,
        "attributions-INITIAL_FORMS": 0,
        "attributions-MIN_NUM_FORMS": 0,
        "attributions-MAX_NUM_FORMS": 1000,
        "attributions-0-role": "claimant",
        "attributions-0-new_source_name": "A Toll Operator",
        "attributions-0-new_source_kind": "person",
        "attributions-0-credibility": 3,
        "attributions-0-content_type": "fact",
    }
    response = client.post(reverse("claims:new"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    claim = Claim.objects.get()
    assert client.get(reverse("claims:detail", args=[claim.pk])).status_code == 200

    as_editor = Client()
    as_editor.force_login(editor)
    found = as_editor.post(reverse("corroboration:find", args=[claim.pk]))
    assert found.status_code == 302
    assert Job.objects.get(claim=claim).status == JobStatus.QUEUED


def test_a_job_queued_while_the_broker_was_down_is_sent_by_the_sweeper(
    callers: dict[str, Caller], workflow, closed_port: int
):
    claim = workflow.researching()
    purge("corroboration.run_job")
    with celery_redis_at(f"redis://127.0.0.1:{closed_port}/0"):
        searched = callers["write_token_editor"].post(f"{CLAIMS}{claim.pk}/find-coverage/")
    assert searched.status_code == 202
    job = Job.objects.get(kind=JobKind.FIND_COVERAGE, claim=claim)
    assert queued_messages("corroboration.run_job") == []  # its message was lost

    # The broker is back; a minute later the sweeper (on the beat schedule) finds the row.
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now() - timedelta(minutes=2))
    assert sweep_jobs() == 1
    assert queued_messages("corroboration.run_job") == [[job.pk]]
    purge("corroboration.run_job")
