"""Transitions and sign-offs in the admin go through the same services and rules."""

import pytest
from django.urls import reverse

from claims.models import Claim, Status
from reviews.models import StandardsSignOff, Transition

pytestmark = pytest.mark.django_db


def transition_url(claim, name):
    return reverse("admin:claims_claim_transition", args=[claim.pk, name])


def test_an_editor_accepts_and_assigns_from_the_claim_page(editor_client, workflow, reviewer, editor):
    claim = workflow.submitted()
    page = editor_client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    assert transition_url(claim, "accept") in page
    assert transition_url(claim, "publish") not in page

    response = editor_client.post(
        transition_url(claim, "accept"),
        {"note": "Check it.", "priority": "3", "assignee": reviewer.pk, f"version-{claim.pk}": claim.version},
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.assignee, claim.priority) == (Status.RESEARCHING, reviewer, 3)
    logged = claim.transitions.get()
    assert (logged.actor, logged.note) == (editor, "Check it.")


def test_a_bulk_action_applies_the_rules_to_each_claim(editor_client, workflow):
    fresh, already = workflow.submitted(statement="Fresh."), workflow.researching(statement="Already accepted.")
    response = editor_client.post(
        reverse("admin:claims_claim_changelist"),
        {"action": "take_reject", "_selected_action": [fresh.pk, already.pk]},
    )
    assert response.status_code == 302
    form_url = response["Location"]
    assert f"ids={fresh.pk},{already.pk}" in form_url

    response = editor_client.post(form_url, {"reason": "not_check_worthy"}, follow=True)
    page = response.content.decode()
    assert Claim.objects.get(pk=fresh.pk).status == Status.REJECTED
    assert Claim.objects.get(pk=already.pk).status == Status.RESEARCHING
    assert f"Claim #{already.pk}:" in page
    assert "cannot take" in page


def test_four_eyes_holds_in_the_admin(editor_client, workflow, editor):
    claim = workflow.in_review(author=editor)
    response = editor_client.post(transition_url(claim, "publish"), {f"version-{claim.pk}": claim.version}, follow=True)
    assert "Four eyes" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).status == Status.IN_REVIEW


def test_a_stale_page_in_the_admin_changes_nothing(editor_client, workflow):
    claim = workflow.submitted()
    stale = claim.version
    Claim.objects.filter(pk=claim.pk).update(version=stale + 1)
    response = editor_client.post(transition_url(claim, "accept"), {f"version-{claim.pk}": stale}, follow=True)
    assert "This claim was changed by" in response.content.decode()
    assert not Transition.objects.filter(claim=claim).exists()


def test_an_editor_signs_off_the_sourcing_in_the_admin(editor_client, workflow, editor):
    claim = workflow.in_review(anonymous=True)
    add = reverse("admin:reviews_standardssignoff_add")
    assert f'value="{claim.pk}"' in editor_client.get(add + f"?claim={claim.pk}").content.decode()
    response = editor_client.post(
        add,
        {
            "claim": claim.pk,
            "information_not_opinion": "on",
            "not_obtainable_on_record": "on",
            "source_in_position_to_know": "on",
            "reason_stated": "on",
            "note": "Two officials; AP vouches.",
        },
    )
    assert response.status_code == 302
    signoff = StandardsSignOff.objects.get()
    assert (signoff.claim, signoff.signed_by) == (claim, editor)
    change = reverse("admin:reviews_standardssignoff_change", args=[signoff.pk])
    assert editor_client.post(change, {"note": "edited"}).status_code == 403


def test_a_sign_off_with_a_missing_condition_is_refused_in_the_admin(editor_client, workflow):
    claim = workflow.in_review(anonymous=True)
    response = editor_client.post(
        reverse("admin:reviews_standardssignoff_add"),
        {"claim": claim.pk, "information_not_opinion": "on", "not_obtainable_on_record": "on"},
        follow=True,
    )
    assert "every AP condition holds" in response.content.decode()
    assert not StandardsSignOff.objects.exists()
