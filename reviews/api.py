"""API for the workflow: reviews of a claim and its transitions.

A transition is `POST /api/v1/claims/{id}/transitions/` with the transition's name and
the claim `version` the caller saw; reviews/services.py checks who may take it, its
guard and the version, and answers PermissionDenied (403), ValidationError (400, the
guard's messages in `detail`) or StaleVersion (409 with `current_version`).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from claims.api import CLAIM_ID, ClaimChildViewSet
from claims.models import Claim
from claims.serializers import ClaimSerializer
from core.policy import Action, reads_claim_fully
from core.rest import MAX_PAGE, MAX_PAGE_SIZE, Pagination, link_header
from reviews.claimreview import FEED_SIZE, claimreview_feed_of, claimreview_for, shown_by_id
from reviews.models import Review, StandardsSignOff, Transition
from reviews.serializers import (
    ReviewInput,
    ReviewSerializer,
    SignOffInput,
    SignOffSerializer,
    TransitionInput,
    TransitionResultSerializer,
    TransitionSerializer,
)
from reviews.services import review_create, review_update, sourcing_sign_off, transition_take
from reviews.workflow import describe


@extend_schema(parameters=[CLAIM_ID])
class ReviewViewSet(ClaimChildViewSet):
    """Reviews of a claim: drafts for the newsroom, published verdicts (current and
    withdrawn) for everyone who may see the claim."""

    serializer_class = ReviewSerializer
    queryset = Review.objects.none()  # the model, for the schema; get_queryset() is what runs
    required = {
        "list": Action.READ,
        "retrieve": Action.READ,
        "create": Action.EDIT,
        "partial_update": Action.EDIT,
    }
    versioned = ("create", "partial_update")

    def get_queryset(self) -> Any:
        reviews = (
            Review.objects.filter(claim=self.claim)
            .select_related("claim", "author", "rating")
            .prefetch_related("evidence_attributions", "evidence_articles", "evidence_prior_checks")
            .order_by("-created_at", "-pk")
        )
        if not reads_claim_fully(self.request.user, self.token, self.claim):
            reviews = reviews.filter(published_at__isnull=False)
        return reviews

    @extend_schema(summary="List a claim's reviews")
    def list(self, request: Request, claim_id: str) -> Response:
        return self.paginated(self.get_queryset())

    @extend_schema(summary="Read a review")
    def retrieve(self, request: Request, claim_id: str, pk: str) -> Response:
        return self.output(self.get_object())

    @extend_schema(summary="Write a draft review", request=ReviewInput, responses={201: ReviewSerializer})
    def create(self, request: Request, claim_id: str) -> Response:
        review = review_create(actor=self.actor, claim=self.claim, **self.input(ReviewInput))
        return self.output(self.get_queryset().get(pk=review.pk), status=201)

    @extend_schema(summary="Change a draft review", request=ReviewInput, responses={200: ReviewSerializer})
    def partial_update(self, request: Request, claim_id: str, pk: str) -> Response:
        review = self.get_object()
        review_update(actor=self.actor, review=review, **self.input(ReviewInput))
        return self.output(self.get_queryset().get(pk=review.pk))


@extend_schema(parameters=[CLAIM_ID])
class TransitionViewSet(ClaimChildViewSet):
    """The workflow: take a transition (POST), or read the log of those taken (GET)."""

    serializer_class = TransitionSerializer
    queryset = Transition.objects.none()  # the model, for the schema; get_queryset() is what runs
    required = {"list": Action.READ_UNPUBLISHED, "retrieve": Action.READ_UNPUBLISHED, "create": Action.TRANSITION}
    versioned = ("create",)

    def get_queryset(self) -> Any:
        return Transition.objects.filter(claim=self.claim).select_related("actor").order_by("-created_at", "-pk")

    @extend_schema(summary="A claim's workflow log")
    def list(self, request: Request, claim_id: str) -> Response:
        self.require_full_read()
        return self.paginated(self.get_queryset())

    @extend_schema(summary="Read one transition of the workflow log")
    def retrieve(self, request: Request, claim_id: str, pk: str) -> Response:
        self.require_full_read()
        return self.output(self.get_object())

    def location_of(self, data: Any) -> str | None:
        # The answer holds the transition and the claim; what was created is the transition.
        return super().location_of(data.get("transition") if isinstance(data, dict) else None)

    @extend_schema(
        summary="Take a workflow transition",
        description="The transitions, who may take each and what each needs (from reviews/workflow.py):\n\n"
        + describe(),
        request=TransitionInput,
        responses={201: TransitionResultSerializer},
    )
    def create(self, request: Request, claim_id: str) -> Response:
        data = self.input(TransitionInput)
        logged = transition_take(actor=self.actor, claim=self.claim, name=data.pop("transition"), **data)
        claim = Claim.objects.for_api().get(pk=logged.claim_id)
        context = self.get_serializer_context()
        return Response(
            {
                "transition": TransitionSerializer(logged, context=context).data,
                "claim": ClaimSerializer(claim, context=context).data,
            },
            status=201,
        )


@extend_schema(parameters=[CLAIM_ID])
class SignOffViewSet(ClaimChildViewSet):
    """The standards sign-off of a claim's anonymous sourcing, under the same rule as on the
    claim page: a standards editor checks every AP condition; it holds for the sourcing as
    signed (a later change of the attributions needs a new one)."""

    serializer_class = SignOffSerializer
    queryset = StandardsSignOff.objects.none()  # the model, for the schema; get_queryset() is what runs
    required = {"list": Action.READ_UNPUBLISHED, "retrieve": Action.READ_UNPUBLISHED, "create": Action.TRANSITION}
    versioned = ("create",)

    def get_queryset(self) -> Any:
        self.require_full_read()
        return (
            StandardsSignOff.objects.filter(claim=self.claim)
            .select_related("claim", "signed_by")
            .order_by("-signed_at", "-pk")
        )

    @extend_schema(summary="A claim's standards sign-offs, newest first")
    def list(self, request: Request, claim_id: str) -> Response:
        return self.paginated(self.get_queryset())

    @extend_schema(summary="Read a standards sign-off")
    def retrieve(self, request: Request, claim_id: str, pk: str) -> Response:
        return self.output(self.get_object())

    @extend_schema(
        summary="Sign off the claim's anonymous sourcing",
        description="Editors only (a write token of an editor). Every AP condition must be true; a claim that "
        "does not rest on anonymous sourcing needs no sign-off (400).",
        request=SignOffInput,
        responses={201: SignOffSerializer},
    )
    def create(self, request: Request, claim_id: str) -> Response:
        signoff = sourcing_sign_off(actor=self.actor, claim=self.claim, **self.input(SignOffInput))
        return self.output(self.get_queryset().get(pk=signoff.pk), status=201)


# --- ClaimReview (schema.org JSON-LD; built by reviews/claimreview.py) ---------------------

CLAIMREVIEW = {
    "type": "object",
    "description": "A schema.org ClaimReview (JSON-LD); docs/claimreview.md describes every field, "
    "including how anonymous-sourcing caveats travel.",
    "properties": {
        "@context": {"type": "string"},
        "@type": {"type": "string", "enum": ["ClaimReview"]},
        "url": {"type": "string"},
        "claimReviewed": {"type": "string"},
        "author": {"type": "object"},
        "datePublished": {"type": "string"},
        "dateModified": {"type": "string"},
        "reviewRating": {"type": "object"},
        "itemReviewed": {"type": "object"},
        "correction": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["@context", "@type", "claimReviewed", "reviewRating", "itemReviewed"],
}
CLAIMREVIEW_FEED = {
    "type": "object",
    "description": "A schema.org DataFeed of ClaimReviews, newest publication first, one page at a time "
    f"({FEED_SIZE} items unless `page_size` says otherwise): `dataFeedElement` holds the page's items. "
    'The next and previous pages are in the `Link` header (rel="next", rel="prev", rel="first", rel="last").',
    "properties": {
        "@context": {"type": "string"},
        "@type": {"type": "string", "enum": ["DataFeed"]},
        "name": {"type": "string"},
        "url": {"type": "string"},
        "publisher": {"type": "object"},
        "dateModified": {"type": "string"},
        "dataFeedElement": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "@type": {"type": "string", "enum": ["DataFeedItem"]},
                    "dateCreated": {"type": "string"},
                    "dateModified": {"type": "string"},
                    "item": {k: v for k, v in CLAIMREVIEW.items() if k != "required"},
                },
            },
        },
    },
    "required": ["@context", "@type", "dataFeedElement"],
    "additionalProperties": False,
}


class FeedPagination(Pagination):
    """The feed's pages: FEED_SIZE items, as docs/claimreview.md says."""

    default_size = FEED_SIZE


