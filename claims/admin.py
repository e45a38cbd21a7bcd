from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.forms import BaseModelForm
from django.http import HttpRequest
from django.utils.html import format_html

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldOpts

from claims.models import Attribution, ClaimRelation
from claims.services import (
    ATTRIBUTION_FIELDS,
    RELATION_FIELDS,
    attribution_create,
    attribution_delete,
    attribution_override_warnings,
    attribution_update,
    relation_create,
    relation_delete,
    relation_update,
)
from core.admin import ServiceAdmin, bullet_list, history_table
from core.views import signed_in

CAVEAT_FIELDSET: tuple[str, _FieldOpts] = (
    "Anonymity caveats",
    {
        "classes": ("caveats",),
        "description": "For anonymous sources: what the story says about who they are and why they are unnamed.",
        "fields": (
            ("sources_claimed", "independence"),
            ("access", "anonymity_reason"),
            "anonymity_reason_text",
            "condition_text",
            "stated_limits",
            ("side", "motive"),
            ("granted_by", "identity_known_to_editor"),
            "vouching_note",
        ),
    },
)


class AttributionAdminForm(forms.ModelForm):
    accept_warnings_reason = forms.CharField(
        label="Accept the caveat warnings — reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Editors only. Why these warnings may stand (kept in the history).",
    )

    class Meta:
        model = Attribution
        fields = "__all__"  # noqa: DJ007 - the admin takes the fields from its fieldsets


@admin.register(Attribution)
class AttributionAdmin(ServiceAdmin):
    form = AttributionAdminForm
    service_fields = ATTRIBUTION_FIELDS | {"claim"}
    list_display = (
        "id",
        "claim",
        "source",
        "role",
        "attribution_text",
        "sources_claimed",
        "access",
        "anonymity_reason",
        "content_type",
        "credibility",
        "warnings",
    )
    list_filter = (
        "role",
        "source__kind",
        "access",
        "anonymity_reason",
        "independence",
        "content_type",
        "side",
        "credibility",
    )
    list_select_related = ("claim", "source")
    search_fields = ("attribution_text", "quote", "source__name", "claim__statement")
    autocomplete_fields = ("claim", "source", "article", "granted_by")
    readonly_fields = ("warnings", "override", "history")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "claim",
                    ("role", "source"),
                    "attribution_text",
                    "quote",
                    ("said_on", "article"),
                    ("content_type", "credibility", "response"),
                )
            },
        ),
        CAVEAT_FIELDSET,
        ("Standards", {"fields": ("warnings", "override", "accept_warnings_reason")}),
        ("Change history", {"classes": ("collapse",), "fields": ("history",)}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Moving an attribution to another claim would rewrite two claims' sourcing at once.
        return self.readonly_fields + (("claim",) if obj else ())

    @admin.display(description="caveat warnings")
    def warnings(self, attribution: Attribution) -> str:
        if not attribution.pk:
            return "—"
        items = [w.message for w in attribution.caveat_warnings()]
        return format_html('<ul class="caveat-warnings">{}</ul>', bullet_list(items)) if items else "None"

    @admin.display(description="override")
    def override(self, attribution: Attribution) -> str:
        if not attribution.warnings_overridden:
            return "—"
        by, at = attribution.warnings_overridden_by, attribution.warnings_overridden_at
        return f"Accepted by {by} on {at:%d %b %Y}: {attribution.warnings_override_reason}"

    @admin.display(description="history")
    def history(self, attribution: Attribution) -> str:
        return history_table(attribution)

    def create_object(self, request: HttpRequest, data: dict[str, Any]) -> Attribution:
        return attribution_create(actor=signed_in(request), **data)

    def update_object(self, request: HttpRequest, obj: Attribution, data: dict[str, Any]) -> None:
        data.pop("claim", None)
        attribution_update(actor=signed_in(request), attribution=obj, **data)

    def save_model(self, request: HttpRequest, obj: Attribution, form: BaseModelForm[Any], change: bool) -> None:
        super().save_model(request, obj, form, change)
        reason = form.cleaned_data.get("accept_warnings_reason", "").strip()
        if reason:
            attribution_override_warnings(actor=signed_in(request), attribution=obj, reason=reason)

    def delete_model(self, request: HttpRequest, obj: Attribution) -> None:
        attribution_delete(actor=signed_in(request), attribution=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Attribution]) -> None:
        for attribution in queryset:
            attribution_delete(actor=signed_in(request), attribution=attribution)


@admin.register(ClaimRelation)
class ClaimRelationAdmin(ServiceAdmin):
    service_fields = RELATION_FIELDS | {"from_claim", "to_claim"}
    list_display = ("id", "from_claim", "kind", "to_claim", "addresses", "created_by", "created_at")
    list_filter = ("kind", "addresses")
    search_fields = ("from_claim__statement", "to_claim__statement", "note")
    autocomplete_fields = ("from_claim", "to_claim")
    list_select_related = ("from_claim", "to_claim", "created_by")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("from_claim", "to_claim") if obj else ()

    def create_object(self, request: HttpRequest, data: dict[str, Any]) -> ClaimRelation:
        return relation_create(actor=signed_in(request), **data)

    def update_object(self, request: HttpRequest, obj: ClaimRelation, data: dict[str, Any]) -> None:
        relation_update(actor=signed_in(request), relation=obj, **data)

    def delete_model(self, request: HttpRequest, obj: ClaimRelation) -> None:
        relation_delete(actor=signed_in(request), relation=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ClaimRelation]) -> None:
        for relation in queryset:
            relation_delete(actor=signed_in(request), relation=relation)
