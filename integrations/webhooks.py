"""Webhooks on the wire: the bytes of an event's payload, its signature, and one POST to an
endpoint (product.md Appendix A; the recipe for receivers is in docs/webhooks.md).

    POST <endpoint url>
    Content-Type: application/json
    X-Corroborate-Event: claim.transitioned
    X-Corroborate-Delivery: <the delivery's uuid, the same on every attempt>
    X-Corroborate-Timestamp: <Unix seconds of this attempt>
    X-Corroborate-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the endpoint's secret>

Endpoint URLs come from people, so they get the checks every fetch gets: the POST goes
through the one safe client (`sources.fetch.post`), so http(s) only, and every address
the host resolves to must be public unless FETCH_ALLOWED_NETWORKS opens its range. The
connection goes to the address that was checked, so DNS cannot change between the check
and the connect. Redirects are not followed: an endpoint that moved is an endpoint to
update.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from sources import fetch, netguard
from sources.netguard import FetchError, IPNetwork, Target

USER_AGENT = "Corroborate-Webhooks/0.1 (+https://github.com/corroborate/corroborate)"
SIGNATURE_PREFIX = "sha256="
# Enough of a refusal's body to say what the receiver complained about.
ERROR_BODY_BYTES = 1024
_RETRYABLE_4XX = frozenset({408, 429})


# --- The payload ---------------------------------------------------------------------------


# The documented order of the keys. The payload is stored as jsonb, which keeps no key
# order, so the body is put back in this order before it is sent.
_ORDER: dict[str, tuple[str, ...]] = {
    "": ("event", "delivery", "sequence", "claim", "transition"),
    "claim": ("id", "statement", "quote", "status", "rating", "version", "created_at", "updated_at", "url"),
    "transition": ("id", "name", "from", "to", "actor", "note", "created_at", "claim_version"),
}


def _in_order(value: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return dict(sorted(value.items(), key=lambda item: keys.index(item[0]) if item[0] in keys else len(keys)))


def body_of(payload: dict[str, Any]) -> bytes:
    """The exact bytes sent (and signed): compact UTF-8 JSON, keys in the documented order."""
    ordered = _in_order(payload, _ORDER[""])
    for part in ("claim", "transition"):
        if isinstance(ordered.get(part), dict):
            ordered[part] = _in_order(ordered[part], _ORDER[part])
    return json.dumps(ordered, ensure_ascii=False, separators=(",", ":")).encode()


# --- The signature -------------------------------------------------------------------------


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`sha256=` and the hex HMAC-SHA256 of "<timestamp>.<body>", keyed with the secret's
    UTF-8 bytes. Signing the timestamp with the body lets a receiver refuse replays."""
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return SIGNATURE_PREFIX + mac.hexdigest()


def signed_headers(*, secret: str, event: str, delivery_id: str, body: bytes, timestamp: int) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Corroborate-Event": event,
        "X-Corroborate-Delivery": delivery_id,
        "X-Corroborate-Timestamp": str(timestamp),
        "X-Corroborate-Signature": signature(secret, timestamp, body),
    }


# --- Where an endpoint may point ---------------------------------------------------------------


def allowed_networks() -> tuple[IPNetwork, ...]:
    # Read on every use, so a test (or a settings change) takes effect at once.
    return netguard.parse_networks(settings.FETCH_ALLOWED_NETWORKS)


def check_endpoint_url(url: str) -> Target:
    """Refuse (FetchError) a URL a webhook must not be sent to: not http(s), malformed,
    credentials in it, or a host that is, or resolves to, an internal address."""
    return netguard.check_url(url, allowed=allowed_networks())


# --- One attempt -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What one attempt came to, in the words the delivery log shows."""

    delivered: bool
    status_code: int | None = None
    error: str = ""
    transient: bool = False  # a later attempt could succeed
    retry_after: float | None = None  # seconds the receiver asked us to wait


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> Outcome:
    """POST `body` to `url` once, within `timeout` seconds in all, through the one safe
    client (sources/fetch.py). Never raises for anything the network or the receiver
    does: every failure is an Outcome."""
    host = urlsplit(url).hostname or url
    try:
        answer = fetch.post(url, body=body, headers=headers, deadline=timeout, max_answer_bytes=ERROR_BODY_BYTES)
    except FetchError as exc:
        if exc.code == "timeout":
            return Outcome(False, error=f"{host} did not answer within the {timeout:g}-second limit.", transient=True)
        if exc.code in ("connection_error", "tls_error"):
            return Outcome(False, error=f"Could not connect to {host}: {exc.message}", transient=True)
        # The name resolved when the endpoint was registered: a lookup failing now is
        # more likely a passing DNS fault than a gone receiver, so it is retried.
        return Outcome(False, error=exc.message, transient=exc.transient or exc.code == "dns_failure")
    status = answer.status
    if 200 <= status < 300:
        return Outcome(True, status_code=status)
    if 300 <= status < 400:
        location = answer.headers.get("location", "")
        return Outcome(
            False,
            status_code=status,
            error=f"HTTP {status} {answer.reason}: redirected to {location or 'nowhere'}. Webhooks do not follow "
            "redirects; update the endpoint's URL.",
        )
    excerpt = " ".join(answer.body.decode("utf-8", "replace").split())[:500]
    transient = status >= 500 or status in _RETRYABLE_4XX
    return Outcome(
        False,
        status_code=status,
        error=f"HTTP {status} {answer.reason}" + (f": {excerpt}" if excerpt else ""),
        transient=transient,
        retry_after=_retry_after(answer.headers.get("retry-after", "")) if transient else None,
    )


def _retry_after(value: str) -> float | None:
    value = value.strip()
    return float(value) if value.isdigit() else None
