"""The one write path for integrations: API tokens (and webhook endpoints).

A token's key is made here, returned once to the caller that creates it, and never
stored: the database keeps its SHA-256 digest and a short prefix for telling tokens
apart. Nothing here logs a key.
"""

from __future__ import annotations

import hashlib
import logging
import random
import secrets
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from claims.models import Claim
from claims.services import claim_create
from config.services import model_update, service
from integrations.models import ApiToken, DeliveryStatus, Scope, WebhookDelivery, WebhookEndpoint, WebhookEvent
from integrations.webhooks import Outcome, body_of, check_endpoint_url, post, signed_headers, transition_payload
from reviews.models import Transition
from sources.netguard import FetchError

logger = logging.getLogger(__name__)

# Keys look like "crb_<43 url-safe characters>" (256 random bits): the marker lets
# secret scanners and people recognise one; the prefix stored is the first 12 characters.
KEY_MARKER = "crb_"
PREFIX_LENGTH = 12
# last_used_at is written at most this often per token, so reads stay reads.
LAST_USED_PRECISION = timedelta(minutes=1)


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _actor_or_none(actor: Any) -> Any:
    return actor if actor is not None and actor.is_authenticated else None


@service
def token_create(
    *,
    actor: AbstractBaseUser | None,
    user: AbstractBaseUser,
    name: str,
    scope: str,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for `user` and return it with its key, which is shown this once."""
    if actor is not None and not actor.has_perm("integrations.add_apitoken"):
        raise PermissionDenied("Only editors create API tokens.")
    # A token acts as its user. Creating one for someone else would let its holder act
    # in their name (and get round four-eyes), so people create tokens for themselves;
    # an administrator (or the create_token command) creates them for integration accounts.
    if actor is not None and user.pk != actor.pk and not getattr(actor, "is_superuser", False):
        raise PermissionDenied(
            "You can create tokens only for your own account: a token acts as its user. "
            "An administrator creates tokens for integration accounts."
        )
    errors: dict[str, str] = {}
    if scope not in Scope.values:
        errors["scope"] = f"“{scope}” is not a scope. Use one of: {', '.join(Scope.values)}."
    if not user.is_active:
        errors["user"] = f"{user.get_username()} is disabled; a token for them could not be used."
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = "The expiry must be in the future."
    if errors:
        raise ValidationError(errors)
    key = KEY_MARKER + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name.strip(),
        scope=scope,
        prefix=key[:PREFIX_LENGTH],
        digest=token_digest(key),
        created_by=_actor_or_none(actor),
        expires_at=expires_at,
    )
    token.full_clean()
    token.save()
    return token, key


@service
def token_revoke(*, actor: AbstractBaseUser | None, token: ApiToken) -> ApiToken:
    """Revoke a token: the very next request made with it is refused. Revoking twice
    keeps the first revocation."""
    if actor is not None and not actor.has_perm("integrations.change_apitoken"):
        raise PermissionDenied("Only editors revoke API tokens.")
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.revoked_by = _actor_or_none(actor)
    token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def token_touch(*, token: ApiToken) -> None:
    """Record that the token was used, at most once a minute (a conditional UPDATE, so
    concurrent requests write it once)."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_PRECISION)
    ).update(last_used_at=now)
    token.last_used_at = now


@service
def claim_submit(*, actor: AbstractBaseUser, token: ApiToken | None, **data: Any) -> Claim:
    """Record a claim (claims.services.claim_create) and, when it comes through an API
    token, remember that the token created it: a submit token reads those claims."""
    claim = claim_create(actor=actor, **data)
    if token is not None:
        token.claims.add(claim)
    return claim


# --- Webhooks -------------------------------------------------------------------------------
#
# Endpoints are registered by editors; each gets a secret that signs its deliveries,
# returned once at creation. Deliveries are an outbox: `webhook_deliveries_record` writes
# them in the transaction of the transition itself, so a committed transition always has
# its deliveries and a rolled-back one has none. Task messages only wake the attempts
# up; the rows hold attempts, the next attempt's time and the outcome.

