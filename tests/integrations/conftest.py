"""Fixtures for ClaimReview and webhooks: the workflow helpers of tests/reviews, a stub
resolver so no test looks up a real name, eager Celery, and a webhook receiver on a
local HTTP server that checks signatures the way docs/webhooks.md tells integrators to."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from config.celery import app as celery_app
from reviews.models import APConditions
from sources import netguard
from sources.netguard import FetchError, IPAddress
from tests.reviews.conftest import Workflow, editor2, ratings, reviewer2, workflow  # noqa: F401 - fixtures

AP_OK: APConditions = {
    "information_not_opinion": True,
    "not_obtainable_on_record": True,
    "source_in_position_to_know": True,
    "reason_stated": True,
}


@pytest.fixture(autouse=True)
def dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Names resolve only through this table; a name not in it does not exist."""
    table: dict[str, list[str]] = {"hooks.example.org": ["93.184.215.14"]}

    def resolve(host: str, port: int) -> list[IPAddress]:
        if host not in table:
            raise FetchError("dns_failure", f"{host} could not be resolved (test resolver).")
        return [ipaddress.ip_address(a) for a in table[host]]

    monkeypatch.setattr(netguard, "system_resolve", resolve)
    return table


@pytest.fixture
def loopback_allowed(settings: Any) -> None:
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    celery_app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    celery_app.conf.update(task_always_eager=False, task_eager_propagates=False)


@pytest.fixture
def no_wait(settings: Any) -> None:
    """Retries due at once, so an eager chain of attempts runs to its end in the test."""
    settings.WEBHOOK_RETRY_BASE_DELAY = 0


# --- A receiver, as an integrator would write it ------------------------------------------


def verify(secret: str, headers: Any, body: bytes, *, tolerance: int = 300) -> dict[str, Any]:
    """The recipe of docs/webhooks.md: recompute the HMAC over "<timestamp>.<body>",
    compare in constant time, refuse stale timestamps, then parse the body."""
    timestamp = headers["X-Corroborate-Timestamp"]
    expected = "sha256=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, headers["X-Corroborate-Signature"]):
        raise ValueError("bad signature")
    if abs(time.time() - int(timestamp)) > tolerance:
        raise ValueError("stale timestamp")
    payload = json.loads(body)
    if payload["delivery"] != headers["X-Corroborate-Delivery"] or payload["event"] != headers["X-Corroborate-Event"]:
        raise ValueError("headers and body disagree")
    return payload


@dataclass
class Receiver:
    """Answers each POST with the next status in `statuses` (the last one repeats),
    after checking its signature; records what it accepted, and in `received` every
    signed payload in the order it arrived, whatever it answered."""

    server: HTTPServer
    secret: str = ""
    statuses: list[int] = field(default_factory=lambda: [200])
    accepted: list[dict[str, Any]] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    calls: int = 0

    @property
    def url(self) -> str:
        return self.server.url_for("/hooks/corroborate")

    def __call__(self, request: Request) -> Response:
        status = self.statuses[min(self.calls, len(self.statuses) - 1)]
        self.calls += 1
        self.headers.append(dict(request.headers))
        try:
            payload = verify(self.secret, request.headers, request.get_data())
        except (KeyError, ValueError) as exc:
            self.refused.append(str(exc))
            return Response("signature refused", status=401)
        self.received.append(payload)
        if 200 <= status < 300:
            self.accepted.append(payload)
        return Response("ok" if status < 300 else "receiver trouble", status=status)


@pytest.fixture
def receiver(httpserver: HTTPServer, loopback_allowed: None) -> Receiver:
    receiver = Receiver(httpserver)
    httpserver.expect_request("/hooks/corroborate", method="POST").respond_with_handler(receiver)
    return receiver


__all__ = ["AP_OK", "Receiver", "Workflow", "verify"]
