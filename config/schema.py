"""The OpenAPI description of the API (drf-spectacular): the token security scheme,
every error response an operation can give, and which operations need no credentials."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers

from core.idempotency import REPLAYED_HEADER
from core.policy import Action, required_action
from core.rest import InputSerializer


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "core.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`. A token's scope (read, submit, write) narrows what its user's role allows.",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "core.authentication.SessionAuthentication"
    name = "cookieAuth"
    priority = -1

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": (
                "A signed-in browser session (the browsable API). Writes need the CSRF token. An editor's or "
                "staff member's session that has not proved its second factor is refused with 403 "
                "`second_factor_required` where the site requires one; tokens never need it."
            ),
        }


_ERROR_PROPERTIES = {
    "detail": {"type": "string", "description": "What went wrong, for a person."},
    "code": {"type": "string", "description": "What went wrong, for a program (not_found, stale_version…)."},
}
ERROR_COMPONENTS: dict[str, dict[str, Any]] = {
    "Error": {"type": "object", "properties": _ERROR_PROPERTIES, "required": ["detail", "code"]},
    "ValidationError": {
        "type": "object",
        "properties": {
            **_ERROR_PROPERTIES,
            "fields": {
                "type": "object",
                "description": "Messages per field; nested fields are dotted (attributions.0.source).",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        },
        "required": ["detail", "code"],
    },
    "Conflict": {
        "type": "object",
        "properties": {
            **_ERROR_PROPERTIES,
            "current_version": {"type": "integer", "description": "The claim's version now: reload, then retry."},
        },
        "required": ["detail", "code"],
    },
}
ERROR_RESPONSES: dict[str, tuple[str, str]] = {
    "400": ("ValidationError", "The request is not valid: see `fields`, or `detail` for a workflow guard."),
    "401": ("Error", "No credentials where they are needed, or a token that is unknown, expired or revoked."),
    "403": (
        "Error",
        "The caller's role or token scope does not allow this (`second_factor_required`: a signed-in "
        "session that has not proved its second factor).",
    ),
    "404": ("Error", "Not found, or not visible to this caller."),
    "409": ("Conflict", "The claim changed since the `version` sent; nothing was written."),
    "415": ("Error", "The body is not JSON."),
    "422": ("Error", "The Idempotency-Key was already used for another request (another body or address)."),
    "429": ("Error", "Too many requests; retry after the number of seconds in Retry-After."),
}
RATE_LIMIT_HEADERS: dict[str, dict[str, Any]] = {
    "RateLimit-Limit": {
        "schema": {"type": "integer"},
        "description": "Requests this caller may make in the throttle's window (API_THROTTLE_ANON, API_THROTTLE_USER).",
    },
    "RateLimit-Remaining": {"schema": {"type": "integer"}, "description": "Requests left in the window."},
    "RateLimit-Reset": {
        "schema": {"type": "integer"},
        "description": "Seconds until the oldest counted request leaves the window and Remaining goes up.",
    },
}
IDEMPOTENCY_KEY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "A key of your choosing (a UUID, say) that names this request. Sent again with the same key within "
        "IDEMPOTENCY_KEY_HOURS (24 by default), the request is not carried out twice: the first 2xx answer comes "
        "back, with `Idempotent-Replayed: true`. The same key with another body or address answers 422; a "
        "refused request (4xx) is not remembered, so it can be corrected and sent with the same key."
    ),
    "schema": {"type": "string", "pattern": "^[!-~]{1,255}$", "minLength": 1, "maxLength": 255},
}
CONFLICTING_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# A view lists in `versioned` the actions that take the claim's `version` (and so may answer 409).


class ApiSchema(AutoSchema):
    """drf-spectacular's AutoSchema, plus every error an operation can answer, and
    optional credentials on the operations callers without any may use."""

    def get_operation(self, path: str, path_regex: str, path_prefix: str, method: str, registry: Any) -> Any:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        for name, schema in ERROR_COMPONENTS.items():
            registry.register_on_missing(
                ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)
            )
        if self.method == "POST":
            operation.setdefault("parameters", []).append(IDEMPOTENCY_KEY_PARAMETER)
        codes = ["401", "403", "404", "429"]
        has_query = any(p.get("in") == "query" for p in operation.get("parameters", []))
        if "requestBody" in operation or has_query or self.method == "DELETE":
            codes.append("400")
        if "requestBody" in operation:
            codes.append("415")
        if self.method == "POST":
            codes.extend(["400", "422"])
        if self.method in CONFLICTING_METHODS and getattr(self.view, "action", None) in getattr(
            self.view, "versioned", ()
        ):
            codes.append("409")
        for code in sorted(set(codes)):
            component, description = ERROR_RESPONSES[code]
            response: dict[str, Any] = {
                "description": description,
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
            }
            if code == "429":
                response["headers"] = {
                    "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}
                }
            operation["responses"].setdefault(code, response)
        for code, response in operation["responses"].items():
            response.setdefault("headers", {}).update(RATE_LIMIT_HEADERS)
            if code in ("201", "202"):
                response["headers"]["Location"] = {
                    "schema": {"type": "string", "format": "uri"},
                    "description": "Where to read what was created (201), or the job to follow (202).",
                }
            if self.method == "POST" and code.startswith("2"):
                response["headers"][REPLAYED_HEADER] = {
                    "schema": {"type": "string", "enum": ["true"]},
                    "description": "Present when this is the stored answer to an earlier request with the same "
                    "Idempotency-Key.",
                }
        return operation

    def get_auth(self) -> list[dict[str, Any]]:
        auths = super().get_auth()
        if required_action(self.view, self.method) == Action.READ and {} not in auths:
            auths.append({})
        return auths

    def _map_serializer_field(self, field: Any, direction: str, bypass_extensions: bool = False) -> Any:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        # What the server refuses, the schema says: text that may not be blank is
        # refused empty and, trimmed, all spaces ("This field may not be blank").
        if (
            direction == "request"
            and isinstance(field, serializers.CharField)
            and not field.allow_blank
            and not field.read_only
            and schema.get("type") == "string"
        ):
            schema.setdefault("minLength", 1)
            if field.trim_whitespace:
                schema.setdefault("pattern", r"\S")
        return schema

    def _map_basic_serializer(self, serializer: Any, direction: str) -> Any:
        schema = super()._map_basic_serializer(serializer, direction)
        if isinstance(serializer, InputSerializer) or (
            isinstance(serializer, type) and issubclass(serializer, InputSerializer)
        ):
            schema["additionalProperties"] = False
        return schema
