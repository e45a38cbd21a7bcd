"""Celery runs as configured, and a task round-trips through a real worker on Redis."""

import pytest
from django.conf import settings

from config.celery import app as celery_app
from tests.factories import make_claim
from tests.worker import running_worker


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
