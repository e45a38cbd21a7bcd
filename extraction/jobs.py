"""The extraction job, step by step, on the coverage jobs' machinery (the row with its
lease, the `corroboration.run_job` task, retries with backoff, the sweeper): fetch the
page if a URL was given, read the story for claims, store the suggestions, and look for
claims already tracked that they match.

Each step can run again after a crash: the page is stored once under its canonical
URL, the suggestions once per extraction, and the match is written over."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError

from corroboration.models import Job
from corroboration.services import job_progress
from extraction.errors import ExtractionError
from extraction.extractor import extract
from extraction.models import Extraction
from extraction.services import (
    extraction_refuse,
    extraction_store,
    extraction_text_fetched,
    suggestion_mark_tracked,
)
from sources.fetch import FetchError
from sources.providers.pasted_url import store_url

# Renew the lease and move the bar this often while matching suggestions.
PROGRESS_EVERY = 10


def paragraphs_of(article_text: str) -> str:
    """The article extractor writes one paragraph per line; the claim extractor reads a
    single line break as wrapping, so paragraphs are set apart by a blank line."""
    return re.sub(r"[ \t]*\n\s*", "\n\n", article_text.strip())


def read_article(job: Job) -> dict[str, Any]:
    extraction = Extraction.objects.select_related("article").get(job=job)
    if extraction.read_at is None and not extraction.problem:
        if extraction.url and not extraction.text:
            refused = _fetch(job, extraction)
            if refused is not None:
                return refused
        job_progress(job, progress=40, step="Reading the story for claims")
        try:
            result = extract(extraction.text)
        except ExtractionError as exc:
            extraction_refuse(extraction=extraction, code=exc.code, message=exc.message)
            return {"claims": 0, "refused": exc.code}
        extraction_store(extraction=extraction, result=result)
    if extraction.problem:
        return {"claims": 0, "refused": extraction.problem_code}
    pending = list(extraction.suggestions.pending().order_by("position"))
    tracked = 0
    for done, suggestion in enumerate(pending):
        if done % PROGRESS_EVERY == 0:
            job_progress(
                job,
                progress=60 + int(35 * done / max(len(pending), 1)),
                step=f"Looking for claims already tracked ({done} of {len(pending)})",
            )
        suggestion.extraction = extraction  # its text is read once, not once per suggestion
        tracked += int(suggestion_mark_tracked(suggestion=suggestion))
    return {
        "claims": extraction.suggestions.count(),
        "relations": len(extraction.relations),
        "skipped": len(extraction.skipped),
        "already_tracked": tracked,
    }


def _fetch(job: Job, extraction: Extraction) -> dict[str, Any] | None:
    """Fetch and store the page; a refusal that fetching again would not change is
    recorded on the extraction (the counts to finish with are returned), a passing
    failure raised for the job to be tried again later."""
    job_progress(job, progress=5, step="Fetching the page")
    try:
        article, _ = store_url(extraction.url, actor=job.requested_by)
    except FetchError as exc:
        if exc.transient:
            raise
        message = f"The page could not be fetched: {exc.message}"
        extraction_refuse(extraction=extraction, code=exc.code, message=message)
        return {"claims": 0, "refused": exc.code}
    except (ValueError, ValidationError) as exc:
        extraction_refuse(extraction=extraction, code="not_stored", message=f"The page cannot be kept: {exc}")
        return {"claims": 0, "refused": "not_stored"}
    if not article.text.strip():
        extraction_refuse(
            extraction=extraction,
            code="no_text",
            message="The page has no article text that could be read: paste the story's text instead.",
        )
        return {"claims": 0, "refused": "no_text"}
    extraction_text_fetched(extraction=extraction, article=article, text=paragraphs_of(article.text))
    return None
