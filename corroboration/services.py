"""The one write path for coverage and jobs: matching a claim against stored articles,
confirming a stance, accepting a suggested credibility, and the life of a job row."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from claims.models import AttributionRole, Claim
from claims.services import attribution_update
from core.leases import Lease
from core.retry import backoff
from core.services import Actor, service, task_send
from corroboration.ledger import Ledger, ledger_for
from corroboration.matching import ClaimProfile, match_article
from corroboration.models import (
    Coverage,
    CoverageIndependence,
    ExistingFactCheck,
    Job,
    JobKind,
    JobStatus,
    Stance,
    Syndication,
)
from corroboration.syndication import group_article, origin_id
from corroboration.text import words
from sources.canonical import canonical_url
from sources.models import Article, Outlet
from sources.providers.factcheck_tools import FactCheckReview, FactCheckTools
from sources.services import clipped, json_safe

MATCH_CANDIDATES = 200


class JobLost(Exception):
    """The job's lease ran out and another worker took it over: stop writing."""


# --- Matching -------------------------------------------------------------------------------


def candidate_articles(claim: Claim, *, among: Iterable[int] | None = None) -> list[Article]:
    """Stored articles that share the claim's vocabulary, best first (full-text search
    over the articles' indexed vectors); the scoring decides which carry the claim."""
    vocabulary = {w for w in words(f"{claim.statement} {claim.quote}") if len(w) > 2}
    if not vocabulary:
        return []
    query = SearchQuery(" or ".join(sorted(vocabulary)), config="english", search_type="websearch")
    articles = Article.objects.exclude(text="").filter(search_vector=query)
    if among is not None:
        articles = articles.filter(pk__in=list(among))
    return list(
        articles.annotate(rank=SearchRank(F("search_vector"), query))
        .select_related("outlet", "syndication")
        .order_by("-rank", "pk")[:MATCH_CANDIDATES]
    )


def ensure_grouped(articles: Iterable[Article]) -> int:
    """Group every article that has not been placed in a syndication group yet."""
    grouped = 0
    for article in articles:
        if not Syndication.objects.filter(article=article).exists():
            group_article(article)
            grouped += 1
    return grouped


@transaction.atomic
def coverage_match(claim: Claim, *, among: Iterable[int] | None = None) -> dict[str, int]:
    """Match stored articles (all, or `among`) to the claim: one Coverage row per related
    article, created or refreshed; a reviewer's confirmed stance is never overwritten.
    Re-running changes nothing that has not changed."""
    candidates = candidate_articles(claim, among=among)
    ensure_grouped(candidates)
    profile = ClaimProfile.of(claim.statement, claim.quote)
    outlets = {o.name: o for o in Outlet.objects.all()}
    counts = {"candidates": len(candidates), "related": 0, "new": 0}
    for article in candidates:
        match = match_article(
            profile,
            article.text,
            own_outlet=article.outlet.name if article.outlet else "",
            other_outlets=[name for name in outlets if not article.outlet or name != article.outlet.name],
        )
        if not match.related:
            # A suggestion the text no longer supports goes; a reviewer's decision stays.
            Coverage.objects.filter(claim=claim, article=article, stance="").delete()
            continue
        counts["related"] += 1
        _, created = Coverage.objects.update_or_create(
            claim=claim,
            article=article,
            defaults={
                "score": match.score,
                "excerpt": match.excerpt,
                "suggested_stance": match.stance,
                "echo_of": outlets.get(match.echo_of) if match.echo_of else None,
            },
        )
        counts["new"] += int(created)
    coverage_assign_independence(claim)
    return counts


def _origin_group(claim: Claim, items: list[Coverage]) -> int | None:
    """The story the claim first appeared in: the first appearance's group if we hold
    its text, else the earliest covering article from the same outlet."""
    first = claim.first_appearance
    if first is None:
        return None
    if Syndication.objects.filter(article=first).exists():
        return origin_id(Article.objects.select_related("syndication").get(pk=first.pk))
    same_outlet = [c for c in items if first.outlet_id and c.article.outlet_id == first.outlet_id]
    if not same_outlet:
        return None
    earliest = min(same_outlet, key=lambda c: (c.article.published_at or c.article.seen_at, c.article_id))
    return origin_id(earliest.article)


