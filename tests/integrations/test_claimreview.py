"""ClaimReview JSON-LD: the demo's published claim field by field, verdicts with and
without a number, anonymous sourcing as docs/claimreview.md documents it, corrections,
the feed, and only properties that schema.org defines for each type."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.http import Http404

from claims.models import Claim, Rating, Status
from claims.services import attribution_update, claim_update
from corroboration.models import Coverage
from demo.story import ARTICLE, STORY_URL
from reviews.claimreview import ClaimNotPublished, claimreview_feed, claimreview_for, claims_for_feed
from reviews.models import Confidence
from reviews.services import review_create, review_update, sourcing_sign_off, transition_take
from reviews.workflow import TransitionName
from sources.services import article_update
from tests.factories import ArticleFactory
from tests.integrations.conftest import AP_OK

pytestmark = pytest.mark.django_db

SITE = "https://factcheck.example"
NEWSROOM = {"@type": "Organization", "name": "The Example Desk", "url": "https://desk.example/"}
TREATY = "Russia and Iran signed a comprehensive strategic partnership treaty in January 2025."
INTELLIGENCE = "Russia has provided Iran with information that could help Tehran strike U.S. warships"


@pytest.fixture(autouse=True)
def newsroom(settings: Any) -> None:
    settings.SITE_URL = SITE + "/"
    settings.ORGANIZATION_NAME = NEWSROOM["name"]
    settings.ORGANIZATION_URL = NEWSROOM["url"]


@pytest.fixture
def demo(roles: Any) -> dict[str, Any]:
    call_command("load_demo", verbosity=0)
    from django.contrib.auth import get_user_model

    return {u.username: u for u in get_user_model().objects.all()}


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- The demo's published claim -----------------------------------------------------------------


def test_the_demo_treaty_claim_review_field_by_field(demo):
    treaty = Claim.objects.get(statement=TREATY)
    story = {
        "@type": "CreativeWork",
        "url": STORY_URL,
        "headline": ARTICLE["title"],
        "publisher": {"@type": "Organization", "name": "The Associated Press"},
        "datePublished": "2026-03-08T00:00:00Z",
    }

    review = claimreview_for(treaty)

    assert review == {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"{SITE}/fact-checks/{treaty.pk}/",
        "claimReviewed": TREATY,
        "author": NEWSROOM,
        "datePublished": iso(treaty.first_published_at),
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": 6,
            "bestRating": 6,
            "worstRating": 1,
            "alternateName": "True",
            "name": "True",
            "ratingExplanation": (
                "Russia and Iran signed a comprehensive strategic partnership treaty in Moscow in January 2025."
            ),
        },
        "itemReviewed": {
            "@type": "Claim",
            # The claimant is AP's own reporting: named by its outlet.
            "author": {"@type": "Organization", "name": "The Associated Press"},
            "datePublished": "2026-03-08",
            "appearance": [story],
            "firstAppearance": story,
        },
        # The evidence the verdict cites: the AP story itself.
        "citation": [story],
    }
    # A claim published once and never corrected has no dateModified and no correction.
    assert "dateModified" not in review
    assert "correction" not in review


def test_the_statement_reviewed_is_the_neutral_one_with_no_verdict_in_it(demo):
    review = claimreview_for(Claim.objects.get(statement=TREATY))
    assert review["claimReviewed"] == TREATY
    assert "true" not in review["claimReviewed"].lower()


def test_the_url_and_ids_come_from_site_url_whatever_host_the_caller_used(demo, client, settings):
    settings.ALLOWED_HOSTS = ["desk.example", "factcheck.example"]
    treaty = Claim.objects.get(statement=TREATY)
    answer = client.get(f"/api/v1/claims/{treaty.pk}/claimreview/", HTTP_HOST="desk.example").json()
    assert answer["url"] == f"{SITE}/fact-checks/{treaty.pk}/"
    feed = client.get("/api/v1/claimreviews/", HTTP_HOST="desk.example").json()
    assert feed["url"] == f"{SITE}/api/v1/claimreviews/"
    published = Claim.objects.filter(status=Status.PUBLISHED).values_list("pk", flat=True)
    assert treaty.pk in published  # beside the demo's earlier published history
    urls = {item["item"]["url"] for item in feed["dataFeedElement"]}
    assert urls == {f"{SITE}/fact-checks/{pk}/" for pk in published}


# --- Verdicts --------------------------------------------------------------------------------


def test_an_unproven_verdict_keeps_its_words_and_the_scale_but_has_no_number(workflow):
    claim = workflow.researching()
    workflow.draft(claim, rating="unproven", recheck_on=dt.date(2030, 1, 1), summary="Nobody has shown it yet.")
    transition_take(actor=workflow.reviewer, claim=claim, name=TransitionName.SUBMIT_FOR_REVIEW)
    transition_take(actor=workflow.editor, claim=claim, name=TransitionName.PUBLISH)

    rating = claimreview_for(claim)["reviewRating"]

    assert rating == {
        "@type": "Rating",
        "bestRating": 6,
        "worstRating": 1,
        "alternateName": "Unproven",
        "name": "Unproven",
        "ratingExplanation": "Nobody has shown it yet.",
    }


def test_the_rating_comes_from_the_configured_scale(workflow):
    mostly_false = Rating.objects.get(value="mostly_false")
    mostly_false.alternate_name = "Mostly False"
    mostly_false.save()
    claim = workflow.researching()
    workflow.draft(claim, rating="mostly_false")
    transition_take(actor=workflow.reviewer, claim=claim, name=TransitionName.SUBMIT_FOR_REVIEW)
    transition_take(actor=workflow.editor, claim=claim, name=TransitionName.PUBLISH)

    rating = claimreview_for(claim)["reviewRating"]

    assert (rating["ratingValue"], rating["alternateName"], rating["name"]) == (2, "Mostly False", "Mostly false")
    assert "ratingExplanation" not in rating  # the draft had no summary


def test_a_named_person_is_the_claims_author_with_title_and_affiliation(workflow):
    claim = workflow.published()
    claimant = claim.attributions.get().source
    claimant.affiliation = "Ministry of Examples"
    claimant.save()

    author = claimreview_for(claim)["itemReviewed"]["author"]

    assert author == {
        "@type": "Person",
        "name": claimant.name,
        "jobTitle": "Spokesperson",
        "affiliation": {"@type": "Organization", "name": "Ministry of Examples"},
    }


# --- Anonymous sourcing ----------------------------------------------------------------------


def publish_the_intelligence_claim(demo: dict[str, Any]) -> Claim:
    """The demo's anonymous claim, taken through review, a standards sign-off and publication."""
    claim = Claim.objects.get(statement__startswith=INTELLIGENCE)
    unproven = Rating.objects.get(value="unproven")
    review_create(
        actor=demo["reviewer"],
        claim=claim,
        rating=unproven,
        confidence=Confidence.ROUGHLY_EVEN,
        recheck_on=dt.date(2026, 4, 8),
        summary="Two anonymous officials say so; nobody has confirmed it on the record.",
        rationale="AP's two sources are not named and no other outlet has confirmed the report independently.",
        evidence_attributions=list(claim.attributions.all()),
    )
    transition_take(actor=demo["reviewer"], claim=claim, name=TransitionName.SUBMIT_FOR_REVIEW)
    sourcing_sign_off(actor=demo["editor"], claim=claim, **AP_OK)
    transition_take(actor=demo["editor"], claim=claim, name=TransitionName.PUBLISH)
    return claim


