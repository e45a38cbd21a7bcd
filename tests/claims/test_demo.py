"""The demo story loads as a fact-checker would record it, and loading twice changes nothing."""

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory
from pghistory.models import Events

from claims.models import (
    Access,
    AnonymityReason,
    AttributionRole,
    Claim,
    ClaimRelation,
    ContentKind,
    ResponseKind,
    SourcesIndependence,
)
from sources.models import Article, Outlet, Source, SourceKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(roles):
    call_command("load_demo", verbosity=0)


def intelligence_claim() -> Claim:
    return Claim.objects.get(statement__startswith="Russia has provided Iran with information")


def test_the_demo_holds_the_story_and_its_people(demo):
    assert Claim.objects.count() >= 8
    assert Outlet.objects.filter(name="The Associated Press", is_wire=True).exists()
    names = set(Source.objects.values_list("name", flat=True))
    for person in (
        "Dmitry Peskov",
        "Mark Galeotti",
        "Sam Greene",
        "Sergei Poletaev",
        "Sergey Lavrov",
        "Russian Foreign Ministry",
    ):
        assert person in names
    article = Article.objects.get()
    assert (article.dateline, article.byline.split(";")[0]) == ("MOSCOW", "Vladimir Isachenkov")
    assert article.published_at.date().isoformat() == "2026-03-08"
    # A summary in our own words, not the story's text.
    assert article.summary
    assert not article.text
    assert all(claim.attributions.filter(role=AttributionRole.CLAIMANT).count() == 1 for claim in Claim.objects.all())


def test_the_intelligence_claim_carries_its_whole_caveat_record(demo):
    claim = intelligence_claim()
    claimant = claim.claimant
    assert claimant.source.kind == SourceKind.ANONYMOUS_GROUP
    assert claimant.attribution_text == "two officials familiar with U.S. intelligence"
    assert claimant.sources_claimed == 2
    assert claimant.independence == SourcesIndependence.UNKNOWN
    assert claimant.access == Access.FAMILIAR_WITH
    assert claimant.anonymity_reason == AnonymityReason.NOT_AUTHORIZED
    assert "not authorized to comment publicly" in claimant.anonymity_reason_text
    assert claimant.condition_text == "spoke on the condition of anonymity"
    assert claimant.stated_limits.startswith("cautioned that the U.S. intelligence has not uncovered")
    assert claimant.content_type == ContentKind.FACT
    assert claimant.granted_by.name == "The Associated Press"
    assert claimant.credibility == 3
    assert claimant.caveat_warnings() == []
    assert str(claim.sourcing()) == "1 named · 2 anonymous · caveats complete"


def test_peskovs_answers_are_responses_not_denials(demo):
    claim = intelligence_claim()
    friday = claim.attributions.get(role=AttributionRole.RESPONDS)
    assert friday.source.name == "Dmitry Peskov"
    assert friday.response == ResponseKind.DECLINES_TO_COMMENT

    thursday = ClaimRelation.objects.get(to_claim=claim, kind="responds_to")
    assert "no such requests from Tehran" in thursday.from_claim.quote
    assert thursday.addresses == "different_proposition"


def test_loading_twice_changes_nothing(demo):
    counts = {model: model.objects.count() for model in (Claim, Source, Outlet, Article, ClaimRelation)}
    events = Events.objects.across(*[m.pgh_event_model for m in (Claim, Source, Outlet)]).count()
    call_command("load_demo", verbosity=0)
    assert {model: model.objects.count() for model in counts} == counts
    assert Events.objects.across(*[m.pgh_event_model for m in (Claim, Source, Outlet)]).count() == events


def test_the_demo_users_log_in_with_the_demo_password(demo):
    for username, group in (("editor", "editor"), ("reviewer", "reviewer"), ("reviewer2", "reviewer")):
        user = authenticate(login_request(), username=username, password=settings.DEMO_PASSWORD)
        assert user is not None
        assert user.groups.filter(name=group).exists()
    assert authenticate(login_request(), username="editor", password=settings.DEMO_PASSWORD).is_staff
    assert not authenticate(login_request(), username="reviewer", password=settings.DEMO_PASSWORD).is_staff


def login_request():
    # Logins are counted per account and address (django-axes), so they come with a request.
    return RequestFactory().post("/accounts/login/")


def test_the_demo_is_recorded_as_the_reviewer_did_it(demo):
    assert set(Claim.objects.values_list("created_by__username", flat=True)) == {"reviewer"}
