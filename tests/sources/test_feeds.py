"""RSS/Atom: parsing malformed and hostile feeds (F3), and every fetch limit (F2, F4)
reached through a feed poll, each ending in a recorded reason and no half-written row."""

from __future__ import annotations

import gzip
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import brotli
import pytest

from sources.models import Article, Feed
from sources.providers.base import ProviderError
from sources.providers.feeds import parse_feed, refuse_unsafe_xml
from sources.services import feed_create, feed_poll
from tests.sources.conftest import LocalServer, static
from tests.sources.shapes import (
    ATOM,
    BILLION_LAUGHS,
    GOOGLE_NEWS,
    external_dtd,
    external_entity,
    feed_route,
    parameter_entity,
    quadratic_blowup,
    rss,
    rss_item,
    utf16,
)

FEED_URL = "https://www.meridianpost.com/world/rss.xml"

# --- files opened while a parse runs (an audit hook cannot be removed, so it is guarded) ---------

_watch = threading.local()


def _audit(event: str, args: tuple) -> None:
    opened = getattr(_watch, "opened", None)
    if opened is not None and event == "open" and isinstance(args[0], (str, bytes)):
        opened.append(args[0] if isinstance(args[0], str) else args[0].decode(errors="replace"))


sys.addaudithook(_audit)


class FilesOpened:
    def __enter__(self) -> list[str]:
        _watch.opened = []
        return _watch.opened

    def __exit__(self, *exc: object) -> None:
        _watch.opened = None


# --- reading feeds ------------------------------------------------------------------------------------


def test_rss_items_are_read_with_aware_dates_and_plain_text():
    body = rss(
        rss_item("https://www.meridianpost.com/world/1")
        + rss_item("/world/2", title="Second story", pub_date="Sun, 08 Mar 2026 14:00:00 -0500")
    )
    parsed = parse_feed(body, url=FEED_URL, content_type="application/rss+xml")
    assert parsed.title == "World"
    first, second = parsed.items
    assert first.link == "https://www.meridianpost.com/world/1"
    assert first.title == "Russia gave Iran targeting help"
    assert first.published_at == datetime(2026, 3, 8, 19, 5, tzinfo=UTC)
    assert first.summary == "Officials say Russia helped."
    assert "Jane Reporter" in first.author
    assert first.raw["pubDate" if "pubDate" in first.raw else "published"] == "Sun, 08 Mar 2026 19:05:00 GMT"
    assert second.link == "https://www.meridianpost.com/world/2"  # resolved against the feed's address
    assert second.published_at == datetime(2026, 3, 8, 19, 0, tzinfo=UTC)


def test_atom_entries_are_read():
    (entry,) = parse_feed(ATOM, url="https://harborcitytimes.net/atom", content_type="application/atom+xml").items
    assert entry.title == "Peskov: no such requests from Tehran"
    assert entry.link == "https://harborcitytimes.net/world/peskov-no-requests"
    assert entry.published_at == datetime(2026, 3, 8, 17, 30, tzinfo=UTC)
    assert entry.author == "Sam Writer"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("&lt;b&gt;Breaking:&lt;/b&gt; Russia &amp;amp; Iran", "Breaking: Russia & Iran"),
        ("<![CDATA[<em>Exclusive</em> report]]>", "Exclusive report"),
        ("&lt;script&gt;alert(1)&lt;/script&gt;Kremlin responds", "Kremlin responds"),
        ("&lt;img src=x onerror=alert(1)&gt;Officials   speak\n out", "Officials speak out"),
    ],
)
def test_markup_in_titles_is_stripped(title: str, expected: str):
    (item,) = parse_feed(rss(rss_item("https://x.example/a", title=title)), url=FEED_URL).items
    assert item.title == expected


@pytest.mark.parametrize(
    "pub_date",
    ["not a date", "Sun, 31 Feb 2026 10:00:00 GMT", "2026-13-45", "Thu, 01 Jan 1970 00:00:00 GMT", "Fri, 1 Jan 2999"],
)
def test_a_bad_date_is_unknown_and_the_item_is_kept(pub_date: str):
    (item,) = parse_feed(rss(rss_item("https://x.example/a", pub_date=pub_date)), url=FEED_URL).items
    assert item.published_at is None
    assert item.link == "https://x.example/a"


def test_a_latin1_feed_declared_utf8_is_read_as_latin1():
    body = rss(rss_item("https://x.example/a", title="Café société: Moscou répond")).decode().encode("latin-1")
    parsed = parse_feed(body, url=FEED_URL, content_type="application/rss+xml", charset="utf-8")
    assert parsed.items[0].title == "Café société: Moscou répond"
    assert "utf-8" in parsed.warning.lower()  # what was worked around is kept


