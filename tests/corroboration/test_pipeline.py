"""The pipeline on the demo corpus, through the services: copies grouped, the echo
marked, independent reports apart, unrelated articles absent — the ledger shows
exactly the corpus."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from claims.models import Claim
from corroboration.models import Coverage, CoverageIndependence, Syndication
from corroboration.services import alias_seed, coverage_confirm, coverage_match, credibility_accept, ledger
from sources.models import Article
from tests.corroboration.corpus import corpus_outlets, store_corpus
from tests.corroboration.test_matching import QUOTE, STATEMENT
from tests.factories import ArticleFactory, SourceFactory, complete_caveats, make_claim

pytestmark = pytest.mark.django_db

WIRE = "wire/russia-iran-intelligence.html"
COPIES = [
    "lakeside-gazette/world/russia-holds-back-on-iran.html",
    "prairie-herald/news/2026/03/07/kremlin-keeps-its-distance.html",
    "harbor-city-times/ap/russia-iran-targeting-information.html",
]


@pytest.fixture
def claim():
    alias_seed()  # a transactional test before this one may have flushed the seeded table
    outlets = corpus_outlets()
    first = ArticleFactory(canonical_url="https://apnews.com/article/sample", outlet=outlets["The Associated Press"])
    return make_claim(
        statement=STATEMENT,
        quote=QUOTE,
        claimant=SourceFactory(anonymous=True),
        claimant_fields=complete_caveats(),
        first_appearance=first,
    )


@pytest.fixture
def corpus():
    return store_corpus()


def test_the_ledger_shows_exactly_the_corpus(claim, corpus):
    counts = coverage_match(claim)
    assert counts["related"] == 8
    result = ledger(claim)
    assert (result.origin, result.syndicated, result.independent, result.echoes, result.denials, result.mentions) == (
        1,
        3,
        2,
        1,
        1,
        0,
    )
    unrelated = [a for path, a in corpus.items() if "business" in path or "europe" in path or "inspectors" in path]
    assert not Coverage.objects.filter(article__in=unrelated).exists()
    by_page = {c.article.canonical_url.split("corpus.example/")[1]: c for c in claim.coverage.all()}
    assert by_page[WIRE].independence == CoverageIndependence.ORIGIN
    assert {by_page[p].independence for p in COPIES} == {CoverageIndependence.SYNDICATED}
    assert by_page["daily-roundup/briefing/2026-03-07.html"].independence == CoverageIndependence.ECHO
    assert by_page["daily-roundup/briefing/2026-03-07.html"].echo_of.name == "The Associated Press"
    fna = next(o for o in result.outlets if o.name == "Federal News Agency")
    assert (fna.state_controlled, fna.stance) == (True, "disputes")


def test_copies_share_one_origin_group(corpus):
    for article in corpus.values():
        from corroboration.syndication import group_article

        group_article(article)
    wire = corpus[WIRE]
    assert set(Syndication.objects.filter(origin=wire).values_list("article", flat=True)) == {
        wire.pk,
        *(corpus[p].pk for p in COPIES),
    }
    assert Syndication.objects.filter(article=corpus["daily-roundup/briefing/2026-03-07.html"]).get().is_origin


def test_the_wire_copy_becomes_the_origin_even_when_it_arrives_last(claim):
    stored = store_corpus(dict.fromkeys(COPIES, ""))
    from corroboration.syndication import group_article

    for article in stored.values():
        group_article(article)
    (wire,) = store_corpus({WIRE: ""}).values()
    group_article(wire)
    assert set(Syndication.objects.filter(origin=wire).values_list("article", flat=True)) == {
        wire.pk,
        *(a.pk for a in stored.values()),
    }


def test_matching_twice_changes_nothing(claim, corpus):
    coverage_match(claim)
    before = list(Coverage.objects.order_by("pk").values_list("pk", "article", "score", "independence"))
    assert coverage_match(claim)["new"] == 0
    assert list(Coverage.objects.order_by("pk").values_list("pk", "article", "score", "independence")) == before


def test_the_credibility_suggestion_follows_confirmations(claim, corpus, reviewer, editor):
    coverage_match(claim)
    assert ledger(claim).suggested_credibility == 2  # two independent reports, none confirmed yet
    for item in Coverage.objects.filter(independence=CoverageIndependence.INDEPENDENT, suggested_stance="supports"):
        coverage_confirm(actor=reviewer, coverage=item, stance="supports")
    result = ledger(claim)
    assert result.suggested_credibility == 1
    assert "Confirmed by 2 independent reports" in result.credibility_reason
    assert "3 syndicated copies and 1 echo repeat other reporting and do not count" in result.credibility_reason

    with pytest.raises(PermissionDenied):
        credibility_accept(actor=reviewer, claim=claim)
    assert credibility_accept(actor=editor, claim=claim) == 1
    assert Claim.objects.get(pk=claim.pk).claimant.credibility == 1


def test_a_confirmed_stance_survives_rematching(claim, corpus, reviewer):
    coverage_match(claim)
    echo = Coverage.objects.get(independence=CoverageIndependence.ECHO)
    coverage_confirm(actor=reviewer, coverage=echo, stance="mentions")
    coverage_match(claim)
    echo.refresh_from_db()
    assert (echo.stance, echo.suggested_stance, echo.confirmed_by) == ("mentions", "supports", reviewer)


def test_confirming_needs_a_known_stance_and_the_right(claim, corpus, reviewer):
    coverage_match(claim)
    item = Coverage.objects.first()
    with pytest.raises(ValidationError):
        coverage_confirm(actor=reviewer, coverage=item, stance="agrees")
    from tests.factories import UserFactory

    with pytest.raises(PermissionDenied):
        coverage_confirm(actor=UserFactory(), coverage=item, stance="supports")


def test_with_no_coverage_the_truth_cannot_be_judged():
    claim = make_claim(statement="A claim nobody has reported on.")
    result = ledger(claim)
    assert (result.suggested_credibility, result.independent) == (6, 0)
    assert Article.objects.count() == 0
