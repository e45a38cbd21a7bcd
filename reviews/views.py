"""Reviewer pages for reviews: writing a draft, editing it, discarding it, citing coverage
in it, and previewing the public page a verdict would get. (The workflow panel, with its
transitions, sign-off and assignment, is part of the claim page: web/views.py.)"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from claims.models import Claim
from claims.services import require_edit
from claims.views import claim_url
from core.forms import attempt, error_messages
from core.services import Conflict
from core.views import PageRequest, newsroom_member_required
from corroboration.models import Coverage
from reviews.forms import ReviewForm
from reviews.models import Review
from reviews.public import fact_check_context
from reviews.services import REVIEWABLE, review_cite, review_create, review_discard, review_update


def _review_page(request: PageRequest, form: ReviewForm, claim: Claim, review: Review | None) -> HttpResponse:
    return render(request, "reviews/review_form.html", {"form": form, "claim": claim, "review": review})


@newsroom_member_required
def review_new(request: PageRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim, pk=pk)
    require_edit(request.user, claim)
    if request.method != "POST" and claim.status not in REVIEWABLE:
        messages.error(request, "Reviews are written while a claim is researching or in review.")
        return redirect(claim_url(claim))
    form = ReviewForm(request.POST or None, claim=claim)
    saved: list[Review] = []
    if request.method == "POST" and attempt(
        form,
        lambda: saved.append(
            review_create(
                actor=request.user, claim=claim, version=form.cleaned_data["version"], **form.service_values()
            )
        ),
    ):
        messages.success(request, "Draft review saved. Submit the claim for review when it is ready.")
        # To the review itself, where the message is shown (not the top of a long page).
        return redirect(claim_url(claim, f"review-{saved[0].pk}"))
    return _review_page(request, form, claim, None)


@newsroom_member_required
def review_edit(request: PageRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(Review.objects.select_related("claim"), pk=pk)
    claim = review.claim
    require_edit(request.user, claim)
    if request.method != "POST" and not review.is_draft:
        messages.error(request, "A published verdict is not edited; reopen the claim to correct it.")
        return redirect(claim_url(claim, "reviews"))
    form = ReviewForm(request.POST or None, instance=review, claim=claim)
    if request.method == "POST" and attempt(
        form,
        lambda: review_update(
            actor=request.user,
            # The form has written its values onto `review`; the service compares with the stored row.
            review=Review.objects.select_related("claim").get(pk=review.pk),
            version=form.cleaned_data["version"],
            **form.service_values(),
        ),
    ):
        messages.success(request, "Review saved.")
        return redirect(claim_url(claim, f"review-{review.pk}"))
    return _review_page(request, form, claim, review)


@require_POST
@newsroom_member_required
def review_discard_view(request: PageRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(Review.objects.select_related("claim"), pk=pk)
    version = request.POST.get("version", "")
    try:
        review_discard(actor=request.user, review=review, version=int(version) if version.isdigit() else None)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _words(exc))
        return redirect(claim_url(review.claim, f"review-{review.pk}"))
    except Conflict as exc:  # someone changed the claim since the page was read
        messages.error(request, str(exc))
        return redirect(claim_url(review.claim, f"review-{review.pk}"))
    messages.success(request, "Draft discarded. It stays in the claim's history.")
    return redirect(claim_url(review.claim, "reviews"))


@require_POST
@newsroom_member_required
def cite(request: PageRequest, pk: int, coverage_id: int) -> HttpResponse:
    """ "Cite in my review" on a coverage item: the person's own draft gets the article."""
    claim = get_object_or_404(Claim, pk=pk)
    item = get_object_or_404(Coverage.objects.select_related("article"), pk=coverage_id, claim=claim)
    context: dict[str, Any] = {"claim": claim, "item": item}
    try:
        review, added = review_cite(actor=request.user, claim=claim, article=item.article)
    except (ValidationError, PermissionDenied) as exc:
        context["error"] = message = f"Not cited: {_words(exc)}"
    else:
        context["review"] = review
        message = "Cited in your draft review." if added else "Your draft review already cites it."
    if request.htmx:
        response = render(request, "reviews/_cite.html", context)
        return trigger_client_event(response, "announce", {"message": message})
    (messages.error if "error" in context else messages.success)(request, message)
    return redirect(claim_url(claim, f"coverage-{item.pk}"))


@require_GET
@newsroom_member_required
def preview(request: PageRequest, pk: int) -> HttpResponse:
    """The public page as it would look if the review up for decision were published now."""
    claim = get_object_or_404(Claim, pk=pk)
    draft = Review.objects.awaiting_decision(claim)
    if draft is None or draft.rating is None:
        messages.error(request, "There is no draft with a verdict to preview yet.")
        return redirect(claim_url(claim, "reviews"))
    return render(request, "reviews/fact_check.html", fact_check_context(claim.pk, preview_of=draft))


def _words(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(m for messages_ in error_messages(exc).values() for m in messages_)
    return str(exc) or "You cannot do this."