INTELLIGENCE_CAVEATS = [
    ("role", "Role", "Claimant"),
    ("sources_claimed", "Sources claimed", "2"),
    ("independence", "Independence", "Unknown"),
    ("access", "Access", "“Familiar with”"),
    ("reason", "Reason for anonymity", "not authorized to comment publicly on the sensitive matter"),
    ("condition", "Condition", "spoke on the condition of anonymity"),
    (
        "stated_limits",
        "Stated limits",
        "cautioned that the U.S. intelligence has not uncovered that Russia is directing Iran on what to do "
        "with the information",
    ),
    ("side", "Side", "Government"),
    ("content_type", "Content type", "Information (fact)"),
    ("granted_by", "Anonymity granted by", "The Associated Press"),
    ("identity_known_to_editor", "Identity known to an editor", "Yes"),
    ("vouching", "Publisher vouching", "per AP policy, an editor knows the sources' identity"),
    ("credibility", "Information credibility", "3 — possibly true"),
]
INTELLIGENCE_SUMMARY = (
    "Anonymous claimant. "
    + "; ".join(f"{name}: {text}" for key, name, text in INTELLIGENCE_CAVEATS if key != "role")
    + "."
)


def test_an_anonymous_claim_published_after_a_sign_off_carries_its_caveats_as_documented(demo):
    claim = publish_the_intelligence_claim(demo)
    signoff = claim.signoffs.get()
    source_id = f"{SITE}/fact-checks/{claim.pk}/#source-{claim.claimant.pk}"

    item = claimreview_for(claim)["itemReviewed"]

    # The claim's author: the story's own words, typed as a group, the caveats in one sentence.
    assert item["author"] == {
        "@type": "Organization",
        "@id": source_id,
        "name": "two officials familiar with U.S. intelligence",
        "description": INTELLIGENCE_SUMMARY,
    }
    sourcing, standards = item["comment"]
    assert sourcing == {
        "@type": "Comment",
        "identifier": "anonymous_sourcing",
        "name": "Anonymous sourcing caveats",
        "about": {"@id": source_id},
        "text": INTELLIGENCE_SUMMARY,
        "hasPart": [
            {"@type": "Comment", "identifier": key, "name": name, "text": text}
            for key, name, text in INTELLIGENCE_CAVEATS
        ],
    }
    assert standards["@type"] == "Comment"
    assert standards["identifier"] == "standards_sign_off"
    assert "AP conditions" in standards["text"]
    assert standards["dateCreated"] == iso(signoff.signed_at)


