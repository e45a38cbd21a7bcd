"""Who published a stored page, decided the same way on every path that stores one (a
pasted URL fetched by a job, a feed item, a pasted text, the API's and the admin's
article form): the registrable domain of the address decides, an unknown domain becomes
an outlet of unknown ownership named from the page, the page's own name counts only
where the address says nothing, and a canonical link elsewhere is recorded, not trusted."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from sources.extract import Extracted
from sources.models import ArticleProvider, Outlet, Ownership
from sources.providers.pasted_url import store_url
from sources.services import article_create, article_record_pasted, article_store, outlet_create
from tests.sources.conftest import LocalServer, html
from tests.sources.shapes import article_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def ap() -> Outlet:
    return outlet_create(actor=None, name="The Associated Press", domains=["apnews.com"], is_wire=True)


def test_a_wire_page_served_from_an_allowed_ip_address_is_placed_by_its_own_name(
    ap: Outlet, allow_loopback: None, server: LocalServer
):
    server.route("/wire/story", html(article_page(site_name="The Associated Press")))
    article, created = store_url(f"http://127.0.0.1:{server.port}/wire/story")
    assert created
    assert article.outlet == ap
    assert article.raw_payload is not None
    assert article.raw_payload["publisher"]["reason"] == "name_without_domain"


def test_a_page_on_an_ip_address_naming_nobody_known_becomes_an_outlet_known_by_its_name(
    allow_loopback: None, server: LocalServer
):
    server.route("/story", html(article_page(site_name="Valley Ledger")))
    article, _ = store_url(f"http://127.0.0.1:{server.port}/story")
    assert article.outlet is not None
    assert (article.outlet.name, article.outlet.domains, article.outlet.ownership) == (
        "Valley Ledger",
        [],
        Ownership.UNKNOWN,
    )


def test_a_page_elsewhere_calling_itself_ap_with_a_canonical_link_to_ap_is_a_new_outlet_and_the_link_is_recorded(
    ap: Outlet,
):
    extracted = Extracted(
        text="Copied wire text.",
        site_name="The Associated Press",
        jsonld_publisher="The Associated Press",
        declared_canonical="https://apnews.com/article/original",
    )
    article, _ = article_store(provider=ArticleProvider.URL, url="https://wirecopies.net/a/1", extracted=extracted)
    assert article.outlet != ap
    assert article.outlet is not None
    assert (article.outlet.name, article.outlet.domains) == ("wirecopies.net", ["wirecopies.net"])
    assert "The Associated Press" in article.outlet.notes
    assert article.raw_payload is not None
    publisher = article.raw_payload["publisher"]
    assert publisher["canonical_domain"] == "apnews.com"
    assert publisher["canonical_link"] == "https://apnews.com/article/original"
    # The canonical link never became the article's address either.
    assert article.canonical_url == "https://wirecopies.net/a/1"


def test_a_new_domain_is_named_from_the_json_ld_publisher_when_there_is_no_og_site_name():
    extracted = Extracted(text="A story.", jsonld_publisher="Harbor City Times")
    article, _ = article_store(provider=ArticleProvider.URL, url="https://news.harborcity.co.uk/x", extracted=extracted)
    assert article.outlet is not None
    assert (article.outlet.name, article.outlet.domains) == ("Harbor City Times", ["harborcity.co.uk"])


def test_a_listed_domain_decides_whatever_the_page_calls_itself(ap: Outlet):
    extracted = Extracted(text="A story.", site_name="Totally Different News")
    article, _ = article_store(provider=ArticleProvider.URL, url="https://apnews.com/article/x", extracted=extracted)
    assert article.outlet == ap


@pytest.mark.parametrize("path", ["pasted_text", "api_or_admin", "feed_item", "fetched_page"])
def test_every_path_places_a_page_by_the_outlet_listing_its_domain(path: str, editor: User):
    url = "https://www.riverside-gazette.org/local/1"
    known = outlet_create(actor=None, name="Riverside Gazette", domains=["riverside-gazette.org"])
    if path == "pasted_text":
        article, _ = article_record_pasted(actor=editor, text="Story text.", url=url)
    elif path == "api_or_admin":
        article = article_create(actor=None, canonical_url=url, text="Story text.")
    elif path == "feed_item":
        article, _ = article_store(provider=ArticleProvider.FEED, url=url, site_name="Someone Else")
    else:
        article, _ = article_store(provider=ArticleProvider.URL, url=url, extracted=Extracted(text="Story text."))
    assert article.outlet == known


@pytest.mark.parametrize("path", ["pasted_text", "api_or_admin", "feed_item"])
def test_every_path_creates_an_outlet_for_a_domain_nobody_lists(path: str, editor: User):
    url = "https://unlisted-daily.com/a"
    if path == "pasted_text":
        article, _ = article_record_pasted(actor=editor, text="Story text.", url=url)
    elif path == "api_or_admin":
        article = article_create(actor=None, canonical_url=url, text="Story text.")
    else:
        article, _ = article_store(provider=ArticleProvider.FEED, url=url, site_name="Unlisted Daily")
    assert article.outlet is not None
    assert article.outlet.domains == ["unlisted-daily.com"]
    assert article.outlet.ownership == Ownership.UNKNOWN
