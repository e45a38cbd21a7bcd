"""Track records in the admin: a compact line, with a link to the full record page, on
the outlet and source screens (and, from web/admin.py, beside each attribution). The
records themselves are derived data and are not edited here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from sources.admin import OutletAdmin, SourceAdmin
from sources.models import Outlet, Source
from trackrecords.models import TrackRecord, record_line
from trackrecords.services import reliability_suggestion


def record_lines_html(records: Iterable[TrackRecord]) -> str:
    lines = [record_line(record) for record in records]
    return format_html_join(
        "",
        '<p><strong>{}:</strong> {} <a href="{}">Full record</a></p>',
        ((line.label, line.text, line.url) for line in lines),
    )


class OutletWithRecordAdmin(OutletAdmin):
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("track_record", *super().get_readonly_fields(request, obj))

    @admin.display(description="track record")
    def track_record(self, outlet: Outlet) -> str:
        record = TrackRecord.objects.of_outlet(outlet) if outlet.pk else None
        if record is None:
            return "No published verdicts yet."
        anonymous = record.anonymous
        return format_html("{}<p>Resting on anonymous sources: {}</p>", record_lines_html([record]), anonymous.line())


class SourceWithRecordAdmin(SourceAdmin):
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("track_record", *super().get_readonly_fields(request, obj))

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = list(super().get_fieldsets(request, obj))
        # After the reliability grade, which the record's suggestion is about.
        return [*fieldsets[:2], ("Track record", {"fields": ("track_record",)}), *fieldsets[2:]]

    @admin.display(description="track record")
    def track_record(self, source: Source) -> str:
        if not source.pk:
            return "—"
        record = TrackRecord.objects.of_source(source)
        suggestion = reliability_suggestion(source)
        lines = record_lines_html([record]) if record is not None else "No published verdicts yet."
        return format_html(
            "{}<p>Suggested reliability: <strong>{}</strong> — {}</p>", lines, suggestion.grade, suggestion.reason
        )


admin.site.unregister(Outlet)
admin.site.register(Outlet, OutletWithRecordAdmin)
admin.site.unregister(Source)
admin.site.register(Source, SourceWithRecordAdmin)
