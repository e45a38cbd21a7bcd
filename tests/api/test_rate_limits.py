"""API rate limits: every counted answer says the quota (RateLimit-Limit, -Remaining,
-Reset), a 429 says when to come back (Retry-After), and an unreachable counter lets
requests through rather than failing them."""

from __future__ import annotations

import logging

import pytest
from django.conf import settings as django_settings
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

CLAIMS = "/api/v1/claims/"


def quota(response) -> tuple[int, int, int]:
    return int(response["RateLimit-Limit"]), int(response["RateLimit-Remaining"]), int(response["RateLimit-Reset"])


def test_each_answer_carries_the_quota_left(settings):
    settings.API_THROTTLE_ANON = "3/minute"
    client = APIClient(REMOTE_ADDR="192.0.2.10")
    answers = [quota(client.get(CLAIMS)) for _ in range(3)]
    assert [(limit, remaining) for limit, remaining, _ in answers] == [(3, 2), (3, 1), (3, 0)]
    assert all(1 <= reset <= 60 for _, _, reset in answers)


def test_a_429_says_when_to_retry_and_that_nothing_is_left(settings):
    settings.API_THROTTLE_ANON = "1/hour"
    client = APIClient(REMOTE_ADDR="192.0.2.11")
    client.get(CLAIMS)
    refused = client.get(CLAIMS)
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    limit, remaining, reset = quota(refused)
    assert (limit, remaining) == (1, 0)
    assert int(refused["Retry-After"]) == pytest.approx(reset, abs=1)
    assert 3500 <= reset <= 3600


def test_the_window_slides_and_a_refused_request_is_not_counted(settings, monkeypatch):
    from core.rest import QuotaThrottle

    settings.API_THROTTLE_ANON = "2/minute"
    now = [1_000_000.0]
    monkeypatch.setattr(QuotaThrottle, "timer", lambda self: now[0])
    client = APIClient(REMOTE_ADDR="192.0.2.13")
    assert quota(client.get(CLAIMS)) == (2, 1, 60)
    now[0] += 20
    assert quota(client.get(CLAIMS)) == (2, 0, 40)
    now[0] += 10
    refused = client.get(CLAIMS)
    assert refused.status_code == 429
    assert quota(refused) == (2, 0, 30)
    assert int(refused["Retry-After"]) == 30
    # The first request leaves the window: one place again, and the refused one took none.
    now[0] += 31
    assert quota(client.get(CLAIMS)) == (2, 0, 19)
    now[0] += 20
    assert quota(client.get(CLAIMS)) == (2, 0, 40)


def test_token_callers_have_their_own_quota(settings, callers):
    settings.API_THROTTLE_USER = "5/minute"
    caller = callers["read_token_editor"]
    assert quota(caller.get(CLAIMS))[:2] == (5, 4)
    assert quota(callers["read_token_reviewer"].get(CLAIMS))[:2] == (5, 4)


def test_an_unreachable_counter_lets_requests_through_and_says_so_in_the_log(settings, caplog):
    settings.API_THROTTLE_ANON = "1/hour"
    # Nothing listens on port 1 of loopback: every cache call fails at once.
    settings.CACHES = {
        "default": {
            **django_settings.CACHES["default"],
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    client = APIClient(REMOTE_ADDR="192.0.2.12")
    with caplog.at_level(logging.WARNING, logger="core.rest"):
        answers = [client.get(CLAIMS) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert "RateLimit-Limit" not in answers[0]  # nothing was counted, so no quota is claimed
    assert sum("throttle store unreachable" in r.getMessage() for r in caplog.records) == 3


def test_the_schema_documents_the_rate_limit_headers(client):
    spec = client.get("/api/schema/", {"format": "json"}).json()
    listing = spec["paths"]["/api/v1/claims/"]["get"]["responses"]
    assert {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"} <= set(listing["200"]["headers"])
    assert "Retry-After" in listing["429"]["headers"]
