"""Webhooks on the wire: the payload of an event, its signature, and one POST to an
endpoint (product.md Appendix A; the recipe for receivers is in docs/webhooks.md).

    POST <endpoint url>
    Content-Type: application/json
    X-Corroborate-Event: claim.transitioned
    X-Corroborate-Delivery: <the delivery's uuid, the same on every attempt>
    X-Corroborate-Timestamp: <Unix seconds of this attempt>
    X-Corroborate-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the endpoint's secret>

Endpoint URLs come from people, so they get the checks every fetch gets
(`sources.netguard`): http(s) only, and every address the host resolves to must be
public unless FETCH_ALLOWED_NETWORKS opens its range. The connection goes to the
address that was checked, so DNS cannot change between the check and the connect.
Redirects are not followed: an endpoint that moved is an endpoint to update.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import ssl
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import httpcore
import httpx
from django.conf import settings

from claims.models import Claim
from reviews.claimreview import public_url
from reviews.models import Transition
from reviews.workflow import Status
from sources import netguard
from sources.netguard import FetchError, IPAddress, IPNetwork, Target

USER_AGENT = "Corroborate-Webhooks/0.1 (+https://github.com/corroborate/corroborate)"
SIGNATURE_PREFIX = "sha256="
# Enough of a refusal's body to say what the receiver complained about.
ERROR_BODY_BYTES = 1024
_RETRYABLE_4XX = frozenset({408, 429})


# --- The payload ---------------------------------------------------------------------------


def _iso(moment: Any) -> str | None:
    # The same form as the REST API's datetimes: ISO 8601, UTC written as Z.
    return moment.isoformat().replace("+00:00", "Z") if moment is not None else None


def transition_payload(transition: Transition, claim: Claim, delivery_id: str, event: str) -> dict[str, Any]:
    """What an endpoint receives for a transition: the claim as it stood right after it."""
    return {
        "event": event,
        "delivery": delivery_id,
        "claim": {
            "id": claim.pk,
            "statement": claim.statement,
            "quote": claim.quote,
            "status": claim.status,
            "rating": claim.rating.value if claim.rating is not None else None,
            "version": claim.version,
            "created_at": _iso(claim.created_at),
            "updated_at": _iso(claim.updated_at),
            # Only a published claim has a public page.
            "url": public_url(claim.pk) if claim.status == Status.PUBLISHED else None,
        },
        "transition": {
            "id": transition.pk,
            "name": transition.name,
            "from": transition.from_status,
            "to": transition.to_status,
            "actor": transition.actor.get_username(),
            "note": transition.note,
            "created_at": _iso(transition.created_at),
            "claim_version": transition.claim_version,
        },
    }


# The documented order of the keys. The payload is stored as jsonb, which keeps no key
# order, so the body is put back in this order before it is sent.
_ORDER: dict[str, tuple[str, ...]] = {
    "": ("event", "delivery", "claim", "transition"),
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
    """POST `body` to `url` once, within `timeout` seconds in all. Never raises for
    anything the network or the receiver does: every failure is an Outcome."""
    deadline_at = time.monotonic() + timeout
    allowed = allowed_networks()
    try:
        target = netguard.vet_url(url, allowed)
        addresses = netguard.vet_addresses(target, netguard.system_resolve, allowed)
    except FetchError as exc:
        # The name resolved when the endpoint was registered: a lookup failing now is
        # more likely a passing DNS fault than a gone receiver, so it is retried.
        return Outcome(False, error=exc.message, transient=exc.transient or exc.code == "dns_failure")
    failure = Outcome(False, error=f"Could not connect to {target.host}.", transient=True)
    for ip in addresses:
        try:
            return _post_to(ip, target, body, headers, deadline_at)
        except httpcore.ConnectError as exc:
            # Another vetted address of the same name may answer.
            failure = Outcome(False, error=f"Could not connect to {target.host} ({ip}): {exc}.", transient=True)
        except (httpcore.TimeoutException, TimeoutError):
            return Outcome(
                False, error=f"{target.host} did not answer within the {timeout:g}-second limit.", transient=True
            )
        except (httpcore.NetworkError, httpcore.ProtocolError, ssl.SSLError, OSError) as exc:
            return Outcome(
                False, error=f"The connection to {target.host} failed ({type(exc).__name__}: {exc}).", transient=True
            )
    return failure


def _post_to(ip: IPAddress, target: Target, body: bytes, headers: dict[str, str], deadline_at: float) -> Outcome:
    url = httpcore.URL(scheme=target.scheme, host=str(ip), port=target.port, target=target.url.raw_path)
    extensions: dict[str, Any] = {"timeout": dict.fromkeys(("connect", "read", "write", "pool"), _left(deadline_at))}
    if target.is_name and target.scheme == "https":
        extensions["sni_hostname"] = target.server_name  # TLS checks the real name
    all_headers = {**headers, "Host": target.url.netloc.decode("ascii"), "Connection": "close"}
    connection = httpcore.HTTPConnection(
        origin=url.origin, ssl_context=_ssl_context(), network_backend=_DeadlineBackend(deadline_at)
    )
    request = connection.stream("POST", url, headers=list(all_headers.items()), content=body, extensions=extensions)
    with connection, request as response:
        status = response.status
        if 200 <= status < 300:
            return Outcome(True, status_code=status)
        return _refusal(status, _reason(response), _header(response, b"location"), response, deadline_at)


def _refusal(status: int, reason: str, location: str, response: httpcore.Response, deadline_at: float) -> Outcome:
    if 300 <= status < 400:
        return Outcome(
            False,
            status_code=status,
            error=f"HTTP {status} {reason}: redirected to {location or 'nowhere'}. Webhooks do not follow "
            "redirects; update the endpoint's URL.",
        )
    excerpt = _excerpt(response, deadline_at)
    transient = status >= 500 or status in _RETRYABLE_4XX
    return Outcome(
        False,
        status_code=status,
        error=f"HTTP {status} {reason}" + (f": {excerpt}" if excerpt else ""),
        transient=transient,
        retry_after=_retry_after(_header(response, b"retry-after")) if transient else None,
    )


def _excerpt(response: httpcore.Response, deadline_at: float) -> str:
    """The start of a refusal's body, for the log; whatever cannot be read is left out."""
    taken = b""
    try:
        for chunk in response.iter_stream():
            taken += chunk
            if len(taken) >= ERROR_BODY_BYTES or time.monotonic() >= deadline_at:
                break
    except Exception:  # noqa: S110 - the status is what counts; the body is a courtesy
        pass
    return " ".join(taken[:ERROR_BODY_BYTES].decode("utf-8", "replace").split())[:500]


