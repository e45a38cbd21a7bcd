"""The API benchmark, at a small scale in the default suite: each minimal view answers
exactly what the product answers (so the bound is a bound for the same work), and the
run prints the suite's BENCH lines. No timing is asserted."""

from __future__ import annotations

import re

import pytest

from bench import api as bench_api
from bench.fill import fill_claims

pytestmark = pytest.mark.django_db

BENCH = re.compile(
    r"BENCH name=(?P<name>[a-z_]+) scale=(?P<scale>\d+) median_ms=[0-9.]+ p95_ms=[0-9.]+ bound_ms=[0-9.]+ "
    r"ratio=[0-9.]+ target=2 ok=(yes|no)"
)


@pytest.fixture
def api(roles, settings):
    settings.ROOT_URLCONF = "bench.api_urls"
    settings.API_THROTTLE_USER = "1000000/minute"
    fill_claims(140, seed=7)
    return bench_api.Api()


@pytest.mark.parametrize(
    "query",
    ["?page_size=100", "?page_size=30&page=2", "?page_size=100&q=tanker", "?page_size=20&q=%22grain+convoy%22"],
)
@pytest.mark.parametrize("exact_up_to", [10_000, 25])
def test_the_minimal_list_answers_what_the_api_answers(api, settings, query, exact_up_to):
    settings.API_EXACT_COUNT_LIMIT = exact_up_to
    product = api.json(f"/api/v1/claims/{query}")
    assert product["results"], "the query must find claims for the comparison to mean something"
    assert api.json(f"/bench/claims/{query}") == product


def test_the_minimal_detail_answers_what_the_api_answers(api):
    from claims.models import Claim

    for pk in Claim.objects.order_by("pk").values_list("pk", flat=True)[::10]:
        assert api.json(f"/bench/claims/{pk}/") == api.json(f"/api/v1/claims/{pk}/")


@pytest.mark.parametrize("query", ["?page_size=100", "?page_size=10&page=3"])
@pytest.mark.parametrize("exact_up_to", [10_000, 25])
def test_the_minimal_feed_answers_what_the_api_answers(api, settings, query, exact_up_to):
    settings.API_EXACT_COUNT_LIMIT = exact_up_to
    product = api.get(f"/api/v1/claimreviews/{query}")
    bound = api.get(f"/bench/claimreviews/{query}")
    assert product.json()["dataFeedElement"]
    assert bound.json() == product.json()
    assert bound["Link"] == product["Link"]


def test_the_benchmark_prints_a_bench_line_per_operation(api, capsys):
    rows = bench_api.measure(140, rounds=3, full=True)
    assert bench_api.report(rows, scale_label="claims") in (0, 1)
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("BENCH ")]
    found = [BENCH.fullmatch(line) for line in lines]
    assert all(found), lines
    assert [(m["name"], m["scale"]) for m in found if m] == [
        ("claims_list", "140"),
        ("claimreview_feed", "140"),
        ("claim_detail", "140"),
        ("claims_search", "140"),
    ]