# Secrets look like "crb_whsec_<43 url-safe characters>" (256 random bits).
WEBHOOK_SECRET_MARKER = "crb_whsec_"  # noqa: S105 - a marker, not a secret
WEBHOOK_ENDPOINT_FIELDS = frozenset({"url", "description", "events", "is_active"})
# How long an attempt holds its delivery: its own time limit and a margin. A worker that
# dies mid-attempt leaves the delivery to the sweeper once this has passed.
WEBHOOK_LEASE_MARGIN = timedelta(seconds=30)
# A due delivery is swept (re-queued) only once it is this overdue: until then its own
# wake-up message is expected.
WEBHOOK_SWEEP_GRACE = timedelta(seconds=30)
WEBHOOK_SWEEP_BATCH = 500


def _require(actor: Any, permission: str, refusal: str) -> None:
    # `None` is the system itself (commands, tasks), as elsewhere.
    if actor is not None and not actor.has_perm(permission):
        raise PermissionDenied(refusal)


def _webhook_url(url: str) -> str:
    url = url.strip()
    try:
        check_endpoint_url(url)
    except FetchError as exc:
        raise ValidationError({"url": exc.message}, code=exc.code) from None
    return url


def _webhook_events(events: Iterable[str] | None) -> list[str]:
    chosen = list(dict.fromkeys(events)) if events is not None else [WebhookEvent.CLAIM_TRANSITIONED.value]
    unknown = [event for event in chosen if event not in WebhookEvent.values]
    if unknown:
        raise ValidationError(
            {"events": f"Unknown event(s): {', '.join(unknown)}. Choose from: {', '.join(WebhookEvent.values)}."}
        )
    if not chosen:
        raise ValidationError({"events": "Choose at least one event (or deactivate the endpoint)."})
    return chosen


