"""Thin tasks: ids in, a service call, the job row records what happened."""

from __future__ import annotations

import contextlib
import logging
from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError, InterfaceError, OperationalError, close_old_connections, connection
from django.db.models import Q
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
        if _connection_lost(exc):
            error = f"The database connection was lost while the job ran ({type(exc).__name__}: {exc})."
            return _failed(job, error, at_once=True)
        return _failed(job, f"{type(exc).__name__}: {exc}")
    job_finish(job, counts=counts)
    return "done"


def _failed(job: Job, error: str, *, at_once: bool = False) -> str:
    delay = job_fail(job, error=error, at_once=at_once)
    if delay is None:
        return "failed"
    job_enqueue(job.pk, countdown=min(delay.total_seconds(), MAX_COUNTDOWN))
    return "retrying"


def _connection_lost(exc: Exception) -> bool:
    """Did the job's database connection die under it (terminated, a restart, a network
    cut)? Then it is closed here, so that recording the failure opens a fresh one instead
    of failing on the dead one and leaving the job `running` until its lease runs out."""
    if not isinstance(exc, OperationalError | InterfaceError):
        return False  # the job's own failure
    # SQLSTATE class 08 is a connection exception, 57P0x the server ending the session;
    # a lost socket has none. A deadlock or a cancelled query leaves the connection fine.
    sqlstate = getattr(exc.__cause__, "sqlstate", None)
    lost = sqlstate is None or sqlstate.startswith(("08", "57P"))
    if connection.connection is not None and not connection.is_usable():
        lost = True
    if lost:
        with contextlib.suppress(DatabaseError):
            connection.close()
    return lost


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
    """Articles with text whose matching to the open claims has not finished (new ones,
    ones a coverage search grouped, ones a job left part-way) are grouped and matched,
    in one job at a time."""
    if Job.objects.active().filter(kind=JobKind.MATCH_ARTICLES).exists():
        return 0
    ids = list(
        Article.objects.exclude(text="")
        .filter(Q(matching__isnull=True) | Q(matching__finished_at__isnull=True))
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
