"""API for coverage: a claim's coverage items (a reviewer confirms each stance), its
corroboration ledger, "find coverage now" (202 with the job) and the jobs themselves.

Coverage is newsroom work: it is read like a claim's history (the newsroom, and a
submit token for the claims it created); confirming and searching need the write scope
and a role the services allow."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from claims.api import CLAIM_ID, ClaimChildViewSet
from claims.models import Claim
from core.policy import Action, reads_unpublished
from core.viewsets import ApiViewSet
from corroboration.models import Coverage, Job, JobKind
from corroboration.serializers import CoverageSerializer, JobSerializer, LedgerSerializer, StanceInput
from corroboration.services import coverage_confirm, job_request, ledger


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
