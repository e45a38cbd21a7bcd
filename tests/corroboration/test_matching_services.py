"""Matching through the services: the alias table editors keep in the admin (read once
per matching job, an edit used from the next job on), the claims' profiles kept between
articles, and a response that addresses a different proposition never turning into a
denial of the claim it responds to."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from claims.services import relation_create
from corroboration import pipeline
from corroboration.matching import ClaimProfile, match
from corroboration.models import Alias, Coverage, JobKind
from corroboration.services import (
    MatchingContext,
    ProfileCache,
    alias_create,
    alias_delete,
    alias_seed,
    alias_table,
    coverage_match,
    coverage_match_article,
    job_claim,
    job_finish,
    job_request,
)
from sources.models import Article
from tests.factories import ArticleFactory, make_claim

pytestmark = pytest.mark.django_db

ESTMARK = "Estmark has closed its border with Varnia to all freight traffic."
PARAPHRASE = (
    "The Northern Republic has closed its border with Varnia to all freight traffic, customs officers said on "
    "Tuesday. Lorries queued for kilometres at the main crossing."
)


def test_the_seeded_table_reads_the_kremlin_as_russia_and_seeding_again_adds_nothing():
    alias_seed()  # a transactional test before this one may have flushed the table
    assert Alias.objects.filter(name="Russia", alias="Kremlin").exists()
    assert alias_seed() == 0
    claim = make_claim(statement="Russia has expelled three diplomats from Iran over espionage charges.")
    ArticleFactory(
        text="The Kremlin has expelled three diplomats from the Islamic Republic over espionage charges, "
        "the foreign ministry said."
    )
    assert coverage_match(claim)["related"] == 1


def test_an_alias_an_editor_adds_is_used_from_the_next_match_on(editor: User, reviewer: User):
    claim = make_claim(statement=ESTMARK)
    ArticleFactory(text=PARAPHRASE)
    first = coverage_match(claim)
    with pytest.raises(PermissionDenied):
        alias_create(actor=reviewer, name="Estmark", alias="Northern Republic")
    alias = alias_create(actor=editor, name="Estmark", alias="  the Northern   Republic ")
    assert alias.alias == "the Northern Republic"
    again = coverage_match(claim)
    assert (first["related"], again["related"]) == (0, 1)
    excerpt = Coverage.objects.get(claim=claim).excerpt
    assert excerpt.startswith("The Northern Republic has closed its border")
    alias_delete(actor=editor, alias=alias)
    assert not Alias.objects.filter(alias="the Northern Republic").exists()


def test_an_alias_must_be_another_name_and_is_kept_once(editor: User):
    with pytest.raises(ValidationError):
        alias_create(actor=editor, name="Estmark", alias="estmark")
    alias_create(actor=editor, name="Estmark", alias="Northern Republic")
    with pytest.raises(ValidationError):
        alias_create(actor=editor, name="estmark", alias="northern republic")


def test_a_response_to_a_different_proposition_never_becomes_a_denial_of_the_claim(editor: User):
    alias_seed()
    claim = make_claim(
        statement="Russia has provided Iran with information that could help Tehran strike U.S. warships."
    )
    response = make_claim(statement="Russia has received no requests from Iran for weapons.")
    article = ArticleFactory.create(
        text="Kremlin spokesman Dmitry Peskov denied the reports, saying Moscow had received no requests from "
        "Tehran for weapons that could help it strike U.S. warships."
    )
    coverage_match(claim)
    before = Coverage.objects.get(claim=claim, article=article)
    assert before.suggested_stance == "disputes"
    relation_create(
        actor=editor,
        from_claim=response,
        to_claim=claim,
        kind="responds_to",
        addresses="different_proposition",
    )
    coverage_match(claim)
    # Peskov's sentence carries the response, not the claim: no denial of the claim is left.
    assert not Coverage.objects.filter(claim=claim, article=article, suggested_stance="disputes").exists()


def _run_matching_job(articles: list[Article], capture_on_commit) -> list[dict]:
    """Run one matching job over the articles; the statements it sent."""
    with capture_on_commit():
        job, _ = job_request(actor=None, kind=JobKind.MATCH_ARTICLES, params={"article_ids": [a.pk for a in articles]})
    claimed = job_claim(job.pk)
    assert claimed is not None
    with CaptureQueriesContext(connection) as sent:
        job_finish(claimed, counts=pipeline.match_articles(claimed))
    return sent.captured_queries


def _reads(statements: list[dict], table: str) -> int:
    return sum(1 for s in statements if s["sql"].startswith("SELECT") and f'FROM "{table}"' in s["sql"])


def test_a_job_reads_the_alias_table_and_the_outlets_once_and_an_edit_is_used_from_the_next_job_on(
    editor: User, django_capture_on_commit_callbacks
):
    claim = make_claim(statement=ESTMARK)
    first = [
        ArticleFactory.create(text=PARAPHRASE),
        ArticleFactory.create(text=PARAPHRASE + " The queue grew overnight."),
    ]
    sent = _run_matching_job(first, django_capture_on_commit_callbacks)
    assert (_reads(sent, "corroboration_alias"), _reads(sent, "sources_outlet")) == (1, 1)
    assert not Coverage.objects.filter(claim=claim).exists()  # "the Northern Republic" is not Estmark yet

    alias_create(actor=editor, name="Estmark", alias="the Northern Republic")
    later = ArticleFactory.create(text=PARAPHRASE + " Hauliers asked for compensation.")
    _run_matching_job([later], django_capture_on_commit_callbacks)
    assert list(Coverage.objects.filter(claim=claim).values_list("article", flat=True)) == [later.pk]


def test_a_claims_profile_is_kept_while_its_wording_stands_and_the_cache_keeps_a_bounded_number():
    one, two, three = (
        make_claim(statement=s)
        for s in (ESTMARK, "Varnia closed its airspace to Estmark.", "Varnia reopened the crossing at dawn.")
    )
    cache = ProfileCache(alias_table(), size=2)
    kept = cache.of(one)
    assert cache.of(two) is not kept
    assert cache.of(one) is kept  # the same claim, the same wording: not built again
    cache.of(three)  # the least recently used (two) goes
    assert len(cache) == 2
    assert cache.of(one) is kept
    one.statement = "Estmark has reopened its border with Varnia to freight traffic."
    reworded = cache.of(one)
    assert reworded is not kept
    assert reworded == ClaimProfile.of(one.statement, one.quote, aliases=alias_table())


def test_a_later_job_reads_the_profiles_an_earlier_one_built_until_the_alias_table_changes(editor: User):
    claim = make_claim(statement=ESTMARK)
    first = MatchingContext.read().profiles.of(claim)
    assert MatchingContext.read().profiles.of(claim) is first  # the next job: not built again
    assert not match(first, PARAPHRASE).related

    alias_create(actor=editor, name="Estmark", alias="the Northern Republic")
    edited = MatchingContext.read().profiles.of(claim)
    assert edited is not first
    assert match(edited, PARAPHRASE).related  # built with the edited table
    assert MatchingContext.read().profiles.of(claim) is edited


def test_matching_the_articles_leaves_the_rows_and_classes_that_matching_the_claim_does(editor: User):
    """The two directions keep one claim's coverage alike, when a response turns an
    article's first reading around (its row goes, the others are classed without it)."""
    alias_seed()
    claim = make_claim(
        statement="Russia has provided Iran with information that could help Tehran strike U.S. warships."
    )
    response = make_claim(statement="Russia has received no requests from Iran for weapons.")
    peskov = ArticleFactory.create(
        text="Kremlin spokesman Dmitry Peskov denied the reports, saying Moscow had received no requests from "
        "Tehran for weapons that could help it strike U.S. warships."
    )
    ArticleFactory.create(
        text="Russia has provided Iran with information that could help Tehran strike U.S. warships, two "
        "officials said on Monday."
    )
    coverage_match(claim)  # before the response is known, both carry the claim
    assert Coverage.objects.filter(claim=claim, article=peskov).exists()
    relation_create(
        actor=editor, from_claim=response, to_claim=claim, kind="responds_to", addresses="different_proposition"
    )

    def rows() -> list[tuple]:
        return list(
            Coverage.objects.filter(claim=claim)
            .order_by("article")
            .values_list("article", "suggested_stance", "independence", "origin_group")
        )

    mark = transaction.savepoint()
    coverage_match(claim)
    by_claim = rows()
    transaction.savepoint_rollback(mark)
    for article in Article.objects.order_by("pk"):
        coverage_match_article(article)
    assert rows() == by_claim
    assert not Coverage.objects.filter(claim=claim, article=peskov, suggested_stance="disputes").exists()