def test_the_caveats_include_count_access_reason_condition_and_stated_limits(demo):
    claim = publish_the_intelligence_claim(demo)
    parts = {
        part["identifier"]: part["text"] for part in claimreview_for(claim)["itemReviewed"]["comment"][0]["hasPart"]
    }
    assert {"sources_claimed", "access", "reason", "condition", "stated_limits"} <= set(parts)
    assert parts["stated_limits"].startswith("cautioned that the U.S. intelligence has not uncovered")


def test_a_single_anonymous_source_is_a_person(workflow):
    claim = workflow.submitted(anonymous=True)
    attribution_update(
        actor=workflow.reviewer,
        attribution=claim.attributions.get(role="claimant"),
        sources_claimed=1,
        attribution_text="a senior official",
    )
    transition_take(actor=workflow.editor, claim=claim, name=TransitionName.ACCEPT, assignee=workflow.reviewer)
    workflow.draft(claim)
    transition_take(actor=workflow.reviewer, claim=claim, name=TransitionName.SUBMIT_FOR_REVIEW)
    sourcing_sign_off(actor=workflow.editor, claim=claim, **AP_OK)
    transition_take(actor=workflow.editor, claim=claim, name=TransitionName.PUBLISH)

    author = claimreview_for(claim)["itemReviewed"]["author"]

    assert (author["@type"], author["name"]) == ("Person", "a senior official")
    assert "Sources claimed: 1" in author["description"]


def test_a_claim_on_named_sources_carries_no_caveat_comments(demo):
    assert "comment" not in claimreview_for(Claim.objects.get(statement=TREATY))["itemReviewed"]


# --- The feed over the API: a DataFeed, paged by Link headers --------------------------------


def test_the_feed_pages_fifty_at_a_time_with_links_between_pages(workflow, client):
    claims = [workflow.published() for _ in range(3)]
    first = client.get("/api/v1/claimreviews/", {"page_size": 2})
    assert first.status_code == 200
    body = first.json()
    assert body["@type"] == "DataFeed"
    assert not {"count", "next", "previous", "results"} & set(body)
    assert [i["item"]["claimReviewed"] for i in body["dataFeedElement"]] == [c.statement for c in claims[:0:-1]]
    links = first["Link"]
    assert '?page=2&page_size=2>; rel="next"' in links
    assert 'rel="prev"' not in links
    assert '?page=2&page_size=2>; rel="last"' in links
    second = client.get("/api/v1/claimreviews/", {"page_size": 2, "page": 2})
    assert len(second.json()["dataFeedElement"]) == 1
    assert 'rel="prev"' in second["Link"]
    assert 'rel="next"' not in second["Link"]
    whole = client.get("/api/v1/claimreviews/")
    assert len(whole.json()["dataFeedElement"]) == 3  # 50 to a page by default, as documented
    spec = client.get("/api/schema/", {"format": "json"}).json()
    page_size = next(p for p in spec["paths"]["/api/v1/claimreviews/"]["get"]["parameters"] if p["name"] == "page_size")
    assert "default 50" in page_size["description"]


