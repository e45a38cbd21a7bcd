"""API for coverage: a claim's coverage items (a reviewer confirms each stance), its
corroboration ledger, "find coverage now" (202 with the job) and the jobs themselves;
and prior checks: a claim's matches with fact-checks others published, a reviewer's
confirm or reject, and an editor's import of ClaimReviews (202 with the job).

Coverage is newsroom work: it is read like a claim's history (the newsroom, and a
submit token for the claims it created); confirming and searching need the write scope
and a role the services allow. Prior checks are read by the newsroom and its read and
write tokens, not by submit tokens (product.md §1)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from claims.api import CLAIM_ID, ClaimChildViewSet
from claims.models import Claim
from core.policy import Action, reads_unpublished
from core.viewsets import ApiViewSet
from corroboration.models import Coverage, Job, JobKind, MatchState, PriorCheckMatch
from corroboration.serializers import (
    CoverageSerializer,
    JobSerializer,
    LedgerSerializer,
    PriorCheckImportFileInput,
    PriorCheckImportUrlInput,
    PriorCheckMatchSerializer,
    StanceInput,
)
from corroboration.services import (
    MAX_IMPORT_BYTES,
    coverage_confirm,
    job_request,
    ledger,
    prior_check_match_decide,
    prior_checks_import_request,
)


@extend_schema(parameters=[CLAIM_ID])
class CoverageViewSet(ClaimChildViewSet):
    """Articles that carry the claim, best first, with the suggested and confirmed stance."""

    serializer_class = CoverageSerializer
    queryset = Coverage.objects.none()  # the model, for the schema; get_queryset() is what runs
    required = {"list": Action.READ_UNPUBLISHED, "retrieve": Action.READ_UNPUBLISHED, "partial_update": Action.EDIT}

    def get_queryset(self) -> Any:
        self.require_full_read()
        return (
            Coverage.objects.filter(claim=self.claim)
            .select_related("article__outlet", "article__syndication", "echo_of", "confirmed_by")
            .order_by("-score", "pk")
        )

    @extend_schema(summary="List a claim's coverage")
    def list(self, request: Request, claim_id: str) -> Response:
        return self.paginated(self.get_queryset())

    @extend_schema(summary="Read a coverage item")
    def retrieve(self, request: Request, claim_id: str, pk: str) -> Response:
        return self.output(self.get_object())

    @extend_schema(
        summary="Confirm or correct a coverage item's stance",
        request=StanceInput,
        responses={200: CoverageSerializer},
    )
    def partial_update(self, request: Request, claim_id: str, pk: str) -> Response:
        item = self.get_object()
        coverage_confirm(actor=self.actor, coverage=item, **self.input(StanceInput))
        return self.output(self.get_queryset().get(pk=item.pk))


@extend_schema(parameters=[CLAIM_ID])
class CorroborationViewSet(ClaimChildViewSet):
    """The claim's corroboration ledger."""

    serializer_class = LedgerSerializer
    queryset = Claim.objects.none()
    required = {"list": Action.READ_UNPUBLISHED}
    # One ledger per claim: the answer is one object, not a page of items.
    pagination_class = None

    @extend_schema(summary="A claim's corroboration ledger", responses={200: LedgerSerializer})
    def list(self, request: Request, claim_id: str) -> Response:
        self.require_full_read()
        return Response(LedgerSerializer(ledger(self.claim).as_dict()).data)


@extend_schema(parameters=[CLAIM_ID])
class FindCoverageViewSet(ClaimChildViewSet):
    """Start looking for coverage of the claim now: 202 with the job to follow. Asking
    while a search runs answers with that search's job."""

    serializer_class = JobSerializer
    queryset = Job.objects.none()
    required = {"create": Action.EDIT}

    @extend_schema(summary="Find coverage now", request=None, responses={202: JobSerializer})
    def create(self, request: Request, claim_id: str) -> Response:
        with transaction.atomic():
            job, _ = job_request(actor=self.actor, kind=JobKind.FIND_COVERAGE, claim=self.claim)
        follow = self.request.build_absolute_uri(reverse("api-job-detail", args=[job.pk]))
        return self.output(job, status=202, headers={"Location": follow})


