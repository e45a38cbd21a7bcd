"""The admin's "New claims from an article": editors paste a story or give its URL
here too; the suggestions are then reviewed on the reviewer pages (one place to
accept, edit or dismiss them). Extractions and their suggestions are records: shown,
with their history, never edited by hand."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from core.admin import ReadOnlyAdmin, history_table
from core.forms import add_service_errors
from core.views import signed_in
from extraction.forms import ExtractionForm
from extraction.models import Extraction, Suggestion
from extraction.services import extraction_request


class SuggestionInline(admin.TabularInline):
    model = Suggestion
    fields = ("position", "statement", "state", "claim", "reason", "tracked_claim", "decided_by", "decided_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="suggested claim")
    def statement(self, suggestion: Suggestion) -> str:
        return suggestion.statement


@admin.register(Extraction)
class ExtractionAdmin(ReadOnlyAdmin):
    list_display = ("id", "what", "status", "suggestions_count", "requested_by", "created_at")
    list_select_related = ("job", "article", "requested_by")
    search_fields = ("url", "article__title")
    date_hierarchy = "created_at"
    inlines = [SuggestionInline]
    fields = (
        "review",
        "url",
        "article",
        "status",
        "job",
        "problem",
        "requested_by",
        "created_at",
        "read_at",
        "history",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).defer("text")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("claims.add_claim")

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            return HttpResponseRedirect(reverse("admin:extraction_extraction_changelist"))
        form = ExtractionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                extraction = extraction_request(
                    actor=signed_in(request),
                    text=form.cleaned_data["text"],
                    url=form.cleaned_data["url"] or "",
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                # The job's progress, the story with its suggestions marked and the forms to decide on them.
                return HttpResponseRedirect(reverse("extraction:detail", args=[extraction.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "New claims from an article",
            "form": form,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/extraction/extraction/new.html", context)

    @admin.display(description="story")
    def what(self, extraction: Extraction) -> str:
        if extraction.article_id and extraction.article and extraction.article.title:
            return extraction.article.title
        return extraction.url or "Pasted text"

    @admin.display(description="suggestions")
    def suggestions_count(self, extraction: Extraction) -> int:
        return extraction.suggestions.count()

    @admin.display(description="suggestions")
    def review(self, extraction: Extraction) -> str:
        return format_html(
            '<a href="{}">Open the story and its suggestions</a> (to accept, edit or dismiss them)',
            reverse("extraction:detail", args=[extraction.pk]),
        )

    @admin.display(description="change history")
    def history(self, extraction: Extraction) -> str:
        return history_table(extraction)
