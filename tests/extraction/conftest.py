"""Extractions read in this process: the job is claimed and run as a worker would
(tests/extraction/test_jobs_worker.py runs it in a real worker)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from corroboration import pipeline
from corroboration.services import job_claim, job_finish
from extraction.models import Extraction, Suggestion
from extraction.services import extraction_request
from tests.sources import conftest as fetching
from tests.sources.conftest import LocalServer, html

# Every test here stays on loopback: fetches go to local servers, names resolve through a
# table the test fills in (the fetch tests' own guards and servers, as fixtures here too).
loopback_only = fetching.loopback_only
dns = fetching.dns
fetch_settings = fetching.fetch_settings
allow_loopback = fetching.allow_loopback
make_server = fetching.make_server
server = fetching.server

SAMPLE = Path(__file__).resolve().parents[2] / "evaluation" / "extraction" / "sample" / "ap-2026-03-08-russia-iran.txt"
INTELLIGENCE = "Russia has provided Iran with information that could help Tehran strike American warships"
# A news page: the demo corpus's wire story about the same events.
WIRE_PAGE = Path(__file__).resolve().parents[2] / "demo" / "corpus_pages" / "wire" / "russia-iran-intelligence.html"

# A short story with one anonymous claim and an on-the-record reply to it.
STORY = (
    "HARBOR CITY (AP) — Two officials familiar with the inquiry said the port authority had "
    "overpaid a dredging contractor by $4 million.\n\n"
    "The officials, who were not authorized to discuss the inquiry publicly, spoke on the "
    "condition of anonymity.\n\n"
    "Port director Alma Ruiz denied that the authority had overpaid anyone."
)


def run_job(extraction: Extraction) -> Extraction:
    """What a worker does with the extraction's job: claim it, run its step, finish it."""
    assert extraction.job_id is not None, "the extraction has no job"
    job = job_claim(extraction.job_id)
    assert job is not None, "the job could not be claimed"
    job_finish(job, counts=pipeline.run(job))
    return Extraction.objects.select_related("job", "article").get(pk=extraction.pk)


def read(actor: Any, text: str = STORY, **kwargs: Any) -> Extraction:
    return run_job(extraction_request(actor=actor, text=text, **kwargs))


def suggestion(extraction: Extraction, words: str) -> Suggestion:
    (found,) = [s for s in extraction.suggestions.all() if words in s.data["quote"]]
    return found


@pytest.fixture
def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


@pytest.fixture
def story(reviewer: Any) -> Extraction:
    return read(reviewer)


@pytest.fixture
def story_page(allow_loopback: None, server: LocalServer) -> str:
    """The address of a news page served on loopback (fetching loopback allowed)."""
    server.route("/world/russia-iran.html", html(WIRE_PAGE.read_bytes()))
    return server.url("/world/russia-iran.html")
