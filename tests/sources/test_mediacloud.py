"""Media Cloud story-list: off without a key, the token header, pagination, text when
expanded, and its two-requests-a-minute pace (scaled down here) between pages."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from sources.fetch import FetchError
from sources.models import Article, ArticleProvider
from sources.providers import registry, search_providers
from sources.providers.base import ProviderOff, RetryPolicy
from sources.providers.mediacloud import MediaCloud
from sources.services import article_store_candidate
from tests.sources.conftest import LocalServer, Turns, static
from tests.sources.shapes import MEDIACLOUD_PAGE_1, MEDIACLOUD_PAGE_2, json_route, query_of, sequence

PATH = "/api/search/story-list"
KEY = "mc-token-0123456789abcdef"
FAST = RetryPolicy(attempts=3, base=0.01, cap=0.05)


@pytest.fixture
def mediacloud(allow_loopback: None, server: LocalServer, settings) -> MediaCloud:
    settings.MEDIACLOUD_BASE_URL = server.url("/api")
    settings.MEDIACLOUD_API_KEY = KEY
    settings.MEDIACLOUD_MIN_INTERVAL = 0
    return MediaCloud(retry=FAST)


def test_without_a_key_the_provider_is_off_and_not_offered_to_the_pipeline(settings, server: LocalServer):
    settings.MEDIACLOUD_API_KEY = ""
    (info,) = [p for p in registry() if p.name == "mediacloud"]
    assert (info.enabled, info.reason) == (False, "needs MEDIACLOUD_API_KEY")
    assert "mediacloud" not in [p.name for p in search_providers()]
    with pytest.raises(ProviderOff):
        MediaCloud().search("russia")
    assert server.hits == []


def test_stories_are_read_across_pages_with_the_token_header(mediacloud: MediaCloud, server: LocalServer):
    server.route(PATH, sequence(json_route(MEDIACLOUD_PAGE_1), json_route(MEDIACLOUD_PAGE_2)))
    stories = mediacloud.search(
        "russia AND iran",
        since=date(2026, 3, 1),
        until=date(2026, 3, 10),
        collections=[34412234],
        limit=10,
        expanded=True,
    )
    assert [s.title for s in stories] == [
        "Russia aiding Iran's targeting, U.S. officials say",
        "Moscow denies Iranian requests",
        "Analysis: what Russia's help to Iran means",
    ]
    first, second, third = stories
    assert first.provider == ArticleProvider.MEDIACLOUD
    assert (first.outlet_name, first.outlet_domain) == ("Harbor City Times", "harborcitytimes.net")
    assert first.published_at == datetime(2026, 3, 8, 20, 1, tzinfo=UTC)
    assert first.text.startswith("Russia has provided Iran")
    assert "text" not in first.raw  # stored as the text, not twice
    assert second.published_at is None
    assert second.language == "ru"
    assert third.published_at == datetime(2026, 3, 9, tzinfo=UTC)
    one, two = server.hits
    assert one.headers["authorization"] == f"Token {KEY}"
    params = query_of(one.path)
    assert params == {
        "q": "russia AND iran",
        "start": "2026-03-01",
        "end": "2026-03-10",
        "platform": "online_news",
        "page_size": "10",
        "cs": "34412234",
        "expanded": "1",
    }
    assert query_of(two.path)["pagination_token"] == "eyJwYWdlIjogMn0="


def test_the_limit_stops_paging(mediacloud: MediaCloud, server: LocalServer):
    server.route(PATH, json_route(MEDIACLOUD_PAGE_1))
    assert len(mediacloud.search("russia", limit=2)) == 2
    assert len(server.hits) == 1


def test_a_bad_token_is_a_clear_permanent_error(mediacloud: MediaCloud, server: LocalServer):
    server.route(PATH, static(401, b'{"detail": "Invalid token."}', {"Content-Type": "application/json"}))
    with pytest.raises(FetchError) as failed:
        mediacloud.search("russia")
    assert failed.value.status == 401
    assert not failed.value.transient
    assert len(server.hits) == 1


def test_a_429_is_retried(mediacloud: MediaCloud, server: LocalServer):
    server.route(PATH, sequence(static(429, b"slow down"), json_route(MEDIACLOUD_PAGE_2)))
    assert len(mediacloud.search("russia")) == 1
    assert len(server.hits) == 2


@pytest.mark.django_db
def test_stories_are_stored_with_their_outlet_and_text(mediacloud: MediaCloud, server: LocalServer):
    server.route(PATH, json_route(MEDIACLOUD_PAGE_2 | {"stories": MEDIACLOUD_PAGE_1["stories"]}))
    for story in mediacloud.search("russia"):
        article_store_candidate(story)
    article = Article.objects.get(canonical_url="https://harborcitytimes.net/world/russia-iran")
    assert article.outlet is not None
    assert article.outlet.name == "Harbor City Times"
    assert article.text.startswith("Russia has provided Iran")
    assert article.raw_payload is not None
    assert article.raw_payload["item"]["id"] == "a1b2c3"


def test_pages_keep_to_the_pace(mediacloud: MediaCloud, server: LocalServer, settings, turns: Turns):
    settings.MEDIACLOUD_MIN_INTERVAL = 0.3
    token_pages = [json_route(MEDIACLOUD_PAGE_1)] * 3 + [json_route(MEDIACLOUD_PAGE_2)]
    server.route(PATH, sequence(*token_pages))
    mediacloud.search("russia", limit=100, max_pages=4)
    print(f"\nMedia Cloud pace 0.3 s, 4 pages: turns {turns.gaps('provider:mediacloud')} ms apart")
    assert len(server.hits) == 4
    assert len(turns.of("provider:mediacloud")) == 4
    assert min(turns.gaps("provider:mediacloud")) >= 300