def test_the_feed_is_fifty_items_to_a_page_by_default(workflow, client, monkeypatch):
    from reviews import api

    monkeypatch.setattr(api.FeedPagination, "default_size", 2)  # the same code path, at a size tests can fill
    [workflow.published() for _ in range(3)]
    assert len(client.get("/api/v1/claimreviews/").json()["dataFeedElement"]) == 2
    assert api.FEED_SIZE == 50


# --- dateModified: whenever what it publishes changes ---------------------------------------


def test_an_edited_appearance_modifies_the_claimreview(workflow):
    article = ArticleFactory(title="Treaty signed")
    claim = workflow.published(first_appearance=article)
    assert "dateModified" not in claimreview_for(claim)
    article_update(actor=workflow.editor, article=article, title="Treaty signed in Moscow")
    article.refresh_from_db()
    review = claimreview_for(claim)
    assert review["dateModified"] == iso(article.updated_at)
    assert review["itemReviewed"]["firstAppearance"]["headline"] == "Treaty signed in Moscow"


def test_an_edited_cited_article_modifies_the_claimreview(workflow):
    cited = ArticleFactory(title="Registry entry")
    claim = workflow.in_review()
    review = claim.reviews.get()
    review_update(actor=workflow.reviewer, review=review, evidence_articles=[cited])
    transition_take(actor=workflow.editor, claim=claim, name=TransitionName.PUBLISH)
    published = claimreview_for(claim)
    assert [c.get("headline") for c in published["citation"]][:1] == ["Registry entry"]
    assert "dateModified" not in published
    article_update(actor=workflow.editor, article=cited, title="Registry entry, amended")
    cited.refresh_from_db()
    assert claimreview_for(claim)["dateModified"] == iso(cited.updated_at)


def test_an_edit_of_the_published_claim_modifies_the_claimreview(workflow):
    claim = workflow.published()
    claim.refresh_from_db()
    claim_update(actor=workflow.editor, claim=claim, version=claim.version, statement="A restated proposition.")
    claim.refresh_from_db()
    review = claimreview_for(claim)
    assert review["claimReviewed"] == "A restated proposition."
    assert review["dateModified"] == iso(claim.updated_at)


def test_coverage_found_after_publishing_does_not_modify_the_claimreview(workflow):
    claim = workflow.published()
    before = claimreview_for(claim)
    Coverage.objects.create(
        claim=claim, article=ArticleFactory(), score=0.9, excerpt="It was signed.", suggested_stance="supports"
    )
    assert claimreview_for(claim) == before
    assert "dateModified" not in before


def test_the_verdict_cites_its_evidence(workflow):
    claim = workflow.published()
    review = claim.reviews.get()
    citations = claimreview_for(claim)["citation"]
    assert {"@type": "CreativeWork", "url": "https://records.example/treaty"} in citations
    assert review.evidence_articles.get().canonical_url in {c["url"] for c in citations}


# --- Corrections ----------------------------------------------------------------------------


def test_a_corrected_claim_has_date_modified_and_the_correction(workflow):
    claim = workflow.published()
    first = Claim.objects.get(pk=claim.pk).first_published_at
    note = "The agreement was signed on Wednesday, not Tuesday."
    transition_take(actor=workflow.editor, claim=claim, name=TransitionName.REOPEN, note=note)
    workflow.draft(claim, rating="mostly_true", summary="Signed, but a day later than claimed.")
    transition_take(actor=workflow.reviewer, claim=claim, name=TransitionName.SUBMIT_FOR_REVIEW)
    transition_take(actor=workflow.editor, claim=claim, name=TransitionName.PUBLISH)
    claim.refresh_from_db()

    review = claimreview_for(claim)

    assert review["datePublished"] == iso(first)  # first publication stays
    assert review["dateModified"] == iso(claim.published_at)
    assert review["correction"] == [
        {"@type": "CorrectionComment", "text": note, "datePublished": iso(claim.published_at)}
    ]
    assert review["reviewRating"]["alternateName"] == "Mostly true"  # the corrected verdict


