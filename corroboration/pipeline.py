"""What a job does, step by step, reporting progress as it goes.

find_coverage (one claim): ask the search providers for candidate articles, fetch and
store the new ones, group syndicated copies, match stored articles to the claim and
place each as origin, copy, echo or independent report.

A pasted page (job kind "fetch_url"): fetch, store, group and match it to the claim.

match_articles (new articles, however they were stored): group them, then match them
to every claim that is not rejected, published ones included; they count as matched
only when that finished.

import_claimreviews (an editor's upload or address): read the ClaimReviews, keep them
as prior checks, and match them to our claims. A file that does not parse ends the job
`failed` at once (JobRefused): trying again would read the same bytes.

Apps on a higher floor run their own kinds of job on this machinery (the row, the
lease, the task, the retries, the sweeper) by registering a step for their kind when
they load (`register`); this module never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from claims.models import Claim, Status
from corroboration.gathering import gather_for_claim
from corroboration.models import Job, JobKind
from corroboration.services import (
    JobRefused,
    articles_mark_matched,
    coverage_match,
    ensure_grouped,
    job_progress,
    prior_checks_import,
)
from sources.claimreviews import ClaimReviewUnreadable
from sources.fetch import FetchError
from sources.models import Article
from sources.providers.pasted_url import store_url

# Claims new coverage is matched to: every one not rejected. A published verdict keeps
# its coverage honest: what arrives later is flagged to editors (new_since_publication).
MATCHABLE = (Status.SUBMITTED, Status.RESEARCHING, Status.IN_REVIEW, Status.PUBLISHED)


Step = Callable[[Job], dict[str, Any]]
_REGISTERED: dict[str, Step] = {}


def register(kind: str, step: Step) -> None:
    """Run `step` for jobs of `kind` (an app's AppConfig.ready() calls this)."""
    if kind not in JobKind.values:
        raise ValueError(f"Unknown job kind {kind!r}")
    _REGISTERED[kind] = step


def run(job: Job) -> dict[str, Any]:
    if job.kind == JobKind.FIND_COVERAGE:
        return find_coverage(job)
    if job.kind == JobKind.FETCH_URL:
        return fetch_pasted_url(job)
    if job.kind == JobKind.MATCH_ARTICLES:
        return match_articles(job)
    if job.kind == JobKind.IMPORT_CLAIMREVIEWS:
        return import_claimreviews(job)
    if job.kind in _REGISTERED:
        return _REGISTERED[job.kind](job)
    raise ValueError(f"Unknown job kind {job.kind!r}")


def find_coverage(job: Job) -> dict[str, Any]:
    claim = job.claim

    def report(done: int, total: int, step: str) -> None:
        job_progress(job, progress=5 + int(70 * done / max(total, 1)), step=step)

    job_progress(job, progress=5, step="Asking the search providers")
    counts = gather_for_claim(claim, progress=report)
    job_progress(job, progress=80, step="Matching stored articles to the claim", counts=counts)
    counts.update(coverage_match(claim))
    return counts


def fetch_pasted_url(job: Job) -> dict[str, Any]:
    url = job.params["url"]
    job_progress(job, progress=10, step="Fetching the page")
    article, created = store_url(url, actor=job.requested_by)
    job_progress(job, progress=70, step="Matching it to the claim")
    counts = coverage_match(job.claim, among=[article.pk])
    return {"url": url, "article": article.pk, "new_article": created, **counts}


def match_articles(job: Job) -> dict[str, Any]:
    ids = [int(i) for i in job.params.get("article_ids", [])]
    articles = list(Article.objects.filter(pk__in=ids).exclude(text=""))
    job_progress(job, progress=10, step=f"Grouping {len(articles)} new articles")
    ensure_grouped(articles)
    claims = list(Claim.objects.filter(status__in=MATCHABLE).order_by("pk"))
    counts: dict[str, Any] = {"articles": len(articles), "claims": len(claims), "related": 0, "new": 0}
    for n, claim in enumerate(claims, start=1):
        result = coverage_match(claim, among=ids)
        counts["related"] += result["related"]
        counts["new"] += result["new"]
        job_progress(job, progress=10 + int(85 * n / max(len(claims), 1)), step=f"Matched {n} of {len(claims)} claims")
    # Only now do the articles count as matched: a job that dies half-way leaves them due.
    articles_mark_matched(a.pk for a in articles)
    return counts


def import_claimreviews(job: Job) -> dict[str, Any]:
    url = job.params.get("url") or ""
    text = job.params.get("text")
    job_progress(job, progress=10, step="Fetching the ClaimReview feed" if url else "Reading the ClaimReview file")
    try:
        summary = prior_checks_import(
            actor=job.requested_by,
            url=url,
            body=text.encode() if isinstance(text, str) else None,
            name=job.params.get("name") or "",
        )
    except ClaimReviewUnreadable as exc:
        raise JobRefused(str(exc)) from None
    except FetchError as exc:
        if exc.transient:
            raise  # a time-out or a 503: worth another attempt
        raise JobRefused(str(exc)) from None
    return summary.as_dict()
