"""Find coverage in a real browser: on the demo's intelligence claim a reviewer presses
"Find coverage now", watches the progress bar while a real worker searches a local
GDELT-shaped provider and fetches the demo corpus, and reads the ledger."""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from claims.models import Claim
from demo.management.commands.serve_demo_corpus import CorpusHandler, _pages
from demo.story import INTELLIGENCE_CLAIM_START, register_corpus
from tests.e2e.conftest import log_in
from tests.worker import running_worker

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def corpus_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), CorpusHandler)
    CorpusHandler.pages = _pages()
    CorpusHandler.base_url = f"http://127.0.0.1:{server.server_port}/"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_reviewer_finds_coverage_and_reads_the_ledger(
    page: Page, live_server: Any, demo: Any, corpus_server: Any, shot: Any, settings: Any
):
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    register_corpus(actor=None, base_url=CorpusHandler.base_url)
    claim = Claim.objects.get(statement__startswith=INTELLIGENCE_CLAIM_START)
    env = {
        "FETCH_ALLOWED_NETWORKS": "127.0.0.0/8",
        "GDELT_BASE_URL": f"{CorpusHandler.base_url}gdelt/api/v2/doc/doc",
        "GDELT_MIN_INTERVAL": "0",
        "FETCH_HOST_INTERVAL": "0",
        "FACTCHECK_TOOLS_API_KEY": "",
        "MEDIACLOUD_API_KEY": "",
    }
    with running_worker(extra_env=env):
        log_in(page, live_server.url, "reviewer")
        page.goto(f"{live_server.url}/claims/{claim.pk}/")
        coverage = page.locator("#coverage")
        expect(coverage).to_contain_text("No coverage found yet")
        shot("before-search")
        coverage.get_by_role("button", name="Find coverage now").click()
        expect(coverage.locator("progress")).to_be_visible()
        shot("progress-bar")
        expect(coverage.get_by_text("Syndicated copies — the same story republished")).to_be_visible(timeout=90_000)
    ledger = coverage.locator(".ledger")
    expect(ledger.locator(".ledger__item", has_text="Independent confirmations").locator("dd")).to_contain_text("2")
    expect(ledger.locator(".ledger__item", has_text="Echoes").locator("dd")).to_have_text("1")
    expect(ledger.locator(".ledger__item", has_text="Syndicated copies").locator("dd")).to_have_text("3")
    expect(ledger.locator(".ledger__item", has_text="Denials").locator("dd")).to_have_text("1")
    expect(coverage).to_contain_text("re-cites The Associated Press")
    expect(coverage).not_to_contain_text("Russia and Iran agree to expand oil and gas swaps")
    shot("ledger")

    first = coverage.locator(".coverage", has_text="The Meridian Post").first
    first.get_by_role("button", name="Supports").click()
    expect(coverage.locator(".coverage", has_text="The Meridian Post").first).to_contain_text("confirmed by")
    shot("stance-confirmed")
