"""API for extractions: start one (202 with the job, `extraction` and a Location
header), read its suggestions once the job is done, and decide on each — accept
(with edits) into a claim, dismiss with a reason, or add the story to the claim
already tracked.

Under product.md §1: editors and reviewers, and tokens with the submit or write scope
(core.policy Action.EXTRACT); a submit token sees only the extractions it started and
owns the claims it accepts. Adding an appearance changes a tracked claim, so it needs
what any change of a claim needs (Action.EDIT)."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from claims.models import Claim
from claims.serializers import ClaimSerializer
from core.policy import Action
from core.viewsets import ApiViewSet
from extraction.models import Extraction, Suggestion
from extraction.serializers import (
    ExtractionInput,
    ExtractionSerializer,
    ExtractionStartedSerializer,
    SuggestionAcceptInput,
    SuggestionAppearanceInput,
    SuggestionDismissInput,
    SuggestionSerializer,
)
from extraction.services import extraction_request, suggestion_accept, suggestion_add_appearance, suggestion_dismiss

EXTRACTION_ID = OpenApiParameter("extraction_id", int, OpenApiParameter.PATH, description="The extraction's id.")
POSITION = OpenApiParameter(
    "n", int, OpenApiParameter.PATH, description="The suggestion's position in the extraction's `claims`, from 0."
)


class ExtractionViewSet(ApiViewSet):
    """Suggested claims, attributions and anonymity caveats from a story (pasted text or a URL)."""

    serializer_class = ExtractionSerializer
    queryset = Extraction.objects.none()  # the model, for the schema; get_queryset() is what runs
    required = {"create": Action.EXTRACT, "retrieve": Action.EXTRACT}

    def get_queryset(self) -> Any:
        return (
            Extraction.objects.visible_to(self.request.user, self.token)
            .select_related("job", "requested_by")
            .prefetch_related(
                Prefetch(
                    "suggestions",
                    queryset=Suggestion.objects.select_related("tracked_claim", "decided_by").order_by("position"),
                )
            )
        )

    @extend_schema(
        summary="Read a story for claims",
        description="Send `text` (at most 500,000 characters) or `url`. The story is read by a job: the answer "
        "is 202 with the job and `extraction`, the id to GET (also in the Location header) once the job is done.",
        request=ExtractionInput,
        responses={202: ExtractionStartedSerializer},
    )
    def create(self, request: Request) -> Response:
        extraction = extraction_request(actor=self.actor, token=self.token, **self.input(ExtractionInput))
        response = self.output(extraction.job, status=202, serializer_class=ExtractionStartedSerializer)
        response["Location"] = reverse("api-extraction-detail", args=[extraction.pk], request=request)
        return response

    @extend_schema(summary="Read an extraction and its suggestions")
    def retrieve(self, request: Request, pk: str) -> Response:
        return self.output(self.get_object())


@extend_schema(parameters=[EXTRACTION_ID, POSITION])
class SuggestionViewSet(ApiViewSet):
    """A person's decision on one suggestion."""

    serializer_class = SuggestionSerializer
    queryset = Suggestion.objects.none()
    lookup_url_kwarg = "n"
    lookup_value_regex = "[0-9]+"
    required = {"accept": Action.EXTRACT, "dismiss": Action.EXTRACT, "appearance": Action.EDIT}

    @cached_property
    def extraction(self) -> Extraction:
        visible = Extraction.objects.visible_to(self.request.user, self.token)
        return get_object_or_404(visible, pk=self.kwargs["extraction_id"])

    def get_object(self) -> Suggestion:
        suggestion = get_object_or_404(
            Suggestion.objects.select_related("tracked_claim", "decided_by"),
            extraction=self.extraction,
            position=self.kwargs["n"],
        )
        suggestion.extraction = self.extraction
        return suggestion

    def _suggestion(self, suggestion: Suggestion) -> Response:
        suggestion.refresh_from_db()
        return self.output(suggestion)

    @extend_schema(
        summary="Accept a suggestion: record its claim",
        description="As suggested, or with edits: claim fields, and `attributions` to replace the suggested ones. "
        "The story becomes the claim's first appearance. Suggested relations are recorded only when listed in "
        "`relations` with your judgement of `addresses`. 409 if someone decided on it first.",
        request=SuggestionAcceptInput,
        responses={201: ClaimSerializer},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, extraction_id: str, n: str) -> Response:
        suggestion = self.get_object()
        data = self.input(SuggestionAcceptInput)
        attributions = data.pop("attributions", None)
        relations = data.pop("relations", [])
        url, title = data.pop("url", ""), data.pop("title", "")
        claim = suggestion_accept(
            actor=self.actor,
            token=self.token,
            suggestion=suggestion,
            edits=data,
            attributions=attributions,
            relations=relations,
            url=url,
            title=title,
        )
        visible = Claim.objects.visible_to(self.request.user, self.token).for_api()
        return self.output(visible.get(pk=claim.pk), status=201, serializer_class=ClaimSerializer)

    @extend_schema(
        summary="Dismiss a suggestion, with the reason",
        request=SuggestionDismissInput,
        responses={200: SuggestionSerializer},
    )
    @action(detail=True, methods=["post"])
    def dismiss(self, request: Request, extraction_id: str, n: str) -> Response:
        suggestion = self.get_object()
        suggestion_dismiss(
            actor=self.actor, token=self.token, suggestion=suggestion, **self.input(SuggestionDismissInput)
        )
        return self._suggestion(suggestion)

    @extend_schema(
        summary="Add the story to the claim already tracked",
        description="For a suggestion that is a claim already tracked: the story becomes one of that claim's "
        "appearances instead of a new claim.",
        request=SuggestionAppearanceInput,
        responses={200: SuggestionSerializer},
    )
    @action(detail=True, methods=["post"])
    def appearance(self, request: Request, extraction_id: str, n: str) -> Response:
        suggestion = self.get_object()
        suggestion_add_appearance(
            actor=self.actor, token=self.token, suggestion=suggestion, **self.input(SuggestionAppearanceInput)
        )
        return self._suggestion(suggestion)