def test_every_correction_is_listed_oldest_first(workflow):
    claim = workflow.published()
    for note in ("First fix.", "Second fix."):
        transition_take(actor=workflow.editor, claim=claim, name=TransitionName.REOPEN, note=note)
        workflow.draft(claim)
        transition_take(actor=workflow.reviewer, claim=claim, name=TransitionName.SUBMIT_FOR_REVIEW)
        transition_take(actor=workflow.editor, claim=claim, name=TransitionName.PUBLISH)

    corrections = claimreview_for(claim)["correction"]

    assert [c["text"] for c in corrections] == ["First fix.", "Second fix."]
    assert corrections[0]["datePublished"] <= corrections[1]["datePublished"]


# --- Not published ------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["submitted", "researching", "in_review", "rejected"])
def test_a_claim_that_is_not_published_has_no_claimreview(workflow, state):
    claim = getattr(workflow, state)()
    with pytest.raises(ClaimNotPublished):
        claimreview_for(claim)


def test_a_reopened_claim_has_no_claimreview_until_it_is_published_again(workflow):
    claim = workflow.published()
    transition_take(actor=workflow.editor, claim=claim, name=TransitionName.REOPEN, note="Checking the date.")
    with pytest.raises(Http404):  # ClaimNotPublished is a 404 wherever it is not caught
        claimreview_for(claim)


# --- The feed -----------------------------------------------------------------------------


def test_the_feed_is_a_data_feed_of_published_claims_in_the_order_given(workflow):
    older = workflow.published(statement="The older claim.")
    newer = workflow.published(statement="The newer claim.")
    draft = workflow.researching(statement="Not published yet.")

    feed = claimreview_feed([newer, draft, older])

    assert feed["@context"] == "https://schema.org"
    assert feed["@type"] == "DataFeed"
    assert feed["url"] == f"{SITE}/api/v1/claimreviews/"
    assert feed["publisher"] == NEWSROOM
    items = feed["dataFeedElement"]
    assert [item["item"]["claimReviewed"] for item in items] == ["The newer claim.", "The older claim."]
    assert all(item["@type"] == "DataFeedItem" for item in items)
    assert items[0]["item"] == {k: v for k, v in claimreview_for(newer).items() if k != "@context"}
    assert feed["dateModified"] == max(item["dateModified"] for item in items)


def test_claims_for_feed_are_the_most_recently_published_first(workflow):
    first = workflow.published(statement="Published first.")
    second = workflow.published(statement="Published second.")
    workflow.researching(statement="Never published.")
    assert list(claims_for_feed()) == [second, first]
    assert [i["item"]["claimReviewed"] for i in claimreview_feed(claims_for_feed())["dataFeedElement"]] == [
        "Published second.",
        "Published first.",
    ]


def test_an_empty_feed_is_still_a_feed(db):
    feed = claimreview_feed(Claim.objects.none())
    assert feed["dataFeedElement"] == []
    assert "dateModified" not in feed


def test_the_feed_reads_in_a_fixed_number_of_queries(workflow, django_assert_max_num_queries):
    claims = [workflow.published(statement=f"Claim number {n}.") for n in range(5)]
    with django_assert_max_num_queries(12):
        feed = claimreview_feed(claims)
    assert len(feed["dataFeedElement"]) == 5


# --- Only what schema.org defines ---------------------------------------------------------

