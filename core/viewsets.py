"""The base of every API viewset."""

from __future__ import annotations

from functools import cached_property
from typing import Any, cast

from django.contrib.auth.models import User
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from core.models import ApiToken
from core.policy import Action, reads_unpublished


class ApiViewSet(GenericViewSet):
    """The base of every API viewset: who is calling (the token, if any), and whether they
    see unpublished work, for the serializers. Each subclass says in `required` which
    action of core.policy each of its actions needs."""

    required: dict[str | None, Action] = {}
    # Actions that take the claim's `version` (the schema documents their 409).
    versioned: tuple[str, ...] = ()

    @property
    def token(self) -> ApiToken | None:
        """The token of a token request; None for a session or no credentials."""
        return self.request.auth if isinstance(self.request.auth, ApiToken) else None

    @property
    def actor(self) -> User:
        """Who the services record as acting. Only reached by actions that need
        credentials (core.policy refused anonymous callers before)."""
        return cast(User, self.request.user)

    @cached_property
    def reads_unpublished(self) -> bool:
        return reads_unpublished(self.request.user, self.token)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "reads_unpublished": self.reads_unpublished}

    def input(self, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
        """The request body, validated by `serializer_class` (400 in the error format if not)."""
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def paginated(self, items: Any) -> Response:
        page = self.paginate_queryset(items)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def output(self, instance: Any, *, status: int = 200, serializer_class: Any = None) -> Response:
        serializer_class = serializer_class or self.get_serializer_class()
        return Response(serializer_class(instance, context=self.get_serializer_context()).data, status=status)
