"""The public page of a published verdict, /fact-checks/{id}/: readable by anyone,
with its ClaimReview JSON-LD embedded for the tools that collect fact checks, and the
evidence the verdict rested on. The newsroom previews the same page for a draft."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from claims.models import Claim
from corroboration.services import ledger
from reviews.claimreview import (
    anonymous_sourcing,
    appearances_of,
    cited_articles,
    claimreview_document,
    corrections_of,
    current_verdict,
    json_ld_script,
    organization,
    published_claim,
    with_claimreview_data,
)
from reviews.evidence import CREDIBILITY_MEANINGS, CREDIBILITY_NOTE, cited_items, credibility_meaning, ledger_in_words
from reviews.models import Review


def fact_check_context(pk: int, *, preview_of: Review | None = None) -> dict[str, Any]:
    """What the public page shows. With `preview_of` (a draft), the page as it would be
    if that draft were published now: its verdict, and the ledger as it stands today."""
    if preview_of is None:
        claim = published_claim(pk)
        verdict = current_verdict(claim)
        snapshot = verdict.ledger_at_publication if verdict is not None else None
        script = json_ld_script(claimreview_document(claim))
    else:
        claim = with_claimreview_data(Claim.objects.filter(pk=pk)).get()
        claim.rating = preview_of.rating  # shown, never saved
        verdict, snapshot, script = preview_of, ledger(claim).as_dict(), None
    sourcing = anonymous_sourcing(claim)
    # No coverage at all: say so, rather than "0 confirmations" and a grade of 6 beside a
    # verdict that rests on records rather than on reporting. `covered` is the ledger when
    # it counts any coverage, else None.
    covered = (
        snapshot
        if snapshot
        and any(snapshot.get(k) for k in ("origin", "independent", "echoes", "syndicated", "denials", "mentions"))
        else None
    )
    return {
        "claim": claim,
        "claimant": claim.claimant,
        "organization": organization(),
        "verdict": verdict,
        "sourcing": [(item, credibility_meaning(item.attribution.credibility)) for item in sourcing],
        "credibility_note": CREDIBILITY_NOTE,
        "credibility_scale": list(CREDIBILITY_MEANINGS.items()),
        "corrections": corrections_of(claim),
        "appearances": appearances_of(claim),
        "ledger": snapshot,
        "ledger_words": ledger_in_words(covered) if covered else [],
        "ledger_credibility": credibility_meaning(covered.get("suggested_credibility")) if covered else "",
        "cited": cited_items(claim, cited_articles(verdict)),
        "cited_urls": verdict.evidence_urls if verdict is not None else [],
        "claimreview_script": script,
        "preview": preview_of is not None,
    }


@require_safe
def fact_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Published claims only: anything else is a 404 (ClaimNotPublished), so the page
    does not tell an outsider whether an unpublished claim exists."""
    return render(request, "reviews/fact_check.html", fact_check_context(pk))
