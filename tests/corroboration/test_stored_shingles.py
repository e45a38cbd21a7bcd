"""Grouping compares a new copy with the shingles stored with each grouped article, and
decides exactly as it did when it shingled the candidates' texts: on the demo corpus,
in either order, the groups and similarities are the same both ways."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection

from corroboration.fingerprint import pack_shingles, unpack_shingles
from corroboration.models import Syndication
from corroboration.syndication import group_article
from corroboration.text import shingles
from demo.corpus import PAGES
from sources.models import Article
from tests.corroboration.corpus import store_corpus
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def _decisions(articles: list[Article], *, from_text: bool) -> dict[int, tuple[int, float]]:
    """Group the articles one after another (from nothing); with `from_text`, every
    grouped article's stored shingles are taken away first, so each candidate is
    compared by shingling its text, as grouping did before they were stored."""
    Syndication.objects.all().delete()
    for article in articles:
        if from_text:
            Syndication.objects.update(shingles=None)
        group_article(article)
    return {row.article_id: (row.origin_id, row.similarity) for row in Syndication.objects.all()}


@pytest.mark.parametrize("order", ["as listed", "reversed"])
def test_grouping_with_stored_shingles_decides_as_shingling_the_texts_did(order):
    stored = store_corpus()
    articles = [stored[path] for path in PAGES]
    if order == "reversed":
        articles.reverse()
    with_stored = _decisions(articles, from_text=False)
    from_text = _decisions(articles, from_text=True)
    assert with_stored == from_text
    # The corpus has copies, so the comparison is not between two sets of lone articles.
    assert any(origin != article for article, (origin, _) in with_stored.items())


def test_the_stored_shingles_are_the_texts_shingles_and_none_for_an_empty_text():
    with_text = ArticleFactory(text="One two three four five six seven eight nine ten eleven twelve.")
    empty = ArticleFactory(text="")
    group_article(with_text)
    group_article(empty)
    kept = Syndication.objects.get(article=with_text).shingles
    assert unpack_shingles(bytes(kept)) == shingles(with_text.text)
    assert Syndication.objects.get(article=empty).shingles is None


def test_the_migration_fills_the_shingles_of_articles_grouped_before_it_as_grouping_does(monkeypatch):
    stored = store_corpus()
    for article in stored.values():
        group_article(article)
    written = {row.article_id: bytes(row.shingles) for row in Syndication.objects.all()}
    Syndication.objects.update(shingles=None)

    migration = importlib.import_module("corroboration.migrations.0008_syndication_stored_shingles")
    monkeypatch.setattr(migration, "BATCH", 2)  # several batches over the corpus

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection  # type: ignore[attr-defined]
    migration.fill_shingles(apps, editor)
    assert {row.article_id: bytes(row.shingles) for row in Syndication.objects.all()} == written
    assert all(written.values())


def test_packed_shingles_are_stored_in_order_and_read_back():
    hashes = {0, 1, 2**64 - 1, 1234567890123456789}
    assert unpack_shingles(pack_shingles(hashes)) == hashes
    assert pack_shingles(hashes) == b"".join(h.to_bytes(8, "big") for h in sorted(hashes))


def test_grouping_inside_a_callers_transaction_leaves_its_durability_alone():
    article = ArticleFactory(text="One two three four five six seven eight nine ten eleven twelve.")
    group_article(article)  # the test's transaction is the caller's
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('synchronous_commit')")
        assert cursor.fetchone() == ("on",)
