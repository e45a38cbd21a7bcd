"""Reviewer pages for recording a claim with its attributions and editing it.

Views are thin: the forms validate what a person typed, one service writes the claim
and its attributions in one transaction (`claim_create`, `claim_update`), and the
person is sent back with a message. A service's refusal is shown on the form — a
ValidationError next to the field it names (`attributions.1.role` beside that
attribution's role), a StaleVersion as a message naming who changed the claim and when —
and a PermissionDenied becomes the 403 page with its reason."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from claims.forms import AttributionForm, BaseAttributionFormSet, ClaimForm, attribution_formset
from claims.models import Attribution, AttributionRole, Claim
from claims.services import AttributionChange, StaleVersion, claim_create, claim_update, require_edit
from core.forms import error_messages
from core.views import PageRequest, newsroom_member_required

# How the services name a new source's fields, and the form fields that hold them.
NEW_SOURCE_FIELDS = {"kind": "new_source_kind", "name": "new_source_name", "title": "new_source_title"}


def claim_url(claim: Claim, anchor: str = "") -> str:
    return reverse("claims:detail", args=[claim.pk]) + (f"#{anchor}" if anchor else "")


def _place_errors(
    exc: ValidationError, form: ClaimForm, formset: BaseAttributionFormSet, sent: list[AttributionForm]
) -> None:
    """A service's refusal, each message where it belongs: `statement` on the claim form,
    `attributions.2.role` on the role of the third attribution sent (`sent`), the rest
    (the claimant rule) above the attributions."""
    general = []
    for name, texts in error_messages(exc).items():
        parts = name.split(".")
        if name in form.fields:
            form.add_error(name, texts)
        elif parts[0] == "attributions" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(sent):
            target = sent[int(parts[1])]
            field_name = parts[-1] if len(parts) > 2 else NON_FIELD_ERRORS
            if parts[2:3] == ["new_source"]:
                field_name = NEW_SOURCE_FIELDS.get(parts[-1], NON_FIELD_ERRORS)
            target.add_error(field_name if field_name in target.fields else None, texts)
        else:
            general.extend(texts)
    if general:
        formset.non_form_errors().extend(general)


def _attribution_values(form: AttributionForm, *, changed_only: bool) -> dict[str, Any]:
    values = form.service_values(changed_only=changed_only)
    new_source = form.new_source()
    return {**values, "new_source": new_source} if new_source else values


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
        initial=[{"role": AttributionRole.CLAIMANT}],
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        sent = formset.kept_forms()
        try:
            claim = claim_create(
                actor=request.user,
                attributions=[_attribution_values(f, changed_only=False) for f in sent],
                **form.service_values(changed_only=False),
            )
        except ValidationError as exc:
            _place_errors(exc, form, formset, sent)
        else:
            messages.success(request, f"Claim #{claim.pk} recorded. An editor will triage it.")
            return redirect("claims:detail", pk=claim.pk)
    return render(request, "claims/claim_form.html", {"form": form, "formset": formset, "claim": None})


def _changes(formset: BaseAttributionFormSet) -> tuple[list[AttributionChange], list[AttributionForm]]:
    """What the attribution forms ask for, and the form each change came from."""
    stored = {
        a.pk: a for a in Attribution.objects.filter(pk__in=[f.instance.pk for f in formset.forms if f.instance.pk])
    }
    changes, sent = [], []
    for f in formset.forms:
        attribution = stored.get(f.instance.pk) if f.instance.pk else None
        if f in formset.deleted_forms:
            if attribution is None:
                continue
            change = AttributionChange(attribution=attribution, delete=True)
        elif f.has_changed():
            values = _attribution_values(f, changed_only=attribution is not None)
            new_source = values.pop("new_source", None)
            change = AttributionChange(values=values, attribution=attribution, new_source=new_source)
        else:
            continue
        changes.append(change)
        sent.append(f)
    return changes, sent


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
        changes, sent = _changes(formset)
        try:
            claim_update(
                actor=request.user,
                # The form has written its values onto `claim`; the service compares with the stored row.
                claim=Claim.objects.get(pk=claim.pk),
                version=form.cleaned_data["version"],
                attributions=changes,
                **form.service_values(changed_only=True),
            )
        except StaleVersion as exc:
            form.add_error(None, str(exc))
            form.conflict = exc  # type: ignore[attr-defined]  # the page offers to reload (form_errors.html)
        except ValidationError as exc:
            _place_errors(exc, form, formset, sent)
        else:
            messages.success(request, f"Claim #{claim.pk} saved.")
            return redirect("claims:detail", pk=claim.pk)
    return render(request, "claims/claim_form.html", {"form": form, "formset": formset, "claim": claim})