@service
def webhook_endpoint_create(
    *,
    actor: AbstractBaseUser | None,
    url: str,
    description: str = "",
    events: Iterable[str] | None = None,
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint and return it with its signing secret, which is shown this
    once. Refuses URLs that are not http(s) or point at an internal address (unless
    FETCH_ALLOWED_NETWORKS opens it)."""
    _require(actor, "integrations.add_webhookendpoint", "Only editors register webhook endpoints.")
    secret = WEBHOOK_SECRET_MARKER + secrets.token_urlsafe(32)
    endpoint = WebhookEndpoint(
        url=_webhook_url(url),
        description=description.strip(),
        events=_webhook_events(events),
        secret=secret,
        created_by=_actor_or_none(actor),
    )
    endpoint.full_clean()
    endpoint.save()
    return endpoint, secret


@service
def webhook_endpoint_update(
    *, actor: AbstractBaseUser | None, endpoint: WebhookEndpoint, **fields: Any
) -> WebhookEndpoint:
    """Change an endpoint's url, description, events or is_active. A new URL gets the
    same checks as at registration; the secret is changed only by rotating it."""
    _require(actor, "integrations.change_webhookendpoint", "Only editors change webhook endpoints.")
    if "url" in fields and fields["url"].strip() != endpoint.url:
        fields["url"] = _webhook_url(fields["url"])
    if "events" in fields:
        fields["events"] = _webhook_events(fields["events"])
    if "description" in fields:
        fields["description"] = fields["description"].strip()
    changed = model_update(endpoint, fields, fields=WEBHOOK_ENDPOINT_FIELDS)
    if changed:
        endpoint.full_clean()
        endpoint.save(update_fields=[*changed, "updated_at"])
    return endpoint


@service
def webhook_endpoint_rotate_secret(*, actor: AbstractBaseUser | None, endpoint: WebhookEndpoint) -> str:
    """Give the endpoint a new secret and return it, shown this once. Attempts from now
    on are signed with it, retries of earlier deliveries included."""
    _require(actor, "integrations.change_webhookendpoint", "Only editors change webhook endpoints.")
    endpoint.secret = WEBHOOK_SECRET_MARKER + secrets.token_urlsafe(32)
    endpoint.save(update_fields=["secret", "updated_at"])
    return endpoint.secret


def webhook_deliveries_record(transition: Transition) -> list[WebhookDelivery]:
    """Write one pending delivery of `claim.transitioned` per active endpoint that wants
    it, with the payload as the claim stands right after the transition. Must run in the
    transaction that wrote the transition (the outbox): the caller enqueues
    `deliver_webhook` for the returned deliveries once that transaction commits."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("webhook_deliveries_record must run inside the transaction that writes the transition.")
    event = WebhookEvent.CLAIM_TRANSITIONED
    endpoints = list(WebhookEndpoint.objects.filter(is_active=True, events__contains=[event]).order_by("pk"))
    if not endpoints:
        return []
    claim = Claim.objects.select_related("rating").get(pk=transition.claim_id)
    deliveries = []
    for endpoint in endpoints:
        delivery_id = uuid.uuid4()
        deliveries.append(
            WebhookDelivery(
                endpoint=endpoint,
                delivery_id=delivery_id,
                event=event,
                transition=transition,
                payload=transition_payload(transition, claim, str(delivery_id), event),
            )
        )
    return WebhookDelivery.objects.bulk_create(deliveries)


@dataclass(frozen=True)
class DeliveryAttempt:
    """What `webhook_delivery_attempt` did: `status` is the delivery's status afterwards
    ("" if there was nothing to do), `retry_in` the seconds until the next attempt."""

    status: str
    retry_in: float | None = None


def webhook_delivery_attempt(delivery_id: int) -> DeliveryAttempt:
    """Make the next attempt at a delivery, if it is due, and record the outcome.

    The delivery is claimed with a conditional UPDATE (pending, due, attempts left), which
    also pushes its next attempt past this one's time limit: two workers cannot both send
    it, a delivered or failed one is never sent again, and running this twice is harmless.
    2xx: delivered. 5xx, 408, 429, time-outs and connection failures: retried with
    exponential backoff and jitter until WEBHOOK_MAX_ATTEMPTS, then failed. Any other
    answer (4xx, a redirect, a refused address): failed at once."""
    now = timezone.now()
    lease = now + timedelta(seconds=settings.WEBHOOK_TIMEOUT) + WEBHOOK_LEASE_MARGIN
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id,
        status=DeliveryStatus.PENDING,
        next_attempt_at__lte=now,
        attempts__lt=settings.WEBHOOK_MAX_ATTEMPTS,
    ).update(attempts=F("attempts") + 1, last_attempt_at=now, next_attempt_at=lease)
    if claimed != 1:
        return DeliveryAttempt("")
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        outcome = Outcome(False, error="The endpoint was deactivated before this delivery was sent.")
    else:
        body = body_of(delivery.payload)
        headers = signed_headers(
            secret=endpoint.secret,
            event=delivery.event,
            delivery_id=str(delivery.delivery_id),
            body=body,
            timestamp=int(time.time()),
        )
        outcome = post(endpoint.url, body, headers, timeout=settings.WEBHOOK_TIMEOUT)
    return _record_outcome(delivery, outcome)