class JobViewSet(ApiViewSet):
    """A background job: its status, progress (0–100), attempts, counts and error."""

    serializer_class = JobSerializer
    required = {"retrieve": Action.READ_UNPUBLISHED}

    def get_queryset(self) -> Any:
        jobs = Job.objects.all()
        if reads_unpublished(self.request.user, self.token):
            return jobs
        if self.token is not None:
            return jobs.filter(claim__submitted_with=self.token)
        return jobs.filter(Q(pk__in=[]))

    @extend_schema(summary="Read a job")
    def retrieve(self, request: Request, pk: str) -> Response:
        return self.output(self.get_object())


# --- Prior checks ---------------------------------------------------------------------------


def _matches() -> Any:
    return PriorCheckMatch.objects.select_related("prior_check", "decided_by").order_by("-score", "pk")


@extend_schema(parameters=[CLAIM_ID])
class ClaimPriorCheckViewSet(ClaimChildViewSet):
    """Fact-checks other organisations published that may be about this claim: each
    match (its `id` is what confirm and reject take) with the prior check, its score,
    the reason and the reviewer's decision. Best match first; rejected ones included."""

    serializer_class = PriorCheckMatchSerializer
    queryset = PriorCheckMatch.objects.none()
    required = {"list": Action.READ_RECORDS}

    def get_queryset(self) -> Any:
        return _matches().filter(claim=self.claim)

    @extend_schema(summary="A claim's prior checks (matches with fact-checks others published)")
    def list(self, request: Request, claim_id: str) -> Response:
        return self.paginated(self.get_queryset())


MATCH_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The prior-check match's id.")


class PriorCheckViewSet(ApiViewSet):
    """One claim–prior-check match: read it, confirm it (the prior check is about the
    claim) or reject it; and import ClaimReviews as prior checks."""

    serializer_class = PriorCheckMatchSerializer
    queryset = PriorCheckMatch.objects.none()
    required = {
        "retrieve": Action.READ_RECORDS,
        "confirm": Action.DECIDE_PRIOR_CHECK,
        "reject": Action.DECIDE_PRIOR_CHECK,
        "import_claimreviews": Action.IMPORT_PRIOR_CHECKS,
    }

    def get_queryset(self) -> Any:
        return _matches()

    @extend_schema(summary="Read a prior-check match", parameters=[MATCH_ID])
    def retrieve(self, request: Request, pk: str) -> Response:
        return self.output(self.get_object())

    @extend_schema(
        summary="Confirm a prior-check match: the prior check is about the claim",
        request=None,
        responses={200: PriorCheckMatchSerializer},
        parameters=[MATCH_ID],
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        return self._decide(MatchState.CONFIRMED)

    @extend_schema(
        summary="Reject a prior-check match: the prior check is about something else",
        request=None,
        responses={200: PriorCheckMatchSerializer},
        parameters=[MATCH_ID],
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        return self._decide(MatchState.REJECTED)

    def _decide(self, state: str) -> Response:
        match = prior_check_match_decide(actor=self.actor, match=self.get_object(), state=state)
        return self.output(self.get_queryset().get(pk=match.pk))

    @extend_schema(
        summary="Import prior checks from ClaimReview (a file, or the address of a feed or page)",
        description='Upload a file as `multipart/form-data` (field `file`), or send `{"url": …}`. A file that '
        "does not parse is refused (400) and nothing is queued; otherwise the answer is 202 with the job, which "
        "`GET /api/v1/jobs/{id}/` follows. Its `counts` say how many items were read, new, updated, unchanged and "
        "skipped (`skipped_items`: each with its reason), and how many new matches with our claims were found.",
        request={"application/json": PriorCheckImportUrlInput, "multipart/form-data": PriorCheckImportFileInput},
        responses={202: JobSerializer},
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[JSONParser, MultiPartParser])
    def import_claimreviews(self, request: Request) -> Response:
        if request.content_type.startswith("multipart/"):
            upload = self.input(PriorCheckImportFileInput)["file"]
            body = upload.read(MAX_IMPORT_BYTES + 1)
            job = prior_checks_import_request(actor=self.actor, body=body, name=upload.name or "")
        else:
            job = prior_checks_import_request(actor=self.actor, url=self.input(PriorCheckImportUrlInput)["url"])
        follow = self.request.build_absolute_uri(reverse("api-job-detail", args=[job.pk]))
        return self.output(job, status=202, serializer_class=JobSerializer, headers={"Location": follow})
