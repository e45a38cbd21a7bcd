"""A URL a reviewer pastes: checked first, fetched through the safe client, extracted,
stored once; anything refused stores nothing and connects nowhere it should not."""

from __future__ import annotations

import pytest

from sources.fetch import FetchError
from sources.models import Article, ArticleProvider, Outlet
from sources.providers.pasted_url import fill_in_text, store_url
from sources.services import article_store
from sources.tasks import fetch_article_text
from tests.sources.conftest import Canary, LocalServer, html, static
from tests.sources.shapes import article_page

pytestmark = pytest.mark.django_db

HOST = "www.meridianpost.com"


@pytest.fixture
def site(allow_loopback: None, server: LocalServer, dns) -> LocalServer:
    """The newspaper's site: its name resolves to the local server."""
    dns[HOST] = ["127.0.0.1"]
    return server


def address(server: LocalServer, path: str) -> str:
    return f"http://{HOST}:{server.port}{path}"


def test_a_pasted_url_becomes_an_article_stored_once(site: LocalServer):
    canonical = address(site, "/world/russia-iran-intel")
    site.route("/world/russia-iran-intel", html(article_page(canonical=canonical)))
    article, created = store_url(canonical + "?utm_source=twitter&fbclid=x#comments")
    assert created
    assert article.canonical_url == canonical
    assert article.provider == ArticleProvider.URL
    assert article.title == "Russia gave Iran targeting help, officials say"
    assert "two officials familiar with U.S. intelligence" in article.text
    assert article.byline == "Jane Reporter"
    assert article.published_at is not None
    assert article.outlet is not None
    assert (article.outlet.name, article.outlet.domains) == ("Meridian Post", ["meridianpost.com"])
    assert article.raw_payload is not None
    fetch = article.raw_payload["fetch"]
    assert (fetch["status"], fetch["content_type"], fetch["server_address"]) == (200, "text/html", "127.0.0.1")
    again, created_again = store_url(address(site, "/world/russia-iran-intel#top"))
    assert (again.pk, created_again) == (article.pk, False)
    assert Article.objects.count() == 1


def test_a_short_link_is_stored_under_the_page_it_redirects_to(site: LocalServer):
    site.route("/s/abc", static(301, headers={"Location": "/world/story?utm_campaign=x"}))
    site.route("/world/story", html(article_page()))
    article, _ = store_url(address(site, "/s/abc"))
    assert article.canonical_url == address(site, "/world/story")
    assert article.url == address(site, "/s/abc")
    assert article.raw_payload is not None
    assert article.raw_payload["fetch"]["redirects"][0]["status"] == 301


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://169.254.169.254/latest/meta-data/", "blocked_address"),
        ("http://127.0.0.1:{port}/", "blocked_address"),
        ("http://[::1]:{port}/", "blocked_address"),
        ("http://0x7f.1:{port}/", "blocked_address"),
        ("http://2130706433:{port}/", "blocked_address"),
        ("http://sneaky.example.com:{port}/", "blocked_address"),  # a name for loopback
        ("http://reviewer@www.meridianpost.com:{port}/", "bad_url"),
        ("file:///etc/passwd", "bad_scheme"),
        ("gopher://127.0.0.1:{port}/", "bad_scheme"),
    ],
)
def test_an_address_inside_our_network_is_refused_before_any_connection(url: str, code: str, canary: Canary, dns):
    dns["sneaky.example.com"] = ["127.0.0.1"]
    dns[HOST] = ["127.0.0.1"]
    before = canary.connections
    with pytest.raises(FetchError) as refused:
        store_url(url.format(port=canary.port))
    assert refused.value.code == code
    assert canary.connections == before
    assert Article.objects.count() == 0
    assert Outlet.objects.count() == 0


@pytest.mark.parametrize(
    ("route", "code"),
    [
        (static(200, b"%PDF-1.7", {"Content-Type": "application/pdf"}), "bad_content_type"),
        (static(404, b"gone"), "http_error"),
        (html(b"<html>" + b"x" * 200_000 + b"</html>"), "too_large"),
    ],
)
def test_a_page_that_cannot_be_fetched_stores_nothing(route, code: str, site: LocalServer, settings):
    settings.FETCH_MAX_BYTES = 100_000
    site.route("/p", route)
    with pytest.raises(FetchError) as failed:
        store_url(address(site, "/p"))
    assert failed.value.code == code
    assert Article.objects.count() == 0


def test_robots_txt_is_obeyed_for_pasted_urls(site: LocalServer):
    site.route("/robots.txt", static(200, b"User-agent: *\nDisallow: /private/", {"Content-Type": "text/plain"}))
    site.route("/private/memo", html(article_page()))
    with pytest.raises(FetchError) as refused:
        store_url(address(site, "/private/memo"))
    assert refused.value.code == "robots_disallowed"
    assert "/private/memo" not in site.paths()
    assert Article.objects.count() == 0


def test_a_hostile_page_is_stored_as_plain_text(site: LocalServer):
    page = article_page(
        title="<img src=x onerror=alert(1)>Headline\x00",
        extra_head='<meta property="og:site_name" content="<script>alert(2)</script>Evil">',
        paragraphs=["Text with a NUL \x00 byte and <script>alert(3)</script> a script.", "More text. " * 30],
    )
    site.route("/h", html(page))
    article, _ = store_url(address(site, "/h"))
    assert "<" not in article.title
    assert "\x00" not in article.text
    assert "alert(3)" not in article.text


def test_an_article_without_text_gets_it_from_its_page_later(site: LocalServer):
    site.route("/world/story", html(article_page()))
    article, _ = article_store(provider=ArticleProvider.GDELT, url=address(site, "/world/story"), title="From GDELT")
    assert fill_in_text(article)
    article.refresh_from_db()
    assert "two officials" in article.text
    assert article.title == "From GDELT"
    assert not fill_in_text(article)  # has text: not fetched again
    assert site.paths().count("/world/story") == 1


def test_a_page_that_fails_is_recorded_on_the_article(site: LocalServer, monkeypatch):
    # Inside the test's transaction the task must keep the test's connection.
    monkeypatch.setattr("sources.tasks.close_old_connections", lambda: None)
    site.route("/gone", static(410, b"gone"))
    article, _ = article_store(provider=ArticleProvider.GDELT, url=address(site, "/gone"))
    assert fetch_article_text.apply(args=(article.pk,)).get() == "failed: http_error"
    article.refresh_from_db()
    assert article.text == ""
    assert article.raw_payload is not None
    assert article.raw_payload["text_fetch_error"]["code"] == "http_error"
    assert "410" in article.raw_payload["text_fetch_error"]["message"]


def test_a_refusal_does_not_say_where_an_internal_name_points(dns):
    dns["intranet.example.com"] = ["93.184.215.14", "10.1.2.3"]
    with pytest.raises(FetchError) as refused:
        store_url("https://intranet.example.com/wiki")
    assert refused.value.code == "blocked_address"
    assert "intranet.example.com resolves to a private address" in refused.value.message
    assert "10.1.2.3" not in refused.value.message


def test_a_refusal_does_not_repeat_a_password_given_in_the_address():
    with pytest.raises(FetchError) as refused:
        store_url("https://reviewer:hunter2-secret@www.meridianpost.com/story")
    assert refused.value.code == "bad_url"
    assert "hunter2-secret" not in refused.value.message
    assert "hunter2-secret" not in refused.value.url
