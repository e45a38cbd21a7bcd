"""The one write path for integrations: API tokens (and webhook endpoints).

A token's key is made here, returned once to the caller that creates it, and never
stored: the database keeps its SHA-256 digest and a short prefix for telling tokens
apart. Nothing here logs a key.
"""

from __future__ import annotations

import logging
import secrets
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from core.leases import Lease
from core.retry import backoff
from core.services import Actor, actor_or_none, model_update, service, task_send
from integrations.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from integrations.webhooks import Outcome, body_of, check_endpoint_url, post, signed_headers
from sources.netguard import FetchError

logger = logging.getLogger(__name__)

# --- Webhooks -------------------------------------------------------------------------------
#
# Endpoints are registered by editors; each gets a secret that signs its deliveries,
# returned once at creation. Deliveries are an outbox: `webhook_deliveries_record` writes
# them in the transaction of the transition itself, so a committed transition always has
# its deliveries and a rolled-back one has none. Task messages only wake the attempts
# up; the rows hold attempts, the next attempt's time and the outcome.

# Deliveries for one claim to one endpoint go out in the claim's order of events
# (`sequence`): a delivery waits while an earlier one is pending (queued, being sent, or
# retrying). When that one ends, delivered or failed, the next in line is woken; a failed
# one leaves a gap in the sequence the receiver sees (docs/webhooks.md, "Order").

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
    actor: Actor,
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
        created_by=actor_or_none(actor),
    )
    endpoint.full_clean()
    endpoint.save()
    return endpoint, secret


@service
def webhook_endpoint_update(*, actor: Actor, endpoint: WebhookEndpoint, **fields: Any) -> WebhookEndpoint:
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
def webhook_endpoint_rotate_secret(*, actor: Actor, endpoint: WebhookEndpoint) -> str:
    """Give the endpoint a new secret and return it, shown this once. Attempts from now
    on are signed with it, retries of earlier deliveries included."""
    _require(actor, "integrations.change_webhookendpoint", "Only editors change webhook endpoints.")
    endpoint.secret = WEBHOOK_SECRET_MARKER + secrets.token_urlsafe(32)
    endpoint.save(update_fields=["secret", "updated_at"])
    return endpoint.secret


@dataclass(frozen=True)
class Event:
    """Something integrations may hear about, as the app it happened in describes it:
    its name (a `WebhookEvent`), the claim it concerns with its place in that claim's
    order of events, and the payload without the per-delivery `delivery` id."""

    name: str
    claim_id: int
    sequence: int
    payload: dict[str, Any]


def webhook_endpoints_wanting(event_name: str) -> ArraySubquery:
    """The ids of the active endpoints that want `event_name`, as an expression for a
    read the caller makes anyway in the event's transaction (the row the event is
    about): `webhook_deliveries_record` then needs no query of its own to find them.
    Read from the table each time, never cached, so an endpoint registered, changed or
    deactivated counts from the very next event, whichever process made the change."""
    return ArraySubquery(
        WebhookEndpoint.objects.filter(is_active=True, events__contains=[event_name]).order_by("pk").values("pk")
    )


def webhook_deliveries_record(event: Event, *, endpoint_ids: Sequence[int] | None = None) -> list[WebhookDelivery]:
    """Write one pending delivery of `event` per active endpoint that wants it. Must run
    in the transaction that made the change the event describes (the outbox): the caller
    enqueues `deliver_webhook` for the returned deliveries once that transaction commits.
    `endpoint_ids` are those endpoints when the caller read them in this transaction
    (`webhook_endpoints_wanting`); without them they are read here."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("webhook_deliveries_record must run inside the transaction that makes the change.")
    if event.name not in WebhookEvent.values:
        raise ValueError(f"{event.name!r} is not a webhook event; add it to WebhookEvent first.")
    if endpoint_ids is None:
        endpoint_ids = list(
            WebhookEndpoint.objects.filter(is_active=True, events__contains=[event.name])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    if not endpoint_ids:
        return []
    deliveries = []
    for endpoint_id in endpoint_ids:
        delivery_id = uuid.uuid4()
        deliveries.append(
            WebhookDelivery(
                endpoint_id=endpoint_id,
                delivery_id=delivery_id,
                event=event.name,
                claim_id=event.claim_id,
                sequence=event.sequence,
                payload={**event.payload, "delivery": str(delivery_id)},
            )
        )
    return WebhookDelivery.objects.bulk_create(deliveries)


@dataclass(frozen=True)
class DeliveryAttempt:
    """What `webhook_delivery_attempt` did: `status` is the delivery's status afterwards
    ("" if there was nothing to do: not due, already finished, or waiting for an earlier
    delivery), `retry_in` the seconds until the next attempt, and `next_in_line` the
    delivery that this one's end lets go (to be woken up)."""

    status: str
    retry_in: float | None = None
    next_in_line: int | None = None


