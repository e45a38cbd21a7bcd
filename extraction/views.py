"""Reviewer pages: "New claims from an article".

Paste a story or give its URL; a job reads it while a progress bar runs; then the story
is shown with every suggestion marked, beside the list of suggestions. Each suggestion
opens beside a form pre-filled with the claim, its attributions and their caveats, to
accept as it is or after editing, or to dismiss with a reason; one that matches a claim
already tracked offers to add the story to that claim instead.

Views are thin: forms validate, the services in extraction/services.py decide and
write, and a refusal is shown next to the field it names."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRefresh

from claims.forms import AttributionForm, BaseAttributionFormSet
from claims.models import Addresses, Claim
from claims.views import NEW_SOURCE_FIELDS, claim_url
from claims.views import _attribution_values as claim_form_values
from claims.views import _place_errors as place_claim_errors
from core.forms import add_service_errors, error_messages
from core.ids import parse_id
from core.services import Conflict
from core.views import PageRequest, newsroom_member_required
from extraction.forms import (
    DismissForm,
    ExtractionForm,
    RelationForm,
    SuggestionClaimForm,
    suggested_attribution_formset,
)
from extraction.highlight import highlighted, spans_of
from extraction.models import Extraction, Suggestion
from extraction.proposals import proposal_for
from extraction.services import extraction_request, suggestion_accept, suggestion_add_appearance, suggestion_dismiss

REPLIES = {
    "denial": "a denial",
    "non_denial": "a reply that does not deny",
    "declined_to_comment": "a refusal to comment",
    "no_response": "a note that no reply came",
}
RECENT = 15


def _require_extract(request: PageRequest) -> None:
    if not request.user.has_perm("claims.add_claim"):
        raise PermissionDenied("Extracting claims from articles needs a reviewer's or an editor's role.")


def extraction_url(extraction: Extraction) -> str:
    return reverse("extraction:detail", args=[extraction.pk])


def suggestion_url(extraction_id: int, position: int) -> str:
    return reverse("extraction:suggestion", args=[extraction_id, position]) + f"#s{position}"


def _extraction(pk: int) -> Extraction:
    return get_object_or_404(
        Extraction.objects.select_related("job", "article__outlet", "requested_by").prefetch_related(
            Prefetch(
                "suggestions",
                queryset=Suggestion.objects.select_related("tracked_claim", "claim", "decided_by").order_by("position"),
            )
        ),
        pk=pk,
    )


# --- Asking ------------------------------------------------------------------------------------


@newsroom_member_required
def extraction_new(request: PageRequest) -> HttpResponse:
    _require_extract(request)
    # A body too large to read at all never gets here: core.views.bad_request says so.
    form = ExtractionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            extraction = extraction_request(
                actor=request.user, text=form.cleaned_data["text"], url=form.cleaned_data["url"] or ""
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(extraction_url(extraction))
    recent = Extraction.objects.select_related("job", "article", "requested_by").defer("text")[:RECENT]
    return render(request, "extraction/new.html", {"form": form, "recent": recent})


# --- The story and its suggestions ------------------------------------------------------------------


@newsroom_member_required
@require_GET
def extraction_detail(request: PageRequest, pk: int) -> HttpResponse:
    _require_extract(request)
    extraction = _extraction(pk)
    suggestions = list(extraction.suggestions.all())
    context: dict[str, Any] = {"extraction": extraction, "suggestions": suggestions}
    if extraction.status == "read":
        context["article_html"] = highlighted(
            extraction.text, spans_of(suggestions), link=lambda n: suggestion_url(extraction.pk, n)
        )
        context["pending"] = sum(1 for s in suggestions if s.pending)
        context["relations"] = [
            {**r, "addresses_label": Addresses(r["addresses"]).label.lower() if r.get("addresses") else ""}
            for r in extraction.relations
        ]
    return render(request, "extraction/detail.html", context)


@newsroom_member_required
@require_GET
def extraction_progress(request: PageRequest, pk: int) -> HttpResponse:
    """The progress bar, polled by htmx while the job runs; once it has finished the
    page reloads to show the story and its suggestions."""
    extraction = get_object_or_404(Extraction.objects.select_related("job"), pk=pk)
    if extraction.status != "reading" or extraction.job is None or extraction.job.finished:
        return HttpResponseClientRefresh()
    return render(request, "extraction/_progress.html", {"extraction": extraction, "job": extraction.job})


# --- Deciding on a suggestion ---------------------------------------------------------------------


def _suggestion(extraction: Extraction, n: int) -> Suggestion:
    for suggestion in extraction.suggestions.all():
        if suggestion.position == n:
            suggestion.extraction = extraction
            return suggestion
    raise Http404("This story has no such suggestion.")


def _initial(values: dict[str, Any]) -> dict[str, Any]:
    """A proposed attribution as the attribution form's initial values."""
    initial = {k: v for k, v in values.items() if k not in ("source", "new_source", "granted_by")}
    if values.get("source") is not None:
        initial["source"] = values["source"].pk
    if values.get("granted_by") is not None:
        initial["granted_by"] = values["granted_by"].pk
    new_source = values.get("new_source") or {}
    for key, name in NEW_SOURCE_FIELDS.items():
        if new_source.get(key):
            initial[name] = new_source[key]
    return initial


