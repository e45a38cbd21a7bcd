"""Matching at scale: a new article finds its candidate claims through the claims'
index by what distinguishes it (never by country names alone), a new claim finds
stored articles the same way, copies are found through stored fingerprint bands, and
matching an article works in chunks with a checkpoint that a retry resumes from."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from corroboration import pipeline
from corroboration.candidates import ArticleKeys, candidate_claim_ids
from corroboration.models import ArticleBand, ArticleMatching, Coverage, Job, JobKind, JobStatus, Syndication
from corroboration.services import (
    MATCHABLE,
    candidate_articles,
    coverage_match,
    coverage_match_article,
    job_claim,
    job_fail,
    job_finish,
    job_request,
)
from corroboration.syndication import group_article
from corroboration.tasks import match_new_articles
from tests.corroboration.corpus import store_corpus
from tests.corroboration.test_pipeline import COPIES, WIRE
from tests.factories import ArticleFactory, make_claim

pytestmark = pytest.mark.django_db

ARTICLE = (
    "Russia has given Iran satellite targeting data on American warships in the Gulf, officials said.\n"
    "The Kremlin denied it. Tehran said nothing.\n"
    "The targeting data would let Iranian crews track destroyers and aircraft carriers."
)
TARGETING = "Russia gave Iran satellite targeting data on U.S. warships."
# Shares only the names of countries with the article.
COUNTRIES_ONLY = "Iran will host Russia's national football team in the United States next summer."
# Shares a distinguishing word, but far too little of the claim.
ONE_WORD = "A satellite launch by Poland failed over the Baltic after an engine fault in its second stage."


def test_an_article_is_looked_up_by_its_distinguishing_terms_not_its_country_names():
    keys = ArticleKeys.of(ARTICLE)
    assert {"satellit", "target", "warship"} <= keys.keys
    assert not {"russia", "iran", "tehran", "kremlin", "american", "said"} & keys.keys
    # Every name of a country the article names counts as present: "Moscow" for "Kremlin".
    assert {"moscow", "russia", "iran", "islam"} <= keys.present


def test_candidate_claims_share_what_distinguishes_the_article():
    targeting = make_claim(statement=TARGETING)
    make_claim(statement=COUNTRIES_ONLY)
    make_claim(statement=ONE_WORD)
    assert candidate_claim_ids(ArticleKeys.of(ARTICLE), statuses=MATCHABLE) == [targeting.pk]


def test_candidate_claims_meet_the_article_through_aliases():
    """The claim says Moscow and Tehran; the article says Russia and Iran."""
    claim = make_claim(statement="Moscow handed Tehran satellite targeting data on warships.")
    assert candidate_claim_ids(ArticleKeys.of(ARTICLE), statuses=MATCHABLE) == [claim.pk]


def test_only_claims_in_the_given_statuses_after_the_checkpoint_are_candidates():
    first = make_claim(statement=TARGETING)
    second = make_claim(statement="Russia passed Iran targeting data for U.S. warships in the Gulf.")
    keys = ArticleKeys.of(ARTICLE)
    assert candidate_claim_ids(keys, statuses=MATCHABLE) == [first.pk, second.pk]
    assert candidate_claim_ids(keys, statuses=MATCHABLE, after=first.pk) == [second.pk]
    assert candidate_claim_ids(keys, statuses=MATCHABLE, limit=1) == [first.pk]
    assert candidate_claim_ids(keys, statuses=["published"]) == []


FIGURE_ARTICLE = (
    "The ministry ordered 5,500 turbines for the Vorantis dam, officials said.\n"
    "Work on the 500 homes beside the dam starts in May."
)


def test_a_grouped_figure_is_one_key_and_its_parts_are_not_keys_of_their_own():
    keys = ArticleKeys.of("The ministry ordered 5,500 turbines for the Vorantis dam, officials said.")
    assert "5,500" in keys.keys
    assert not {"5", "500"} & keys.keys
    # A part the text also has as a number of its own stays a key.
    assert {"5,500", "500"} <= ArticleKeys.of(FIGURE_ARTICLE).keys


def test_a_figure_finds_only_the_claims_with_that_figure():
    """PostgreSQL reads "5,500" as 5 and 500: an article must not find every claim
    about 2,500 or 7,500 of something through its "500"."""
    same = make_claim(statement="The ministry ordered 5,500 turbines for Vorantis, officials said.")
    make_claim(statement="Officials said the ministry shipped 7,500 cranes.")
    article = "The ministry ordered 5,500 turbines for the Vorantis dam, officials said."
    assert candidate_claim_ids(ArticleKeys.of(article), statuses=MATCHABLE) == [same.pk]
    # The other way: a claim with the figure looks for pages by the figure, not by its parts.
    carrying = ArticleFactory(text=article)
    ArticleFactory(text="Officials said the ministry shipped 7,500 cranes to the port on Monday.")
    assert [a.pk for a in candidate_articles(same)] == [carrying.pk]


def test_a_new_claim_finds_the_stored_articles_that_carry_it():
    carrying = ArticleFactory(text=ARTICLE)
    ArticleFactory(text="Iran and Russia met the United States in a friendly football match in Moscow on Sunday.")
    claim = make_claim(statement=TARGETING)
    assert [a.pk for a in candidate_articles(claim)] == [carrying.pk]
    counts = coverage_match(claim)
    assert (counts["candidates"], counts["related"]) == (1, 1)
    assert Coverage.objects.get(claim=claim).article == carrying


def test_a_rewritten_copy_is_grouped_through_the_stored_bands_and_an_unrelated_page_is_not():
    corpus = store_corpus({WIRE: "", COPIES[1]: "", "daily-roundup/briefing/2026-03-07.html": ""})
    wire, copy, roundup = corpus[WIRE], corpus[COPIES[1]], corpus["daily-roundup/briefing/2026-03-07.html"]
    group_article(wire)
    assert ArticleBand.objects.filter(article=wire).count() > 0
    assert group_article(copy).origin == wire
    shared = set(ArticleBand.objects.filter(article=wire).values_list("band", flat=True)) & set(
        ArticleBand.objects.filter(article=copy).values_list("band", flat=True)
    )
    assert shared
    assert group_article(roundup).is_origin  # the same story's vocabulary, not a copy
    assert Syndication.objects.filter(origin=wire).count() == 2


def test_grouping_again_keeps_one_set_of_bands():
    (wire,) = store_corpus({WIRE: ""}).values()
    group_article(wire)
    before = sorted(ArticleBand.objects.filter(article=wire).values_list("band", flat=True))
    group_article(wire)
    assert sorted(ArticleBand.objects.filter(article=wire).values_list("band", flat=True)) == before


def _three_claims():
    return [
        make_claim(statement=TARGETING),
        make_claim(statement="Russia passed Iran targeting data for U.S. warships in the Gulf."),
        make_claim(statement="Iran received satellite targeting data on American warships from Russia."),
    ]


class Stop(Exception):
    pass


def test_matching_an_article_resumes_after_its_last_chunk_and_marks_it_matched_at_the_end():
    claims = _three_claims()
    article = ArticleFactory(text=ARTICLE)

    def stop_after_first(last: int) -> None:
        raise Stop(last)

    with pytest.raises(Stop):
        coverage_match_article(article, chunk=1, after_chunk=stop_after_first)
    marker = ArticleMatching.objects.get(article=article)
    assert (marker.claims_through, marker.finished_at) == (claims[0].pk, None)
    assert list(Coverage.objects.filter(article=article).values_list("claim", flat=True)) == [claims[0].pk]

    chunks: list[int] = []
    counts = coverage_match_article(article, chunk=1, after_chunk=chunks.append)
    assert chunks == [claims[1].pk, claims[2].pk]  # the first chunk is not scored again
    assert (counts["candidates"], counts["related"], counts["new"]) == (2, 2, 2)
    marker.refresh_from_db()
    assert marker.finished_at is not None
    assert Coverage.objects.filter(article=article).count() == 3
    # Matched: asking again does nothing.
    assert coverage_match_article(article, chunk=1, after_chunk=chunks.append)["candidates"] == 0
    assert len(chunks) == 2


def test_a_matching_job_stopped_mid_way_resumes_from_its_checkpoint(django_capture_on_commit_callbacks):
    claims = _three_claims()
    article = ArticleFactory(text=ARTICLE)
    with django_capture_on_commit_callbacks():
        job, _ = job_request(actor=None, kind=JobKind.MATCH_ARTICLES, params={"article_ids": [article.pk]})
    seen: list[int] = []

    def stop_after_second(last: int) -> None:
        seen.append(last)
        if len(seen) == 2:
            raise Stop(last)

    claimed = job_claim(job.pk)
    with pytest.raises(Stop):
        pipeline.match_articles(claimed, chunk=1, after_chunk=stop_after_second)
    job_fail(claimed, error="stopped")
    assert not ArticleMatching.objects.get(article=article).finished_at
    with django_capture_on_commit_callbacks():
        assert match_new_articles() == 0  # the job is still queued: it will finish the article

    Job.objects.filter(pk=job.pk).update(run_after=job.created_at)
    retried = job_claim(job.pk)
    assert retried.attempts == 2
    seen.clear()
    counts = pipeline.match_articles(retried, chunk=1, after_chunk=seen.append)
    job_finish(retried, counts=counts)
    assert seen == [claims[2].pk]
    assert counts["candidates"] == 1
    assert Coverage.objects.filter(article=article).count() == 3
    assert ArticleMatching.objects.get(article=article).finished_at is not None
    assert Job.objects.get(pk=job.pk).status == JobStatus.DONE


def test_articles_a_coverage_search_grouped_are_still_matched_on_arrival(django_capture_on_commit_callbacks):
    """Observation 7: grouping an article is not matching it to the other claims."""
    article = ArticleFactory(text=ARTICLE)
    group_article(article)
    with django_capture_on_commit_callbacks():
        assert match_new_articles() == 1
    assert Job.objects.get(kind=JobKind.MATCH_ARTICLES).params["article_ids"] == [article.pk]


def test_matching_an_article_again_keeps_the_reviewers_stance():
    claims = _three_claims()
    article = ArticleFactory(text=ARTICLE)
    assert coverage_match_article(article)["new"] == 3
    confirmed = Coverage.objects.get(article=article, claim=claims[1])
    Coverage.objects.filter(pk=confirmed.pk).update(stance="disputes", suggested_stance="mentions", score=0.1)
    ArticleMatching.objects.filter(article=article).delete()  # as if the article changed and is matched again

    counts = coverage_match_article(article)

    assert (counts["related"], counts["new"]) == (3, 0)
    confirmed.refresh_from_db()
    assert confirmed.stance == "disputes"  # the reviewer's decision stays
    assert confirmed.score > 0.1  # the reading is new
    assert confirmed.suggested_stance != "mentions"


def test_the_statements_sent_for_an_article_do_not_grow_with_the_claims_it_carries():
    def statements(claims: int) -> int:
        Coverage.objects.all().delete()
        article = ArticleFactory.create(text=ARTICLE)
        group_article(article)
        with CaptureQueriesContext(connection) as sent:
            assert coverage_match_article(article)["related"] == claims
        return len(sent.captured_queries)

    make_claim(statement=TARGETING)
    one = statements(1)
    _three_claims()
    assert statements(4) == one
