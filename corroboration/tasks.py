"""Thin tasks: ids in, a service call, the job row records what happened."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import close_old_connections
from django.utils import timezone

from claims.models import Claim
from corroboration import pipeline
from corroboration.models import Job, JobKind, JobStatus
from corroboration.services import (
    JobLost,
    JobRefused,
    job_claim,
    job_enqueue,
    job_fail,
    job_finish,
    job_request,
    prior_check_matches_find,
)
from sources.models import Article

logger = logging.getLogger(__name__)

# Never schedule a task further ahead than this (well under Redis's visibility timeout).
MAX_COUNTDOWN = 600


@shared_task(name="corroboration.run_job", max_retries=0)
def run_job(job_id: int) -> str:
    """Run a job if this worker can claim it. A duplicate message, a job another worker
    is running, or a finished job is a quiet no-op; a failure goes back to the queue
    with backoff until its attempts run out, then stays `failed` with its error."""
    close_old_connections()
    job = job_claim(job_id)
    if job is None:
        _check_later(job_id)
        return "not claimed"
    try:
        counts = pipeline.run(job)
    except JobLost:
        logger.warning("Job %s was taken over by another worker.", job_id)
        return "lost"
    except JobRefused as exc:
        job_fail(job, error=str(exc), final=True)
        return "failed"
    except SoftTimeLimitExceeded:
        return _failed(job, "The job took longer than its time limit.")
    except Exception as exc:  # every failure is recorded on the job, visibly
        logger.exception("Job %s failed", job_id)
        return _failed(job, f"{type(exc).__name__}: {exc}")
    job_finish(job, counts=counts)
    return "done"


def _failed(job: Job, error: str) -> str:
    delay = job_fail(job, error=error)
    if delay is None:
        return "failed"
    job_enqueue(job.pk, countdown=min(delay.total_seconds(), MAX_COUNTDOWN))
    return "retrying"


def _check_later(job_id: int) -> None:
    """Someone holds a live lease (or the job is not due yet): look again when it ends,
    so a job whose worker was killed is picked up without waiting for the sweeper."""
    job = Job.objects.filter(pk=job_id).only("status", "lease_until", "run_after").first()
    if job is None or job.finished:
        return
    until = job.lease_until if job.status == JobStatus.RUNNING else job.run_after
    if until is not None:
        wait = (until - timezone.now()).total_seconds() + 1
        job_enqueue(job_id, countdown=min(max(wait, 1), MAX_COUNTDOWN))


@shared_task(name="corroboration.sweep_jobs", max_retries=0)
def sweep_jobs() -> int:
    """Re-send jobs whose worker died (lease ran out) or whose message was lost."""
    stalled = list(Job.objects.stalled().values_list("pk", flat=True)[:500])
    for job_id in stalled:
        job_enqueue(job_id)
    return len(stalled)


@shared_task(name="corroboration.recheck_due_claims", max_retries=0)
def recheck_due_claims() -> int:
    """Unproven verdicts are searched again on their re-check date."""
    due = Claim.objects.filter(status="published", rating__needs_recheck=True, recheck_on__lte=timezone.localdate())
    started = 0
    for claim in due:
        _, created = job_request(actor=None, kind=JobKind.FIND_COVERAGE, claim=claim)
        started += int(created)
    return started


@shared_task(name="corroboration.match_new_articles", max_retries=0)
def match_new_articles(limit: int = 500) -> int:
    """Articles with text that were never matched to the open claims — also those a
    search for one claim already grouped — are matched, in one job at a time."""
    if Job.objects.active().filter(kind=JobKind.MATCH_ARTICLES).exists():
        return 0
    ids = list(
        Article.objects.exclude(text="")
        .filter(matched__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    if ids:
        job_request(actor=None, kind=JobKind.MATCH_ARTICLES, params={"article_ids": ids})
    return len(ids)


# New claims are matched to the prior checks already stored within this window; the
# task runs more often than that, and matching again changes nothing.
PRIOR_CHECK_WINDOW_MINUTES = 60


@shared_task(name="corroboration.match_prior_checks", max_retries=0)
def match_prior_checks(limit: int = 500) -> int:
    """Claims recorded or reworded lately (not rejected) are matched to the stored prior
    checks, so a claim another organisation already checked is flagged while it waits."""
    since = timezone.now() - timedelta(minutes=PRIOR_CHECK_WINDOW_MINUTES)
    claims = list(
        Claim.objects.exclude(status="rejected").filter(updated_at__gte=since).order_by("-updated_at")[:limit]
    )
    if claims:
        prior_check_matches_find(actor=None, claims=claims)
    return len(claims)
