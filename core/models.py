"""API tokens: keys for the REST API, stored as digests, scoped, expiring, revocable.

A token acts as its user, narrowed by its scope (core/policy.py). The claims a token
created point at it (`Claim.submitted_with`), so a submit token can read them."""

from __future__ import annotations

from django.conf import settings
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
