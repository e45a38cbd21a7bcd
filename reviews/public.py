"""The public page of a published verdict, /fact-checks/{id}/: readable by anyone,
with its ClaimReview JSON-LD embedded for the tools that collect fact checks."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from reviews.claimreview import (
    anonymous_sourcing,
    appearances_of,
    claimreview_document,
    corrections_of,
    current_verdict,
    json_ld_script,
    organization,
    published_claim,
)


@require_safe
def fact_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Published claims only: anything else is a 404 (ClaimNotPublished), so the page
    does not tell an outsider whether an unpublished claim exists."""
    claim = published_claim(pk)
    context = {
        "claim": claim,
        "claimant": claim.claimant,
        "organization": organization(),
        "verdict": current_verdict(claim),
        "sourcing": anonymous_sourcing(claim),
        "corrections": corrections_of(claim),
        "appearances": appearances_of(claim),
        "claimreview_script": json_ld_script(claimreview_document(claim)),
    }
    return render(request, "reviews/fact_check.html", context)
