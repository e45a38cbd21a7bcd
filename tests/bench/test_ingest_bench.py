"""The ingest benchmark, at a small scale in the default suite: its pages are of the
sizes it promises, the product stores the text trafilatura alone finds in them, once
per page, and the run prints the suite's BENCH line. No timing is asserted."""

from __future__ import annotations

import re

import pytest
from trafilatura.xml import xmltotxt

from bench import ingest
from sources.extract import plain_text
from sources.models import Article, Outlet

pytestmark = pytest.mark.django_db


def test_the_pages_are_news_pages_of_20_to_200_kb_and_the_same_for_a_seed():
    pages = ingest.pages(12)
    assert all(20_000 <= len(page.body) <= 200_000 for page in pages)
    assert [p.body for p in ingest.pages(3)] == [p.body for p in pages[:3]]


def test_the_product_stores_what_trafilatura_alone_reads():
    for page in ingest.pages(4, seed=5):
        article = ingest.ingest(page)
        found = ingest.trafilatura_alone(page)
        assert article.text == plain_text(xmltotxt(found.body, include_formatting=False))
        assert len(article.text.split()) >= 300
    # The pages' hosts are under .example, which has no registrable domain: who
    # published them is not made up from their own names (sources/publisher.py).
    assert not Outlet.objects.exists()
    assert not Article.objects.filter(outlet__isnull=False).exists()
    # A page stored again is the same article.
    again = ingest.ingest(ingest.pages(1, seed=5)[0])
    assert Article.objects.count() == 4
    assert Article.objects.filter(pk=again.pk).exists()


def test_a_stored_article_still_reads_its_search_vector_when_asked():
    article = ingest.ingest(ingest.pages(1, seed=6)[0])
    assert "search_vector" not in article.__dict__  # not read back after the insert
    assert article.search_vector  # loaded when something asks for it


def test_the_benchmark_prints_its_bench_line():
    result = ingest.measure(ingest.pages(3, seed=7))
    assert re.fullmatch(
        r"BENCH name=ingest_page scale=3 median_ms=[0-9.]+ p95_ms=[0-9.]+ bound_ms=[0-9.]+ "
        r"ratio=[0-9.]+ target=1.43 ok=(yes|no)",
        result.bench_line(),
    )
