"""The matching benchmark's own path, at a tiny scale: it fills, measures and reports
every row in the suite's `BENCH` format. Timings are not judged here (`make bench`
does that on a quiet machine); the keys and the rows are."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from bench.matching import load_note, run
from claims.models import Claim
from corroboration.management.commands.make_synthetic import claim_statement, stored_article_text
from corroboration.models import ArticleBand, ArticleMatching, Syndication
from sources.models import Article

pytestmark = pytest.mark.django_db

BENCH = re.compile(
    r"^BENCH name=(?P<name>[a-z_]+) scale=(?P<scale>\d+) median_ms=[\d.]+ p95_ms=[\d.]+ bound_ms=[\d.]+ "
    r"ratio=[\d.]+ target=[\d.]+ ok=(yes|no)$"
)


def test_the_benchmark_reports_each_operation_at_each_scale_and_their_growth():
    rows = run([30, 60], rounds=3, seed=5)
    lines = [row.bench_line() for row in rows]
    found = [BENCH.match(line) for line in lines]
    assert all(found), lines
    assert [(m["name"], int(m["scale"])) for m in found] == [
        ("match_article", 30),
        ("group_article", 30),
        ("match_article", 60),
        ("group_article", 60),
        ("match_article_growth", 60),
        ("group_article_growth", 60),
    ]
    # A growth row takes out the load moving between the scales: its ratio is the ratio
    # at the last scale over the ratio at the first.
    by_name = {(r.name, r.scale): r for r in rows}
    for name in ("match_article", "group_article"):
        first, last, grown = by_name[(name, 30)], by_name[(name, 60)], by_name[(f"{name}_growth", 60)]
        assert grown.ratio == pytest.approx(last.ratio / first.ratio)
        assert grown.median_ms == last.median_ms
    # The note names each operation's bound and raw median at the last scale over the first.
    note = load_note(rows)
    assert "match_article bound ×" in note
    assert "group_article bound ×" in note
    assert "raw median ×" in note


def test_synthetic_data_is_reproducible_and_grows_in_place():
    call_command("make_synthetic", claims=12, articles=15, seed=3)
    first = list(Claim.objects.order_by("pk").values_list("statement", "quote"))
    texts = list(Article.objects.exclude(text="").order_by("pk").values_list("text", flat=True))
    assert first == [claim_statement(3, n) for n in range(12)]  # the seed decides every text
    assert texts == [stored_article_text(3, n) for n in range(15)]
    call_command("make_synthetic", claims=20, articles=15, seed=3)
    assert list(Claim.objects.order_by("pk").values_list("statement", "quote"))[:12] == first
    assert Claim.objects.count() == 20
    # Every stored article is grouped, fingerprinted and counted as matched.
    assert Syndication.objects.count() == ArticleMatching.objects.exclude(finished_at=None).count() == 15
    assert ArticleBand.objects.values("article").distinct().count() == 15
    assert all(c.claimant is not None for c in Claim.objects.with_sourcing())