@pytest.mark.parametrize("encoding", ["utf-8", "latin-1"])
def test_a_feed_without_any_encoding_declaration_is_read(encoding: str):
    body = rss(rss_item("https://x.example/a", title="Zürich café"), declaration="")
    body = body.decode().encode(encoding)
    parsed = parse_feed(body, url=FEED_URL, content_type="text/xml")
    assert parsed.items[0].title == "Zürich café"


def test_a_utf16_feed_is_read():
    body = utf16(rss(rss_item("https://x.example/a", title="Ünïcode"), declaration='<?xml version="1.0"?>'))
    assert parse_feed(body, url=FEED_URL).items[0].title == "Ünïcode"


def test_google_news_items_keep_title_and_publisher_and_are_marked_unresolved():
    (item,) = parse_feed(GOOGLE_NEWS, url="https://news.google.com/rss/search?q=russia+iran").items
    assert item.title == "Russia gave Iran intelligence to target US warships, officials say"
    assert item.publisher == "Reuters"
    assert item.publisher_url == "https://www.reuters.com"
    assert item.link_unresolved
    assert item.link.startswith("https://news.google.com/rss/articles/")


def test_a_web_page_is_not_a_feed():
    with pytest.raises(ProviderError) as refused:
        parse_feed(b"<html><body><p>Our feed has moved</p></body></html>", url=FEED_URL, content_type="text/plain")
    assert refused.value.code == "not_a_feed"


def test_a_body_that_names_a_local_file_is_not_opened():
    with FilesOpened() as opened, pytest.raises(ProviderError) as refused:
        parse_feed(b"/etc/hostname", url=FEED_URL, content_type="text/xml")
    assert refused.value.code == "not_a_feed"
    assert "/etc/hostname" not in opened


# --- hostile XML (F3) -----------------------------------------------------------------------------------


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("TOP-SECRET-CONTENT")
    return path


def _hostile(name: str, secret_file: Path, canary_url: str) -> bytes:
    return {
        "billion laughs": BILLION_LAUGHS,
        "billion laughs in UTF-16": utf16(BILLION_LAUGHS),
        "quadratic blow-up": quadratic_blowup(),
        "external entity (file)": external_entity(secret_file.as_uri()),
        "external entity (http)": external_entity(canary_url),
        "parameter entity (http)": parameter_entity(canary_url),
    }[name]


@pytest.mark.parametrize(
    "name",
    [
        "billion laughs",
        "billion laughs in UTF-16",
        "quadratic blow-up",
        "external entity (file)",
        "external entity (http)",
        "parameter entity (http)",
    ],
)
def test_entity_attacks_are_refused_at_once_without_file_or_network_access(
    name: str, secret_file: Path, server: LocalServer
):
    server.route("/evil", static(200, b"<!ENTITY x 'y'>", {"Content-Type": "text/plain"}))
    body = _hostile(name, secret_file, server.url("/evil"))
    with FilesOpened() as opened:
        started = time.monotonic()
        with pytest.raises(ProviderError) as refused:
            parse_feed(body, url=FEED_URL, content_type="application/rss+xml")
        took = time.monotonic() - started
    print(f"\n{name}: {len(body):,} bytes refused in {took * 1000:.1f} ms")
    assert refused.value.code == "unsafe_xml"
    assert "refused" in refused.value.message
    # Refused before any expansion (a few milliseconds); expanding would take far longer.
    assert took < 10
    assert str(secret_file) not in opened
    assert server.hits == []


def test_an_external_dtd_is_never_fetched(server: LocalServer):
    server.route("/evil.dtd", static(200, b'<!ENTITY title "pwned">', {"Content-Type": "application/xml-dtd"}))
    parsed = parse_feed(external_dtd(server.url("/evil.dtd")), url=FEED_URL)
    assert [item.title for item in parsed.items] == ["An ordinary item"]
    assert server.hits == []


def test_an_inline_dtd_without_entities_is_refused_too():
    with pytest.raises(ProviderError, match="inline DTD"):
        refuse_unsafe_xml(b'<?xml version="1.0"?><!DOCTYPE rss [<!ELEMENT rss ANY>]><rss/>')


def test_an_ordinary_doctype_is_accepted():
    body = (
        b'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        b'"http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91"><channel><title>Old</title>'
        b"<item><title>Old item</title><link>https://x.example/old</link></item></channel></rss>"
    )
    assert parse_feed(body, url=FEED_URL).items[0].title == "Old item"


# --- every fetch limit, reached through a feed poll (F2, F4) ---------------------------------------------

MiB = 1024 * 1024


@pytest.fixture
def feed_at(allow_loopback: None, server: LocalServer, db: None):
    def make(path: str = "/rss.xml") -> Feed:
        return feed_create(actor=None, name=f"Feed {path}", url=server.url(path))

    return make