def _attribution_values(form: AttributionForm) -> dict[str, Any]:
    """What the claim pages send for an attribution, and which suggested one it stands for."""
    values = claim_form_values(form, changed_only=False)
    if form.cleaned_data.get("suggested") is not None:
        values["suggested"] = form.cleaned_data["suggested"]
    return values


def _place_errors(
    exc: ValidationError,
    form: SuggestionClaimForm,
    formset: BaseAttributionFormSet,
    sent: list[AttributionForm],
    kept: list[RelationForm],
) -> None:
    """Each message of a refusal where it belongs: `relations.0` on the first relation
    kept, the rest as the claim pages place them (a claim field on the claim form,
    `attributions.2.role` on the third attribution sent, the rest above the attributions)."""
    others: dict[str, list[str]] = {}
    for name, texts in error_messages(exc).items():
        parts = name.split(".")
        index = parse_id(parts[1]) if parts[0] == "relations" and len(parts) > 1 else None
        if index is not None and index < len(kept):
            kept[index].add_error(None, texts)
        else:
            others[name] = texts
    if others:
        place_claim_errors(ValidationError(others), form, formset, sent)  # type: ignore[arg-type]


@newsroom_member_required
def suggestion_review(request: PageRequest, pk: int, n: int) -> HttpResponse:
    """The story beside the suggestion's pre-filled form; POST accepts it."""
    _require_extract(request)
    extraction = _extraction(pk)
    if extraction.status != "read":
        return redirect(extraction_url(extraction))
    suggestion = _suggestion(extraction, n)
    proposal = proposal_for(suggestion)
    asks_where = extraction.article_id is None
    data = request.POST if request.method == "POST" else None
    form = SuggestionClaimForm(data, initial=proposal.claim, asks_where=asks_where)
    formset = suggested_attribution_formset(len(proposal.attributions))(
        data,
        instance=Claim(),
        prefix="attributions",
        user=request.user,
        initial=[_initial(values) for values in proposal.attributions],
    )
    relation_forms = [RelationForm(data, offered=offered) for offered in proposal.relations]
    if request.method == "POST":
        if not suggestion.pending:
            messages.error(request, "This suggestion was already decided.")
            return redirect(extraction_url(extraction))
        # Every form is validated (not only up to the first refusal), so every error shows at once.
        checked = [form.is_valid(), formset.is_valid(), *(f.is_valid() for f in relation_forms)]
        if all(checked):
            sent = formset.kept_forms()
            kept_forms = [f for f in relation_forms if f.kept() is not None]
            try:
                claim = suggestion_accept(
                    actor=request.user,
                    suggestion=suggestion,
                    edits=form.claim_values(),
                    attributions=[_attribution_values(f) for f in sent],
                    relations=[f.kept() for f in kept_forms],  # type: ignore[misc]
                    url=form.cleaned_data.get("url") or "",
                    title=form.cleaned_data.get("title") or "",
                )
            except ValidationError as exc:
                _place_errors(exc, form, formset, sent, kept_forms)
            except Conflict as exc:
                messages.error(request, str(exc))
                return redirect(extraction_url(extraction))
            else:
                messages.success(request, f"Claim #{claim.pk} recorded from the story. An editor will triage it.")
                return redirect(claim_url(claim))
    reply = next((a.get("reply") for a in suggestion.attributions if a.get("reply")), None)
    context = {
        "extraction": extraction,
        "suggestion": suggestion,
        "reply": REPLIES.get(reply or ""),
        "form": form,
        "formset": formset,
        "relation_forms": relation_forms,
        "dismiss_form": DismissForm(),
        "article_html": highlighted(
            extraction.text,
            spans_of(extraction.suggestions.all()),
            link=lambda position: suggestion_url(extraction.pk, position),
            current=suggestion.position,
        ),
    }
    return render(request, "extraction/suggestion.html", context)


@newsroom_member_required
@require_POST
def suggestion_dismiss_view(request: PageRequest, pk: int, n: int) -> HttpResponse:
    _require_extract(request)
    extraction = _extraction(pk)
    suggestion = _suggestion(extraction, n)
    form = DismissForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the suggestion is dismissed.")
        return redirect(suggestion_url(extraction.pk, n))
    try:
        suggestion_dismiss(actor=request.user, suggestion=suggestion, reason=form.cleaned_data["reason"])
    except (ValidationError, Conflict) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, f"Suggestion {n} dismissed.")
    return redirect(extraction_url(extraction) + f"#suggestion-{n}")


@newsroom_member_required
@require_POST
def suggestion_appearance_view(request: PageRequest, pk: int, n: int) -> HttpResponse:
    _require_extract(request)
    extraction = _extraction(pk)
    suggestion = _suggestion(extraction, n)
    try:
        claim = suggestion_add_appearance(actor=request.user, suggestion=suggestion)
    except (ValidationError, Conflict) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect(extraction_url(extraction) + f"#suggestion-{n}")
    messages.success(request, f"The story was added to claim #{claim.pk} as an appearance.")
    return redirect(claim_url(claim))
