"""The base of every API viewset."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any, cast

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest, HttpResponseBase
from django.urls import NoReverseMatch, reverse
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from core import idempotency
from core.models import ApiToken, IdempotencyKey
from core.policy import Action, reads_unpublished


class ApiViewSet(GenericViewSet):
    """The base of every API viewset: who is calling (the token, if any), and whether they
    see unpublished work, for the serializers. Each subclass says in `required` which
    action of core.policy each of its actions needs."""

    required: dict[str | None, Action] = {}
    # Actions that take the claim's `version` (the schema documents their 409).
    versioned: tuple[str, ...] = ()

    idempotency_record: IdempotencyKey | None = None

    # --- Idempotency-Key (core/idempotency.py) ---------------------------------------------

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method != "POST" or idempotency.HEADER not in request.headers:
            return super().dispatch(request, *args, **kwargs)
        # The key's row and the work are one transaction: both stay, or neither.
        with transaction.atomic():
            response = super().dispatch(request, *args, **kwargs)
            if not 200 <= response.status_code < 300:
                transaction.set_rollback(True)
        return response

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # authenticated, allowed, not throttled
        raw = request.headers.get(idempotency.HEADER)
        caller = idempotency.caller_of(request.user, self.token)
        if request.method != "POST" or raw is None or caller is None:
            return
        self.idempotency_record = idempotency.idempotency_key_begin(
            caller=caller,
            key=idempotency.checked_key(raw),
            fingerprint=idempotency.fingerprint(request.method, request.path, request.body),
        )

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, idempotency.Replay):
            headers = {idempotency.REPLAYED_HEADER: "true"}
            if exc.location:
                headers["Location"] = exc.location
            return Response(exc.body, status=exc.status, headers=headers)
        return super().handle_exception(exc)

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 201 and "Location" not in response:
            location = self.location_of(getattr(response, "data", None))
            if location:
                response["Location"] = location
        record = self.idempotency_record
        if record is not None and 200 <= response.status_code < 300:
            idempotency.idempotency_key_record(
                record=record,
                status=response.status_code,
                body=getattr(response, "data", None),
                location=response.get("Location", ""),
            )
        return response

    # --- Location of what a POST created ------------------------------------------------------

    def location_of(self, data: Any) -> str | None:
        """Where a created item can be read: this viewset's detail route for its `id`."""
        pk = data.get("id") if isinstance(data, Mapping) else None
        return self.detail_url(f"{self.basename}-detail", pk) if pk is not None else None

    def detail_url(self, route: str, pk: Any) -> str | None:
        try:
            path = reverse(route, kwargs={**self.kwargs, "pk": pk})
        except NoReverseMatch:
            return None  # a viewset without a detail route
        return self.request.build_absolute_uri(path)

    # --- Who is calling ----------------------------------------------------------------------

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

    def filter_queryset(self, queryset: Any) -> Any:
        """The viewset's filters applied to `queryset`. When the request names none of them
        there is nothing to filter by, and the filter set (built afresh on each request,
        with a copy of every filter) is not built: its answer would be `queryset` itself.
        (Each filter here reads the one parameter of its own name; a filter reading
        several, such as a range, would need its parameters listed here.)"""
        filters = getattr(getattr(self, "filterset_class", None), "base_filters", None)
        if filters is not None and not any(name in filters for name in self.request.query_params):
            return queryset
        return super().filter_queryset(queryset)

    def input(self, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
        """The request body, validated by `serializer_class` (400 in the error format if not)."""
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def paginated(self, items: Any) -> Response:
        page = self.paginate_queryset(items)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def output(
        self, instance: Any, *, status: int = 200, serializer_class: Any = None, headers: dict[str, str] | None = None
    ) -> Response:
        serializer_class = serializer_class or self.get_serializer_class()
        data = serializer_class(instance, context=self.get_serializer_context()).data
        return Response(data, status=status, headers=headers)
