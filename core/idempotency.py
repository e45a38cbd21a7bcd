"""`Idempotency-Key` on API POSTs: a client that did not hear the answer (a time-out, a
dropped connection) sends the same request again with the same key, and gets the answer
the first one got instead of a second claim.

    first POST with key K            the work is done; its 2xx answer is stored with K
    same POST, same K, within 24 h   the stored answer again (Idempotent-Replayed: true)
    another body or address, same K  422: a key names one request
    a POST that was refused (4xx)    nothing is stored: fix it and send it with the same key

The row is inserted before the work starts and committed with it: a second request with
the same key waits on the unique index until the first one ends, then replays its answer
(or, if the first failed, does the work itself)."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import exceptions

from core.models import ApiToken, IdempotencyKey
from core.services import service

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_PATTERN = r"[!-~]{1,255}"  # printable ASCII, no spaces: a UUID fits


class KeyReused(exceptions.APIException):
    status_code = 422
    default_code = "idempotency_key_reused"
    default_detail = (
        "This Idempotency-Key was already used for a different request (another body or address). "
        "Use a new key for a new request."
    )


class Replay(Exception):
    """The stored answer to a request already made with this key."""

    def __init__(self, status: int, body: Any, location: str) -> None:
        super().__init__(status)
        self.status, self.body, self.location = status, body, location


def caller_of(user: Any, token: ApiToken | None) -> str | None:
    if token is not None:
        return f"token:{token.pk}"
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


def checked_key(raw: str) -> str:
    if not re.fullmatch(KEY_PATTERN, raw):
        raise exceptions.ValidationError(
            {HEADER: ["Give 1 to 255 printable ASCII characters without spaces (a UUID, say)."]}
        )
    return raw


def fingerprint(method: str, path: str, body: bytes) -> str:
    """The request a key stands for. JSON bodies are compared by content, so the same
    object sent with other spacing or key order is the same request."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, RecursionError):
        canonical = body
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + canonical).hexdigest()


def _expired_before() -> Any:
    return timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)


@service
def idempotency_key_begin(*, caller: str, key: str, fingerprint: str) -> IdempotencyKey:
    """Hold `key` for this request, inside the caller's transaction. Raises Replay with
    the stored answer if the same request was made with it, KeyReused if another was."""
    cutoff = _expired_before()
    IdempotencyKey.objects.filter(caller=caller, key=key, created_at__lt=cutoff).delete()
    # Old keys of every caller go a few at a time; SKIP LOCKED keeps two requests from
    # waiting on each other over the same old rows.
    stale = IdempotencyKey.objects.filter(created_at__lt=cutoff).select_for_update(skip_locked=True)
    IdempotencyKey.objects.filter(pk__in=stale.values("pk")[:100]).delete()
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(caller=caller, key=key, fingerprint=fingerprint)
    except IntegrityError:
        pass
    earlier = IdempotencyKey.objects.get(caller=caller, key=key)
    if earlier.fingerprint != fingerprint:
        raise KeyReused()
    raise Replay(earlier.status or 200, earlier.body, earlier.location)


@service
def idempotency_key_record(*, record: IdempotencyKey, status: int, body: Any, location: str = "") -> None:
    """Keep the answer the request got, to give it again to a retry."""
    record.status, record.body, record.location = status, body, location
    record.save(update_fields=["status", "body", "location"])