class ClaimReviewView(APIView):
    """The ClaimReview of a published claim, for anyone; 404 until it is published."""

    required = {None: Action.READ}

    @extend_schema(
        summary="A published claim's ClaimReview",
        parameters=[OpenApiParameter("claim_id", int, OpenApiParameter.PATH, description="The claim's id.")],
        responses={200: CLAIMREVIEW},
        operation_id="claims_claimreview_retrieve",
        tags=["claims"],
    )
    def get(self, request: Request, claim_id: str) -> Response:
        claim = get_object_or_404(Claim.objects.published(), pk=claim_id)
        return Response(claimreview_for(claim))


class ClaimReviewFeedView(APIView):
    """The ClaimReviews of published claims, most recently published first."""

    required = {None: Action.READ}

    @extend_schema(
        summary="Feed of recent ClaimReviews",
        parameters=[
            OpenApiParameter(
                "page",
                {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
                OpenApiParameter.QUERY,
                description=f"Page number, from 1 to {MAX_PAGE}. A page past the last answers 404.",
            ),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
                OpenApiParameter.QUERY,
                description=f"Items per page (default {FEED_SIZE}, at most {MAX_PAGE_SIZE}).",
            ),
            OpenApiParameter(
                "Link",
                str,
                OpenApiParameter.HEADER,
                response=[200],
                description='The feed\'s other pages (RFC 8288): rel="next", "prev", "first" and "last".',
            ),
        ],
        responses={200: CLAIMREVIEW_FEED},
        operation_id="claimreviews_list",
        tags=["claimreviews"],
    )
    def get(self, request: Request) -> Response:
        paginator = FeedPagination()
        # The page's ids, then what their ClaimReviews show: a fixed number of queries.
        claims = Claim.objects.published().order_by("-published_at", "-pk").values_list("pk", flat=True)
        page: list[int] = paginator.paginate_queryset(claims, request, view=self) or []
        shown = shown_by_id(page)
        links: dict[str, str | None] = {"next": paginator.get_next_link(), "prev": paginator.get_previous_link()}
        if paginator.page is not None:
            here = request.build_absolute_uri()
            links["first"] = replace_query_param(here, "page", 1)
            links["last"] = replace_query_param(here, "page", paginator.page.paginator.num_pages)
        return Response(
            claimreview_feed_of([shown[pk] for pk in page if pk in shown]), headers={"Link": link_header(links)}
        )
