"""Reviewer pages for claims: the dashboard, the claim list, the claim page and the
forms to record and edit a claim with its attributions.

Views are thin: a form validates, a service writes (inside one transaction when a
page saves several parts at once), and the person is sent back with a message. A
service's refusal is shown on the form — a ValidationError next to its field, a
StaleVersion as a message naming who changed the claim and when — and a
PermissionDenied becomes the 403 page with its reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from claims.forms import AttributionForm, BaseAttributionFormSet, ClaimFilterForm, ClaimForm, attribution_formset
from claims.models import Addresses, Attribution, Claim, ClaimQuerySet, Priority, Role
from claims.services import (
    StaleVersion,
    attribution_create,
    attribution_delete,
    attribution_update,
    claim_create,
    claim_editable_by,
    claim_lock,
    claim_update,
    require_edit,
)
from config.forms import add_service_errors, error_messages
from config.history import history_of
from config.views import PageRequest, newsroom_member_required
from corroboration.views import coverage_context
from reviews.forms import AssignForm, SignOffForm, TransitionForm
from reviews.models import Rating, Transition
from reviews.roles import assignable_users
from reviews.services import REVIEWABLE, current_signoff
from reviews.workflow import RejectReason, Status, available
from sources.services import source_create

PAGE_SIZE = 25
CLOSED = (Status.PUBLISHED, Status.REJECTED)


class _Refused(Exception):
    """Errors were put on the forms: leave the transaction, so nothing is half-written."""


# --- Dashboard --------------------------------------------------------------------------


@dataclass
class Queue:
    key: str
    title: str
    description: str
    claims: ClaimQuerySet
    count: int = 0
    first: list[Claim] = field(default_factory=list)


@newsroom_member_required
def dashboard(request: PageRequest) -> HttpResponse:
    user = request.user
    queues = [
        Queue("mine", "Assigned to me", "Open claims you are working on.", Claim.objects.assigned_to(user)),
        Queue(
            "unassigned",
            "Unassigned",
            "Submitted or researching, and nobody is on them yet.",
            Claim.objects.unassigned(),
        ),
    ]
    if user.has_perm("reviews.publish_claim"):
        queues.append(
            Queue(
                "awaiting_review",
                "Awaiting my review",
                "In review, written by someone else: yours to publish or send back.",
                Claim.objects.awaiting_review_by(user),
            )
        )
    queues.append(
        Queue(
            "rechecks_due",
            "Re-checks due",
            "Published verdicts whose re-check date has come.",
            Claim.objects.rechecks_due(),
        )
    )
    for queue in queues:
        queue.count = queue.claims.count()
        queue.first = list(queue.claims.for_list().order_by("-priority", "-updated_at")[:5])
    by_status = dict(Claim.objects.order_by().values_list("status").annotate(n=Count("pk")))
    statuses = [(status, by_status.get(status.value, 0)) for status in Status]
    return render(request, "claims/dashboard.html", {"queues": queues, "statuses": statuses})


# --- The claim list -----------------------------------------------------------------------


ORDERINGS = {
    "": ("-updated_at", "-pk"),
    "priority": ("-priority", "-updated_at", "-pk"),
    "newest": ("-created_at", "-pk"),
    "oldest": ("created_at", "pk"),
}


def _filtered(claims: ClaimQuerySet, data: dict[str, Any], user: Any) -> ClaimQuerySet:
    queue = data.get("queue")
    if queue == "mine":
        claims = claims.assigned_to(user)
    elif queue == "unassigned":
        claims = claims.unassigned()
    elif queue == "awaiting_review":
        claims = claims.awaiting_review_by(user)
    elif queue == "rechecks_due":
        claims = claims.rechecks_due()
    if data.get("status"):
        claims = claims.filter(status=data["status"])
    if data.get("priority"):
        claims = claims.filter(priority=data["priority"])
    assignee = data.get("assignee")
    if assignee == "me":
        claims = claims.filter(assignee=user)
    elif assignee == "none":
        claims = claims.filter(assignee__isnull=True)
    elif assignee:
        claims = claims.filter(assignee_id=assignee)
    if data.get("tag"):
        claims = claims.tagged(data["tag"])
    if data.get("anonymous"):
        claims = claims.resting_on_anonymous_sourcing(data["anonymous"] == "yes")
    ordering = ORDERINGS[data.get("ordering") or ""]
    if data.get("q"):
        # Best matches first unless the person chose an order.
        claims = claims.search(data["q"])
        return claims.order_by(*ordering) if data.get("ordering") else claims
    return claims.order_by(*ordering)


@newsroom_member_required
def claim_list(request: PageRequest) -> HttpResponse:
    form = ClaimFilterForm(request.GET, assignees=assignable_users(), tags=Claim.objects.tag_names())
    form.is_valid()  # invalid filters are shown and left out; the valid ones still apply
    claims = _filtered(Claim.objects.for_list(), form.cleaned_data, request.user)
    page = Paginator(claims, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "filtered": any(form.cleaned_data.values())}
    if request.htmx and request.htmx.target == "results":
        return render(request, "claims/_results.html", context)
    return render(request, "claims/claim_list.html", context)


# --- The claim page -----------------------------------------------------------------------


def claim_page_context(
    request: PageRequest,
    pk: int,
    *,
    transition: TransitionForm | None = None,
    signoff: SignOffForm | None = None,
    assign: AssignForm | None = None,
) -> dict[str, Any]:
    """Everything the claim page shows. A form that was just submitted and refused
    (`transition`, `signoff`, `assign`) is shown, with its errors, instead of a fresh one."""
    claim = get_object_or_404(Claim.objects.for_page(), pk=pk)
    user = request.user
    submitted = transition
    rules = available(claim, user)
    transition_forms = [
        submitted
        if submitted is not None and submitted.rule.name == rule.name
        else TransitionForm(rule=rule, claim=claim)
        for rule in rules
    ]
    # A refused transition this person is not offered (e.g. a reviewer posting "publish")
    # has no form of its own on the page: its reason is shown above the others.
    refused = submitted.non_field_errors() if submitted is not None and submitted.rule not in rules else []
    current = current_signoff(claim) if claim.rests_on_anonymous_sourcing else None
    signoff_form = signoff
    if (
        signoff_form is None
        and claim.rests_on_anonymous_sourcing
        and current is None
        and claim.status not in CLOSED
        and user.has_perm("reviews.sign_off_sourcing")
    ):
        signoff_form = SignOffForm(claim=claim)
    assign_form = assign
    if assign_form is None and claim.status not in CLOSED and user.has_perm("reviews.assign_reviewer"):
        assign_form = AssignForm(claim=claim)
    attributions = list(claim.attributions.all())
    editable = claim_editable_by(claim, user)
    return coverage_context(claim, user) | {
        "claim": claim,
        "claimant": next((a for a in attributions if a.role == Role.CLAIMANT), None),
        "attributions": attributions,
        "responses": [a for a in attributions if a.role == Role.RESPONDS],
        "sourcing": claim.sourcing(),
        "warnings": [(a, w) for a in attributions for w in a.caveat_warnings()],
        "relations_to": list(claim.relations_to.all()),
        "relations_from": list(claim.relations_from.all()),
        "different_proposition": Addresses.DIFFERENT_PROPOSITION,
        "reviews": list(claim.reviews.all()),
        "timeline": _timeline(list(claim.transitions.all())),
        "history": history_of(claim),
        "signoff": current,
        "needs_signoff": claim.rests_on_anonymous_sourcing and current is None,
        "signoff_form": signoff_form,
        "assign_form": assign_form,
        "transition_forms": transition_forms,
        "refused": refused,
        "editable": editable,
        "can_review": editable and claim.status in REVIEWABLE,
    }


DETAIL_LABELS = {
    "priority": "Check-worthiness",
    "assignee": "Assigned to",
    "reason": "Reason",
    "duplicate_of": "Duplicate of",
    "rating": "Verdict",
    "review": "Review",
    "withdrawn_review": "Withdrawn review",
    "withdrawn_rating": "Withdrawn verdict",
}


def _timeline(transitions: list[Transition]) -> list[tuple[Transition, list[tuple[str, str]]]]:
    """Each logged transition with its details in words ("Check-worthiness: Urgent",
    "Withdrawn verdict: Unproven") rather than the stored codes."""
    ratings = dict(Rating.objects.filter(scale__is_default=True).values_list("value", "label"))
    words: dict[str, Any] = {
        "priority": lambda v: Priority(v).label if v in Priority.values else v,
        "reason": lambda v: RejectReason(v).label if v in RejectReason.values else v,
        "duplicate_of": lambda v: f"#{v}",
        "review": lambda v: f"#{v}",
        "withdrawn_review": lambda v: f"#{v}",
        "rating": lambda v: ratings.get(v, v),
        "withdrawn_rating": lambda v: ratings.get(v, v),
    }
    return [
        (
            t,
            [
                (DETAIL_LABELS.get(key, key.replace("_", " ").capitalize()), str(words.get(key, str)(value)))
                for key, value in (t.details or {}).items()
            ],
        )
        for t in transitions
    ]


@newsroom_member_required
def claim_detail(request: PageRequest, pk: int) -> HttpResponse:
    return render(request, "claims/claim_detail.html", claim_page_context(request, pk))


# --- Recording and editing a claim ---------------------------------------------------------


def _place_errors(exc: ValidationError, form: BaseForm, formset: BaseAttributionFormSet) -> None:
    """A service's refusal: claim fields on the claim form, the rest (the claimant rule)
    above the attributions."""
    other = []
    for name, messages_ in error_messages(exc).items():
        if name in form.fields:
            form.add_error(name, messages_)
        else:
            other.extend(messages_)
    if other:
        formset.non_form_errors().extend(other)


def _with_new_source(actor: Any, attribution_form: AttributionForm, values: dict[str, Any]) -> dict[str, Any]:
    """Create the source a person named on the form and check the attribution again
    with it (the caveat rules depend on whether the source is anonymous)."""
    new = attribution_form.new_source()
    if new is None:
        return values
    try:
        source = source_create(actor=actor, **new)
        candidate = attribution_form.instance
        candidate.source = source
        candidate.clean()
    except ValidationError as exc:
        add_service_errors(
            attribution_form,
            exc,
            renamed={"kind": "new_source_kind", "name": "new_source_name", "title": "new_source_title"},
        )
        raise _Refused from exc
    return {**values, "source": source}


@newsroom_member_required
def claim_new(request: PageRequest) -> HttpResponse:
    if not request.user.has_perm("claims.add_claim"):
        raise PermissionDenied("You cannot record claims.")
    claim = Claim()
    form = ClaimForm(request.POST or None, instance=claim)
    formset = attribution_formset(extra=3)(
        request.POST or None,
        instance=claim,
        prefix="attributions",
        user=request.user,
        initial=[{"role": Role.CLAIMANT}],
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            with transaction.atomic():
                attributions = [
                    _with_new_source(request.user, f, f.service_values(changed_only=False))
                    for f in formset.kept_forms()
                ]
                try:
                    claim = claim_create(
                        actor=request.user, attributions=attributions, **form.service_values(changed_only=False)
                    )
                except ValidationError as exc:
                    _place_errors(exc, form, formset)
                    raise _Refused from exc
        except _Refused:
            pass
        else:
            messages.success(request, f"Claim #{claim.pk} recorded. An editor will triage it.")
            return redirect("claims:detail", pk=claim.pk)
    return render(request, "claims/claim_form.html", {"form": form, "formset": formset, "claim": None})


def _save_attributions(actor: Any, claim: Claim, formset: BaseAttributionFormSet) -> None:
    """Each attribution through its own service, against the claim locked by the caller."""
    deleted = formset.deleted_forms
    for f in formset.forms:
        stored = f.instance.pk and Attribution.objects.select_related("source").get(pk=f.instance.pk)
        try:
            if stored and f in deleted:
                stored.claim = claim
                attribution_delete(actor=actor, attribution=stored)
            elif stored and f.has_changed():
                values = _with_new_source(actor, f, f.service_values(changed_only=True))
                stored.claim = claim
                attribution_update(actor=actor, attribution=stored, **values)
            elif not stored and f.has_changed() and f not in deleted:
                values = _with_new_source(actor, f, f.service_values(changed_only=False))
                attribution_create(actor=actor, claim=claim, **values)
        except ValidationError as exc:
            add_service_errors(f, exc)
            raise _Refused from exc


@newsroom_member_required
def claim_edit(request: PageRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim, pk=pk)
    require_edit(request.user, claim)
    form = ClaimForm(request.POST or None, instance=claim)
    formset = attribution_formset(extra=2)(
        request.POST or None,
        instance=claim,
        prefix="attributions",
        user=request.user,
        queryset=Attribution.objects.filter(claim=claim).select_related("source").order_by("pk"),
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            with transaction.atomic():
                # The version the person saw is checked once, up front; the parts are then
                # saved one by one while the claim's row stays locked.
                locked = claim_lock(claim=claim, version=form.cleaned_data["version"])
                try:
                    claim_update(actor=request.user, claim=locked, **form.service_values(changed_only=True))
                except ValidationError as exc:
                    _place_errors(exc, form, formset)
                    raise _Refused from exc
                _save_attributions(request.user, locked, formset)
        except StaleVersion as exc:
            form.add_error(None, str(exc))
        except _Refused:
            pass
        else:
            messages.success(request, f"Claim #{claim.pk} saved.")
            return redirect("claims:detail", pk=claim.pk)
    return render(request, "claims/claim_form.html", {"form": form, "formset": formset, "claim": claim})


def claim_url(claim: Claim, anchor: str = "") -> str:
    return reverse("claims:detail", args=[claim.pk]) + (f"#{anchor}" if anchor else "")
