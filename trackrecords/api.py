"""API for track records: an outlet's and a source's, read by the newsroom and its read
and write tokens (product.md §1). The counts are precomputed; `page` lists the claims
behind them."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from core.ids import parse_id
from core.policy import Action
from core.viewsets import ApiViewSet
from sources.models import Outlet, Source
from trackrecords.models import TrackRecord
from trackrecords.records import Part
from trackrecords.serializers import (
    OutletTrackRecordSerializer,
    SourceTrackRecordSerializer,
    part_data,
    suggestion_data,
)
from trackrecords.services import reliability_suggestion


def _computed(record: TrackRecord | None) -> Any:
    return record.computed_at if record is not None else None


def outlet_record_data(outlet: Outlet) -> dict[str, Any]:
    """An outlet's record as the API answers it, from the precomputed rows (the outlet's
    and its descriptors', read in one query): what bench/track_record.py times."""
    record, descriptors = TrackRecord.objects.at_outlet(outlet)
    return {
        **part_data(record.all if record is not None else Part()),
        "outlet": {"id": outlet.pk, "name": outlet.name},
        "anonymous": part_data(record.anonymous if record is not None else Part()),
        "descriptors": [
            {**part_data(d.all), "id": d.pk, "label": d.label, "wordings": [text for text, _ in d.wordings]}
            for d in descriptors
        ],
        "computed_at": _computed(record),
        "page": reverse("trackrecords:outlet", args=[outlet.pk]),
    }


@extend_schema(parameters=[OpenApiParameter("outlet_id", int, OpenApiParameter.PATH, description="The outlet's id.")])
class OutletTrackRecordViewSet(ApiViewSet):
    serializer_class = OutletTrackRecordSerializer
    queryset = TrackRecord.objects.none()
    pagination_class = None  # one record, not a list of them
    required = {"list": Action.READ_RECORDS}

    @extend_schema(summary="An outlet's track record", responses={200: OutletTrackRecordSerializer})
    def list(self, request: Request, outlet_id: str) -> Response:
        outlet = get_object_or_404(Outlet, pk=parse_id(outlet_id) or 0)
        return Response(OutletTrackRecordSerializer(outlet_record_data(outlet)).data)


@extend_schema(parameters=[OpenApiParameter("source_id", int, OpenApiParameter.PATH, description="The source's id.")])
class SourceTrackRecordViewSet(ApiViewSet):
    serializer_class = SourceTrackRecordSerializer
    queryset = TrackRecord.objects.none()
    pagination_class = None  # one record, not a list of them
    required = {"list": Action.READ_RECORDS}

    @extend_schema(summary="A source's track record", responses={200: SourceTrackRecordSerializer})
    def list(self, request: Request, source_id: str) -> Response:
        source = get_object_or_404(Source, pk=parse_id(source_id) or 0)
        record = TrackRecord.objects.of_source(source)
        data = {
            **part_data(record.all if record is not None else Part()),
            "source": {"id": source.pk, "name": source.name, "kind": source.kind, "reliability": source.reliability},
            "anonymous": part_data(record.anonymous if record is not None else Part()),
            "suggested_reliability": suggestion_data(reliability_suggestion(source)),
            "computed_at": _computed(record),
            "page": reverse("trackrecords:source", args=[source.pk]),
        }
        return Response(SourceTrackRecordSerializer(data).data)
