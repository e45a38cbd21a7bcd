"""Reviewer pages for reviews: writing a draft and editing it. (The workflow panel,
with its transitions, sign-off and assignment, is part of the claim page: web/views.py.)"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from claims.models import Claim
from claims.services import require_edit
from claims.views import claim_url
from core.forms import attempt
from core.views import PageRequest, newsroom_member_required
from reviews.forms import ReviewForm
from reviews.models import Review
from reviews.services import REVIEWABLE, review_create, review_update


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
    if request.method == "POST" and attempt(
        form,
        lambda: review_create(
            actor=request.user, claim=claim, version=form.cleaned_data["version"], **form.service_values()
        ),
    ):
        messages.success(request, "Draft review saved. Submit the claim for review when it is ready.")
        return redirect(claim_url(claim, "reviews"))
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
        return redirect(claim_url(claim, "reviews"))
    return _review_page(request, form, claim, review)
