"""New claims from an article in a real browser: a reviewer pastes the demo's AP story,
watches the progress bar until a real worker has read it, finds the suggestions marked in
the story (the intelligence claim said to be tracked already), opens one, accepts it as
pre-filled and lands on the new claim's page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from claims.models import Claim
from corroboration.services import job_enqueue
from extraction.models import Extraction
from tests.e2e.conftest import log_in
from tests.extraction.conftest import SAMPLE
from tests.worker import running_worker

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

POLETAEV = "has always been complex and challenging"


def test_a_reviewer_turns_a_pasted_story_into_a_tracked_claim(
    page: Page, live_server: Any, demo: Any, shot: Any, console_errors: list[str]
):
    log_in(page, live_server.url, "reviewer")
    page.get_by_role("link", name="New claims from an article").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New claims from an article")
    page.get_by_label("Paste the story").fill(SAMPLE.read_text(encoding="utf-8"))
    shot("pasted")
    page.get_by_role("button", name="Read the story").click()

    # No worker yet: the job waits, and the page says so with its progress bar.
    expect(page.get_by_text("Waiting for a worker")).to_be_visible()
    expect(page.locator("progress")).to_be_visible()
    shot("progress-bar")
    extraction = Extraction.objects.get()
    assert extraction.job_id is not None
    with running_worker():
        # A worker started afresh clears the queue; the sweeper would send the job again.
        job_enqueue(extraction.job_id)
        story = page.locator(".story-text")
        expect(story).to_be_visible(timeout=90_000)
    expect(page.get_by_text("16 suggested claims, 16 waiting for a decision")).to_be_visible()
    intelligence = page.locator(".suggestion", has_text="Russia has provided Iran with information")
    expect(intelligence).to_contain_text("Already tracked? It reads like claim #")
    shot("story-with-suggestions")

    # The words of Poletaev's claim are marked in the story and lead to its form.
    story.locator("mark", has_text=POLETAEV).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Suggestion")
    expect(page.locator("mark.hl--current").first).to_be_visible()
    expect(page.get_by_label("Statement")).to_have_value(
        "Russia’s relationship with Iran, despite the latter’s staunch opposition to the U.S., "
        "has always been complex and challenging."
    )
    shot("suggestion-form")
    page.get_by_role("button", name="Accept: record the claim").click()

    claim = Claim.objects.get(quote__contains=POLETAEV)
    expect(page).to_have_url(f"{live_server.url}/claims/{claim.pk}/")
    expect(page.locator(".message")).to_contain_text(f"Claim #{claim.pk} recorded from the story")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Russia’s relationship with Iran")
    expect(page.locator(".attribution").first).to_contain_text("Sergei Poletaev")
    shot("claim-page")
    assert claim.attributions.get().source.name == "Sergei Poletaev", "the source already in the catalogue"
    assert not [e for e in console_errors if "Content Security Policy" in e]
