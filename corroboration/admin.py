from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from config.admin import ReadOnlyAdmin
from corroboration.models import Coverage, Job, Syndication
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
    list_display = ("article", "origin", "similarity", "fingerprint")
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
