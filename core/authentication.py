"""`Authorization: Token <key>` for the REST API.

The key is looked up by its SHA-256 digest (the only form stored) and compared in
constant time. An expired or revoked token, or one whose user is disabled, is refused
with a 401 that says which, on the very next request after the change.

The token, its user and the user's permissions are read in one query on every request
(`_permissions_sql`; the query's SQL is made once, `_token_query`): nothing about a
person's role is kept between requests, so a permission taken away applies to the very
next request, and no further query is needed to check it.

A signed-in browser session (the browsable API) counts only once it has proved the
second factor where one is required (core/second_factor.py); token requests never need one.
"""

from __future__ import annotations

import functools
import hmac
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.db.models import CharField, Model
from django.db.models.expressions import RawSQL
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.authentication import SessionAuthentication as DrfSessionAuthentication
from rest_framework.request import Request

from core.compiled import CompiledValues
from core.models import ApiToken
from core.second_factor import second_factor_missing
from core.tokens import token_digest, token_touch

KEYWORD = "Token"


def _permissions_sql() -> str:
    """SQL for the permissions of the token's user, given to them or to one of their
    groups, as "app_label.codename": what Django's ModelBackend reads for `has_perm`
    (in two queries), here one column of the token's own query."""
    user_model = get_user_model()
    permission, content_type = Permission._meta, ContentType._meta
    direct = user_model._meta.get_field("user_permissions").remote_field.through._meta  # type: ignore[union-attr]
    membership = user_model._meta.get_field("groups").remote_field.through._meta  # type: ignore[union-attr]
    granted = Group._meta.get_field("permissions").remote_field.through._meta  # type: ignore[union-attr]
    token = ApiToken._meta.db_table
    # Built from the models' table names only; nothing of the request is in it.
    return f"""ARRAY(
        SELECT ct.app_label || '.' || p.codename
        FROM {permission.db_table} p JOIN {content_type.db_table} ct ON ct.id = p.content_type_id
        WHERE p.id IN (SELECT d.permission_id FROM {direct.db_table} d WHERE d.user_id = {token}.user_id)
           OR p.id IN (
               SELECT g.permission_id FROM {granted.db_table} g
               JOIN {membership.db_table} m ON m.group_id = g.group_id WHERE m.user_id = {token}.user_id
           )
    )"""  # noqa: S608


# What the token's query is compiled with where the digest goes.
_DIGEST = "<digest>"
_PERMISSIONS = "user_permission_names"


def _field_names(model: type[Model]) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)


@functools.cache
def _token_query(using: str) -> CompiledValues:
    """A token by its digest, with its user's columns and the user's permissions: its SQL
    made once (core.compiled), since it runs on every token request."""
    user_columns = tuple(f"user__{name}" for name in _field_names(get_user_model()))
    tokens = (
        ApiToken.objects.filter(digest=_DIGEST)
        .order_by()
        # Only table names are interpolated, from the models.
        .annotate(**{_PERMISSIONS: RawSQL(_permissions_sql(), (), output_field=ArrayField(CharField()))})  # noqa: S611
        .values(*_field_names(ApiToken), *user_columns, _PERMISSIONS)
    )
    return CompiledValues(tokens[:1], using=using, markers=(_DIGEST,))


def _token_with_permissions(digest: str) -> tuple[ApiToken, list[str]] | None:
    """The token whose digest is `digest`, its user read with it, and the user's
    permissions as "app_label.codename"; None if there is no such token."""
    using = ApiToken.objects.db
    rows = _token_query(using).rows((digest,))
    if not rows:
        return None
    row = rows[0]
    user_model = get_user_model()
    token_names, user_names = _field_names(ApiToken), _field_names(user_model)
    token = ApiToken.from_db(using, list(token_names), [row[name] for name in token_names])
    token.user = user_model.from_db(using, list(user_names), [row[f"user__{name}"] for name in user_names])
    return token, row[_PERMISSIONS]


class TokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None  # another scheme, or none: not ours to judge
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Malformed Authorization header: send “Token <key>”, with the key and no spaces in it.",
                code="invalid_token_header",
            )
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid token.", code="invalid_token") from None
        return self.authenticate_key(key)

    def authenticate_key(self, key: str) -> tuple[Any, ApiToken]:
        digest = token_digest(key)
        found = _token_with_permissions(digest)
        if found is None or not hmac.compare_digest(found[0].digest, digest):
            raise exceptions.AuthenticationFailed("Invalid token.", code="invalid_token")
        token, permissions = found
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This token has been revoked.", code="token_revoked")
        if not token.is_usable:
            raise exceptions.AuthenticationFailed("This token has expired.", code="token_expired")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(
                "The account this token belongs to is disabled.", code="user_inactive"
            )
        token_touch(token=token)
        if not token.user.is_superuser:
            # ModelBackend's own per-request cache, filled from this query rather than two more;
            # a superuser has every permission, which Django answers without reading any.
            token.user._perm_cache = set(permissions)  # type: ignore[attr-defined]
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD


class SecondFactorRequired(exceptions.PermissionDenied):
    default_detail = (
        "This account must prove its second factor before using the API from a signed-in session: "
        "finish signing in at /accounts/second-factor/, or send an API token (Authorization: Token <key>)."
    )
    default_code = "second_factor_required"


class SessionAuthentication(DrfSessionAuthentication):
    """DRF's session authentication (with its CSRF check on writes), refusing with 403
    `second_factor_required` an editor or staff session that has not proved the second
    factor while REQUIRE_2FA is on — the same rule as the pages."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        found = super().authenticate(request)
        if found is not None and second_factor_missing(found[0]):
            raise SecondFactorRequired()
        return found
