"""GDELT DOC 2.0 artlist against a local server serving its recorded shapes: the
success path, each quirk, retries for transient failures only, and its shared pace."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest

from sources.fetch import FetchError
from sources.models import Article, ArticleProvider
from sources.providers import registry
from sources.providers.base import ProviderError, RetryPolicy
from sources.providers.gdelt import Gdelt
from sources.services import article_store_candidate
from tests.sources.conftest import LocalServer, Turns, static
from tests.sources.shapes import (
    GDELT_ARTLIST,
    GDELT_QUERY_ERROR,
    GDELT_THROTTLED,
    json_route,
    query_of,
    sequence,
    text_route,
)

PATH = "/api/v2/doc/doc"
FAST = RetryPolicy(attempts=3, base=0.01, cap=0.05)


@pytest.fixture
def gdelt(allow_loopback: None, server: LocalServer, settings) -> Gdelt:
    settings.GDELT_BASE_URL = server.url(PATH)
    settings.GDELT_MIN_INTERVAL = 0
    return Gdelt(retry=FAST)


def test_articles_come_back_as_candidates(gdelt: Gdelt, server: LocalServer):
    server.route(PATH, json_route(GDELT_ARTLIST))
    first, second = gdelt.search('"Russia" "Iran" warships', since=datetime(2026, 3, 6, tzinfo=UTC), limit=50)
    assert first.provider == ArticleProvider.GDELT
    assert first.url == "https://www.meridianpost.com/world/russia-iran-intel?utm_source=gdelt"
    assert first.title == "Russia gave Iran targeting help, officials say"
    assert first.published_at == datetime(2026, 3, 8, 19, 15, tzinfo=UTC)  # seendate
    assert (first.language, first.outlet_domain) == ("en", "meridianpost.com")
    assert first.raw["sourcecountry"] == "United States"
    assert second.title == 'Kremlin: "no such requests" from Tehran'  # entities and markup gone
    assert second.published_at is None  # a seendate it could not read
    assert second.language == "es"
    # The item without a url is dropped; the request is the documented one.
    (hit,) = server.hits
    params = query_of(hit.path)
    assert params == {
        "query": '"Russia" "Iran" warships',
        "mode": "artlist",
        "format": "json",
        "maxrecords": "50",
        "sort": "datedesc",
        "startdatetime": "20260306000000",
        "enddatetime": params["enddatetime"],
    }
    assert hit.headers["user-agent"].startswith("Corroborate/")
    assert "robots.txt" not in server.paths()[0]


def test_an_empty_object_is_no_results(gdelt: Gdelt, server: LocalServer):
    server.route(PATH, json_route({}))
    assert gdelt.search("nothing matches this") == []


def test_a_date_bounds_the_search_from_its_midnight(gdelt: Gdelt, server: LocalServer):
    server.route(PATH, json_route({}))
    gdelt.search("x", since=date(2026, 2, 6), until=date(2026, 3, 8))
    params = query_of(server.hits[0].path)
    assert (params["startdatetime"], params["enddatetime"]) == ("20260206000000", "20260308000000")


def test_a_timespan_is_passed_through(gdelt: Gdelt, server: LocalServer):
    server.route(PATH, json_route({}))
    gdelt.search("x", timespan="24h", limit=999)
    params = query_of(server.hits[0].path)
    assert (params["timespan"], params["maxrecords"]) == ("24h", "250")


def test_a_plain_text_throttle_message_with_http_200_is_retried(gdelt: Gdelt, server: LocalServer):
    server.route(PATH, sequence(text_route(GDELT_THROTTLED), json_route(GDELT_ARTLIST)))
    assert len(gdelt.search("russia iran")) == 2
    assert len(server.hits) == 2


def test_a_throttle_that_does_not_stop_ends_in_a_transient_error(gdelt: Gdelt, server: LocalServer):
    server.route(PATH, text_route(GDELT_THROTTLED, content_type="text/html"))
    with pytest.raises(ProviderError) as failed:
        gdelt.search("russia iran")
    assert failed.value.code == "throttled"
    assert failed.value.transient
    assert len(server.hits) == FAST.attempts


def test_a_plain_text_query_error_is_permanent_and_not_retried(gdelt: Gdelt, server: LocalServer):
    server.route(PATH, text_route(GDELT_QUERY_ERROR))
    with pytest.raises(ProviderError) as failed:
        gdelt.search("a")
    assert failed.value.code == "query_error"
    assert not failed.value.transient
    assert "too short" in failed.value.message
    assert len(server.hits) == 1


def test_a_429_is_retried_after_the_time_it_asks_for(allow_loopback: None, server: LocalServer, settings):
    settings.GDELT_BASE_URL = server.url(PATH)
    settings.GDELT_MIN_INTERVAL = 0
    waits: list[float] = []
    gdelt = Gdelt(retry=RetryPolicy(attempts=3, base=0.01, cap=30), sleep=waits.append)
    server.route(PATH, sequence(static(429, b"Too Many Requests", {"Retry-After": "7"}), json_route(GDELT_ARTLIST)))
    assert len(gdelt.search("russia")) == 2
    assert waits == [7.0]


@pytest.mark.parametrize(("status", "attempts"), [(500, 3), (503, 3), (404, 1), (400, 1)])
def test_only_transient_http_failures_are_retried(status: int, attempts: int, gdelt: Gdelt, server: LocalServer):
    server.route(PATH, static(status, b"error"))
    with pytest.raises(FetchError) as failed:
        gdelt.search("russia")
    assert failed.value.transient is (attempts > 1)
    assert len(server.hits) == attempts


@pytest.mark.parametrize("body", [b"{not json", b'{"articles": {"url": "x"}}', b"[1, 2]", b"[" * 100_000])
def test_a_malformed_response_is_a_clear_permanent_error(body: bytes, gdelt: Gdelt, server: LocalServer):
    server.route(PATH, json_route(body))
    with pytest.raises(ProviderError) as failed:
        gdelt.search("russia")
    assert failed.value.code == "bad_response"
    assert not failed.value.transient


def test_a_disallowed_content_type_is_refused(gdelt: Gdelt, server: LocalServer):
    server.route(PATH, static(200, b"\x89PNG", {"Content-Type": "image/png"}))
    with pytest.raises(FetchError) as failed:
        gdelt.search("russia")
    assert failed.value.code == "bad_content_type"


@pytest.mark.django_db
def test_candidates_are_stored_once_with_their_raw_item(gdelt: Gdelt, server: LocalServer):
    server.route(PATH, json_route(GDELT_ARTLIST))
    candidates = gdelt.search("russia")
    for candidate in candidates + candidates:
        article_store_candidate(candidate)
    assert Article.objects.count() == 2
    article = Article.objects.get(canonical_url="https://www.meridianpost.com/world/russia-iran-intel")
    assert article.provider == ArticleProvider.GDELT
    assert article.raw_payload is not None
    assert article.raw_payload["item"]["seendate"] == "20260308T191500Z"
    assert article.outlet is not None
    assert article.outlet.domains == ["meridianpost.com"]
    assert article.text == ""  # GDELT sends none: fetched later


def test_gdelt_needs_no_key_and_is_on():
    (info,) = [p for p in registry() if p.name == "gdelt"]
    assert info.enabled
    assert info.reason == ""


def test_requests_to_gdelt_are_spaced_across_threads(gdelt: Gdelt, server: LocalServer, settings, turns: Turns):
    """The pace is one clock in Redis: two workers (threads here) take turns. What is
    checked is the turns the clock handed out, not when a busy machine's server saw
    each request."""
    settings.GDELT_MIN_INTERVAL = 0.4
    server.route(PATH, json_route({}))

    def worker() -> None:
        for _ in range(3):
            Gdelt(retry=FAST).search("russia")

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(f"\nGDELT pace 0.4 s, 2 threads x 3 requests: turns {turns.gaps('provider:gdelt')} ms apart")
    assert len(server.hits) == 6
    assert len(turns.of("provider:gdelt")) == 6  # every request took a turn
    assert min(turns.gaps("provider:gdelt")) >= 400
