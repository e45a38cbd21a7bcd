"""The claim page's lines in a real browser: on the demo's intelligence claim, another
fact-checker's review of it ("Possibly already checked by …"), which a reviewer
confirms ("Already checked by …: rated …, date"), and beside its anonymous officials the
track records of that source and of that descriptor at the outlet, down to the claims
behind them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from claims.models import Claim
from corroboration.services import prior_checks_import
from demo.story import INTELLIGENCE_CLAIM_START
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DEMO_FEED = Path(__file__).resolve().parents[2] / "demo" / "data" / "claimreviews.json"


def test_a_reviewer_reads_who_checked_the_claim_and_how_its_sources_held_up(
    page: Page, live_server: Any, demo: Any, shot: Any, console_errors: list[str]
):
    prior_checks_import(actor=None, body=DEMO_FEED.read_bytes(), name="demo feed")
    claim = Claim.objects.get(statement__startswith=INTELLIGENCE_CLAIM_START)
    log_in(page, live_server.url, "reviewer")
    # Researching and assigned to this reviewer: flagged in their queue (the "Checked
    # elsewhere" queue itself holds submitted claims, waiting for triage).
    mine = page.locator("section", has=page.locator("#queue-mine"))
    expect(mine.locator("li", has_text="#" + str(claim.pk)).locator(".badge--checked")).to_have_text(
        "Checked elsewhere"
    )
    shot("dashboard-checked-elsewhere")

    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    prior = page.locator("#prior-checks")
    expect(prior).to_contain_text("Possibly already checked by Northfield Verify: rated “Unproven”")
    expect(prior).to_contain_text("9 Mar 2026.")
    shot("claim-prior-check-suggested")
    prior.get_by_role("button", name="Confirm: about this claim").click()
    expect(page.locator("#prior-checks")).to_contain_text("Already checked by Northfield Verify: rated “Unproven”")
    expect(page.locator("#prior-checks")).to_contain_text("Confirmed as about this claim by Riley Reviewer")
    shot("claim-prior-check-confirmed")

    officials = page.locator("article.attribution--anon")
    lines = officials.locator(".record-lines")
    expect(lines).to_contain_text("Source's record: 6 published verdicts · 40% true or mostly true")
    expect(lines).to_contain_text(
        "“two officials familiar with U.S. intelligence” at The Associated Press: 6 published verdicts · "
        "40% true or mostly true · 40% false or mostly false · Feb 2025 – Dec 2025"
    )
    expect(page.locator(".record-lines--outlet")).to_contain_text(
        "The Associated Press's record: 10 published verdicts · 50% true or mostly true"
    )
    shot("claim-track-records")

    lines.locator("li", has_text="at The Associated Press").get_by_role("link", name="Full record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("“two officials familiar with U.S. intelligence”")
    expect(page.locator("table.record-claims tbody tr")).to_have_count(6)
    expect(page.locator("main")).to_contain_text("“officials familiar with US intelligence” — 1 claim")
    shot("descriptor-record")
    page.locator('a[href="?side=false#claims"]').click()  # the claims behind "false or mostly false"
    expect(page.locator("table.record-claims tbody tr")).to_have_count(2)
    shot("descriptor-record-false")
    assert console_errors == []
