"""Articles: extraction from fetched bytes, outlet recognition, and one row per
canonical URL, also under 50 concurrent inserts of URL variants (C3)."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from urllib.parse import urljoin

import pytest
import trafilatura
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from sources.extract import _trafilatura, extract_article, parse_datetime, registered_domain, strip_html
from sources.models import Article, ArticleProvider, Outlet, Ownership
from sources.services import article_store, outlet_create, outlet_recognise
from tests.sources.shapes import article_page

URL = "https://www.meridianpost.com/world/russia-iran-intel"

# --- extraction ------------------------------------------------------------------------------------


def test_text_and_metadata_are_extracted_from_the_page():
    page = article_page(canonical="https://www.meridianpost.com/world/russia-iran-intel")
    extracted = extract_article(page, url=URL + "?utm_source=x", charset="utf-8")
    assert extracted.title == "Russia gave Iran targeting help, officials say"
    assert "two officials familiar with U.S. intelligence" in extracted.text
    assert "Home" not in extracted.text  # navigation is not article text
    assert extracted.byline == "Jane Reporter"
    assert extracted.published_at == datetime(2026, 3, 8, 19, 5, tzinfo=UTC)
    assert extracted.language == "en"
    assert extracted.site_name == "Meridian Post"
    assert extracted.canonical_link == "https://www.meridianpost.com/world/russia-iran-intel"
    assert extracted.structured[0]["@type"] == "NewsArticle"


@pytest.mark.parametrize(
    "page",
    [
        article_page(),
        article_page(title="Port reopens", paragraphs=["The port reopened on Monday, the ministry said. " * 20]),
        # Only trafilatura (htmldate, its own metadata) knows the date and the author here.
        b"<html><head><title>A story</title></head><body><article><p class='byline'>By Ann Writer</p>"
        b"<p>Posted 2026-02-03.</p><p>"
        + b"Officials confirmed the figures on Tuesday. " * 40
        + b"</p></article></body></html>",
    ],
)
def test_the_fields_read_from_trafilatura_are_those_its_json_output_gives(page: bytes):
    found = _trafilatura(trafilatura.load_html(page.decode()), URL)
    output = trafilatura.extract(
        page.decode(),
        url=URL,
        output_format="json",
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        deduplicate=False,
    )
    assert output is not None
    expected = json.loads(output)
    assert found == {key: expected[key] for key in found}
    assert set(found) >= {"title", "author", "date", "language", "source", "source-hostname", "text"}
    assert len(found["text"]) > 200


def test_markup_in_the_title_is_stripped_and_scripts_never_reach_the_text():
    page = article_page(title="&lt;b&gt;Breaking&lt;/b&gt; <i>news</i>", extra_head="<script>alert(1)</script>")
    extracted = extract_article(page, url=URL)
    assert extracted.title == "Breaking news"
    assert "alert" not in extracted.text


@pytest.mark.parametrize(
    ("canonical", "trusted"),
    [
        ("https://www.meridianpost.com/world/russia-iran-intel", True),
        ("https://amp.meridianpost.com/world/russia-iran-intel", True),  # same registered domain
        ("/world/russia-iran-intel", True),  # relative, resolved against the page
        ("https://www.othernews.example.com/world/russia-iran-intel", False),  # another site
        ("https://meridianpost.com.evil.example/world/x", False),
        ("https://www.meridianpost.com/", False),  # the front page: a CMS mistake
        ("javascript:alert(1)", False),
        ("https://user:pw@www.meridianpost.com/world/x", False),
    ],
)
def test_the_canonical_link_is_trusted_only_on_the_same_registered_domain(canonical: str, trusted: bool):
    extracted = extract_article(article_page(canonical=canonical), url=URL + "?utm_source=x")
    if trusted:
        assert extracted.canonical_link == urljoin(URL, canonical)
    else:  # ignored: the page's own address stands
        assert extracted.canonical_link in ("", URL + "?utm_source=x")


def test_a_latin1_page_declared_utf8_is_read():
    page = article_page(title="Café société", site_name="Le Quotidien").decode().encode("latin-1")
    assert extract_article(page, url=URL, charset="utf-8").title == "Café société"


def test_a_page_without_any_declared_encoding_is_read():
    page = article_page(title="Zürich").replace(b'<meta charset="utf-8">', b"")
    assert extract_article(page, url=URL).title == "Zürich"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"\x00\xff\xfe garbage",
        b"<html>",
        b"<?xml version='1.0' encoding='utf-8'?><html><p>x</p></html>",
        b"%PDF-1",
    ],
)
def test_unreadable_pages_give_an_empty_extraction_never_an_error(body: bytes):
    extracted = extract_article(body, url=URL)
    assert extracted.published_at is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-08T14:05:00-05:00", datetime(2026, 3, 8, 19, 5, tzinfo=UTC)),
        ("2026-03-08T19:05:00Z", datetime(2026, 3, 8, 19, 5, tzinfo=UTC)),
        ("2026-03-08 19:05:00", datetime(2026, 3, 8, 19, 5, tzinfo=UTC)),  # no zone: UTC
        ("Sun, 08 Mar 2026 19:05:00 GMT", datetime(2026, 3, 8, 19, 5, tzinfo=UTC)),
        ("20260308T190500Z", datetime(2026, 3, 8, 19, 5, tzinfo=UTC)),
        ("2026-03-08", datetime(2026, 3, 8, tzinfo=UTC)),
        ("yesterday", None),
        ("2026-02-31", None),
        ("1970-01-01T00:00:00Z", None),  # a CMS default, not a publication time
        ("2999-01-01", None),
        ("", None),
        (None, None),
    ],
)
def test_dates_are_timezone_aware_or_unknown(value: str | None, expected: datetime | None):
    assert parse_datetime(value) == expected


def test_registered_domains_come_from_the_shipped_suffix_list_without_any_lookup():
    assert registered_domain("news.bbc.co.uk") == "bbc.co.uk"
    assert registered_domain("someone.blogspot.com") == "someone.blogspot.com"  # a private suffix
    assert registered_domain("127.0.0.1") == ""


def test_strip_html_leaves_plain_text():
    assert strip_html("&lt;b&gt;A&lt;/b&gt; &amp; <i>B</i>\x00\n C") == "A & B C"


# --- outlets -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_outlet_is_recognised_by_its_domain():
    outlet = outlet_create(actor=None, name="Meridian Post", domains=["meridianpost.com"])
    assert outlet_recognise(url="https://amp.meridianpost.com/a", site_name="Something else") == outlet


@pytest.mark.django_db
def test_an_outlet_without_domains_is_recognised_by_the_site_name():
    outlet = outlet_create(actor=None, name="Meridian Post")
    assert outlet_recognise(url=URL, site_name="MERIDIAN POST") == outlet
    assert outlet_recognise(url="https://www.meridian-copy.net/x", site_name="the meridian post") == outlet


@pytest.mark.django_db
def test_a_page_elsewhere_cannot_claim_a_known_outlet_by_name():
    tass = outlet_create(
        actor=None, name="TASS", domains=["tass.com"], ownership=Ownership.STATE_CONTROLLED, country="RU"
    )
    found = outlet_recognise(url="https://www.tass-news.net/story", site_name="TASS")
    assert found != tass
    assert found is not None
    assert found.name == "tass-news.net"
    assert found.domains == ["tass-news.net"]


@pytest.mark.django_db
def test_an_unknown_site_becomes_an_outlet_of_unknown_ownership():
    outlet = outlet_recognise(url="https://news.harborcitytimes.co.uk/x", site_name="Harbor City Times")
    assert outlet is not None
    assert (outlet.name, outlet.domains, outlet.ownership) == (
        "Harbor City Times",
        ["harborcitytimes.co.uk"],
        Ownership.UNKNOWN,
    )
    assert outlet_recognise(url="https://harborcitytimes.co.uk/y") == outlet


# --- storing once ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_article_is_stored_once_under_its_canonical_url():
    page = extract_article(article_page(), url=URL)
    first, created = article_store(provider=ArticleProvider.URL, url=URL + "?utm_source=x#top", extracted=page)
    second, again = article_store(
        provider=ArticleProvider.GDELT, url="HTTPS://WWW.MERIDIANPOST.COM:443/world/russia-iran-intel"
    )
    assert (created, again) == (True, False)
    assert first.pk == second.pk
    assert Article.objects.count() == 1
    assert first.canonical_url == URL
    assert first.url == URL + "?utm_source=x#top"  # the URL as seen
    assert first.outlet is not None
    assert first.outlet.name == "Meridian Post"
    assert first.provider == ArticleProvider.URL
    assert first.raw_payload["page"]["site_name"] == "Meridian Post"


@pytest.mark.django_db
def test_a_later_fetch_fills_in_an_article_without_text_and_never_overwrites_one_with_text():
    article, _ = article_store(provider=ArticleProvider.GDELT, url=URL, title="As GDELT saw it", raw_payload={"a": 1})
    assert article.text == ""
    page = extract_article(article_page(), url=URL)
    filled, created = article_store(provider=ArticleProvider.URL, url=URL, extracted=page)
    assert not created
    assert "two officials" in filled.text
    assert filled.title == "As GDELT saw it"  # set already: kept
    assert filled.byline == "Jane Reporter"  # empty before: filled in
    assert filled.raw_payload["item"] == {"a": 1}
    other = extract_article(article_page(title="Another", paragraphs=["Entirely different text."]), url=URL)
    kept, _ = article_store(provider=ArticleProvider.URL, url=URL, extracted=other)
    assert "two officials" in kept.text
    assert kept.title == "As GDELT saw it"


@pytest.mark.django_db
def test_nul_characters_in_provider_data_are_dropped_not_fatal():
    article, _ = article_store(
        provider=ArticleProvider.FEED, url=URL, title="Bad\x00title", raw_payload={"k\x00": ["v\x00", {"x": "\x00"}]}
    )
    article.refresh_from_db()
    assert article.title == "Badtitle"
    assert article.raw_payload["item"] == {"k": ["v", {"x": ""}]}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://x.example/a", "not a url", "https://"])
def test_an_address_that_is_not_a_web_address_is_refused_and_nothing_is_stored(url: str):
    with pytest.raises(ValueError, match=r"URL|host"):
        article_store(provider=ArticleProvider.FEED, url=url)
    assert Article.objects.count() == 0
    assert Outlet.objects.count() == 0


@pytest.mark.django_db
def test_the_outlet_found_is_stored_without_reading_it_again_and_a_variant_finds_the_first_row():
    outlet = outlet_create(actor=None, name="Meridian Post", domains=["meridianpost.com"])
    with CaptureQueriesContext(connection) as queries:
        article, created = article_store(provider=ArticleProvider.GDELT, url=URL, text="The first copy.")
    assert created
    assert article.outlet == outlet
    assert len([q for q in queries.captured_queries if "sources_outlet" in q["sql"]]) == 1

    # A variant of the address loses at the unique constraint, as the slower of two
    # concurrent calls would, and returns the row that won.
    again, created_again = article_store(provider=ArticleProvider.FEED, url=URL + "?utm_source=x", text="Later.")
    assert (again.pk, created_again) == (article.pk, False)
    assert Article.objects.get().text == "The first copy."
    assert Outlet.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_page_of_a_known_outlet_is_one_insert_committed_by_itself():
    outlet = outlet_create(actor=None, name="Meridian Post", domains=["meridianpost.com"])
    page = extract_article(article_page(), url=URL)
    with CaptureQueriesContext(connection) as queries:
        article, created = article_store(provider=ArticleProvider.URL, url=URL, extracted=page)
    statements = [q["sql"].rsplit("; ", 1)[-1].split(" ", 1)[0] for q in queries.captured_queries]
    assert statements == ["SELECT", "INSERT"]  # the outlet, the article: no BEGIN, SAVEPOINT or COMMIT
    assert created
    assert article.outlet == outlet
    assert Article.objects.get(pk=article.pk).text == page.text  # committed: another read sees it

    with CaptureQueriesContext(connection) as queries:
        again, created_again = article_store(provider=ArticleProvider.GDELT, url=URL + "?utm_source=x", title="Later")
    assert (again.pk, created_again) == (article.pk, False)
    assert again.title == page.title  # the stored row, not overwritten
    assert not any("SAVEPOINT" in q["sql"] for q in queries.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_a_new_outlet_is_not_kept_when_its_first_article_cannot_be_stored():
    too_long = "https://www.unheard-of-daily.com/" + "a" * 3000
    with pytest.raises(ValidationError):
        article_store(provider=ArticleProvider.FEED, url=too_long, site_name="Unheard-of Daily")
    assert Article.objects.count() == 0
    assert Outlet.objects.count() == 0

    article, created = article_store(
        provider=ArticleProvider.FEED, url="https://www.unheard-of-daily.com/a", site_name="Unheard-of Daily"
    )
    assert created
    assert article.outlet is not None
    assert (article.outlet.name, article.outlet.domains) == ("Unheard-of Daily", ["unheard-of-daily.com"])
    assert article.raw_payload["publisher"]["reason"] == "new_outlet"


def test_a_conflicting_store_inside_a_callers_transaction_leaves_it_usable(db):
    first, _ = article_store(provider=ArticleProvider.GDELT, url=URL, text="The first copy.")
    with transaction.atomic():
        again, created = article_store(provider=ArticleProvider.FEED, url=URL + "#x", text="Later.")
        assert (again.pk, created) == (first.pk, False)
        assert Article.objects.count() == 1  # the transaction still answers


# --- 50 concurrent inserts -------------------------------------------------------------------------------

VARIANTS = [
    URL,
    URL + "#comments",
    URL + "?utm_source=twitter",
    URL + "?fbclid=IwAR0",
    "HTTPS://www.MeridianPost.com/world/russia-iran-intel",
    "https://www.meridianpost.com:443/world/russia-iran-intel",
    "https://www.meridianpost.com./world/russia-iran-intel?utm_medium=email&utm_campaign=x",
    "https://www.meridianpost.com/world/./russia-iran-intel?gclid=abc#x",
]
THREADS = 50


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_inserts_of_url_variants_store_one_row() -> None:
    barrier = threading.Barrier(THREADS)
    results: list[tuple[int, bool]] = []
    errors: list[BaseException] = []

    def insert(n: int) -> None:
        try:
            barrier.wait()
            article, created = article_store(
                provider=ArticleProvider.GDELT, url=VARIANTS[n % len(VARIANTS)], site_name="Meridian Post"
            )
            results.append((article.pk, created))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()  # each thread had its own connection

    started = time.monotonic()
    threads = [threading.Thread(target=insert, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.monotonic() - started
    print(
        f"\n{THREADS} concurrent inserts of {len(VARIANTS)} URL variants: {Article.objects.count()} row in {took:.2f} s"
    )
    assert errors == []
    assert Article.objects.count() == 1
    assert Outlet.objects.count() == 1  # the new outlet too was created once
    assert len({pk for pk, _ in results}) == 1
    assert sum(created for _, created in results) == 1