def _trickle(request) -> None:
    request.send_response(200)
    request.send_header("Content-Type", "application/rss+xml")
    request.end_headers()
    for byte in b"<rss><channel>" + b" " * 100:
        request.wfile.write(bytes([byte]))
        request.wfile.flush()
        time.sleep(1.0)


def _assert_failed_cleanly(feed: Feed, code: str) -> None:
    feed.refresh_from_db()
    assert feed.last_error.endswith(f"[{code}]"), feed.last_error
    assert feed.last_error_at is not None
    assert feed.consecutive_failures == 1
    assert feed.last_success_at is None
    assert feed.lease_until is None
    assert feed.next_poll_at is not None
    assert feed.next_poll_at > feed.last_error_at
    assert Article.objects.count() == 0


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("body over the cap", "too_large"),
        ("gzip bomb", "decompression_limit"),
        ("brotli bomb", "decompression_limit"),
        ("too many redirects", "too_many_redirects"),
        ("disallowed content type", "bad_content_type"),
        ("robots.txt Disallow", "robots_disallowed"),
        ("robots.txt server error", "robots_unreachable"),
        ("server error", "http_error"),
        ("entity bomb", "unsafe_xml"),
        ("not a feed", "not_a_feed"),
    ],
)
def test_a_refused_feed_ends_in_a_recorded_reason_and_no_rows(case: str, code: str, feed_at, server, settings):
    settings.FETCH_MAX_BYTES = settings.FETCH_MAX_DECODED_BYTES = 1 * MiB
    feed = feed_at("/rss.xml")
    good = rss(rss_item("https://www.meridianpost.com/world/1"))
    routes = {  # built only when used: a bomb takes a moment to make
        "body over the cap": lambda: feed_route(good + b"<!--" + b"x" * (2 * MiB) + b"-->"),
        "gzip bomb": lambda: feed_route(gzip.compress(bytes(16 * MiB), 1), **{"Content-Encoding": "gzip"}),
        "brotli bomb": lambda: feed_route(brotli.compress(bytes(16 * MiB), quality=1), **{"Content-Encoding": "br"}),
        "disallowed content type": lambda: feed_route(good, content_type="text/html"),
        "server error": lambda: static(503, b"down", {"Retry-After": "120"}),
        "entity bomb": lambda: feed_route(BILLION_LAUGHS),
        "not a feed": lambda: feed_route(b"this is not xml at all", content_type="text/plain"),
    }
    if case == "too many redirects":
        for hop in range(7):
            server.route(f"/rss.xml{'/' * hop}", static(302, headers={"Location": f"/rss.xml{'/' * (hop + 1)}"}))
    elif case == "robots.txt Disallow":
        server.route("/robots.txt", static(200, b"User-agent: *\nDisallow: /rss", {"Content-Type": "text/plain"}))
        server.route("/rss.xml", feed_route(good))
    elif case == "robots.txt server error":
        server.route("/robots.txt", static(500, b"oops"))
        server.route("/rss.xml", feed_route(good))
    else:
        server.route("/rss.xml", routes[case]())
    started = time.monotonic()
    result = feed_poll(feed)
    print(f"\n{case}: {result.error} ({time.monotonic() - started:.2f} s)")
    assert result.outcome == "failed"
    _assert_failed_cleanly(feed, code)
    if case == "robots.txt Disallow":
        assert "/rss.xml" not in server.paths()
    if case == "server error":
        assert result.transient
        assert result.retry_after == 120


def test_a_one_byte_a_second_trickle_is_cut_off_at_the_deadline(feed_at, server, settings):
    settings.FETCH_DEADLINE = 2
    feed = feed_at("/rss.xml")
    server.route("/rss.xml", _trickle)
    started = time.monotonic()
    result = feed_poll(feed)
    took = time.monotonic() - started
    print(f"\ntrickle: {result.error} after {took:.2f} s")
    assert "allowed" in result.error  # the deadline's words, not the read time-out's
    assert took < 20  # the trickle lasts over 100 s
    assert result.transient
    _assert_failed_cleanly(feed, "timeout")


def test_an_internal_address_is_refused_for_a_feed(db: None, dns, settings):
    settings.FETCH_ALLOWED_NETWORKS = []
    with pytest.raises(Exception, match=r"loopback|private|internal"):
        feed_create(actor=None, name="Metadata", url="http://127.0.0.1:8080/rss")
    dns["intranet.example"] = ["10.1.2.3"]
    feed = feed_create(actor=None, name="Intranet", url="http://intranet.example/rss")
    result = feed_poll(feed)
    assert result.outcome == "failed"
    _assert_failed_cleanly(feed, "blocked_address")