# Properties schema.org defines for each type we emit (own and inherited), from the
# type pages on schema.org (Thing › CreativeWork › Review › ClaimReview, and so on).
THING = {
    "@context",
    "@type",
    "@id",
    "name",
    "description",
    "disambiguatingDescription",
    "identifier",
    "url",
    "alternateName",
    "additionalType",
    "sameAs",
}
CREATIVE_WORK = THING | {
    "about",
    "author",
    "citation",
    "comment",
    "correction",
    "dateCreated",
    "dateModified",
    "datePublished",
    "hasPart",
    "headline",
    "inLanguage",
    "publisher",
    "text",
}
VOCABULARY = {
    "ClaimReview": CREATIVE_WORK | {"claimReviewed", "itemReviewed", "reviewRating", "reviewBody"},
    "Rating": THING | {"author", "bestRating", "ratingExplanation", "ratingValue", "reviewAspect", "worstRating"},
    "Claim": CREATIVE_WORK | {"appearance", "firstAppearance", "claimInterpreter"},
    "CreativeWork": CREATIVE_WORK,
    "Comment": CREATIVE_WORK | {"downvoteCount", "upvoteCount", "parentItem", "sharedContent"},
    "CorrectionComment": CREATIVE_WORK | {"downvoteCount", "upvoteCount", "parentItem", "sharedContent"},
    "Organization": THING | {"legalName", "parentOrganization"},
    "Person": THING | {"jobTitle", "affiliation", "worksFor"},
    "DataFeed": CREATIVE_WORK | {"dataFeedElement"},
    "DataFeedItem": THING | {"dateCreated", "dateModified", "dateDeleted", "item"},
}


def nodes(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, list):
        return [node for item in value for node in nodes(item)]
    if isinstance(value, dict):
        return [value, *(node for item in value.values() for node in nodes(item))]
    return []


def test_every_node_uses_only_properties_its_schema_org_type_has(demo, workflow):
    intelligence = publish_the_intelligence_claim(demo)
    corrected = workflow.published()
    transition_take(actor=workflow.editor, claim=corrected, name=TransitionName.REOPEN, note="A fix.")
    workflow.draft(corrected)
    transition_take(actor=workflow.reviewer, claim=corrected, name=TransitionName.SUBMIT_FOR_REVIEW)
    transition_take(actor=workflow.editor, claim=corrected, name=TransitionName.PUBLISH)

    documents = [claimreview_feed([intelligence, corrected, Claim.objects.get(statement=TREATY)])]
    checked = 0
    for node in nodes(documents):
        if set(node) == {"@id"}:
            continue  # a reference to a node described elsewhere
        assert node["@type"] in VOCABULARY, node
        assert set(node) <= VOCABULARY[node["@type"]], (node["@type"], set(node) - VOCABULARY[node["@type"]])
        checked += 1
    assert checked > 40


def test_an_anonymous_supporting_source_travels_as_a_comment_about_it(workflow):
    from tests.factories import SourceFactory, complete_caveats

    claim = workflow.submitted(
        others=[
            {
                "source": SourceFactory(anonymous=True),
                "role": "supports",
                **complete_caveats(attribution_text="a person familiar with the talks", sources_claimed=1),
            }
        ]
    )
    transition_take(actor=workflow.editor, claim=claim, name=TransitionName.ACCEPT, assignee=workflow.reviewer)
    workflow.draft(claim)
    transition_take(actor=workflow.reviewer, claim=claim, name=TransitionName.SUBMIT_FOR_REVIEW)
    sourcing_sign_off(actor=workflow.editor, claim=claim, **AP_OK)
    transition_take(actor=workflow.editor, claim=claim, name=TransitionName.PUBLISH)
    supporter = claim.attributions.get(role="supports")

    item = claimreview_for(claim)["itemReviewed"]

    assert item["author"]["@type"] == "Person"  # the named claimant, no caveats on it
    assert "description" not in item["author"]
    sourcing = item["comment"][0]
    assert sourcing["about"] == {
        "@type": "Person",
        "@id": f"{SITE}/fact-checks/{claim.pk}/#source-{supporter.pk}",
        "name": "a person familiar with the talks",
        "description": sourcing["text"],
    }
    assert sourcing["text"].startswith("Anonymous supporting source. Sources claimed: 1; Independence: Unknown;")
    assert sourcing["hasPart"][0] == {"@type": "Comment", "identifier": "role", "name": "Role", "text": "Supports"}
