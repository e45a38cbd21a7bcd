"""The reviewer's evidence loop: coverage cited from the ledger, a review that keeps its
evidence, empty reviews refused, drafts discarded, a publish panel that says what will
go out and why it cannot yet, and a public page that shows what the verdict rested on."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from claims.models import Claim
from corroboration.models import Coverage, CoverageIndependence, Stance
from corroboration.services import coverage_confirm
from reviews.evidence import ledger_in_words
from reviews.forms import ReviewForm
from reviews.models import AP_CONDITIONS, Review
from reviews.services import (
    review_cite,
    review_create,
    review_discard,
    review_update,
    sourcing_sign_off,
    transition_take,
)
from reviews.workflow import TransitionName
from sources.models import Ownership
from tests.factories import ArticleFactory, OutletFactory

pytestmark = pytest.mark.django_db


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def covered(claim: Claim, *, independence: str, stance: str = "", suggested: str = "supports", **article: Any):
    item = Coverage.objects.create(
        claim=claim,
        article=ArticleFactory.create(**article),
        score=0.8,
        excerpt="The passage.",
        suggested_stance=suggested,
        independence=independence,
    )
    return item


def confirmed(claim: Claim, actor: Any, stance: str = Stance.SUPPORTS, **kwargs: Any) -> Coverage:
    item = covered(claim, **{"independence": CoverageIndependence.INDEPENDENT, **kwargs})
    return coverage_confirm(actor=actor, coverage=item, stance=stance)


# --- Empty reviews and discarded drafts -------------------------------------------------------


def test_an_empty_review_is_refused_and_nothing_is_saved(workflow):
    claim = workflow.researching()
    with pytest.raises(ValidationError, match="The review is empty"):
        review_create(actor=workflow.reviewer, claim=claim)
    assert not Review.objects.exists()


def test_the_page_says_an_empty_review_was_not_saved(workflow, reviewer):
    claim = workflow.researching()
    claim.refresh_from_db()
    response = logged_in(reviewer).post(reverse("reviews:new", args=[claim.pk]), {"version": claim.version})
    assert response.status_code == 200
    assert "The review is empty" in response.content.decode()
    assert not Review.objects.exists()


def test_a_draft_emptied_by_an_edit_is_refused(workflow):
    claim = workflow.researching()
    draft = review_create(actor=workflow.reviewer, claim=claim, summary="Started.")
    with pytest.raises(ValidationError, match="The review is empty"):
        review_update(actor=workflow.reviewer, review=draft, summary="")
    draft.refresh_from_db()
    assert draft.summary == "Started."


def test_its_author_discards_a_draft_which_stays_in_the_record(workflow, reviewer):
    claim = workflow.researching()
    keep = workflow.draft(claim)
    scrap = review_create(actor=reviewer, claim=claim, summary="A false start.")
    claim.refresh_from_db()
    response = logged_in(reviewer).post(
        reverse("reviews:discard", args=[scrap.pk]), {"version": claim.version}, follow=True
    )
    assert "Draft discarded" in response.content.decode()
    scrap.refresh_from_db()
    assert scrap.discarded_at is not None
    assert Review.objects.awaiting_decision(claim) == keep  # no transition acts on it any more
    assert "Discarded drafts (1)" in response.content.decode()


def test_someone_else_cannot_discard_a_reviewers_draft_but_an_editor_can(workflow, reviewer2):
    claim = workflow.researching()
    draft = workflow.draft(claim)
    with pytest.raises(PermissionDenied):
        review_discard(actor=reviewer2, review=draft)
    review_discard(actor=workflow.editor, review=draft)
    assert Review.objects.get().discarded_at is not None


def test_the_draft_under_decision_is_not_discarded_while_in_review(workflow):
    claim = workflow.in_review()
    with pytest.raises(ValidationError, match="sends the claim back"):
        review_discard(actor=workflow.reviewer, review=claim.reviews.get())


def test_a_published_verdict_is_not_discarded(workflow):
    claim = workflow.published()
    with pytest.raises(ValidationError, match="Only a draft"):
        review_discard(actor=workflow.editor, review=claim.reviews.get())


# --- Cite from the ledger ----------------------------------------------------------------------


def test_citing_confirmed_coverage_starts_a_draft_with_it_or_adds_it_to_mine(workflow):
    claim = workflow.researching()
    first = confirmed(claim, workflow.reviewer, title="Independent report")
    second = confirmed(claim, workflow.reviewer, title="Another report")
    review, cited = review_cite(actor=workflow.reviewer, claim=claim, article=first.article)
    assert cited
    assert list(review.evidence_articles.all()) == [first.article]
    again, cited_again = review_cite(actor=workflow.reviewer, claim=claim, article=first.article)
    assert (again, cited_again) == (review, False)
    review_cite(actor=workflow.reviewer, claim=claim, article=second.article)
    assert set(Review.objects.get().evidence_articles.all()) == {first.article, second.article}


def test_only_coverage_of_the_claim_is_cited(workflow):
    claim = workflow.researching()
    with pytest.raises(ValidationError, match="not among it"):
        review_cite(actor=workflow.reviewer, claim=claim, article=ArticleFactory())


def test_cite_in_my_review_on_the_claim_page(workflow, reviewer):
    claim = workflow.researching()
    item = confirmed(claim, reviewer, title="The independent report")
    client = logged_in(reviewer)
    page = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert f'id="cite-{item.pk}-control"' in page
    answer = client.post(reverse("reviews:cite", args=[claim.pk, item.pk]), HTTP_HX_REQUEST="true")
    assert "Cited in your" in answer.content.decode()
    assert f'id="cite-{item.pk}-control"' in answer.content.decode()  # focus stays on what replaced the button
    assert "Cited in your draft review." in answer["HX-Trigger"]  # read out by the live region
    page = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "Cited in your" in page


def test_unconfirmed_coverage_offers_no_cite_button(workflow, reviewer):
    claim = workflow.researching()
    item = covered(claim, independence=CoverageIndependence.INDEPENDENT)
    page = logged_in(reviewer).get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert f'id="cite-{item.pk}-control"' not in page


def test_the_review_form_lists_confirmed_coverage_first_by_ledger_class(workflow):
    claim = workflow.researching()
    denial = confirmed(claim, workflow.reviewer, stance=Stance.DISPUTES, title="A denial")
    support = confirmed(claim, workflow.reviewer, title="A confirmation")
    origin = covered(claim, independence=CoverageIndependence.ORIGIN, title="The wire original", text="Wire text.")
    # The class follows from the claim's data: the wire original is where the claim first appeared.
    Claim.objects.filter(pk=claim.pk).update(first_appearance=origin.article)
    coverage_confirm(actor=workflow.reviewer, coverage=origin, stance=Stance.SUPPORTS)
    suggested = covered(claim, independence=CoverageIndependence.INDEPENDENT, title="Only suggested")
    covered(claim, independence=CoverageIndependence.INDEPENDENT, suggested="unrelated", title="Off topic")
    groups = [(label, [a.title for a, _ in items]) for label, items in ReviewForm(claim=claim).article_groups]
    assert groups == [
        ("Independent confirmations", [support.article.title]),
        ("Denials", [denial.article.title]),
        ("Where it was first reported", ["The wire original"]),
        ("Suggested coverage, not confirmed yet", [suggested.article.title]),
    ]


def test_a_review_keeps_evidence_that_is_no_longer_linked_to_the_claim(workflow):
    claim = workflow.researching()
    item = confirmed(claim, workflow.reviewer, title="Later unlinked")
    review, _ = review_cite(actor=workflow.reviewer, claim=claim, article=item.article)
    item.delete()  # the pipeline no longer matches it
    form = ReviewForm(instance=review, claim=claim)
    assert ("Cited earlier", [item.article.title]) in [
        (label, [a.title for a, _ in items]) for label, items in form.article_groups
    ]
    claim.refresh_from_db()
    bound = ReviewForm(
        {"version": claim.version, "summary": "Kept.", "evidence_articles": [item.article.pk]},
        instance=review,
        claim=claim,
    )
    assert bound.is_valid(), bound.errors
    assert list(bound.cleaned_data["evidence_articles"]) == [item.article]


# --- The publish panel ------------------------------------------------------------------------


def test_the_publish_panel_says_what_will_be_published_and_offers_a_preview(workflow, editor2):
    claim = workflow.in_review()
    review = claim.reviews.get()
    review.summary = "Signed in Moscow, as reported."
    review.save()
    page = logged_in(editor2).get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "What will be published" in page
    assert "Signed in Moscow, as reported." in page
    assert reverse("reviews:preview", args=[claim.pk]) in page
    assert "the draft up for decision says" in page
    assert page.index('id="signoff"') < page.index('id="transitions"')  # sign-off before Publish


def test_publish_is_disabled_with_its_reasons_until_the_sourcing_is_signed_off(workflow, editor2):
    claim = workflow.in_review(anonymous=True)
    page = logged_in(editor2).get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "Publish is not possible yet" in page
    assert 'id="transition-publish" disabled aria-describedby="publish-blockers"' in page
    assert "must sign off the sourcing" in page


def test_the_preview_shows_the_draft_verdict_to_the_newsroom_only(workflow, editor2, client):
    claim = workflow.in_review()
    url = reverse("reviews:preview", args=[claim.pk])
    preview = logged_in(editor2).get(url).content.decode()
    assert "Preview — not published" in preview
    assert "Verdict: True" in preview
    assert "application/ld+json" not in preview  # nothing for crawlers to pick up
    assert client.get(url).status_code == 302  # to the login page
    assert client.get(reverse("fact_check", args=[claim.pk])).status_code == 404


# --- The public page's evidence ------------------------------------------------------------------


def test_publishing_keeps_the_ledger_as_it_stood(workflow):
    claim = workflow.in_review()
    confirmed(claim, workflow.reviewer)
    transition_take(actor=workflow.editor, claim=claim, name=TransitionName.PUBLISH)
    verdict = claim.reviews.get()
    assert verdict.ledger_at_publication["independent"] == 1
    confirmed(claim, workflow.editor)  # coverage found after publishing
    verdict.refresh_from_db()
    assert verdict.ledger_at_publication["independent"] == 1


def test_the_ledger_in_words_separates_confirmation_from_repetition():
    ledger = {
        "origin": 1,
        "independent": 2,
        "independent_confirmed": 2,
        "echoes": 0,
        "syndicated": 3,
        "denials": 1,
        "mentions": 0,
        "outlets": [
            {"name": "The Associated Press", "independence": "origin", "stance": "supports", "state_controlled": False},
            {"name": "TASS", "independence": "independent", "stance": "disputes", "state_controlled": True},
        ],
    }
    assert ledger_in_words(ledger) == [
        "2 independent confirmations",
        "the report the claim comes from (The Associated Press) and its 3 republished copies are not counted as "
        "confirmations",
        "1 denial, by a state-controlled outlet (TASS)",
    ]


def test_the_public_page_shows_the_evidence_and_what_the_grade_means(workflow, client):
    claim = workflow.in_review(anonymous=True)
    state = OutletFactory(name="State Wire", ownership=Ownership.STATE_CONTROLLED)
    confirmed(claim, workflow.reviewer, title="Independent confirmation")
    denial = confirmed(
        claim,
        workflow.reviewer,
        stance=Stance.DISPUTES,
        title="Moscow denies",
        outlet=state,
        published_at=dt.datetime(2026, 3, 9, tzinfo=dt.UTC),
    )
    review = claim.reviews.get()
    review_update(actor=workflow.reviewer, review=review, evidence_articles=[denial.article])
    sourcing_sign_off(actor=workflow.editor, claim=claim, **dict.fromkeys(AP_CONDITIONS, True))
    transition_take(actor=workflow.editor, claim=claim, name=TransitionName.PUBLISH)
    html = client.get(reverse("fact_check", args=[claim.pk])).content.decode()
    assert "1 independent confirmation; 1 denial, by a state-controlled outlet (State Wire)" in html
    assert "Moscow denies" in html
    assert "State Wire" in html
    assert "9 Mar 2026" in html
    assert "Independent report, disputes (confirmed by a reviewer)" in html
    assert "3 — possibly true: not confirmed, reasonably logical" in html
    assert "What the credibility grades mean" in html


def test_the_optional_add_coverage_box_is_not_marked_required(workflow, reviewer):
    claim = workflow.researching()
    page = logged_in(reviewer).get(reverse("claims:detail", args=[claim.pk])).content.decode()
    box = page[page.index('class="add-url"') :]
    box = box[: box.index("</form>")]
    assert "Add coverage by URL" in box
    assert "(required)" not in box


def test_a_verdict_published_without_coverage_says_so_rather_than_grading_it(workflow, client):
    claim = workflow.published()
    html = client.get(reverse("fact_check", args=[claim.pk])).content.decode()
    assert "We had found no news coverage of this claim when we published this verdict" in html
    assert "0 independent confirmations" not in html
    assert "suggested by that coverage" not in html
