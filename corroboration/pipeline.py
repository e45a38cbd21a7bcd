"""What a job does, step by step, reporting progress as it goes.

find_coverage (one claim): ask the search providers for candidate articles, fetch and
store the new ones, group syndicated copies, match stored articles to the claim and
place each as origin, copy, echo or independent report.

A pasted page (job kind "fetch_url"): fetch, store, group and match it to the claim.

match_articles (new articles, however they were stored): group them, then match each
to the claims that are not rejected (published ones included) found through the claims'
index by its distinguishing terms, in chunks with a checkpoint per article
(`coverage_match_article`): a retry resumes where the last attempt stopped, and an
article counts as matched only when its matching finished.

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

from claims.models import Claim
from corroboration.candidates import CHUNK
from corroboration.gathering import gather_for_claim
from corroboration.models import Job, JobKind
from corroboration.services import (
    MATCHABLE,
    JobRefused,
    MatchingContext,
    coverage_match,
    coverage_match_article,
    ensure_grouped,
    job_progress,
    prior_checks_import,
)
from sources.claimreviews import ClaimReviewUnreadable
from sources.fetch import FetchError
from sources.models import Article
from sources.providers.pasted_url import store_url

__all__ = ["MATCHABLE", "register", "run"]

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


def _claim_of(job: Job) -> Claim:
    """The claim a claim's job works for; without one, trying again would not help."""
    if job.claim is None:
        raise JobRefused(f"A {job.get_kind_display()} job needs a claim.")
    return job.claim


def find_coverage(job: Job) -> dict[str, Any]:
    claim = _claim_of(job)

    def report(done: int, total: int, step: str) -> None:
        job_progress(job, progress=5 + int(70 * done / max(total, 1)), step=step)

    job_progress(job, progress=5, step="Asking the search providers")
    counts = gather_for_claim(claim, progress=report)
    job_progress(job, progress=80, step="Matching stored articles to the claim", counts=counts)
    counts.update(coverage_match(claim))
    return counts


def fetch_pasted_url(job: Job) -> dict[str, Any]:
    claim = _claim_of(job)
    url = job.params["url"]
    job_progress(job, progress=10, step="Fetching the page")
    try:
        article, created = store_url(url, actor=job.requested_by)
    except FetchError as exc:
        if exc.transient:
            raise  # a time-out or a 503: worth another attempt
        # A blocked address, a refused scheme, a 404: the same next time. Failed for
        # good, with the reason, instead of asking again.
        raise JobRefused(f"{exc.message} [{exc.code}]") from None
    job_progress(job, progress=70, step="Matching it to the claim")
    counts = coverage_match(claim, among=[article.pk])
    return {"url": url, "article": article.pk, "new_article": created, **counts}


def match_articles(job: Job, *, chunk: int = CHUNK, after_chunk: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Group the job's articles, then match each to the open claims. Progress is kept
    per article (`ArticleMatching`), so a retry skips the articles already matched and
    carries on inside the one it was matching; `after_chunk` runs after each `chunk`
    of candidate claims, after the job's own progress report. The alias table and the
    outlets are read once for the job, and the claims' profiles kept between its
    articles (`MatchingContext`)."""
    ids = sorted(int(i) for i in job.params.get("article_ids", []))
    articles = Article.objects.filter(pk__in=ids).exclude(text="").order_by("pk")
    total = articles.count()
    job_progress(job, progress=5, step=f"Grouping {total} new articles")
    ensure_grouped(articles.filter(syndication__isnull=True).select_related("outlet").iterator(chunk_size=100))
    context = MatchingContext.read()
    counts: dict[str, Any] = {"articles": total, "candidates": 0, "related": 0, "new": 0}
    for n, pk in enumerate(articles.values_list("pk", flat=True), start=1):
        article = Article.objects.select_related("outlet", "syndication", "matching").get(pk=pk)

        def chunk_done(last_claim: int, n: int = n) -> None:
            job_progress(job, progress=10 + int(85 * (n - 1) / max(total, 1)), step=f"Matching article {n} of {total}")
            if after_chunk is not None:
                after_chunk(last_claim)

        result = coverage_match_article(article, chunk=chunk, after_chunk=chunk_done, context=context)
        for key in ("candidates", "related", "new"):
            counts[key] += result[key]
        job_progress(job, progress=10 + int(85 * n / max(total, 1)), step=f"Matched {n} of {total} articles")
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
