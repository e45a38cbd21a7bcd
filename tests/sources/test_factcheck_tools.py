"""Google Fact Check Tools claims:search: off without a key, missing dates, pages,
and fact-checks kept as others' verdicts (never as coverage)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from corroboration.models import PriorCheck, PriorCheckMatch
from corroboration.services import prior_checks_search
from sources.fetch import FetchError
from sources.models import Article
from sources.providers import registry
from sources.providers.base import ProviderOff, RetryPolicy
from sources.providers.factcheck_tools import FactCheckTools
from tests.factories import make_claim
from tests.sources.conftest import LocalServer, static
from tests.sources.shapes import FACTCHECK_PAGE_1, FACTCHECK_PAGE_2, json_route, query_of, sequence

PATH = "/v1alpha1/claims:search"
KEY = "AIzaTEST-key-0123456789"
FAST = RetryPolicy(attempts=3, base=0.01, cap=0.05)


@pytest.fixture
def tools(allow_loopback: None, server: LocalServer, settings) -> FactCheckTools:
    settings.FACTCHECK_TOOLS_BASE_URL = server.url("/v1alpha1")
    settings.FACTCHECK_TOOLS_API_KEY = KEY
    settings.FACTCHECK_TOOLS_MIN_INTERVAL = 0
    return FactCheckTools(retry=FAST)


def test_without_a_key_the_provider_is_off_and_says_what_it_needs(settings, server: LocalServer):
    settings.FACTCHECK_TOOLS_API_KEY = ""
    settings.FACTCHECK_TOOLS_BASE_URL = server.url("/v1alpha1")
    (info,) = [p for p in registry() if p.name == "factcheck_tools"]
    assert not info.enabled
    assert info.reason == "needs FACTCHECK_TOOLS_API_KEY"
    with pytest.raises(ProviderOff, match="needs FACTCHECK_TOOLS_API_KEY"):
        FactCheckTools().search("anything")
    assert server.hits == []


def test_reviews_are_read_across_pages_with_missing_dates_left_unknown(tools: FactCheckTools, server: LocalServer):
    server.route(PATH, sequence(json_route(FACTCHECK_PAGE_1), json_route(FACTCHECK_PAGE_2)))
    reviews = tools.search("Russia Iran warships", language="en", max_age_days=30, limit=10)
    assert [r.textual_rating for r in reviews] == ["Unproven", "Pants on Fire", "False", "Misleading"]
    first, second, third, fourth = reviews
    assert first.title == "Fact check: Did Russia give Iran targeting data?"
    assert first.review_date == datetime(2026, 3, 9, 10, tzinfo=UTC)
    assert first.claim_date == datetime(2026, 3, 7, tzinfo=UTC)
    assert (first.claimant, first.publisher_name, first.publisher_site) == (
        "Social media",
        "Lakeside Gazette Fact Check",
        "lakesidegazette.org",
    )
    assert second.review_date is None  # not given
    assert second.language == "en"  # "en-US"
    assert third.review_date is None  # "sometime last week"
    assert third.claim_date is None
    assert third.claimant == ""
    assert third.publisher_name == ""
    assert fourth.review_date == datetime(2026, 3, 10, tzinfo=UTC)
    assert first.raw["claimReview"] == [FACTCHECK_PAGE_1["claims"][0]["claimReview"][0]]
    page_one, page_two = (query_of(hit.path) for hit in server.hits)
    assert page_one["key"] == KEY
    assert (page_one["query"], page_one["languageCode"], page_one["maxAgeDays"]) == ("Russia Iran warships", "en", "30")
    assert "pageToken" not in page_one
    assert page_two["pageToken"] == "CAo"


def test_an_empty_answer_is_no_reviews(tools: FactCheckTools, server: LocalServer):
    server.route(PATH, json_route({}))
    assert tools.search("nothing") == []


def test_the_key_never_appears_in_an_error(tools: FactCheckTools, server: LocalServer):
    server.route(
        PATH, static(403, b'{"error": {"message": "API key not valid"}}', {"Content-Type": "application/json"})
    )
    with pytest.raises(FetchError) as failed:
        tools.search("russia")
    assert KEY not in failed.value.message
    assert KEY not in failed.value.url
    assert KEY not in str(failed.value)
    assert "REDACTED" in failed.value.message
    assert len(server.hits) == 1  # a 403 is not retried


def test_a_server_error_is_retried_then_succeeds(tools: FactCheckTools, server: LocalServer):
    server.route(PATH, sequence(static(503, b"busy"), json_route(FACTCHECK_PAGE_2)))
    assert len(tools.search("satellite")) == 1
    assert len(server.hits) == 2


@pytest.mark.django_db
def test_fact_checks_found_for_a_claim_are_kept_as_prior_checks_once_and_never_as_coverage(
    tools: FactCheckTools, server: LocalServer
):
    claim = make_claim(
        statement="Russia has provided Iran with information that could help Tehran strike U.S. warships."
    )
    server.route(PATH, json_route(FACTCHECK_PAGE_2 | {"claims": FACTCHECK_PAGE_1["claims"]}))
    assert prior_checks_search(claim=claim, provider=tools) == 3
    assert prior_checks_search(claim=claim, provider=tools) == 0  # seen again: nothing new
    checks = PriorCheck.objects.filter(matches__claim=claim).order_by("publisher_site")
    assert [c.publisher_site for c in checks] == ["dailyroundup.net", "federalnewsagency.ru", "lakesidegazette.org"]
    lakeside = checks.get(publisher_site="lakesidegazette.org")
    assert lakeside.url == "https://lakesidegazette.org/fact-check/russia-iran-ships"  # canonical
    assert (lakeside.rating_text, lakeside.found_by) == ("Unproven", "factcheck_tools")
    assert lakeside.found_in.startswith("search: Russia has provided Iran")
    assert lakeside.raw_payload is not None
    assert lakeside.raw_payload["claimReview"][0]["textualRating"] == "Unproven"
    assert checks.get(publisher_site="dailyroundup.net").review_date is None
    # The search was for this claim: every review it found is a suggestion to confirm,
    # scored by our own matching whatever the score, with the reason.
    matches = PriorCheckMatch.objects.filter(claim=claim)
    assert {m.found_by for m in matches} == {"search"}
    assert {m.state for m in matches} == {"suggested"}
    assert all(m.score is not None for m in matches)
    assert all(m.reason.startswith("Found by a Google Fact Check Tools search") for m in matches)
    assert Article.objects.count() == 0
    assert claim.coverage.count() == 0


@pytest.mark.django_db
def test_the_claim_admin_shows_them_as_other_organisations_verdicts(tools, server, client, editor):
    claim = make_claim(statement="Russia gave Iran targeting data.")
    server.route(PATH, json_route(FACTCHECK_PAGE_1))
    prior_checks_search(claim=claim, provider=tools)
    client.force_login(editor)
    page = client.get(f"/admin/claims/claim/{claim.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Prior checks by other organisations (their verdicts, not coverage)" in html
    assert "Pants on Fire" in html
    listing = client.get("/admin/corroboration/priorcheck/")
    assert listing.status_code == 200
    assert "date not given" in listing.content.decode()
