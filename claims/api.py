"""API for claims and what hangs off them: attributions, relations and history.

Each viewset scopes its queryset to what the caller may see (a claim outside it answers
404), validates a small input and calls the service in claims/services.py; the service
decides whether this person may change this claim, and refuses a stale `version`.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from claims.models import Attribution, Claim, ClaimQuerySet, ClaimRelation, Rating, Status
from claims.serializers import (
    AttributionCreateInput,
    AttributionSerializer,
    AttributionUpdateInput,
    ClaimCreateInput,
    ClaimRelationSerializer,
    ClaimSerializer,
    ClaimUpdateInput,
    HistoryEntrySerializer,
)
from claims.services import attribution_create, attribution_delete, attribution_update, claim_create, claim_update
from claims.shape import claim_rows, claim_shape, claim_shapes
from core.history import history_of
from core.policy import Action, reads_claim_fully
from core.rest import (
    MAX_QUERY_INT,
    IdFilter,
    MomentFilter,
    StableOrderingFilter,
    StrictFilterSet,
    positive_int_param,
    text_filter,
)
from core.viewsets import ApiViewSet

CLAIM_ID = OpenApiParameter("claim_id", int, OpenApiParameter.PATH, description="The claim's id.")


# --- Filters -------------------------------------------------------------------------------


class ClaimFilter(StrictFilterSet):
    status = django_filters.ChoiceFilter(choices=Status.choices, help_text="Workflow status.")
    rating = text_filter("The published verdict's value: true, mostly_true… unproven.", method="filter_rating")
    tag = text_filter("Claims with this tag.", method="filter_tag")
    source = IdFilter(method="filter_source", help_text="Claims attributed to this source (id).")
    outlet = IdFilter(
        method="filter_outlet",
        help_text="Claims with a source from this outlet, or that appeared in it (id).",
    )
    assignee = text_filter("The assigned reviewer's username.", field_name="assignee__username")
    created_after = MomentFilter(field_name="created_at", lookup_expr="gte")
    created_before = MomentFilter(field_name="created_at", lookup_expr="lt")
    updated_after = MomentFilter(field_name="updated_at", lookup_expr="gte")
    updated_before = MomentFilter(field_name="updated_at", lookup_expr="lt")
    q = text_filter(
        'Full-text search of statement, quote and context ("quoted phrase", or, -word); best matches first '
        "unless ?ordering= is given.",
        method="filter_q",
    )
    ordering = StableOrderingFilter(
        fields=("created_at", "updated_at", "priority", "id"),
        help_text="created_at, updated_at, priority or id; - for descending; comma-separated. "
        "Default: most recently updated first.",
    )

    class Meta:
        model = Claim
        fields: list[str] = []

    def filter_rating(self, claims: ClaimQuerySet, name: str, value: str) -> ClaimQuerySet:
        if not Rating.objects.filter(value=value).exists():
            known = ", ".join(sorted(set(Rating.objects.values_list("value", flat=True))))
            raise ValidationError({"rating": f"There is no rating “{value}”. Use one of: {known}."})
        return claims.filter(rating__value=value)

    def filter_tag(self, claims: ClaimQuerySet, name: str, value: str) -> ClaimQuerySet:
        return claims.tagged(value)

    def filter_source(self, claims: ClaimQuerySet, name: str, value: int) -> ClaimQuerySet:
        return claims.filter(Exists(Attribution.objects.filter(claim=OuterRef("pk"), source=value)))

    def filter_outlet(self, claims: ClaimQuerySet, name: str, value: int) -> ClaimQuerySet:
        sourced = Attribution.objects.filter(claim=OuterRef("pk"), source__outlet=value)
        appeared = Claim.appearances.through.objects.filter(claim=OuterRef("pk"), article__outlet=value)
        return claims.filter(Q(Exists(sourced)) | Q(first_appearance__outlet=value) | Q(Exists(appeared)))

    def filter_q(self, claims: ClaimQuerySet, name: str, value: str) -> ClaimQuerySet:
        return claims.search(value)


# --- Claims --------------------------------------------------------------------------------


class ClaimViewSet(ApiViewSet):
    """Claims. Callers without credentials see published claims; a submit token, the
    published ones and those it created; the newsroom and its read/write tokens, all."""

    serializer_class = ClaimSerializer
    filterset_class = ClaimFilter
    required = {
        "list": Action.READ,
        "retrieve": Action.READ,
        "create": Action.CREATE_CLAIM,
        "partial_update": Action.EDIT,
    }
    versioned = ("partial_update",)

    def get_queryset(self) -> ClaimQuerySet:
        return Claim.objects.visible_to(self.request.user, self.token).order_by("-updated_at", "-pk")

    # Claims are shown by claims.shape, which reads them as rows and answers exactly what
    # ClaimSerializer would (the serializer describes them in the schema).

    def shown(self, claims: Any) -> list[dict[str, Any]]:
        return claim_shapes(claims, reads_unpublished=self.reads_unpublished)

    def shown_one(self, claims: ClaimQuerySet, pk: Any, *, status: int = 200) -> Response:
        """The claim `pk` among `claims`; 404 if it is not one of them (as get_object())."""
        try:
            found = claim_shape(claims, pk, reads_unpublished=self.reads_unpublished)
        except (TypeError, ValueError, ValidationError):
            raise Http404 from None
        if found is None:
            raise Http404
        return Response(found, status=status)

    @extend_schema(summary="List claims")
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(claim_rows(self.filter_queryset(self.get_queryset())))
        return self.get_paginated_response(self.shown(page))

    @extend_schema(summary="Read a claim")
    def retrieve(self, request: Request, pk: str) -> Response:
        return self.shown_one(self.filter_queryset(self.get_queryset()), pk)

    @extend_schema(
        summary="Record a claim with its attributions",
        request=ClaimCreateInput,
        responses={201: ClaimSerializer},
    )
    def create(self, request: Request) -> Response:
        claim = claim_create(actor=self.actor, token=self.token, **self.input(ClaimCreateInput))
        return self.shown_one(self.get_queryset(), claim.pk, status=201)

    @extend_schema(
        summary="Change what a claim says",
        description="Send the claim's `version` as you read it; 409 if it changed since.",
        request=ClaimUpdateInput,
        responses={200: ClaimSerializer},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        claim = self.get_object()
        data = self.input(ClaimUpdateInput)
        claim_update(actor=self.actor, claim=claim, **data)
        return self.shown_one(self.get_queryset(), claim.pk)


class ClaimChildViewSet(ApiViewSet):
    """Something under /claims/{claim_id}/: the claim must be one the caller may see."""

    def claim_queryset(self) -> ClaimQuerySet:
        return Claim.objects.visible_to(self.request.user, self.token)

    @cached_property
    def claim(self) -> Claim:
        return get_object_or_404(self.claim_queryset(), pk=self.kwargs["claim_id"])

    def require_full_read(self) -> None:
        """Unpublished parts (history, the workflow log): not for every caller who may
        see the published claim."""
        if not reads_claim_fully(self.request.user, self.token, self.claim):
            raise exceptions.PermissionDenied(
                "This claim's history is for the newsroom and for the token that submitted it."
            )


@extend_schema(parameters=[CLAIM_ID])
class AttributionViewSet(ClaimChildViewSet):
    """Who a claim is attributed to, with the anonymity caveat record."""

    serializer_class = AttributionSerializer
    queryset = Attribution.objects.none()  # the model, for the schema; get_queryset() is what runs
    required = {
        "list": Action.READ,
        "retrieve": Action.READ,
        "create": Action.EDIT,
        "partial_update": Action.EDIT,
        "destroy": Action.EDIT,
    }
    versioned = ("create", "partial_update", "destroy")

    def get_queryset(self) -> Any:
        return (
            Attribution.objects.filter(claim=self.claim).select_related("claim", "source", "granted_by").order_by("pk")
        )

    @extend_schema(summary="List a claim's attributions")
    def list(self, request: Request, claim_id: str) -> Response:
        return self.paginated(self.get_queryset())

    @extend_schema(summary="Read an attribution")
    def retrieve(self, request: Request, claim_id: str, pk: str) -> Response:
        return self.output(self.get_object())

    @extend_schema(summary="Add an attribution", request=AttributionCreateInput, responses={201: AttributionSerializer})
    def create(self, request: Request, claim_id: str) -> Response:
        attribution = attribution_create(actor=self.actor, claim=self.claim, **self.input(AttributionCreateInput))
        return self.output(self.get_queryset().get(pk=attribution.pk), status=201)

    @extend_schema(
        summary="Change an attribution", request=AttributionUpdateInput, responses={200: AttributionSerializer}
    )
    def partial_update(self, request: Request, claim_id: str, pk: str) -> Response:
        attribution = self.get_object()
        attribution_update(actor=self.actor, attribution=attribution, **self.input(AttributionUpdateInput))
        return self.output(self.get_queryset().get(pk=attribution.pk))

    @extend_schema(
        summary="Remove an attribution (not the claimant)",
        parameters=[
            OpenApiParameter(
                "version",
                {"type": "integer", "minimum": 1, "maximum": MAX_QUERY_INT},
                OpenApiParameter.QUERY,
                required=True,
                description="The claim's version you saw.",
            )
        ],
        responses={204: None},
    )
    def destroy(self, request: Request, claim_id: str, pk: str) -> Response:
        attribution = self.get_object()
        version = positive_int_param(request, "version", default=0)
        if not version:
            raise exceptions.ValidationError({"version": ["Give the claim's version you saw."]})
        attribution_delete(actor=self.actor, attribution=attribution, version=version)
        return Response(status=204)


@extend_schema(parameters=[CLAIM_ID])
class RelationViewSet(ClaimChildViewSet):
    """How the claim relates to other claims, both ways (only to claims the caller may see)."""

    serializer_class = ClaimRelationSerializer
    queryset = ClaimRelation.objects.none()  # the model, for the schema; get_queryset() is what runs
    required = {"list": Action.READ}

    def get_queryset(self) -> Any:
        visible = self.claim_queryset().values("pk")
        return (
            ClaimRelation.objects.filter(
                Q(from_claim=self.claim, to_claim__in=visible) | Q(to_claim=self.claim, from_claim__in=visible)
            )
            .select_related("from_claim", "to_claim")
            .order_by("pk")
        )

    @extend_schema(summary="List a claim's relations")
    def list(self, request: Request, claim_id: str) -> Response:
        return self.paginated(self.get_queryset())


@extend_schema(parameters=[CLAIM_ID])
class HistoryViewSet(ClaimChildViewSet):
    """Who changed what and when: the claim, its attributions, relations and reviews
    (the newest 200 changes, newest first)."""

    serializer_class = HistoryEntrySerializer
    queryset = Claim.objects.none()  # for the schema; the entries come from core.history
    required = {"list": Action.READ_UNPUBLISHED}

    @extend_schema(summary="A claim's change history")
    def list(self, request: Request, claim_id: str) -> Response:
        self.require_full_read()
        return self.paginated(history_of(self.claim))
