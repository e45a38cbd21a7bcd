"""The reviewer pages of "New claims from an article": paste a story, follow its job,
read the story with every suggestion marked, and accept (as pre-filled, or edited),
dismiss, or add the story to a tracked claim — each write through the services, each
refusal on the page."""

from __future__ import annotations

import re
from typing import Any

import lxml.html
import pytest
from django.test import Client

from claims.models import Claim, ClaimRelation
from extraction.models import Extraction, Suggestion, SuggestionState
from tests.extraction.conftest import STORY, read, suggestion
from tests.factories import UserFactory, make_claim

pytestmark = pytest.mark.django_db

NEW = "/extractions/new/"


@pytest.fixture
def reviewer_client(client: Client, reviewer: Any) -> Client:
    client.force_login(reviewer)
    return client


def text_of(response: Any) -> str:
    return re.sub(r"\s+", " ", lxml.html.fromstring(response.content).text_content())


def form_data(response: Any, action: str | None = None) -> dict[str, str]:
    """What a browser would send with the page's form that posts to `action` (by default,
    to the page itself)."""
    action = action if action is not None else response.wsgi_request.path
    page = lxml.html.fromstring(response.content)
    (form,) = [f for f in page.forms if (f.get("action") or "") == action]
    data: dict[str, str] = {}
    for field in form.inputs:
        name, kind = field.name, field.get("type")
        if not name or kind in ("submit", "button") or (kind == "checkbox" and not field.checked):
            continue
        if field.tag == "select":
            chosen = [o.get("value") for o in field.iter("option") if o.get("selected") is not None]
            data[name] = (chosen or [""])[0] or ""
        elif field.tag == "textarea":
            data[name] = (field.text or "").removeprefix("\n")  # as browsers read it
        else:
            data[name] = field.get("value") or ("on" if kind == "checkbox" else "")
    return data


def review_url(extraction: Extraction, words: str) -> str:
    return f"/extractions/{extraction.pk}/suggestions/{suggestion(extraction, words).position}/"


# --- Asking ---------------------------------------------------------------------------------------


def test_pasting_a_story_starts_its_job_and_shows_the_progress(reviewer_client):
    response = reviewer_client.post(NEW, {"text": STORY, "url": ""})
    extraction = Extraction.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/extractions/{extraction.pk}/"
    page = reviewer_client.get(response["Location"])
    assert page.status_code == 200
    assert "Waiting for a worker" in text_of(page)
    assert b"<progress" in page.content
    assert f'hx-get="/extractions/{extraction.pk}/progress/"'.encode() in page.content


def test_the_progress_bar_reloads_the_page_once_the_job_is_done(reviewer_client, reviewer):
    extraction = read(reviewer)
    response = reviewer_client.get(f"/extractions/{extraction.pk}/progress/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Refresh"] == "true"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "", "url": ""}, "Paste the story's text, or give its address below."),
        ({"text": "PK\x03\x04" + "\x01\x02\x03" * 100, "url": ""}, "The text looks like a binary file"),
        ({"text": "Officials said so.\n\n" * 30_000, "url": ""}, "at most 500,000 can be read at once"),
        ({"text": "Officials said so.", "url": "https://news.example/a"}, "not both"),
        ({"text": "", "url": "http://169.254.169.254/latest/"}, "169.254.169.254"),
    ],
)
def test_what_is_not_a_story_is_refused_on_the_form(reviewer_client, data, message):
    response = reviewer_client.post(NEW, data)
    assert response.status_code == 200
    assert message in text_of(response)
    assert not Extraction.objects.exists()


def test_a_five_megabyte_paste_is_refused_with_the_limit(reviewer_client):
    response = reviewer_client.post(NEW, {"text": "Officials said so.\n\n" * 250_000, "url": ""})
    assert response.status_code == 400
    assert "This site reads at most 2.5 MB in one form" in text_of(response)
    assert "at most 500,000 characters" in text_of(response)
    assert not Extraction.objects.exists()


