"""The public page of a published verdict, /fact-checks/{id}/: readable by anyone,
with its ClaimReview JSON-LD embedded for the tools that collect fact checks, and the
evidence the verdict rested on. The newsroom previews the same page for a draft."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from claims.models import Attribution, Claim
from corroboration.services import ledger
from reviews.claimreview import (
    anonymous_sourcing,
    appearances_of,
    cited_in_order,
    claimreview_document,
    corrections_of,
    json_ld_script,
    organization,
    published_claim,
    shown_claim,
)
from reviews.evidence import CREDIBILITY_MEANINGS, CREDIBILITY_NOTE, cited_items, credibility_meaning, ledger_in_words
from reviews.models import Review
from reviews.workflow import current_verdict


def fact_check_context(pk: int, *, preview_of: Review | None = None) -> dict[str, Any]:
    """What the public page shows. With `preview_of` (a draft), the page as it would be
    if that draft were published now: its verdict, and the ledger as it stands today."""
    # What the ClaimReview shows (read first: a claim with no published verdict is a 404),
    # and the claim itself for the rest of the page.
    shown = published_claim(pk) if preview_of is None else shown_claim(pk)
    claim = (
        Claim.objects.select_related("rating", "first_appearance")
        .prefetch_related(Prefetch("attributions", queryset=Attribution.objects.select_related("source")))
        .get(pk=pk)
    )
    if preview_of is None:
        verdict = current_verdict(claim)
        snapshot = verdict.ledger_at_publication if verdict is not None else None
        script = json_ld_script(claimreview_document(shown))
    else:
        claim.rating = preview_of.rating  # shown, never saved
        verdict, snapshot, script = preview_of, ledger(claim).as_dict(), None
    sourcing = anonymous_sourcing(shown)
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
        "corrections": corrections_of(shown),
        "appearances": appearances_of(shown),
        "ledger": snapshot,
        "ledger_words": ledger_in_words(covered) if covered else [],
        "ledger_credibility": credibility_meaning(covered.get("suggested_credibility")) if covered else "",
        "cited": cited_items(
            claim, cited_in_order(verdict.evidence_articles.select_related("outlet")) if verdict else []
        ),
        "cited_urls": verdict.evidence_urls if verdict is not None else [],
        "claimreview_script": script,
        "preview": preview_of is not None,
    }


@require_safe
def fact_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Published claims only: anything else is a 404 (ClaimNotPublished), so the page
    does not tell an outsider whether an unpublished claim exists."""
    return render(request, "reviews/fact_check.html", fact_check_context(pk))
