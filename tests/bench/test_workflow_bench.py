"""The workflow benchmark, at a small scale in the default suite: the transition
service and the raw SQL bound leave a claim in the same state with the same log row,
and the run prints the suite's BENCH line. No timing is asserted."""

from __future__ import annotations

import re

import pytest

from bench import workflow
from bench.fill import fill_claims
from claims.models import Claim
from reviews.models import Transition

pytestmark = pytest.mark.django_db

LOGGED = ("name", "from_status", "to_status", "actor_id", "note", "claim_version", "sequence", "details")


def state(claim_id: int) -> tuple:
    claim = Claim.objects.get(pk=claim_id)
    (row,) = Transition.objects.filter(claim_id=claim_id).values_list(*LOGGED)
    return claim.status, claim.priority, claim.version, claim.updated_by_id, row


def test_the_service_and_the_bound_take_the_same_transition(roles):
    fill_claims(40, seed=11)
    first, second, *_ = workflow.submitted_claims()
    actor = workflow.editor()
    workflow.service_accept(first, actor)
    workflow.raw_accept(second, actor.pk)
    assert state(first) == state(second)
    assert state(first)[:2] == ("researching", 3)


def test_the_benchmark_prints_its_bench_line(roles):
    fill_claims(60, seed=12)
    claims = workflow.submitted_claims()
    assert len(claims) >= 6
    result = workflow.measure(claims, scale=60)
    assert Claim.objects.filter(pk__in=claims, status="researching").count() == len(claims) - len(claims) % 2
    assert re.fullmatch(
        r"BENCH name=workflow_transition scale=60 median_ms=[0-9.]+ p95_ms=[0-9.]+ bound_ms=[0-9.]+ "
        r"ratio=[0-9.]+ target=2 ok=(yes|no)",
        result.bench_line(),
    )
