"""Callers of the API: nobody, a reviewer and an editor signed in, and tokens of each
scope for a reviewer and for an editor, plus an expired and a revoked token."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import ApiToken
from core.tokens import token_create, token_revoke
from tests.factories import UserFactory
from tests.reviews.conftest import Workflow

# Sessions and tokens of both roles; the policy table of product.md §1 names them.
CALLERS = [
    "anonymous",
    "reviewer",
    "editor",
    "read_token_reviewer",
    "submit_token_reviewer",
    "write_token_reviewer",
    "read_token_editor",
    "submit_token_editor",
    "write_token_editor",
    "expired_token",
    "revoked_token",
]


@pytest.fixture(autouse=True)
def generous_throttles(settings: Any) -> None:
    """Throttling is tested on its own; elsewhere it would only make tests flaky."""
    settings.API_THROTTLE_ANON = "100000/minute"
    settings.API_THROTTLE_USER = "100000/minute"


@dataclass
class Caller:
    name: str
    client: APIClient
    user: Any = None
    token: ApiToken | None = None
    key: str | None = None

    def get(self, url: str, **params: Any) -> Any:
        return self.client.get(url, params, format="json")

    def post(self, url: str, data: Any = None) -> Any:
        return self.client.post(url, data, format="json")

    def patch(self, url: str, data: Any = None) -> Any:
        return self.client.patch(url, data, format="json")

    def delete(self, url: str) -> Any:
        return self.client.delete(url)


def token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def make_token(user: Any, scope: str, **fields: Any) -> tuple[ApiToken, str]:
    return token_create(actor=None, user=user, name=f"{scope} for {user}", scope=scope, **fields)


@pytest.fixture
def editor2(roles):
    return UserFactory(username="ed2", role="editor")


@pytest.fixture
def reviewer2(roles):
    return UserFactory(username="rev2", role="reviewer")


@pytest.fixture
def ratings(default_scale) -> dict[str, Any]:
    return {r.value: r for r in default_scale.ratings.all()}


@pytest.fixture
def workflow(editor, reviewer, ratings) -> Workflow:
    return Workflow(editor, reviewer, ratings)


@pytest.fixture
def callers(editor, reviewer) -> dict[str, Caller]:
    made: dict[str, Caller] = {"anonymous": Caller("anonymous", APIClient())}
    for name, user in (("reviewer", reviewer), ("editor", editor)):
        client = APIClient()
        client.force_login(user)
        made[name] = Caller(name, client, user=user)
    for role, user in (("reviewer", reviewer), ("editor", editor)):
        for scope in ("read", "submit", "write"):
            token, key = make_token(user, scope)
            made[f"{scope}_token_{role}"] = Caller(f"{scope}_token_{role}", token_client(key), user, token, key)
    token, key = make_token(editor, "write")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    made["expired_token"] = Caller("expired_token", token_client(key), editor, token, key)
    token, key = make_token(editor, "write")
    token_revoke(actor=None, token=token)
    made["revoked_token"] = Caller("revoked_token", token_client(key), editor, token, key)
    return made


# --- The permission matrix ------------------------------------------------------------------


def row(*statuses: int) -> dict[str, int]:
    """Expected answers in the order of CALLERS: anonymous, reviewer, editor, then read,
    submit and write tokens of the reviewer, the same of the editor, expired, revoked."""
    assert len(statuses) == len(CALLERS)
    return dict(zip(CALLERS, statuses, strict=True))


def mismatches(callers: dict[str, Caller], expected: dict[str, int], call: Any) -> list[str]:
    """Ask as every caller (`call(caller)` makes the request, on fresh data if it writes)
    and list every answer that differs from the policy."""
    found = []
    for name in CALLERS:
        response = call(callers[name])
        if response.status_code != expected[name]:
            found.append(f"{name}: expected {expected[name]}, got {response.status_code}: {response.content[:300]!r}")
    return found


def new_source_claim(statement: str = "The harbour reopened on Monday.") -> dict[str, Any]:
    """A claim as an integration submits it: its claimant a new source (a submit token
    cannot cite sources outside its own claims)."""
    return {
        "statement": statement,
        "attributions": [
            {
                "new_source": {"kind": "person", "name": "A Harbour Master", "title": "Harbour master"},
                "role": "claimant",
            }
        ],
    }


@pytest.fixture
def public_dns(monkeypatch: Any) -> None:
    """Webhook URLs are checked against internal addresses by resolving their host; in
    tests every name resolves to one public address (nothing is ever sent to it)."""
    import ipaddress

    from sources import netguard

    monkeypatch.setattr(netguard, "system_resolve", lambda host, port: [ipaddress.ip_address("93.184.215.14")])