def test_only_the_newsroom_reaches_the_pages(client, roles, reviewer):
    assert client.get(NEW)["Location"].startswith("/accounts/login/")
    client.force_login(UserFactory(username="no-role"))
    assert client.get(NEW).status_code == 403
    extraction = read(reviewer)
    assert client.get(f"/extractions/{extraction.pk}/").status_code == 403


# --- The story and its suggestions -----------------------------------------------------------------


def test_the_story_is_shown_with_each_suggestion_marked_at_its_words(reviewer_client, reviewer):
    extraction = read(reviewer)
    response = reviewer_client.get(f"/extractions/{extraction.pk}/")
    page = lxml.html.fromstring(response.content)
    (story,) = page.find_class("story-text")
    overpaid = suggestion(extraction, "dredging contractor")
    link = review_url(extraction, "dredging")
    marked = "".join(m.text_content() for m in story.iter("mark") if m.find("a").get("href").startswith(link))
    assert "Two officials familiar with the inquiry" in marked
    assert overpaid.data["quote"] in marked
    assert page.get_element_by_id(f"s{overpaid.position}").tag == "mark"
    assert story.text_content() == STORY, "the story's words, all of them, unchanged"
    assert "2 suggested claims, 2 waiting for a decision" in text_of(response)
    assert "Nothing is recorded unless you keep it" in text_of(response)


def test_the_story_is_escaped_where_it_is_shown(reviewer_client, reviewer):
    extraction = read(
        reviewer, STORY + '\n\n<script>alert("x")</script> Mayor Lena Holt said the <b>bridge</b> was unsafe.'
    )
    response = reviewer_client.get(f"/extractions/{extraction.pk}/")
    assert b"<script>alert" not in response.content
    assert b"&lt;script&gt;alert" in response.content


def test_a_story_without_claims_says_so_and_why(reviewer_client, reviewer):
    extraction = read(reviewer, "El ministro dijo que el puente estaba cerrado. Los vecinos afirmaron que nadie avisó.")
    response = reviewer_client.get(f"/extractions/{extraction.pk}/")
    assert "No claims were found in this story." in text_of(response)
    assert "another language" in text_of(response)


# --- Deciding ----------------------------------------------------------------------------------------


def test_the_form_is_prefilled_with_the_claim_its_source_and_caveats(reviewer_client, reviewer):
    extraction = read(reviewer)
    data = form_data(reviewer_client.get(review_url(extraction, "dredging")))
    assert data["statement"] == "The port authority had overpaid a dredging contractor by $4 million."
    assert data["attributions-0-role"] == "claimant"
    assert data["attributions-0-new_source_kind"] == "anonymous_group"
    assert data["attributions-0-new_source_name"] == "Two officials familiar with the inquiry"
    assert (data["attributions-0-sources_claimed"], data["attributions-0-access"]) == ("2", "familiar_with")
    assert data["attributions-0-anonymity_reason"] == "not_authorized"
    assert data["attributions-0-condition_text"] == "spoke on the condition of anonymity"
    assert data["attributions-0-suggested"] == "0"


def test_accepting_as_prefilled_records_the_claim_and_opens_its_page(reviewer_client, reviewer):
    extraction = read(reviewer)
    url = review_url(extraction, "dredging")
    response = reviewer_client.post(url, form_data(reviewer_client.get(url)))
    claim = Claim.objects.get()
    assert response["Location"] == f"/claims/{claim.pk}/"
    assert claim.attributions.get().sources_claimed == 2
    assert Suggestion.objects.get(claim=claim).state == SuggestionState.ACCEPTED
    shown = text_of(reviewer_client.get(f"/extractions/{extraction.pk}/"))
    assert f"Recorded as claim #{claim.pk}" in shown


