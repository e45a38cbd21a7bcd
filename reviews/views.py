"""Reviewer pages for the workflow: writing and editing reviews, taking transitions,
signing off anonymous sourcing and assigning reviewers.

The workflow panel on the claim page posts here. With htmx, a refused request swaps
the panel with the reasons, and a completed one reloads the claim's main content; without
JavaScript the same forms post normally and the page is rendered again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseLocation

from claims.models import Claim
from claims.services import StaleVersion, require_edit
from claims.views import claim_page_context, claim_url
from config.forms import add_service_errors
from config.views import PageRequest, newsroom_member_required
from reviews.forms import AssignForm, ReviewForm, SignOffForm, TransitionForm
from reviews.models import Review
from reviews.services import (
    REVIEWABLE,
    claim_assign,
    claim_transition,
    review_create,
    review_update,
    sourcing_sign_off,
)
from reviews.workflow import RULES

# --- The workflow panel -------------------------------------------------------------------


def _done(request: PageRequest, claim: Claim, message: str) -> HttpResponse:
    messages.success(request, message)
    if request.htmx:
        # The whole claim changed (status, log, maybe the verdict): reload the main
        # content in place, and put the claim's address in the history.
        return HttpResponseLocation(claim_url(claim), target="#main", select="#main", swap="outerHTML")
    return redirect(claim_url(claim))


def _refused(request: PageRequest, claim: Claim, form: BaseForm, status: int = 200) -> HttpResponse:
    """The claim page again, or with htmx just its workflow panel, showing the refused
    form with its errors."""
    bound: dict[str, Any] = {}
    if isinstance(form, TransitionForm):
        bound["transition"] = form
    elif isinstance(form, SignOffForm):
        bound["signoff"] = form
    elif isinstance(form, AssignForm):
        bound["assign"] = form
    context = claim_page_context(request, claim.pk, **bound)
    if request.htmx:
        return render(request, "reviews/_workflow_panel.html", context, status=status)
    return render(request, "claims/claim_detail.html", context, status=status)


def _permission_refused(request: PageRequest, claim: Claim, form: BaseForm, exc: PermissionDenied) -> HttpResponse:
    """Without htmx, the 403 page; with it, the panel saying why, with status 403."""
    if not request.htmx:
        raise exc
    form.add_error(None, str(exc))
    return _refused(request, claim, form, status=403)


def _attempt(form: BaseForm, call: Any) -> bool:
    """Run a service call for a valid form; put its refusal on the form."""
    if not form.is_valid():
        return False
    try:
        call()
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    except StaleVersion as exc:
        form.add_error(None, str(exc))
        return False
    return True


def _panel_post(
    request: PageRequest, claim: Claim, form: BaseForm, call: Any, success: Callable[[], str]
) -> HttpResponse:
    """A form of the workflow panel: the service call, then the claim reloaded with a
    message, or the panel again with the refusal on the form (403 for a permission)."""
    try:
        done = _attempt(form, call)
    except PermissionDenied as exc:
        return _permission_refused(request, claim, form, exc)
    if done:
        return _done(request, claim, success())
    return _refused(request, claim, form)


@require_POST
@newsroom_member_required
def transition(request: PageRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim, pk=pk)
    rule = RULES.get(request.POST.get("transition", ""))
    if rule is None:
        messages.error(request, "Choose one of the transitions shown on the claim page.")
        return redirect(claim_url(claim))
    form = TransitionForm(request.POST, rule=rule, claim=claim)
    return _panel_post(
        request,
        claim,
        form,
        lambda: claim_transition(
            actor=request.user,
            claim=claim,
            name=rule.name,
            version=form.cleaned_data["version"],
            **form.service_values(),
        ),
        lambda: f"{rule.name.label}: the claim is now {claim.get_status_display().lower()}.",
    )


@require_POST
@newsroom_member_required
def sign_off(request: PageRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim, pk=pk)
    form = SignOffForm(request.POST, claim=claim)
    return _panel_post(
        request,
        claim,
        form,
        lambda: sourcing_sign_off(
            actor=request.user,
            claim=claim,
            version=form.cleaned_data["version"],
            note=form.cleaned_data["note"],
            **{key: form.cleaned_data[key] for key in form.condition_keys()},
        ),
        lambda: "Sourcing signed off against the AP conditions.",
    )


@require_POST
@newsroom_member_required
def assign(request: PageRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim, pk=pk)
    form = AssignForm(request.POST, claim=claim)

    def assigned() -> str:
        assignee = form.cleaned_data["assignee"]
        who = (assignee.get_full_name() or assignee.get_username()) if assignee else "nobody"
        return f"Claim #{claim.pk} is now assigned to {who}."

    return _panel_post(
        request,
        claim,
        form,
        lambda: claim_assign(
            actor=request.user,
            claim=claim,
            assignee=form.cleaned_data["assignee"],
            version=form.cleaned_data["version"],
        ),
        assigned,
    )


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
    if request.method == "POST" and _attempt(
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
    if request.method == "POST" and _attempt(
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
