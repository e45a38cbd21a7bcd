"""From a story to tracked claims through the services: a story is read by its job into
suggestions; a person accepts one into a claim (the same claim_create as every other
path), dismisses it with a reason, or adds the story to the claim already tracked.
Nothing is created without a person's say, and nothing half-created."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pghistory.models import Events

from claims.models import AttributionRole, Claim, ClaimRelation
from core.services import Conflict
from corroboration.models import Job, JobKind, JobStatus
from extraction.models import AttributionSentence, Extraction, Suggestion, SuggestionState
from extraction.services import (
    extraction_request,
    suggestion_accept,
    suggestion_add_appearance,
    suggestion_dismiss,
)
from sources.models import Article, ArticleProvider, Source, SourceKind
from tests.api.conftest import make_token
from tests.extraction.conftest import INTELLIGENCE, read, run_job, suggestion
from tests.factories import SourceFactory, UserFactory, make_claim
from tests.sources.conftest import html

pytestmark = pytest.mark.django_db


def nothing_stored() -> bool:
    return not (Extraction.objects.exists() or Job.objects.exists())


# --- Asking -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code", "words"),
    [
        ("", "empty", "The text is empty"),
        ("  \n\t ", "empty", "The text is empty"),
        ("PK\x03\x04" + "\x00\x01\x02" * 50, "binary", "binary file"),
        ("Officials said so.\n\n" * 30_000, "too_large", "at most 500,000 can be read at once"),
    ],
)
def test_text_that_cannot_be_a_story_is_refused_at_once_and_nothing_is_stored(reviewer, text, code, words):
    with pytest.raises(ValidationError) as refused:
        extraction_request(actor=reviewer, text=text)
    assert words in refused.value.message_dict["text"][0]
    assert refused.value.error_dict["text"][0].code == code
    assert nothing_stored()


def test_text_and_an_address_together_are_refused(reviewer):
    with pytest.raises(ValidationError) as refused:
        extraction_request(actor=reviewer, text="Officials said so.", url="https://news.example/story")
    assert "not both" in refused.value.message_dict["url"][0]
    assert nothing_stored()


def test_an_address_no_fetch_could_reach_is_refused_before_any_job(reviewer):
    for url in ("ftp://news.example/story", "http://127.0.0.1/admin", "http://169.254.169.254/latest/"):
        with pytest.raises(ValidationError) as refused:
            extraction_request(actor=reviewer, url=url)
        assert refused.value.message_dict["url"]
    assert nothing_stored()


def test_only_the_newsroom_reads_stories_for_claims(roles):
    with pytest.raises(PermissionDenied):
        extraction_request(actor=UserFactory(username="no-role"), text="Officials said the border was closed.")
    assert nothing_stored()


def test_a_story_is_read_by_a_job_that_needs_no_claim(reviewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as sent:
        extraction = extraction_request(actor=reviewer, text="Officials said the border was closed.")
    job = extraction.job
    assert (job.kind, job.claim, job.status, job.requested_by) == (
        JobKind.EXTRACT_CLAIMS,
        None,
        JobStatus.QUEUED,
        reviewer,
    )
    assert len(sent) == 1, "the job is sent to the workers after commit"
    assert extraction.status == "reading"
    assert not extraction.suggestions.exists(), "nothing is read in the request"


# --- What the job stores -------------------------------------------------------------------------


def test_the_sample_story_is_read_into_suggestions_with_their_caveats(reviewer, sample_text):
    extraction = read(reviewer, sample_text)
    assert extraction.status == "read"
    assert extraction.job.status == JobStatus.DONE
    assert extraction.job.counts["claims"] == extraction.suggestions.count() >= 10
    intelligence = suggestion(extraction, INTELLIGENCE)
    (source,) = intelligence.attributions
    assert (source["count"], source["access"], source["reason"]) == (2, "familiar_with", "not_authorized")
    assert extraction.text[intelligence.start : intelligence.end] == intelligence.data["quote"]
    assert all(s.state == SuggestionState.PENDING for s in extraction.suggestions.all())
    assert len(extraction.relations) == 2, "Peskov's two replies, for a reviewer to judge"
    assert not Claim.objects.exists(), "nothing is recorded without a person's say"


def test_a_job_that_runs_again_stores_nothing_twice(reviewer, story):
    count = story.suggestions.count()
    Job.objects.filter(pk=story.job_id).update(status=JobStatus.QUEUED)
    run_job(story)
    assert story.suggestions.count() == count == 2


def test_a_story_in_another_language_is_read_and_says_why_there_is_nothing(reviewer):
    extraction = read(reviewer, "El ministro dijo que el puente estaba cerrado. Los vecinos afirmaron que nadie avisó.")
    assert extraction.status == "read"
    assert not extraction.suggestions.exists()
    assert "another language" in extraction.skipped[0]["why"]


def test_a_page_without_claims_gives_no_suggestions(reviewer):
    extraction = read(reviewer, "Opening hours\n\nMonday to Friday, 9 a.m. to 5 p.m.\n\nParking is free.")
    assert (extraction.status, extraction.suggestions.count()) == ("read", 0)


def test_a_suggestion_that_carries_a_tracked_claim_says_which(reviewer):
    tracked = make_claim(
        statement="The port authority overpaid a dredging contractor by $4 million.",
        quote="the port authority had overpaid a dredging contractor by $4 million",
    )
    make_claim(statement="The harbour ferry will run on Sundays.")
    extraction = read(reviewer)
    overpaid = suggestion(extraction, "dredging contractor")
    assert overpaid.tracked_claim == tracked
    assert overpaid.tracked_score >= 0.7
    assert extraction.job.counts["already_tracked"] == 1


# --- Accepting -------------------------------------------------------------------------------------


def test_accepting_records_the_claim_with_the_story_as_its_first_appearance(reviewer, story):
    overpaid = suggestion(story, "dredging contractor")
    claim = suggestion_accept(actor=reviewer, suggestion=overpaid)
    assert claim.statement == "The port authority had overpaid a dredging contractor by $4 million."
    assert claim.quote == "the port authority had overpaid a dredging contractor by $4 million"
    assert (claim.status, claim.created_by) == ("submitted", reviewer)
    article = claim.first_appearance
    assert (article.canonical_url, article.provider, article.text) == (None, ArticleProvider.PASTED, story.text)
    (attribution,) = claim.attributions.all()
    assert attribution.role == AttributionRole.CLAIMANT
    assert attribution.source.kind == SourceKind.ANONYMOUS_GROUP
    assert attribution.source.name == "Two officials familiar with the inquiry"
    assert attribution.attribution_text == "Two officials familiar with the inquiry"
    assert (attribution.sources_claimed, attribution.access, attribution.anonymity_reason) == (
        2,
        "familiar_with",
        "not_authorized",
    )
    assert attribution.condition_text == "spoke on the condition of anonymity"
    assert attribution.anonymity_reason_text == "who were not authorized to discuss the inquiry publicly"
    assert attribution.article == article
    overpaid.refresh_from_db()
    assert (overpaid.state, overpaid.claim, overpaid.decided_by) == (SuggestionState.ACCEPTED, claim, reviewer)


def test_each_recorded_attribution_is_linked_to_the_words_it_was_read_from(reviewer, story):
    overpaid = suggestion(story, "dredging contractor")
    claim = suggestion_accept(actor=reviewer, suggestion=overpaid)
    link = AttributionSentence.objects.get(attribution__claim=claim)
    assert story.text[link.descriptor_start : link.descriptor_end] == "Two officials familiar with the inquiry"
    assert link.words.startswith("Two officials familiar with the inquiry said the port authority")
    assert link.words.endswith("$4 million")


def test_a_second_claim_from_a_pasted_story_shares_its_article(reviewer, story):
    first = suggestion_accept(actor=reviewer, suggestion=suggestion(story, "dredging contractor"))
    second = suggestion_accept(actor=reviewer, suggestion=suggestion(story, "overpaid anyone"))
    assert first.first_appearance == second.first_appearance
    assert Article.objects.count() == 1


def test_a_pasted_story_given_an_address_is_kept_under_its_canonical_url(reviewer, story):
    claim = suggestion_accept(
        actor=reviewer,
        suggestion=suggestion(story, "dredging contractor"),
        url="https://news.example/port/overpaid?utm_source=x",
        title="Port overpaid contractor",
    )
    article = claim.first_appearance
    assert (article.canonical_url, article.title) == ("https://news.example/port/overpaid", "Port overpaid contractor")
    assert Extraction.objects.get(pk=story.pk).article == article


def test_a_reply_becomes_a_claim_made_by_the_one_who_replied(reviewer, story):
    claim = suggestion_accept(actor=reviewer, suggestion=suggestion(story, "overpaid anyone"))
    (attribution,) = claim.attributions.all()
    assert attribution.role == AttributionRole.CLAIMANT
    assert (attribution.source.kind, attribution.source.name, attribution.source.title) == (
        SourceKind.PERSON,
        "Alma Ruiz",
        "Port director",
    )
    assert not ClaimRelation.objects.exists(), "the relation is only suggested"


def test_a_named_source_already_in_the_catalogue_is_that_source(reviewer, story):
    ruiz = SourceFactory(kind=SourceKind.PERSON, name="Alma Ruiz", title="Port director")
    claim = suggestion_accept(actor=reviewer, suggestion=suggestion(story, "overpaid anyone"))
    assert claim.attributions.get().source == ruiz
    assert Source.objects.filter(name="Alma Ruiz").count() == 1


def test_a_kept_response_relation_records_what_the_person_judged(reviewer, story):
    target = suggestion_accept(actor=reviewer, suggestion=suggestion(story, "dredging contractor"))
    reply = suggestion(story, "overpaid anyone")
    claim = suggestion_accept(actor=reviewer, suggestion=reply, relations=[{"relation": 0, "addresses": "partly"}])
    relation = ClaimRelation.objects.get()
    assert (relation.from_claim, relation.to_claim, relation.kind, relation.addresses) == (
        claim,
        target,
        "responds_to",
        "partly",
    )
    assert "kept by rev" in relation.note


def test_a_relation_to_a_suggestion_without_a_claim_yet_is_refused_and_nothing_is_created(reviewer, story):
    reply = suggestion(story, "overpaid anyone")
    with pytest.raises(ValidationError) as refused:
        suggestion_accept(actor=reviewer, suggestion=reply, relations=[{"relation": 0, "addresses": "fully"}])
    assert "has no claim yet" in refused.value.message_dict["relations.0"][0]
    assert not Claim.objects.exists()
    assert not Article.objects.exists()
    reply.refresh_from_db()
    assert reply.state == SuggestionState.PENDING


def test_a_response_relation_needs_the_persons_judgement(reviewer, story):
    suggestion_accept(actor=reviewer, suggestion=suggestion(story, "dredging contractor"))
    with pytest.raises(ValidationError) as refused:
        suggestion_accept(actor=reviewer, suggestion=suggestion(story, "overpaid anyone"), relations=[{"relation": 0}])
    assert "addresses" in " ".join(refused.value.message_dict)
    assert Claim.objects.count() == 1


def test_edits_are_recorded_instead_of_the_suggestion(reviewer, story):
    overpaid = suggestion(story, "dredging contractor")
    claim = suggestion_accept(
        actor=reviewer,
        suggestion=overpaid,
        edits={"statement": "The port authority overpaid a contractor by $4 million.", "tags": ["port"]},
        attributions=[
            {
                "suggested": 0,
                "role": AttributionRole.CLAIMANT,
                "new_source": {"kind": SourceKind.ANONYMOUS_GROUP, "name": "officials familiar with the inquiry"},
                "attribution_text": "Two officials familiar with the inquiry",
                "sources_claimed": 2,
                "independence": "unknown",
                "content_type": "fact",
            }
        ],
    )
    assert (claim.statement, claim.tags) == ("The port authority overpaid a contractor by $4 million.", ["port"])
    attribution = claim.attributions.get()
    assert (attribution.independence, attribution.access) == ("unknown", "")
    assert AttributionSentence.objects.filter(attribution=attribution).exists()


def test_a_refused_attribution_leaves_nothing_half_created(reviewer, story):
    overpaid = suggestion(story, "dredging contractor")
    with pytest.raises(ValidationError) as refused:
        suggestion_accept(
            actor=reviewer,
            suggestion=overpaid,
            attributions=[
                {
                    "role": AttributionRole.CLAIMANT,
                    "new_source": {"kind": SourceKind.ANONYMOUS_GROUP, "name": "officials"},
                    "attribution_text": "",  # an anonymous attribution needs the story's words
                }
            ],
        )
    assert "attributions.0.attribution_text" in refused.value.message_dict
    assert not Claim.objects.exists()
    assert not Article.objects.exists()
    assert not Source.objects.exists()
    assert not AttributionSentence.objects.exists()
    overpaid.refresh_from_db()
    assert overpaid.state == SuggestionState.PENDING


def test_a_suggestion_is_accepted_once(reviewer, editor, story):
    overpaid = suggestion(story, "dredging contractor")
    suggestion_accept(actor=reviewer, suggestion=overpaid)
    stale = Suggestion.objects.get(pk=overpaid.pk)
    with pytest.raises(Conflict, match="already decided by rev"):
        suggestion_accept(actor=editor, suggestion=stale)
    assert Claim.objects.count() == 1


def test_a_submit_tokens_accepted_claim_is_one_it_owns(reviewer, story):
    token, _ = make_token(reviewer, "submit")
    claim = suggestion_accept(actor=reviewer, token=token, suggestion=suggestion(story, "dredging contractor"))
    assert claim.submitted_with == token
    assert Suggestion.objects.get(claim=claim).decided_with == token


def test_the_decision_is_in_the_change_history_with_who_made_it(reviewer, story):
    overpaid = suggestion(story, "dredging contractor")
    suggestion_accept(actor=reviewer, suggestion=overpaid)
    events = Events.objects.references(overpaid).filter(pgh_label="update")
    assert [(e.pgh_diff["state"], e.pgh_context["user"]) for e in events if "state" in (e.pgh_diff or {})] == [
        (["pending", "accepted"], reviewer.pk)
    ]


# --- Dismissing and adding an appearance -------------------------------------------------------------


def test_dismissing_needs_a_reason(reviewer, story):
    overpaid = suggestion(story, "dredging contractor")
    with pytest.raises(ValidationError):
        suggestion_dismiss(actor=reviewer, suggestion=overpaid, reason="  ")
    dismissed = suggestion_dismiss(actor=reviewer, suggestion=overpaid, reason="Already checked last week.")
    assert (dismissed.state, dismissed.reason, dismissed.claim) == (
        SuggestionState.DISMISSED,
        "Already checked last week.",
        None,
    )
    with pytest.raises(Conflict):
        suggestion_accept(actor=reviewer, suggestion=overpaid)
    assert not Claim.objects.exists()


def test_a_tracked_claim_gets_the_story_as_an_appearance_instead_of_a_new_claim(reviewer, editor):
    tracked = make_claim(
        actor=editor,
        statement="The port authority overpaid a dredging contractor by $4 million.",
        quote="the port authority had overpaid a dredging contractor by $4 million",
    )
    extraction = read(reviewer)
    overpaid = suggestion(extraction, "dredging contractor")
    version = tracked.version
    with pytest.raises(PermissionDenied):
        suggestion_add_appearance(actor=reviewer, suggestion=overpaid)  # a claim recorded by someone else
    assert not Article.objects.exists()
    claim = suggestion_add_appearance(actor=editor, suggestion=overpaid)
    assert claim == tracked
    assert list(claim.appearances.all()) == [Extraction.objects.get(pk=extraction.pk).article]
    assert Claim.objects.get(pk=tracked.pk).version == version + 1
    overpaid.refresh_from_db()
    assert (overpaid.state, overpaid.claim, Claim.objects.count()) == (SuggestionState.ADDED_AS_APPEARANCE, tracked, 1)


def test_an_appearance_needs_a_claim_to_add_it_to(reviewer, story):
    with pytest.raises(ValidationError):
        suggestion_add_appearance(actor=reviewer, suggestion=suggestion(story, "dredging contractor"))


# --- A story given by its address ----------------------------------------------------------------


def test_a_page_is_fetched_by_the_job_stored_once_and_read_paragraph_by_paragraph(reviewer, story_page):
    extraction = run_job(extraction_request(actor=reviewer, url=story_page))
    article = extraction.article
    assert (article.provider, article.canonical_url) == (ArticleProvider.URL, story_page)
    assert "\n\n" in extraction.text, "the page's paragraphs are set apart for the extractor"
    intelligence = [s for s in extraction.suggestions.all() if "could help Tehran strike" in s.data["quote"]]
    assert len(intelligence) == 1
    assert extraction.text[intelligence[0].start : intelligence[0].end] == intelligence[0].data["quote"]
    claim = suggestion_accept(actor=reviewer, suggestion=intelligence[0])
    assert claim.first_appearance == article
    assert Article.objects.count() == 1


def test_a_page_that_cannot_be_fetched_ends_the_job_with_the_reason(reviewer, allow_loopback, server):
    extraction = run_job(extraction_request(actor=reviewer, url=server.url("/gone.html")))
    assert (extraction.status, extraction.job.status) == ("refused", JobStatus.DONE)
    assert extraction.problem.startswith("The page could not be fetched")
    assert "404" in extraction.problem
    assert not extraction.suggestions.exists()
    assert not Article.objects.exists()


def test_a_page_without_article_text_says_to_paste_the_text(reviewer, allow_loopback, server):
    server.route("/empty.html", html(b"<html><head><title>Nothing</title></head><body></body></html>"))
    extraction = run_job(extraction_request(actor=reviewer, url=server.url("/empty.html")))
    assert (extraction.status, extraction.problem_code) == ("refused", "no_text")
    assert "paste the story's text" in extraction.problem