def coverage_assign_independence(claim: Claim) -> None:
    items = list(claim.coverage.select_related("article__outlet", "article__syndication"))
    origin = _origin_group(claim, items)
    for item in items:
        group = origin_id(item.article)
        if origin is not None and group == origin:
            independence = CoverageIndependence.ORIGIN if item.article_id == group else CoverageIndependence.SYNDICATED
        elif item.echo_of_id:
            independence = CoverageIndependence.ECHO
        elif item.article_id != group:
            independence = CoverageIndependence.SYNDICATED
        else:
            independence = CoverageIndependence.INDEPENDENT
        if item.independence != independence:
            Coverage.objects.filter(pk=item.pk).update(independence=independence)


def ledger(claim: Claim) -> Ledger:
    return ledger_for(list(claim.coverage.select_related("article__outlet", "article__syndication")))


# --- Reviewers' decisions -----------------------------------------------------------------


def _require(actor: User, perm: str, message: str) -> None:
    if not actor.has_perm(perm):
        raise PermissionDenied(message)


@service
def coverage_confirm(*, actor: User, coverage: Coverage, stance: str) -> Coverage:
    """A reviewer confirms or corrects the suggested stance."""
    _require(actor, "corroboration.confirm_coverage", "You cannot confirm coverage.")
    if stance not in Stance.values:
        raise ValidationError({"stance": f"Choose one of: {', '.join(Stance.values)}."})
    coverage.stance = stance
    coverage.confirmed_by = actor
    coverage.confirmed_at = timezone.now()
    coverage.save(update_fields=["stance", "confirmed_by", "confirmed_at", "updated_at"])
    return coverage


@service
def credibility_accept(*, actor: User, claim: Claim, version: int | None = None) -> int:
    """An editor accepts the ledger's suggested information credibility for the claim's
    claimant attribution (kept in the history like any other change)."""
    _require(actor, "reviews.publish_claim", "Only an editor can accept a credibility grade.")
    suggested = ledger(claim).suggested_credibility
    claimant = claim.attributions.get(role=AttributionRole.CLAIMANT)
    attribution_update(actor=actor, attribution=claimant, version=version, credibility=suggested)
    return suggested


# --- Jobs -----------------------------------------------------------------------------------


def _job_lease() -> Lease:
    return Lease("lease_until", _lease())


def _lease() -> timedelta:
    return timedelta(seconds=settings.JOB_LEASE_SECONDS)


def _backoff(attempts: int) -> timedelta:
    # 10 s, 20 s, 40 s … (by default), at most 10 minutes, with jitter (core/retry.py).
    return timedelta(seconds=backoff(attempts, base=settings.JOB_RETRY_BASE_SECONDS, cap=600))


@service
def job_request(
    *, actor: Actor, kind: str, claim: Claim | None = None, params: dict[str, Any] | None = None
) -> tuple[Job, bool]:
    """Queue a job, or return the one already queued or running for the same claim:
    asking three times at once has one effect. The task is sent after commit."""
    if actor is not None:
        _require(actor, "corroboration.start_job", "You cannot start coverage jobs.")
    if kind not in JobKind.values:
        raise ValidationError({"kind": f"Unknown job kind “{kind}”."})
    if kind == JobKind.FIND_COVERAGE:
        existing = Job.objects.active().filter(kind=kind, claim=claim).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            job = Job.objects.create(kind=kind, claim=claim, params=params or {}, requested_by=actor)
    except IntegrityError:
        return Job.objects.active().get(kind=kind, claim=claim), False
    # If the broker is down the row stays queued and the sweeper sends it later.
    transaction.on_commit(lambda: job_enqueue(job.pk), robust=True)
    return job, True


def job_enqueue(job_id: int, *, countdown: float = 0) -> None:
    task_send("corroboration.run_job", job_id, countdown=countdown)