def _earlier_pending() -> Exists:
    """An earlier delivery of the same claim to the same endpoint that has not ended yet."""
    return Exists(
        WebhookDelivery.objects.filter(
            endpoint=OuterRef("endpoint"),
            claim=OuterRef("claim"),
            sequence__lt=OuterRef("sequence"),
            status=DeliveryStatus.PENDING,
        )
    )


def _next_in_line(delivery: WebhookDelivery) -> int | None:
    """The delivery that waited for this one: the claim's next pending one to the endpoint."""
    return (
        WebhookDelivery.objects.filter(
            endpoint_id=delivery.endpoint_id,
            claim_id=delivery.claim_id,
            sequence__gt=delivery.sequence,
            status=DeliveryStatus.PENDING,
        )
        .order_by("sequence")
        .values_list("pk", flat=True)
        .first()
    )


def webhook_delivery_attempt(delivery_id: int) -> DeliveryAttempt:
    """Make the next attempt at a delivery, if it is due, and record the outcome.

    The delivery is claimed with a conditional UPDATE (pending, due, attempts left), which
    also pushes its next attempt past this one's time limit: two workers cannot both send
    it, a delivered or failed one is never sent again, and running this twice is harmless.
    The same UPDATE holds it back while an earlier delivery of its claim to its endpoint is
    pending, so the receiver gets a claim's events in order; the attempt that ends that
    earlier one names this one as `next_in_line`.

    2xx: delivered. 5xx, 408, 429, time-outs and connection failures: retried with
    exponential backoff and jitter until WEBHOOK_MAX_ATTEMPTS, then failed. Any other
    answer (4xx, a redirect, a refused address): failed at once."""
    now = timezone.now()
    # The next attempt's time doubles as the lease: pushed past this attempt's time limit.
    lease = Lease("next_attempt_at", timedelta(seconds=settings.WEBHOOK_TIMEOUT) + WEBHOOK_LEASE_MARGIN)
    claimed = lease.take(
        WebhookDelivery.objects.filter(
            pk=delivery_id, status=DeliveryStatus.PENDING, attempts__lt=settings.WEBHOOK_MAX_ATTEMPTS
        ).filter(~_earlier_pending()),
        now=now,
        attempts=F("attempts") + 1,
        last_attempt_at=now,
    )
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
        return DeliveryAttempt(DeliveryStatus.DELIVERED, next_in_line=_next_in_line(delivery))
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
    return DeliveryAttempt(DeliveryStatus.FAILED, next_in_line=_next_in_line(delivery))


def webhook_retry_delay(attempts: int, retry_after: float | None = None) -> float:
    """Seconds to wait after `attempts` attempts: WEBHOOK_RETRY_BASE_DELAY doubled for each
    attempt after the first, at most WEBHOOK_RETRY_MAX_DELAY, with jitter, so that
    deliveries failing together do not retry together; a receiver's Retry-After is
    honoured up to the cap (core/retry.py)."""
    return backoff(
        attempts,
        base=settings.WEBHOOK_RETRY_BASE_DELAY,
        cap=settings.WEBHOOK_RETRY_MAX_DELAY,
        retry_after=retry_after,
    )


def webhook_deliveries_due(*, now: datetime | None = None) -> list[int]:
    """Deliveries whose wake-up message was lost, for the sweeper to queue again: pending,
    due for a while, with attempts left, and not waiting for an earlier delivery of their
    claim (that one's end wakes them). A delivery whose final attempt never reported back
    (its worker died) is marked failed here, so nothing stays pending for ever, and the
    deliveries that waited for it are due in the same sweep."""
    now = now or timezone.now()
    WebhookDelivery.objects.filter(
        status=DeliveryStatus.PENDING,
        attempts__gte=settings.WEBHOOK_MAX_ATTEMPTS,
        next_attempt_at__lte=now,
    ).update(
        status=DeliveryStatus.FAILED,
        last_error="The final attempt never reported back (its worker stopped while sending).",
    )
    due = (
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING,
            attempts__lt=settings.WEBHOOK_MAX_ATTEMPTS,
            next_attempt_at__lte=now - WEBHOOK_SWEEP_GRACE,
        )
        .filter(~_earlier_pending())
        .order_by("next_attempt_at")
    )
    return list(due.values_list("pk", flat=True)[:WEBHOOK_SWEEP_BATCH])


@service
def webhook_delivery_retry(*, actor: Actor, delivery: WebhookDelivery) -> WebhookDelivery:
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
    for delivery_id in delivery_ids:
        try:
            task_send("integrations.deliver_webhook", delivery_id)
        except Exception:
            logger.warning("Could not queue webhook delivery %s; the sweeper will.", delivery_id, exc_info=True)
