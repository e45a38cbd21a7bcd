"""What integrations hold: webhook endpoints, with the log of every delivery."""

from __future__ import annotations

import uuid
from datetime import datetime

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.history import tracked


class WebhookEvent(models.TextChoices):
    CLAIM_TRANSITIONED = "claim.transitioned", "A claim took a workflow transition"


@tracked(exclude=["secret"], obj_field=pghistory.ObjForeignKey(related_name="history_events"))
class WebhookEndpoint(models.Model):
    """Where an integration wants to hear about events, and the secret that signs them."""

    url = models.URLField(max_length=2048)
    description = models.CharField(max_length=200, blank=True)
    secret = models.CharField(max_length=128, editable=False, help_text="Signs every delivery (HMAC-SHA256).")
    events = ArrayField(
        models.CharField(max_length=50, choices=WebhookEvent.choices),
        default=list,
        help_text="Events to deliver.",
    )
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class WebhookDeliveryQuerySet(models.QuerySet["WebhookDelivery"]):
    def prunable(self, cutoff: datetime) -> WebhookDeliveryQuerySet:
        """Delivered or failed deliveries created, and last tried, before `cutoff`: what
        retention deletes (core/retention.py, RETENTION_WEBHOOK_DELIVERIES_DAYS). A
        pending one never goes: a later delivery of its claim may be waiting for it."""
        return self.filter(status__in=(DeliveryStatus.DELIVERED, DeliveryStatus.FAILED), created_at__lt=cutoff).filter(
            Q(last_attempt_at__isnull=True) | Q(last_attempt_at__lt=cutoff)
        )


class WebhookDelivery(models.Model):
    """One event for one endpoint. The row is written in the same transaction as the
    event itself (an outbox): a lost task message costs latency, never the delivery."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(max_length=50, choices=WebhookEvent.choices)
    claim = models.ForeignKey(
        "claims.Claim", on_delete=models.PROTECT, related_name="webhook_deliveries", help_text="The claim it concerns."
    )
    sequence = models.PositiveIntegerField(help_text="The event's place in its claim's order of events.")
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event", "claim", "sequence"], name="delivery_once_per_endpoint_and_event"
            ),
            models.CheckConstraint(condition=Q(status__in=DeliveryStatus.values), name="delivery_status_valid"),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            # Whether an earlier delivery of the claim to the endpoint is still pending
            # (deliveries go out in the claim's order), asked at every attempt and sweep.
            models.Index(
                fields=["endpoint", "claim", "sequence"],
                condition=Q(status=DeliveryStatus.PENDING),
                name="delivery_pending_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint} ({self.status})"
