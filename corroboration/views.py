"""The coverage part of the claim page: the corroboration ledger with its confirm
buttons, "find coverage now" with a live progress bar, and adding coverage by URL;
and the prior checks (fact-checks others published) a reviewer confirms or rejects.
Fetching happens in jobs, never in the request."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from claims.models import Claim, Status
from claims.services import claim_editable_by
from core.ids import parse_id
from core.views import PageRequest, newsroom_member_required
from corroboration.classify import Independence, Row
from corroboration.forms import CoverageUrlForm, StanceForm
from corroboration.ledger import Ledger, ledger_of
from corroboration.models import (
    Coverage,
    Job,
    JobKind,
    MatchState,
    PriorCheckMatch,
    Stance,
    rating_mappings,
)
from corroboration.services import (
    coverage_classify,
    coverage_confirm,
    credibility_accept,
    job_request,
    prior_check_match_decide,
)
from sources.fetch import check_url
from sources.netguard import FetchError

# While a review may be written (reviews.services.REVIEWABLE).
CITABLE = (Status.RESEARCHING, Status.IN_REVIEW)

# The ledger's counts, in the order the page shows them: each section holds exactly the
# pages its card counts, so a heading and its card can never disagree.
SECTIONS: list[tuple[str, str, str]] = [
    ("origin", "Where it first appeared", "Where it first appeared"),
    ("independent", "Independent confirmations", "Independent confirmations"),
    ("denials", "Denials", "Denials"),
    ("mentions", "Mentions", "Independent reports that only mention it"),
    ("syndicated", "Syndicated copies", "Syndicated copies — the same story republished"),
    ("echoes", "Echoes", "Echoes — re-citing another outlet's sources"),
]


def ledger_section(row: Row) -> str:
    """The one ledger count a classified page falls in."""
    if row.independence == Independence.ORIGIN:
        return "origin"
    if row.independence == Independence.SYNDICATED:
        return "syndicated"
    if row.independence == Independence.ECHO:
        return "echoes"
    return {"supports": "independent", "disputes": "denials"}.get(str(row.stance), "mentions")


def coverage_context(claim: Claim, user: Any) -> dict[str, Any]:
    items = list(
        claim.coverage.select_related("article__outlet", "article__syndication", "echo_of", "confirmed_by").order_by(
            "-score", "pk"
        )
    )
    rows = coverage_classify(claim)
    result: Ledger = ledger_of(rows)
    section_of = {row.page_id: ledger_section(row) for row in rows}
    job = claim.jobs.filter(kind__in=[JobKind.FIND_COVERAGE, JobKind.FETCH_URL]).order_by("-created_at").first()
    return {
        "claim": claim,
        "ledger": result,
        "coverage_sections": [
            (key, card, heading, [c for c in items if section_of.get(c.article_id) == key])
            for key, card, heading in SECTIONS
        ],
        "unrelated_coverage": [c for c in items if c.article_id not in section_of],
        "new_since_publication": sum(c.new_since_publication for c in items),
        "coverage_count": len(items),
        "stances": Stance.choices,
        "latest_job": job,
        "can_confirm": user.has_perm("corroboration.confirm_coverage"),
        "can_start": user.has_perm("corroboration.start_job"),
        "can_accept_credibility": user.has_perm("reviews.publish_claim"),
        "claimant_credibility": next((a.credibility for a in claim.attributions.all() if a.role == "claimant"), None),
        "url_form": CoverageUrlForm(),
        # "Cite in my review" (reviews/urls.py): for whoever may write this claim's reviews.
        "can_cite": claim.status in CITABLE and claim_editable_by(claim, user),
        "cited_articles": (),  # the claim page says which its reader's draft already cites
        "my_draft": None,
    }


def prior_checks_context(claim: Claim, user: Any) -> dict[str, Any]:
    """The claim page's "checked elsewhere" section: each match with its prior check, on
    the publisher's scale and ours; rejected ones apart."""
    matches = list(claim.prior_check_matches.select_related("prior_check", "decided_by").order_by("-score", "pk"))
    mapped = rating_mappings()
    for match in matches:
        match.our_rating = mapped.get(match.prior_check.rating_key)  # type: ignore[attr-defined]
    return {
        "claim": claim,
        "prior_matches": [m for m in matches if m.state != MatchState.REJECTED],
        "rejected_matches": [m for m in matches if m.state == MatchState.REJECTED],
        "can_decide_prior": user.has_perm("corroboration.decide_priorcheckmatch"),
    }