def test_edits_are_recorded_and_a_refusal_is_shown_next_to_its_field(reviewer_client, reviewer):
    extraction = read(reviewer)
    url = review_url(extraction, "dredging")
    data = form_data(reviewer_client.get(url))
    data["attributions-0-attribution_text"] = ""  # an anonymous source needs the story's words
    refused = reviewer_client.post(url, data)
    assert refused.status_code == 200
    assert "An anonymous attribution needs the story" in text_of(refused)
    assert not Claim.objects.exists()
    data["attributions-0-attribution_text"] = "Two officials familiar with the inquiry"
    data["statement"] = "The port authority overpaid a dredging contractor."
    data["tags"] = "port, audit"
    reviewer_client.post(url, data)
    claim = Claim.objects.get()
    assert (claim.statement, claim.tags) == ("The port authority overpaid a dredging contractor.", ["port", "audit"])


def test_a_response_relation_is_kept_only_when_the_person_says_so(reviewer_client, reviewer):
    extraction = read(reviewer)
    target_url = review_url(extraction, "dredging")
    reviewer_client.post(target_url, form_data(reviewer_client.get(target_url)))
    url = review_url(extraction, "overpaid anyone")
    data = form_data(reviewer_client.get(url))
    assert "relation-0-keep" not in data, "not kept unless the person ticks it"
    data["relation-0-keep"] = "on"
    data["relation-0-addresses"] = "partly"
    reviewer_client.post(url, data)
    relation = ClaimRelation.objects.get()
    assert (relation.kind, relation.addresses) == ("responds_to", "partly")


def test_dismissing_records_the_reason(reviewer_client, reviewer):
    extraction = read(reviewer)
    position = suggestion(extraction, "dredging").position
    url = f"/extractions/{extraction.pk}/suggestions/{position}/dismiss/"
    reviewer_client.post(url, {"reason": ""})
    assert Suggestion.objects.get(extraction=extraction, position=position).state == SuggestionState.PENDING
    response = reviewer_client.post(url, {"reason": "Already checked."}, follow=True)
    assert "Dismissed by rev: Already checked." in text_of(response)
    assert not Claim.objects.exists()


def test_a_tracked_claim_is_offered_and_gets_the_story_as_an_appearance(reviewer_client, reviewer):
    tracked = make_claim(
        actor=reviewer,
        statement="The port authority overpaid a dredging contractor by $4 million.",
        quote="the port authority had overpaid a dredging contractor by $4 million",
    )
    extraction = read(reviewer)
    shown = text_of(reviewer_client.get(f"/extractions/{extraction.pk}/"))
    assert f"Already tracked? It reads like claim #{tracked.pk}" in shown
    position = suggestion(extraction, "dredging").position
    response = reviewer_client.post(f"/extractions/{extraction.pk}/suggestions/{position}/appearance/")
    assert response["Location"] == f"/claims/{tracked.pk}/"
    assert tracked.appearances.count() == 1
    assert Claim.objects.count() == 1


def test_a_reply_is_explained_as_one_when_it_is_reviewed(reviewer_client, reviewer):
    extraction = read(reviewer)
    shown = text_of(reviewer_client.get(review_url(extraction, "overpaid anyone")))
    assert "The story reports a denial." in shown


# --- The admin ---------------------------------------------------------------------------------------


def test_editors_start_one_in_the_admin_and_review_it_on_the_pages(editor):
    client = Client()
    client.force_login(editor)
    form = client.get("/admin/extraction/extraction/add/")
    assert form.status_code == 200
    assert "New claims from an article" in text_of(form)
    response = client.post("/admin/extraction/extraction/add/", {"text": STORY, "url": ""})
    extraction = Extraction.objects.get()
    assert response["Location"] == f"/extractions/{extraction.pk}/"
    assert extraction.requested_by == editor
    refused = client.post("/admin/extraction/extraction/add/", {"text": "", "url": ""})
    assert "Paste the story's text" in text_of(refused)
    record = client.get(f"/admin/extraction/extraction/{extraction.pk}/change/")
    assert record.status_code == 200
    assert "Open the story and its suggestions" in text_of(record)
