"""A claim's coverage rows and ledger are a function of the claim, the stored articles,
their outlets and the reviewers' confirmations: never of the order pages arrived in, of
the path that stored them (feed, pasted URL, pasted text, the API) or of how often and
in which pieces matching ran. Hypothesis permutes all three."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import trafilatura
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.models import Claim
from corroboration.models import Coverage
from corroboration.services import alias_seed, coverage_match, ledger
from demo.corpus import CORPUS_DIR, PAGES
from sources.extract import Extracted
from sources.models import Article, ArticleProvider, Ownership
from sources.services import article_create, article_record_pasted, article_store, outlet_create
from tests.corroboration.test_matching import QUOTE, STATEMENT
from tests.factories import SourceFactory, complete_caveats, make_claim

pytestmark = pytest.mark.django_db(transaction=False)

WIRE = "wire/russia-iran-intelligence.html"
PATHS = ("api", "feed", "pasted_url", "pasted_text")
OUTLETS = [
    ("The Associated Press", "wire", True, Ownership.INDEPENDENT, "apnews.com"),
    ("Lakeside Gazette", "lakeside-gazette", False, Ownership.INDEPENDENT, "lakeside-gazette.com"),
    ("The Prairie Herald", "prairie-herald", False, Ownership.INDEPENDENT, "prairieherald.com"),
    ("Harbor City Times", "harbor-city-times", False, Ownership.INDEPENDENT, "harborcitytimes.com"),
    ("The Meridian Post", "meridian-post", False, Ownership.INDEPENDENT, "meridianpost.com"),
    ("The Capital Dispatch", "capital-dispatch", False, Ownership.INDEPENDENT, "capitaldispatch.com"),
    ("The Daily Roundup", "daily-roundup", False, Ownership.INDEPENDENT, "dailyroundup.com"),
    ("Federal News Agency", "federal-news-agency", False, Ownership.STATE_CONTROLLED, "fna.ru"),
]
DOMAIN = {folder: domain for _, folder, _, _, domain in OUTLETS}


class _Undo(Exception):
    """Raised to roll one example's rows back."""


def _page(path: str) -> dict[str, Any]:
    html = (CORPUS_DIR / path).read_text()
    published = re.search(r'published_time" content="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    return {
        "url": f"https://www.{DOMAIN[path.split('/')[0]]}/{path.split('/', 1)[1]}",
        "title": re.search(r"<h1>([^<]+)</h1>", html).group(1),  # type: ignore[union-attr]
        "published_at": dt.datetime.fromisoformat(published.replace("Z", "+00:00")),
        "text": trafilatura.extract(html) or "",
    }


CORPUS = {path: _page(path) for path in PAGES}


def _store(path: str, how: str) -> Article:
    """Store one page as the given path would: no outlet named, so its address decides."""
    page = CORPUS[path]
    if how == "api":
        return article_create(
            actor=None,
            canonical_url=page["url"],
            title=page["title"],
            published_at=page["published_at"],
            text=page["text"],
        )
    if how == "feed":
        article, _ = article_store(
            provider=ArticleProvider.FEED,
            url=page["url"],
            title=page["title"],
            published_at=page["published_at"],
            text=page["text"],
            site_name="Some Aggregator",
        )
        return article
    if how == "pasted_url":
        extracted = Extracted(title=page["title"], text=page["text"], published_at=page["published_at"])
        article, _ = article_store(provider=ArticleProvider.URL, url=page["url"], extracted=extracted)
        return article
    article, _ = article_record_pasted(actor=None, text=page["text"], url=page["url"], title=page["title"])
    Article.objects.filter(pk=article.pk).update(published_at=page["published_at"])
    return article


def _claim() -> Claim:
    alias_seed()  # a transactional test before this one may have flushed the seeded table
    for name, _, is_wire, ownership, domain in OUTLETS:
        outlet_create(actor=None, name=name, is_wire=is_wire, ownership=ownership, domains=[domain])
    # Where the claim first appeared: a record of AP's story without its text, so the
    # earliest covering page from AP stands for it.
    first = article_create(actor=None, canonical_url="https://apnews.com/article/sample")
    return make_claim(
        statement=STATEMENT,
        quote=QUOTE,
        claimant=SourceFactory.create(anonymous=True),
        claimant_fields=complete_caveats(),
        first_appearance=first,
    )


def _snapshot(claim: Claim) -> tuple[dict[str | None, tuple[Any, ...]], dict[str, int]]:
    """The rows by canonical URL (ids differ from run to run; addresses do not)."""
    urls: dict[int | None, str | None] = dict(Article.objects.values_list("pk", "canonical_url"))
    rows = {
        urls[item.article_id]: (
            item.independence,
            urls.get(item.origin_group),
            item.suggested_stance,
            item.stance,
            item.echo_of.name if item.echo_of else None,
            item.score,
            item.excerpt,
            tuple(map(tuple, item.excerpt_marks)),
            item.stance_reason,
        )
        for item in Coverage.objects.filter(claim=claim).select_related("echo_of")
    }
    return rows, ledger(claim).counts()


def _run(
    order: list[str], paths: list[str], incremental: bool
) -> tuple[dict[str | None, tuple[Any, ...]], dict[str, int]]:
    try:
        with transaction.atomic():
            claim = _claim()
            for path, how in zip(order, paths, strict=True):
                article = _store(path, how)
                if incremental:
                    # As a pasted URL's job does: match what just arrived, then move on.
                    coverage_match(claim, among=[article.pk])
            coverage_match(claim)
            result = _snapshot(claim)
            raise _Undo
    except _Undo:
        pass
    return result


@pytest.fixture(scope="module")
def expected(django_db_setup: None, django_db_blocker: Any) -> tuple[dict[str | None, tuple[Any, ...]], dict[str, int]]:
    with django_db_blocker.unblock():
        return _run(list(PAGES), ["api"] * len(PAGES), incremental=False)


def test_the_reference_run_reads_the_corpus_as_annotated(expected):
    rows, counts = expected
    assert counts == {"origin": 1, "independent": 2, "echoes": 1, "syndicated": 3, "denials": 1, "mentions": 0}
    wire_url = next(url for url in rows if "apnews.com" in url)
    assert rows[wire_url][0] == "origin"
    # Every republication of the wire story points at the wire's copy, whatever it credits.
    assert {row[1] for row in rows.values() if row[0] == "syndicated"} == {wire_url}
    echo = next(row for url, row in rows.items() if "dailyroundup" in url)
    assert (echo[0], echo[4]) == ("echo", "The Associated Press")


@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    order=st.permutations(list(PAGES)),
    paths=st.lists(st.sampled_from(PATHS), min_size=len(PAGES), max_size=len(PAGES)),
    incremental=st.booleans(),
)
def test_rows_and_ledger_do_not_depend_on_arrival_order_path_or_matching_runs(expected, order, paths, incremental):
    assert _run(order, paths, incremental) == expected
