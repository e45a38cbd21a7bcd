"""The record pages: an outlet's, a source's and an anonymous descriptor's at an outlet —
every figure with the claims behind it, each claim with the verdict it counts with. An
editor may accept a source's suggested reliability grade here."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.policy import is_editor
from core.views import PageRequest, newsroom_member_required
from sources.models import Outlet, Source
from trackrecords.models import RecordKind, TrackRecord, TrackRecordEntry
from trackrecords.records import FALSE_SIDE, TOO_FEW, TRUE_SIDE, Part
from trackrecords.services import reliability_suggestion, source_reliability_accept

PAGE_SIZE = 50
# The claims behind a figure: ?rating=false, ?side=true|false, ?anonymous=yes
SIDES = {"true": TRUE_SIDE, "false": FALSE_SIDE}


def _entries(request: PageRequest, record: TrackRecord | None) -> dict[str, Any]:
    """The claims behind the record, narrowed to one figure when the person asked."""
    entries = TrackRecordEntry.objects.none()
    chosen: list[str] = []
    if record is not None:
        entries = record.entries.select_related("claim", "rating", "review").order_by("-claim_on", "-pk")
        rating = request.GET.get("rating", "")
        side = request.GET.get("side", "")
        if rating:
            entries = entries.filter(rating__value=rating)
            chosen.append(f"rated {rating.replace('_', ' ')}")
        elif side in SIDES:
            entries = entries.filter(rating__value__in=SIDES[side])
            chosen.append(f"rated {side} or mostly {side}")
        if request.GET.get("anonymous") == "yes":
            entries = entries.filter(anonymous=True)
            chosen.append("resting on anonymous sources")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {"page": page, "narrowed": " and ".join(chosen), "query": query.urlencode()}


def _context(request: PageRequest, record: TrackRecord | None, **extra: Any) -> dict[str, Any]:
    return {
        "record": record,
        "all": record.all if record is not None else Part(),
        "anonymous": record.anonymous if record is not None else Part(),
        "too_few": TOO_FEW,
        **_entries(request, record),
        **extra,
    }


@newsroom_member_required
def outlet_page(request: PageRequest, pk: int) -> HttpResponse:
    outlet = get_object_or_404(Outlet, pk=pk)
    record = TrackRecord.objects.of_outlet(outlet)
    descriptors = list(TrackRecord.objects.descriptors_at(outlet))
    return render(
        request,
        "trackrecords/outlet.html",
        _context(request, record, outlet=outlet, descriptors=descriptors, subject=outlet.name),
    )


@newsroom_member_required
def descriptor_page(request: PageRequest, pk: int, record_id: int) -> HttpResponse:
    outlet = get_object_or_404(Outlet, pk=pk)
    record = get_object_or_404(TrackRecord, pk=record_id, kind=RecordKind.DESCRIPTOR, outlet=outlet)
    return render(
        request, "trackrecords/descriptor.html", _context(request, record, outlet=outlet, subject=record.label)
    )


@newsroom_member_required
def source_page(request: PageRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source.objects.select_related("outlet"), pk=pk)
    record = TrackRecord.objects.of_source(source)
    suggestion = reliability_suggestion(source)
    return render(
        request,
        "trackrecords/source.html",
        _context(
            request,
            record,
            source=source,
            subject=str(source),
            suggestion=suggestion,
            can_accept=is_editor(request.user) and suggestion.grade != source.reliability,
        ),
    )


@require_POST
@newsroom_member_required
def accept_reliability(request: PageRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source, pk=pk)
    try:
        suggestion = source_reliability_accept(actor=request.user, source=source)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"Source reliability set to {suggestion.grade}, with the record's reason as its note."
        )
    return redirect("trackrecords:source", pk=source.pk)
