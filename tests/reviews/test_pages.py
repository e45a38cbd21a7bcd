"""The reviewer pages for the workflow: reviews, transitions, sign-off and assignment.
Every rule is the service's, so the page shows the service's own message."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from claims.models import Claim, Status
from claims.services import claim_update
from reviews.models import Review, StandardsSignOff
from reviews.services import sourcing_sign_off, transition_take
from reviews.workflow import TransitionName

pytestmark = pytest.mark.django_db

ALL_CONDITIONS = {
    "signoff-information_not_opinion": "on",
    "signoff-not_obtainable_on_record": "on",
    "signoff-source_in_position_to_know": "on",
    "signoff-reason_stated": "on",
}


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_reviewer(reviewer: Any) -> Client:
    return logged_in(reviewer)


@pytest.fixture
def as_editor(editor: Any) -> Client:
    return logged_in(editor)


def page(response: Any) -> str:
    return response.content.decode()


def take(client: Client, claim: Claim, name: str, htmx: bool = False, **fields: Any) -> Any:
    data = {"transition": name, f"{name}-version": fields.pop("version", claim.version)}
    data.update({f"{name}-{key}": value for key, value in fields.items()})
    headers = {"HX-Request": "true", "HX-Target": "workflow"} if htmx else {}
    return client.post(reverse("claims:transition", args=[claim.pk]), data, headers=headers)


def status_of(claim: Claim) -> str:
    return Claim.objects.values_list("status", flat=True).get(pk=claim.pk)


# --- Who gets in ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["reviews:new", "reviews:edit", "claims:transition", "claims:sign_off", "claims:assign"]
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, workflow, name):
    claim = workflow.researching()
    review = workflow.draft(claim)
    url = reverse(name, args=[review.pk if name == "reviews:edit" else claim.pk])
    response = client.post(url, {"transition": "send_back"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"
    assert status_of(claim) == Status.RESEARCHING


# --- Writing and editing reviews ----------------------------------------------------------


def review_data(claim: Claim, ratings: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "version": claim.version,
        "rating": ratings["mostly_true"].pk,
        "confidence": "likely",
        "summary": "Broadly right.",
        "rationale": "Two independent reports agree.",
        "evidence_urls": "https://records.example/one\nhttps://records.example/two",
        "evidence_attributions": [a.pk for a in claim.attributions.all()],
        **fields,
    }


def test_the_assigned_reviewer_writes_a_draft_review(workflow, as_reviewer, ratings):
    claim = workflow.researching()
    form = page(as_reviewer.get(reverse("reviews:new", args=[claim.pk])))
    assert 'for="id_rationale"' in form
    assert 'name="version"' in form
    response = as_reviewer.post(reverse("reviews:new", args=[claim.pk]), review_data(claim, ratings), follow=True)
    review = Review.objects.get()
    # To the review itself, where the saved message is in sight.
    assert response.redirect_chain[-1][0].endswith(f"/claims/{claim.pk}/#review-{review.pk}")
    assert "Draft review saved" in page(response)
    assert (review.author.username, review.rating.value, review.is_draft) == ("rev", "mostly_true", True)
    assert review.evidence_urls == ["https://records.example/one", "https://records.example/two"]
    assert review.readiness_problems() == []


def test_review_errors_are_shown_next_to_their_fields(workflow, as_reviewer, ratings):
    claim = workflow.researching()
    data = review_data(claim, ratings, rating=ratings["unproven"].pk, evidence_urls="not a web address")
    html = page(as_reviewer.post(reverse("reviews:new", args=[claim.pk]), data))
    assert "“not a web address” is not a web address" in html
    data["evidence_urls"] = ""
    html = page(as_reviewer.post(reverse("reviews:new", args=[claim.pk]), data))
    assert 'id="id_recheck_on_error"' in html
    assert "A verdict of Unproven needs a re-check date." in html
    assert not Review.objects.exists()


def test_a_review_is_written_only_while_researching_or_in_review(workflow, as_editor, ratings):
    claim = workflow.submitted()
    response = as_editor.get(reverse("reviews:new", args=[claim.pk]), follow=True)
    assert "Reviews are written while a claim is researching or in review" in page(response)
    response = as_editor.post(reverse("reviews:new", args=[claim.pk]), review_data(claim, ratings))
    assert "Reviews are written while a claim is researching or in review" in page(response)
    assert not Review.objects.exists()


def test_a_reviewer_cannot_review_a_claim_they_do_not_work_on(workflow, reviewer2, ratings):
    claim = workflow.researching()
    client = logged_in(reviewer2)
    for response in (
        client.get(reverse("reviews:new", args=[claim.pk])),
        client.post(reverse("reviews:new", args=[claim.pk]), review_data(claim, ratings)),
    ):
        assert response.status_code == 403
        assert "You can change only the claims assigned to you" in page(response)
    assert not Review.objects.exists()


def test_the_author_edits_a_draft_review(workflow, as_reviewer, ratings):
    claim = workflow.researching()
    review = workflow.draft(claim)
    claim.refresh_from_db()
    data = review_data(claim, ratings, rationale="Rewritten with the minutes.")
    response = as_reviewer.post(reverse("reviews:edit", args=[review.pk]), data)
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.rationale == "Rewritten with the minutes."
    assert review.rating.value == "mostly_true"


def test_editing_a_review_against_a_stale_version_says_who_changed_the_claim(workflow, as_reviewer, ratings, editor):
    claim = workflow.researching()
    review = workflow.draft(claim)
    claim.refresh_from_db()
    data = review_data(claim, ratings, rationale="Mine.")
    claim_update(actor=editor, claim=claim, statement="Reworded by the editor.")
    html = page(as_reviewer.post(reverse("reviews:edit", args=[review.pk]), data))
    assert "This claim was changed by ed at" in html
    review.refresh_from_db()
    assert review.rationale != "Mine."


def test_a_published_review_is_not_edited(workflow, as_editor, ratings):
    claim = workflow.published()
    review = claim.reviews.get()
    response = as_editor.get(reverse("reviews:edit", args=[review.pk]), follow=True)
    assert "A published verdict is not edited" in page(response)


# --- Transitions --------------------------------------------------------------------------


def test_an_editor_accepts_and_assigns_a_claim(workflow, as_editor, reviewer):
    claim = workflow.submitted()
    response = take(as_editor, claim, "accept", priority=4, assignee=reviewer.pk, note="Urgent: check the minutes.")
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.priority, claim.assignee) == (Status.RESEARCHING, 4, reviewer)
    transition = claim.transitions.get()
    assert (transition.actor.username, transition.note) == ("ed", "Urgent: check the minutes.")
    html = page(as_editor.get(response["Location"]))
    assert "Accept: the claim is now researching." in html


def test_a_guard_refusal_is_shown_on_the_transition(workflow, as_reviewer):
    claim = workflow.researching()
    html = page(take(as_reviewer, claim, "submit_for_review"))
    assert "Write a draft review first" in html
    assert 'role="alert"' in html
    assert status_of(claim) == Status.RESEARCHING


def test_rejecting_as_a_duplicate_needs_the_other_claim(workflow, as_editor):
    claim = workflow.submitted()
    html = page(take(as_editor, claim, "reject", reason="duplicate"))
    assert "A duplicate needs a link to the claim it duplicates." in html
    html = page(take(as_editor, claim, "reject", reason="duplicate", duplicate_of=99999))
    assert "There is no claim #99999." in html
    original = workflow.submitted(statement="The original.")
    response = take(as_editor, claim, "reject", reason="duplicate", duplicate_of=original.pk)
    assert response.status_code == 302
    assert status_of(claim) == Status.REJECTED
    assert claim.relations_from.get().to_claim == original


def test_reopening_needs_a_correction_reason(workflow, as_editor, editor2):
    claim = workflow.published()
    html = page(take(as_editor, claim, "reopen"))
    assert "Give the correction reason" in html
    response = take(as_editor, claim, "reopen", note="The date was wrong.")
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.rating) == (Status.RESEARCHING, None)
    assert claim.transitions.first().note == "The date was wrong."


def test_a_reviewer_cannot_publish_and_is_told_why(workflow, as_reviewer):
    claim = workflow.in_review()
    html = page(as_reviewer.get(reverse("claims:detail", args=[claim.pk])))
    assert 'value="publish"' not in html
    response = take(as_reviewer, claim, "publish")
    assert response.status_code == 403
    assert "“Publish” can be taken only by an editor who did not write or edit the review." in page(response)
    assert status_of(claim) == Status.IN_REVIEW


def test_the_editor_who_wrote_the_review_cannot_publish_it(workflow, editor):
    claim = workflow.in_review(author=editor)
    html = page(take(logged_in(editor), claim, "publish"))
    assert "Four eyes: you wrote or edited this review" in html
    assert status_of(claim) == Status.IN_REVIEW


def test_a_stale_transition_says_who_changed_the_claim(workflow, as_editor, editor2):
    claim = workflow.submitted()
    seen = claim.version
    claim_update(actor=editor2, claim=claim, statement="Reworded first.")
    html = page(take(as_editor, claim, "accept", priority=2, version=seen))
    assert "This claim was changed by ed2 at" in html
    assert status_of(claim) == Status.SUBMITTED


def test_an_unknown_transition_is_refused_with_a_message(workflow, as_editor):
    claim = workflow.submitted()
    response = as_editor.post(reverse("claims:transition", args=[claim.pk]), {"transition": "delete"}, follow=True)
    assert "Choose one of the transitions shown" in page(response)


def test_transitions_take_posts_only(workflow, as_editor):
    claim = workflow.submitted()
    assert as_editor.get(reverse("claims:transition", args=[claim.pk])).status_code == 405


def test_with_htmx_a_refusal_swaps_the_panel(workflow, as_editor):
    claim = workflow.published()
    response = take(as_editor, claim, "reopen", htmx=True)
    html = page(response)
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="workflow"')
    assert "Give the correction reason" in html
    assert "<html" not in html


def test_with_htmx_a_permission_refusal_swaps_the_panel_with_403(workflow, as_reviewer):
    claim = workflow.in_review()
    response = take(as_reviewer, claim, "publish", htmx=True)
    assert response.status_code == 403
    assert page(response).lstrip().startswith('<div id="workflow"')
    assert "can be taken only by an editor" in page(response)


def test_with_htmx_a_completed_transition_reloads_the_claim(workflow, as_editor):
    claim = workflow.submitted()
    response = take(as_editor, claim, "accept", htmx=True, priority=2)
    assert response.status_code == 200
    assert f'"path": "/claims/{claim.pk}/"' in response["HX-Location"]
    assert '"select": "#main"' in response["HX-Location"]
    assert status_of(claim) == Status.RESEARCHING


# --- Standards sign-off -------------------------------------------------------------------


def test_a_reviewer_neither_sees_nor_posts_the_sign_off(workflow, as_reviewer):
    claim = workflow.researching(anonymous=True)
    html = page(as_reviewer.get(reverse("claims:detail", args=[claim.pk])))
    assert "Needed before publishing" in html
    assert "Sign off the sourcing" not in html
    response = as_reviewer.post(
        reverse("claims:sign_off", args=[claim.pk]), {"signoff-version": claim.version, **ALL_CONDITIONS}
    )
    assert response.status_code == 403
    assert "Only a standards editor can sign off anonymous sourcing." in page(response)
    assert not StandardsSignOff.objects.exists()


def test_an_editor_signs_off_only_when_every_condition_holds(workflow, as_editor):
    claim = workflow.researching(anonymous=True)
    some = dict(list(ALL_CONDITIONS.items())[:2])
    html = page(as_editor.post(reverse("claims:sign_off", args=[claim.pk]), {"signoff-version": claim.version, **some}))
    assert "every AP condition holds" in html
    assert "The story says why the source was granted anonymity." in html
    response = as_editor.post(
        reverse("claims:sign_off", args=[claim.pk]),
        {"signoff-version": claim.version, "signoff-note": "Checked with the desk.", **ALL_CONDITIONS},
        follow=True,
    )
    assert "Sourcing signed off" in page(response)
    assert "Signed off</strong> by" in page(response)
    assert StandardsSignOff.objects.get().note == "Checked with the desk."


def test_publishing_anonymous_sourcing_without_sign_off_says_so(workflow, editor2):
    claim = workflow.in_review(anonymous=True)
    html = page(take(logged_in(editor2), claim, "publish"))
    assert "a standards editor must sign off the sourcing" in html
    sourcing_sign_off(actor=editor2, claim=claim, **{k.removeprefix("signoff-"): True for k in ALL_CONDITIONS})
    claim.refresh_from_db()
    assert take(logged_in(editor2), claim, "publish").status_code == 302
    assert status_of(claim) == Status.PUBLISHED


# --- Assignment ---------------------------------------------------------------------------


def test_an_editor_assigns_a_reviewer(workflow, as_editor, reviewer2):
    claim = workflow.researching()
    response = as_editor.post(
        reverse("claims:assign", args=[claim.pk]),
        {"assign-version": claim.version, "assign-assignee": reviewer2.pk},
        follow=True,
    )
    assert "is now assigned to rev2" in page(response)
    claim.refresh_from_db()
    assert claim.assignee == reviewer2


def test_a_reviewer_cannot_assign(workflow, as_reviewer, reviewer2):
    claim = workflow.researching()
    assert 'id="assign-title"' not in page(as_reviewer.get(reverse("claims:detail", args=[claim.pk])))
    response = as_reviewer.post(
        reverse("claims:assign", args=[claim.pk]), {"assign-version": claim.version, "assign-assignee": reviewer2.pk}
    )
    assert response.status_code == 403
    assert "Only an editor can assign reviewers." in page(response)


def test_only_people_who_may_work_on_claims_are_offered(workflow, as_editor, roles):
    from tests.factories import UserFactory

    UserFactory(username="no-role-at-all")
    claim = workflow.researching()
    html = page(as_editor.get(reverse("claims:detail", args=[claim.pk])))
    assert ">rev<" in html or "(rev)" in html or ">rev</option>" in html
    assert "no-role-at-all" not in html


def test_the_panel_offers_editors_every_transition_the_workflow_allows(workflow, as_editor):
    claim = workflow.in_review()
    html = page(as_editor.get(reverse("claims:detail", args=[claim.pk])))
    assert 'value="publish"' in html
    assert 'value="send_back"' in html
    assert 'for="id_send_back-note"' in html
    transition_take(actor=workflow.editor, claim=claim, name=TransitionName.SEND_BACK, note="More.")
    html = page(as_editor.get(reverse("claims:detail", args=[claim.pk])))
    assert 'value="submit_for_review"' in html
