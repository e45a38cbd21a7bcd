"""API tokens: keys for the REST API, stored as digests, scoped, expiring, revocable.

A token acts as its user, narrowed by its scope (core/policy.py). The claims a token
created point at it (`Claim.submitted_with`), so a submit token can read them."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.history import tracked


class Scope(models.TextChoices):
    """What a token may do, narrowed further by its user's role (product.md §1)."""

    READ = "read", "Read"
    SUBMIT = "submit", "Submit claims"
    WRITE = "write", "Write (as the user's role allows)"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


@tracked(exclude=["last_used_at", "digest"], meta={"db_table": "integrations_apitokenevent"})
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

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"
        # The table keeps the name it had when tokens lived in the integrations app.
        db_table = "integrations_apitoken"
        constraints = [
            models.CheckConstraint(condition=Q(scope__in=Scope.values), name="token_scope_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…, {self.scope})"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())


class IdempotencyKey(models.Model):
    """A POST made with an `Idempotency-Key` header, kept for IDEMPOTENCY_KEY_HOURS: a
    retry with the same key gets the stored answer instead of doing the work twice
    (core/idempotency.py). Only answers that did something (2xx) are kept, in the same
    transaction as the work: a refused request may be corrected and sent again."""

    caller = models.CharField(max_length=40, help_text="token:<id> or user:<id>: keys are per caller.")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the method, the path and the body.")
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    body = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    location = models.CharField(max_length=2048, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["caller", "key"], name="idempotency_key_once_per_caller")]

    def __str__(self) -> str:
        return f"{self.caller} {self.key}"
