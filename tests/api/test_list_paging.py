"""The claim list and the ClaimReview feed page through many claims at a cost that does
not grow with the page or the table: the same queries for 10 items as for 100, and a
count that is exact for a small list and an estimate (said so) for a large one."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.fill import fill_claims
from claims.models import Claim

pytestmark = pytest.mark.django_db


def queries_for(caller, url: str, page_size: int) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as context:
        response = caller.get(url, page_size=page_size)
    assert response.status_code == 200, response.content
    body = response.json()
    return len(context.captured_queries), len(body.get("results", body.get("dataFeedElement", [])))


@pytest.mark.parametrize("url", ["/api/v1/claims/", "/api/v1/claimreviews/"])
def test_a_page_of_100_costs_the_same_queries_as_a_page_of_10(url, callers, settings):
    settings.API_EXACT_COUNT_LIMIT = 50  # the estimate's path too
    fill_claims(260, seed=1)
    caller = callers["read_token_editor"]
    caller.get(url)  # the token's first use is recorded once
    ten, shown_ten = queries_for(caller, url, 10)
    hundred, shown_hundred = queries_for(caller, url, 100)
    assert (shown_ten, shown_hundred) == (10, 100)
    assert ten == hundred, f"{url}: {ten} queries for 10 items, {hundred} for 100"


def test_a_small_list_is_counted_exactly(callers):
    filled = fill_claims(30, seed=2)
    body = callers["read_token_editor"].get("/api/v1/claims/", page_size=10).json()
    assert (body["count"], body["count_is_estimate"]) == (filled.claims, False)


def test_past_the_limit_the_count_is_an_estimate_and_every_claim_is_still_reached(callers, settings):
    settings.API_EXACT_COUNT_LIMIT = 20
    fill_claims(65, seed=3)
    caller = callers["read_token_editor"]
    seen: list[int] = []
    url: str | None = "/api/v1/claims/?page_size=10"
    pages = 0
    while url:
        response = caller.client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["count_is_estimate"] is True
        assert body["count"] > 20  # at least what was counted before giving up
        seen += [item["id"] for item in body["results"]]
        url = body["next"] and urlsplit(body["next"])._replace(scheme="", netloc="").geturl()
        pages += 1
    assert pages == 7
    # Every claim once, in the list's order (most recently updated first, ties by id).
    assert seen == list(Claim.objects.order_by("-updated_at", "-pk").values_list("pk", flat=True))


def test_a_page_past_the_last_answers_404_when_the_count_is_an_estimate(callers, settings):
    settings.API_EXACT_COUNT_LIMIT = 20
    fill_claims(65, seed=4)
    caller = callers["read_token_editor"]
    assert caller.get("/api/v1/claims/", page_size=10, page=7).status_code == 200
    response = caller.get("/api/v1/claims/", page_size=10, page=8)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_schema_documents_the_estimate_flag(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    listing = schema["components"]["schemas"]["PaginatedClaimList"]
    assert "count_is_estimate" in listing["required"]
    assert "estimate" in listing["properties"]["count_is_estimate"]["description"]
