"""The OpenAPI description of the API (drf-spectacular): the token security scheme,
every error response an operation can give, and which operations need no credentials."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent

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
    "403": ("Error", "The caller's role or token scope does not allow this."),
    "404": ("Error", "Not found, or not visible to this caller."),
    "409": ("Conflict", "The claim changed since the `version` sent; nothing was written."),
    "415": ("Error", "The body is not JSON."),
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
        codes = ["401", "403", "404", "429"]
        has_query = any(p.get("in") == "query" for p in operation.get("parameters", []))
        if "requestBody" in operation or has_query or self.method == "DELETE":
            codes.append("400")
        if "requestBody" in operation:
            codes.append("415")
        if self.method in CONFLICTING_METHODS and getattr(self.view, "action", None) in getattr(
            self.view, "versioned", ()
        ):
            codes.append("409")
        for code in sorted(codes):
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
        for response in operation["responses"].values():
            response.setdefault("headers", {}).update(RATE_LIMIT_HEADERS)
        return operation

    def get_auth(self) -> list[dict[str, Any]]:
        auths = super().get_auth()
        if required_action(self.view, self.method) == Action.READ and {} not in auths:
            auths.append({})
        return auths

    def _map_basic_serializer(self, serializer: Any, direction: str) -> Any:
        schema = super()._map_basic_serializer(serializer, direction)
        if isinstance(serializer, InputSerializer) or (
            isinstance(serializer, type) and issubclass(serializer, InputSerializer)
        ):
            schema["additionalProperties"] = False
        return schema
