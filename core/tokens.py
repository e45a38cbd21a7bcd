"""The one write path for API tokens.

A token's key is made here, returned once to the caller that creates it, and never
stored: the database keeps its SHA-256 digest and a short prefix for telling tokens
apart. Nothing here logs a key.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone

from core.models import ApiToken, Scope
from core.services import Actor, actor_or_none, service

# Keys look like "crb_<43 url-safe characters>" (256 random bits): the marker lets
# secret scanners and people recognise one; the prefix stored is the first 12 characters.
KEY_MARKER = "crb_"
PREFIX_LENGTH = 12
# last_used_at is written at most this often per token, so reads stay reads.
LAST_USED_PRECISION = timedelta(minutes=1)


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@service
def token_create(
    *,
    actor: Actor,
    user: User,
    name: str,
    scope: str,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for `user` and return it with its key, which is shown this once."""
    if actor is not None and not actor.has_perm("core.add_apitoken"):
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
        created_by=actor_or_none(actor),
        expires_at=expires_at,
    )
    token.full_clean()
    token.save()
    return token, key


@service
def token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    """Revoke a token: the very next request made with it is refused. Revoking twice
    keeps the first revocation."""
    if actor is not None and not actor.has_perm("core.change_apitoken"):
        raise PermissionDenied("Only editors revoke API tokens.")
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.revoked_by = actor_or_none(actor)
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
