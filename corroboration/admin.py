from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from core.admin import ReadOnlyAdmin
from corroboration.models import Coverage, ExistingFactCheck, Job, Syndication
from corroboration.services import job_enqueue


@admin.register(Coverage)
class CoverageAdmin(ReadOnlyAdmin):
    list_display = (
        "claim",
        "article",
        "score",
        "suggested_stance",
        "stance",
        "independence",
        "echo_of",
        "confirmed_by",
    )
    list_filter = ("suggested_stance", "stance", "independence")
    list_select_related = ("claim", "article", "echo_of", "confirmed_by")
    search_fields = ("claim__statement", "article__title", "excerpt")


@admin.register(Syndication)
class SyndicationAdmin(ReadOnlyAdmin):
    list_display = ("article", "origin", "similarity")
    list_select_related = ("article", "origin")
    search_fields = ("article__title", "origin__title")


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "claim", "status", "progress", "step", "attempts", "created_at", "finished_at")
    list_filter = ("kind", "status")
    list_select_related = ("claim",)
    search_fields = ("claim__statement", "error")
    actions = ["send_again"]

    @admin.action(description="Send the selected queued or stalled jobs to the workers again")
    def send_again(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        # Safe whatever their state: a worker only runs a job it can claim.
        sent = 0
        for job in queryset.exclude(status__in=["done", "failed"]):
            job_enqueue(job.pk)
            sent += 1
        messages.info(request, f"{sent} job(s) sent again.")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("corroboration.view_job")


@admin.register(ExistingFactCheck)
class ExistingFactCheckAdmin(ReadOnlyAdmin):
    """Fact-checks others published: someone else's verdicts, shown as found."""

    list_display = ("claim", "publisher_name", "textual_rating", "review_date_or_unknown", "link")
    list_filter = ("publisher_name", "language")
    list_select_related = ("claim",)
    search_fields = ("title", "claim_text", "claimant", "publisher_name", "publisher_site", "url")
    date_hierarchy = "found_at"

    @admin.display(description="reviewed", ordering="review_date")
    def review_date_or_unknown(self, check: ExistingFactCheck) -> Any:
        return check.review_date or "date not given"

    @admin.display(description="fact-check")
    def link(self, check: ExistingFactCheck) -> str:
        return format_html(
            '<a href="{}" rel="noopener noreferrer nofollow">{}</a>', check.url, check.title or check.url
        )


class ExistingFactCheckInline(admin.TabularInline):
    """For the claim page: what other fact-checkers already said about this claim."""

    model = ExistingFactCheck
    extra = 0
    can_delete = False
    verbose_name = "fact-check by another organisation"
    verbose_name_plural = "fact-checks by other organisations (their verdicts, not coverage)"
    fields = ("publisher_name", "textual_rating", "review_date", "title", "url", "claimant")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Shown, never submitted: left out of a POST, the claim form saves exactly as
        # it would without it (no extra formset for the claim's save to handle).
        return request.method != "POST" and super().has_view_permission(request, obj)
