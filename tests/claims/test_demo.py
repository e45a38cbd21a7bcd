"""The demo story loads as a fact-checker would record it, and loading twice changes nothing."""

from io import StringIO
from pathlib import Path

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
from corroboration.models import PriorCheckMatch
from sources.models import Article, Outlet, Source, SourceKind
from trackrecords.models import TrackRecord, claim_track_records

DEMO_FEED = Path(__file__).resolve().parents[2] / "demo" / "data" / "claimreviews.json"

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
    article = Article.objects.get(canonical_url__startswith="https://apnews.com/")
    assert (article.dateline, article.byline.split(";")[0]) == ("MOSCOW", "Vladimir Isachenkov")
    assert article.published_at.date().isoformat() == "2026-03-08"
    # A summary in our own words, not the story's text.
    assert article.summary
    assert not article.text
    assert all(claim.attributions.filter(role=AttributionRole.CLAIMANT).count() == 1 for claim in Claim.objects.all())
    assert Claim.objects.exclude(tags__contains=["demo-history"]).count() == 12


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


def test_the_demo_has_an_invented_past_of_two_outlets_for_the_track_records(demo):
    history = Claim.objects.filter(tags__contains=["demo-history"])
    assert history.count() == 15
    assert set(history.values_list("status", flat=True)) == {"published"}
    assert set(history.values_list("first_appearance__outlet__name", flat=True)) == {
        "The Associated Press",
        "The Northern Ledger",
    }
    assert all(c.context.startswith("Demo history: an invented claim") for c in history)
    # One claim was corrected: published, reopened, published again.
    corrected = history.get(statement__startswith="Russia and Iran held no joint naval exercises")
    assert [t.name for t in corrected.transitions.order_by("sequence")] == [
        "accept",
        "submit_for_review",
        "publish",
        "reopen",
        "submit_for_review",
        "publish",
    ]
    assert corrected.rating.value == "false"


def test_the_demo_intelligence_claims_sources_have_a_record_to_show(demo):
    ap = Outlet.objects.get(name="The Associated Press")
    outlet = TrackRecord.objects.of_outlet(ap)
    assert (outlet.all.claims, outlet.all.judged, outlet.all.true_share, outlet.all.false_share) == (10, 8, 0.5, 0.25)
    (officials,) = TrackRecord.objects.descriptors_at(ap)
    assert officials.label == "two officials familiar with U.S. intelligence"
    assert (officials.all.claims, officials.all.too_few_to_judge) == (6, False)
    records = claim_track_records(intelligence_claim(), intelligence_claim().attributions.all())
    assert officials in records.by_attribution[intelligence_claim().claimant.pk]


def test_the_demo_claimreview_feed_matches_one_demo_claim(demo):
    out = StringIO()
    call_command("import_claimreviews", str(DEMO_FEED), stdout=out)
    assert "3 new, 0 updated, 0 unchanged, 0 skipped" in out.getvalue()
    assert list(PriorCheckMatch.objects.values_list("claim", flat=True)) == [intelligence_claim().pk]


def test_the_demo_is_recorded_as_the_reviewer_did_it(demo):
    assert set(Claim.objects.values_list("created_by__username", flat=True)) == {"reviewer"}