def job_claim(job_id: int) -> Job | None:
    """Take the job for this worker with a conditional UPDATE: a queued job that is due,
    or a running one whose lease ran out (its worker died). None: someone else has it,
    or it is finished."""
    now = timezone.now()
    due = Q(status=JobStatus.QUEUED, run_after__lte=now) | Q(status=JobStatus.RUNNING)
    taken = _job_lease().take(
        Job.objects.filter(due, pk=job_id, attempts__lt=F("max_attempts")),
        now=now,
        status=JobStatus.RUNNING,
        attempts=F("attempts") + 1,
        started_at=Coalesce("started_at", now),
    )
    if taken:
        return Job.objects.select_related("claim").get(pk=job_id)
    # A job whose workers kept dying runs out of attempts here, visibly.
    Job.objects.filter(due, _job_lease().free(now), pk=job_id, attempts__gte=F("max_attempts")).update(
        status=JobStatus.FAILED,
        finished_at=now,
        lease_until=None,
        error="The worker running this job stopped responding on every attempt.",
    )
    return None


def _mine(job: Job) -> Any:
    return Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts)


def job_progress(job: Job, *, progress: int, step: str, counts: dict[str, Any] | None = None) -> None:
    """Report progress and renew the lease; raises JobLost if another worker took over."""
    changes: dict[str, Any] = {"progress": max(0, min(progress, 99)), "step": step}
    if counts is not None:
        changes["counts"] = counts
        job.counts = counts
    if not _job_lease().renew(_mine(job), **changes):
        raise JobLost(job.pk)
    job.progress, job.step = changes["progress"], step


def job_finish(job: Job, *, counts: dict[str, Any]) -> bool:
    return bool(
        _mine(job).update(
            status=JobStatus.DONE,
            progress=100,
            step="Done",
            counts=counts,
            finished_at=timezone.now(),
            lease_until=None,
        )
    )


def job_fail(job: Job, *, error: str) -> timedelta | None:
    """Record a failed attempt: back to the queue after a delay while attempts remain
    (the delay is returned), else `failed` for good (None)."""
    now = timezone.now()
    if job.attempts < job.max_attempts:
        delay = _backoff(job.attempts)
        _mine(job).update(status=JobStatus.QUEUED, run_after=now + delay, lease_until=None, error=error)
        return delay
    _mine(job).update(status=JobStatus.FAILED, finished_at=now, lease_until=None, error=error)
    return None


# --- Existing fact-checks (Google Fact Check Tools) ------------------------------------------------


@service
def existing_fact_checks_store(
    *, claim: Claim, reviews: Iterable[FactCheckReview], query: str = "", actor: Actor = None
) -> int:
    """Keep fact-checks others published about `claim`, once per claim and URL; the
    number new. A review seen again is left as first stored."""
    rows: dict[str, ExistingFactCheck] = {}
    for review in reviews:
        try:
            url = canonical_url(review.url)
        except ValueError:
            continue
        rows.setdefault(
            url,
            ExistingFactCheck(
                claim=claim,
                url=url,
                title=clipped(review.title, 1000),
                publisher_name=clipped(review.publisher_name, 300),
                publisher_site=clipped(review.publisher_site, 253),
                textual_rating=clipped(review.textual_rating, 500),
                review_date=review.review_date,
                claim_text=clipped(review.claim_text, 5000),
                claimant=clipped(review.claimant, 500),
                claim_date=review.claim_date,
                language=clipped(review.language, 16),
                query=clipped(query, 500),
                raw_payload=json_safe(review.raw),
            ),
        )
    if not rows:
        return 0
    known = set(ExistingFactCheck.objects.filter(claim=claim, url__in=list(rows)).values_list("url", flat=True))
    ExistingFactCheck.objects.bulk_create(list(rows.values()), ignore_conflicts=True)
    return len(set(rows) - known)


def existing_fact_checks_find(*, claim: Claim, provider: FactCheckTools | None = None, limit: int = 20) -> int:
    """Ask Google Fact Check Tools about `claim` and keep what it knows; the number new.
    ProviderOff without an API key; FetchError/ProviderError when the call fails."""
    provider = provider or FactCheckTools()
    query = _query_from(claim.statement)
    reviews = provider.search(query, language=claim.language or None, limit=limit)
    return existing_fact_checks_store(claim=claim, reviews=reviews, query=query)


def _query_from(statement: str, max_length: int = 200) -> str:
    """A search query from a claim's statement: its first words, cut at a word."""
    text = " ".join(statement.split())
    if len(text) <= max_length:
        return text
    return text[:max_length].rsplit(" ", 1)[0]