@newsroom_member_required
@require_POST
def decide_prior_check(request: PageRequest, pk: int, match_id: int) -> HttpResponse:
    """A reviewer confirms that a prior check is about the claim, or rejects the match."""
    claim = _claim(pk)
    match = get_object_or_404(PriorCheckMatch, pk=match_id, claim=claim)
    state = request.POST.get("state", "")
    try:
        prior_check_match_decide(actor=request.user, match=match, state=state)
    except ValidationError as exc:
        messages.error(request, " ".join(str(m) for m in exc.messages))
    if request.htmx:
        return render(request, "corroboration/_prior_checks.html", prior_checks_context(claim, request.user))
    return redirect(reverse("claims:detail", args=[claim.pk]) + "#prior-checks")


def _panel(request: PageRequest, claim: Claim, status: int = 200) -> HttpResponse:
    return render(request, "corroboration/_coverage.html", coverage_context(claim, request.user), status=status)


def _back(request: PageRequest, claim: Claim) -> HttpResponse:
    if request.htmx:
        return _panel(request, claim)
    return redirect(reverse("claims:detail", args=[claim.pk]) + "#coverage")


def _claim(pk: int) -> Claim:
    return get_object_or_404(Claim.objects.prefetch_related("attributions"), pk=pk)


@newsroom_member_required
@require_GET
def coverage_panel(request: PageRequest, pk: int) -> HttpResponse:
    return _panel(request, _claim(pk))


@newsroom_member_required
@require_POST
def find_coverage(request: PageRequest, pk: int) -> HttpResponse:
    claim = _claim(pk)
    _, created = job_request(actor=request.user, kind=JobKind.FIND_COVERAGE, claim=claim)
    if not request.htmx:
        messages.success(request, "Looking for coverage now." if created else "Already looking for coverage.")
    return _back(request, claim)


@newsroom_member_required
@require_POST
def add_url(request: PageRequest, pk: int) -> HttpResponse:
    claim = _claim(pk)
    form = CoverageUrlForm(request.POST)
    if form.is_valid():
        try:
            # The same checks the fetch will make, so a bad address is refused at once.
            check_url(form.cleaned_data["url"])
        except FetchError as exc:
            form.add_error("url", str(exc))
    if not form.is_valid():
        context = coverage_context(claim, request.user) | {"url_form": form}
        if request.htmx:
            return render(request, "corroboration/_coverage.html", context, status=422)
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(reverse("claims:detail", args=[claim.pk]) + "#coverage")
    job_request(actor=request.user, kind=JobKind.FETCH_URL, claim=claim, params={"url": form.cleaned_data["url"]})
    if not request.htmx:
        messages.success(request, "The page will be fetched and matched to the claim in a moment.")
    return _back(request, claim)


@newsroom_member_required
@require_POST
def confirm_stance(request: PageRequest, pk: int, coverage_id: int) -> HttpResponse:
    claim = _claim(pk)
    item = get_object_or_404(Coverage, pk=coverage_id, claim=claim)
    form = StanceForm(request.POST)
    if not form.is_valid():
        raise ValidationError("Choose a stance.")
    coverage_confirm(actor=request.user, coverage=item, stance=form.cleaned_data["stance"])
    response = _back(request, claim)
    if request.htmx:
        what = item.article.title or item.article.canonical_url
        trigger_client_event(
            response, "announce", {"message": f"Stance confirmed: {item.get_stance_display()} — {what}."}
        )
    return response


@newsroom_member_required
@require_POST
def accept_credibility(request: PageRequest, pk: int) -> HttpResponse:
    claim = _claim(pk)
    version = request.POST.get("version", "")
    try:
        grade = credibility_accept(actor=request.user, claim=claim, version=parse_id(version))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, f"Information credibility set to {grade}.")
    return redirect(reverse("claims:detail", args=[claim.pk]) + "#coverage")


@newsroom_member_required
@require_GET
def job_progress(request: PageRequest, pk: int, job_id: int) -> HttpResponse:
    """The progress bar, polled by htmx every second while the job runs; once it has
    finished, the whole coverage section is sent back in its place."""
    claim = _claim(pk)
    job = get_object_or_404(Job, pk=job_id, claim=claim)
    if job.finished:
        return reswap(retarget(_panel(request, claim), "#coverage"), "outerHTML")
    return render(request, "corroboration/_job.html", {"claim": claim, "job": job})