def _record_outcome(delivery: WebhookDelivery, outcome: Outcome) -> DeliveryAttempt:
    now = timezone.now()
    # Fenced on this attempt's number: should the lease have run out and another worker
    # taken the next attempt, this late answer does not overwrite that one's.
    this_attempt = WebhookDelivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.PENDING, attempts=delivery.attempts
    )
    if outcome.delivered:
        this_attempt.update(
            status=DeliveryStatus.DELIVERED, delivered_at=now, last_status_code=outcome.status_code, last_error=""
        )
        return DeliveryAttempt(DeliveryStatus.DELIVERED)
    if outcome.transient and delivery.attempts < settings.WEBHOOK_MAX_ATTEMPTS:
        delay = webhook_retry_delay(delivery.attempts, outcome.retry_after)
        this_attempt.update(
            next_attempt_at=now + timedelta(seconds=delay),
            last_status_code=outcome.status_code,
            last_error=outcome.error,
        )
        return DeliveryAttempt(DeliveryStatus.PENDING, retry_in=delay)
    error = outcome.error
    if outcome.transient:
        error += f" Gave up after {delivery.attempts} attempt{'s' if delivery.attempts != 1 else ''}."
    this_attempt.update(status=DeliveryStatus.FAILED, last_status_code=outcome.status_code, last_error=error)
    return DeliveryAttempt(DeliveryStatus.FAILED)


def webhook_retry_delay(attempts: int, retry_after: float | None = None) -> float:
    """Seconds to wait after `attempts` attempts: WEBHOOK_RETRY_BASE_DELAY doubled for each
    attempt after the first, capped at WEBHOOK_RETRY_MAX_DELAY, of which a random half is
    taken off (jitter) so that deliveries failing together do not retry together. A
    receiver's Retry-After is honoured up to the cap."""
    ceiling = min(settings.WEBHOOK_RETRY_MAX_DELAY, settings.WEBHOOK_RETRY_BASE_DELAY * 2 ** max(attempts - 1, 0))
    delay = ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 - jitter, not a secret
    if retry_after is not None:
        delay = max(delay, min(retry_after, settings.WEBHOOK_RETRY_MAX_DELAY))
    return delay


def webhook_deliveries_due(*, now: datetime | None = None) -> list[int]:
    """Deliveries whose wake-up message was lost, for the sweeper to queue again: pending,
    due for a while, with attempts left. A delivery whose final attempt never reported
    back (its worker died) is marked failed here, so nothing stays pending for ever."""
    now = now or timezone.now()
    WebhookDelivery.objects.filter(
        status=DeliveryStatus.PENDING,
        attempts__gte=settings.WEBHOOK_MAX_ATTEMPTS,
        next_attempt_at__lte=now,
    ).update(
        status=DeliveryStatus.FAILED,
        last_error="The final attempt never reported back (its worker stopped while sending).",
    )
    due = WebhookDelivery.objects.filter(
        status=DeliveryStatus.PENDING,
        attempts__lt=settings.WEBHOOK_MAX_ATTEMPTS,
        next_attempt_at__lte=now - WEBHOOK_SWEEP_GRACE,
    ).order_by("next_attempt_at")
    return list(due.values_list("pk", flat=True)[:WEBHOOK_SWEEP_BATCH])


@service
def webhook_delivery_retry(*, actor: AbstractBaseUser | None, delivery: WebhookDelivery) -> WebhookDelivery:
    """Start a failed delivery over: pending, due now, with a fresh set of attempts. Its
    last error stays visible until the next attempt."""
    _require(actor, "integrations.change_webhookdelivery", "Only editors retry webhook deliveries.")
    restarted = WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    delivery.refresh_from_db()
    if restarted != 1:
        status = delivery.get_status_display().lower()
        raise ValidationError(f"Only a failed delivery can be retried; delivery {delivery.delivery_id} is {status}.")
    transaction.on_commit(lambda: enqueue_deliveries([delivery.pk]))
    return delivery


def enqueue_deliveries(delivery_ids: Iterable[int]) -> None:
    """Wake `deliver_webhook` up for these deliveries (after the commit that wrote them).
    A message that cannot be sent costs only latency: the sweeper finds the rows."""
    from integrations.tasks import deliver_webhook

    for delivery_id in delivery_ids:
        try:
            deliver_webhook.delay(delivery_id)
        except Exception:
            logger.warning("Could not queue webhook delivery %s; the sweeper will.", delivery_id, exc_info=True)
