"""The pages that bring the apps together: the dashboard of queues, the claim list, the
claim page (statement, sourcing, coverage, reviews, history and the workflow panel) and
the workflow panel's forms.

Views are thin: a form validates, a service writes, and the person is sent back with a
message. With htmx, a refused workflow form swaps the panel with the reasons and a
completed one reloads the claim's main content; without JavaScript the same forms post
normally and the page is rendered again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseLocation

from claims.forms import ClaimFilterForm
from claims.models import (
    Addresses,
    Attribution,
    AttributionRole,
    Claim,
    ClaimQuerySet,
    ClaimRelation,
    Priority,
    Rating,
    Status,
)
from claims.services import claim_editable_by
from claims.views import claim_url
from core.forms import attempt
from core.history import history_of
from core.policy import is_editor
from core.roles import assignable_users
from core.views import PageRequest, newsroom_member_required
from corroboration.models import claims_already_checked, claims_with_new_coverage
from corroboration.views import coverage_context, prior_checks_context
from reviews.forms import AssignForm, SignOffForm, TransitionForm
from reviews.models import RejectReason, Review, StandardsSignOff, Transition, claims_awaiting_review_by
from reviews.services import REVIEWABLE, assignment_create, sourcing_sign_off, transition_take
from reviews.workflow import RULES, TransitionName, TransitionRequest, available
from trackrecords.models import claim_track_records, record_line

PAGE_SIZE = 25
CLOSED = (Status.PUBLISHED, Status.REJECTED)


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
    if is_editor(user):
        queues.append(
            Queue(
                "awaiting_review",
                "Awaiting my review",
                "In review, written by someone else: yours to publish or send back.",
                claims_awaiting_review_by(user),
            )
        )
    queues.append(
        Queue(
            "already_checked",
            "Checked elsewhere",
            "Submitted claims another fact-checker may already have ruled on: confirm or reject the match.",
            claims_already_checked(Claim.objects.filter(status=Status.SUBMITTED)),
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
    queues.append(
        Queue(
            "new_coverage",
            "New coverage since publication",
            "Published verdicts with reporting found after they went out: confirm it, and reopen if it changes "
            "the verdict.",
            claims_with_new_coverage(Claim.objects.all()),
        )
    )
    checked = set(claims_already_checked(Claim.objects.all()).values_list("pk", flat=True))
    fresh = set(claims_with_new_coverage(Claim.objects.all()).values_list("pk", flat=True))
    for queue in queues:
        queue.count = queue.claims.count()
        queue.first = list(queue.claims.for_list().order_by("-priority", "-updated_at")[:5])
        for claim in queue.first:
            claim.checked_elsewhere = claim.pk in checked  # type: ignore[attr-defined]
            claim.new_coverage = claim.pk in fresh  # type: ignore[attr-defined]
    by_status = dict(Claim.objects.order_by().values_list("status").annotate(n=Count("pk")))
    statuses = [(status, by_status.get(status.value, 0)) for status in Status]
    return render(request, "web/dashboard.html", {"queues": queues, "statuses": statuses})


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
        claims = claims_awaiting_review_by(user, claims)
    elif queue == "rechecks_due":
        claims = claims.rechecks_due()
    elif queue == "already_checked":
        claims = claims_already_checked(claims.filter(status=Status.SUBMITTED))
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
        return render(request, "web/_results.html", context)
    return render(request, "web/claim_list.html", context)


def _for_page(claims: ClaimQuerySet) -> ClaimQuerySet:
    """Everything the claim page shows, in a fixed number of queries: attributions with
    their caveat records, relations both ways, reviews with their evidence, and the log."""
    return claims.select_related(
        "rating", "assignee", "created_by", "updated_by", "first_appearance__outlet"
    ).prefetch_related(
        Prefetch(
            "attributions",
            queryset=Attribution.objects.select_related(
                "source", "granted_by", "article", "warnings_overridden_by"
            ).order_by("pk"),
        ),
        Prefetch("relations_to", queryset=ClaimRelation.objects.select_related("from_claim")),
        Prefetch("relations_from", queryset=ClaimRelation.objects.select_related("to_claim")),
        Prefetch(
            "reviews",
            queryset=Review.objects.select_related("author", "rating")
            .prefetch_related("evidence_attributions__source", "evidence_articles", "evidence_prior_checks")
            .order_by("-created_at"),
        ),
        Prefetch("transitions", queryset=Transition.objects.select_related("actor").order_by("-created_at", "-pk")),
        "appearances",
    )


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
    claim = get_object_or_404(_for_page(Claim.objects.all()), pk=pk)
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
    current = StandardsSignOff.objects.current_for(claim) if claim.rests_on_anonymous_sourcing else None
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
    reviews = list(claim.reviews.all())
    drafts = [r for r in reviews if r.is_draft]
    # The review a submit or a publish acts on (Review.objects.awaiting_decision): the
    # most recently saved draft. The panel says what publishing would put out.
    up_for_decision = max(drafts, key=lambda r: (r.updated_at, r.pk)) if drafts else None
    publish = next((rule for rule in rules if rule.name == TransitionName.PUBLISH), None)
    publish_problems = (
        publish.guard(claim, user, TransitionRequest(review=up_for_decision)) if publish is not None else []
    )
    my_draft = max((r for r in drafts if r.author_id == user.pk), key=lambda r: (r.updated_at, r.pk), default=None)
    records = claim_track_records(claim, attributions)
    for attribution in attributions:
        # Shown beside the attribution (claims/_attribution.html reads `record_lines`).
        attribution.record_lines = [  # type: ignore[attr-defined]
            record_line(r) for r in records.by_attribution.get(attribution.pk, [])
        ]
    return (
        coverage_context(claim, user)
        | prior_checks_context(claim, user)
        | {
            "claim": claim,
            "claimant": next((a for a in attributions if a.role == AttributionRole.CLAIMANT), None),
            "attributions": attributions,
            "responses": [a for a in attributions if a.role == AttributionRole.RESPONDS],
            "sourcing": claim.sourcing(),
            "warnings": [(a, w) for a in attributions for w in a.caveat_warnings()],
            "relations_to": list(claim.relations_to.all()),
            "relations_from": list(claim.relations_from.all()),
            "different_proposition": Addresses.DIFFERENT_PROPOSITION,
            "reviews": [r for r in reviews if r.discarded_at is None],
            "discarded_reviews": [r for r in reviews if r.discarded_at is not None],
            "up_for_decision": up_for_decision,
            "publish_problems": publish_problems,
            "my_draft": my_draft,
            "cited_articles": {a.pk for a in my_draft.evidence_articles.all()} if my_draft else set(),
            "can_cite": editable and claim.status in REVIEWABLE,
            "is_editor": is_editor(user),
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
            "outlet_record": record_line(records.outlet) if records.outlet is not None else None,
        }
    )


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
    return render(request, "web/claim_detail.html", claim_page_context(request, pk))


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
        return render(request, "web/_workflow_panel.html", context, status=status)
    return render(request, "web/claim_detail.html", context, status=status)


def _permission_refused(request: PageRequest, claim: Claim, form: BaseForm, exc: PermissionDenied) -> HttpResponse:
    """Without htmx, the 403 page; with it, the panel saying why, with status 403."""
    if not request.htmx:
        raise exc
    form.add_error(None, str(exc))
    return _refused(request, claim, form, status=403)


def _panel_post(
    request: PageRequest, claim: Claim, form: BaseForm, call: Any, success: Callable[[], str]
) -> HttpResponse:
    """A form of the workflow panel: the service call, then the claim reloaded with a
    message, or the panel again with the refusal on the form (403 for a permission)."""
    try:
        done = attempt(form, call)
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
        lambda: transition_take(
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
        lambda: assignment_create(
            actor=request.user,
            claim=claim,
            assignee=form.cleaned_data["assignee"],
            version=form.cleaned_data["version"],
        ),
        assigned,
    )