def _reason(response: httpcore.Response) -> str:
    return bytes(response.extensions.get("reason_phrase", b"")).decode("ascii", "replace")


def _header(response: httpcore.Response, name: bytes) -> str:
    for key, value in response.headers:
        if key.lower() == name:
            return value.decode("latin-1").strip()
    return ""


def _retry_after(value: str) -> float | None:
    return float(value) if value.isdigit() else None


def _left(deadline_at: float) -> float:
    left = deadline_at - time.monotonic()
    if left <= 0:
        raise httpcore.TimeoutException("the attempt's time is up")
    return left


@lru_cache(maxsize=1)
def _ssl_context() -> ssl.SSLContext:
    return httpx.create_ssl_context()


class _DeadlineBackend(httpcore.NetworkBackend):
    """Caps every socket operation at what is left of the attempt's time, so a receiver
    that trickles its answer is cut off when the attempt's time is up."""

    def __init__(self, deadline_at: float) -> None:
        self._inner = httpcore.SyncBackend()
        self._deadline_at = deadline_at

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(host, port, _left(self._deadline_at), local_address, socket_options)
        return _DeadlineStream(stream, self._deadline_at)

    def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options: Any = None) -> Any:
        raise httpcore.ConnectError("webhooks are never sent to unix sockets")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, deadline_at: float) -> None:
        self._inner = inner
        self._deadline_at = deadline_at

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _left(self._deadline_at))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _left(self._deadline_at))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        stream = self._inner.start_tls(ssl_context, server_hostname, _left(self._deadline_at))
        return _DeadlineStream(stream, self._deadline_at)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)
