"""What integrations hold: API tokens (stored as digests, scoped, expiring, revocable)
and webhook endpoints with the log of every delivery."""

from __future__ import annotations

import uuid

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from config.history import tracked


class Scope(models.TextChoices):
    """What a token may do, narrowed further by its user's role (product.md §1)."""

    READ = "read", "Read"
    SUBMIT = "submit", "Submit claims"
    WRITE = "write", "Write (as the user's role allows)"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


@tracked(exclude=["last_used_at", "digest"])
class ApiToken(models.Model):
    """A key for the REST API. Only a SHA-256 digest of the key is stored; the key itself
    is shown once, when the token is created. `prefix` (the key's first characters) lets
    people tell their tokens apart without revealing them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What uses it: “CMS”, “chat bot”…")
    scope = models.CharField(max_length=10, choices=Scope.choices)
    prefix = models.CharField(max_length=12, db_index=True, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: does not expire.")
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    claims = models.ManyToManyField(
        "claims.Claim",
        blank=True,
        related_name="submitted_with_tokens",
        editable=False,
        help_text="Claims created with this token (a submit token may read these).",
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"
        constraints = [
            models.CheckConstraint(condition=Q(scope__in=Scope.values), name="token_scope_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…, {self.scope})"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())


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


class WebhookDelivery(models.Model):
    """One event for one endpoint. The row is written in the same transaction as the
    event itself (an outbox): a lost task message costs latency, never the delivery."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(max_length=50, choices=WebhookEvent.choices)
    transition = models.ForeignKey(
        "reviews.Transition", null=True, blank=True, on_delete=models.PROTECT, related_name="webhook_deliveries"
    )
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "transition"], name="delivery_once_per_endpoint_and_event"),
            models.CheckConstraint(condition=Q(status__in=DeliveryStatus.values), name="delivery_status_valid"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint} ({self.status})"
