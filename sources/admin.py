from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from core.admin import ServiceAdmin, history_table
from core.views import signed_in
from sources.models import Article, Feed, Outlet, Source
from sources.providers import registry
from sources.services import (
    ARTICLE_FIELDS,
    FEED_FIELDS,
    OUTLET_FIELDS,
    SOURCE_FIELDS,
    article_create,
    article_update,
    feed_create,
    feed_poll_soon,
    feed_update,
    outlet_create,
    outlet_update,
    source_create,
    source_update,
)


@admin.register(Outlet)
class OutletAdmin(ServiceAdmin):
    service_fields = OUTLET_FIELDS
    list_display = ("name", "domain_list", "country", "ownership", "is_wire", "article_count")
    list_filter = ("ownership", "is_wire", "country")
    search_fields = ("name", "domains", "notes")
    readonly_fields = ("history",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Outlet]:
        return super().get_queryset(request).annotate(article_total=Count("articles"))

    @admin.display(description="domains")
    def domain_list(self, outlet: Outlet) -> str:
        return ", ".join(outlet.domains)

    @admin.display(description="articles", ordering="article_total")
    def article_count(self, outlet: Outlet) -> int:
        return outlet.article_total  # type: ignore[attr-defined]

    @admin.display(description="history")
    def history(self, outlet: Outlet) -> str:
        return history_table(outlet)

    def create_object(self, request: HttpRequest, data: dict[str, Any]) -> Outlet:
        return outlet_create(actor=signed_in(request), **data)

    def update_object(self, request: HttpRequest, obj: Outlet, data: dict[str, Any]) -> None:
        outlet_update(actor=signed_in(request), outlet=obj, **data)


@admin.register(Source)
class SourceAdmin(ServiceAdmin):
    service_fields = SOURCE_FIELDS
    list_display = ("name", "kind", "title", "affiliation", "reliability", "citations")
    list_filter = ("kind", "reliability")
    search_fields = ("name", "title", "affiliation", "notes")
    autocomplete_fields = ("outlet",)
    readonly_fields = ("history",)
    fieldsets = (
        (None, {"fields": ("kind", "name", ("title", "affiliation"), "outlet")}),
        ("Reliability", {"fields": ("reliability", "reliability_note")}),
        (None, {"fields": ("notes",)}),
        ("Change history", {"classes": ("collapse",), "fields": ("history",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Source]:
        return super().get_queryset(request).annotate(citation_total=Count("attributions"))

    @admin.display(description="cited in", ordering="citation_total")
    def citations(self, source: Source) -> int:
        return source.citation_total  # type: ignore[attr-defined]

    @admin.display(description="history")
    def history(self, source: Source) -> str:
        return history_table(source)

    def create_object(self, request: HttpRequest, data: dict[str, Any]) -> Source:
        return source_create(actor=signed_in(request), **data)

    def update_object(self, request: HttpRequest, obj: Source, data: dict[str, Any]) -> None:
        source_update(actor=signed_in(request), source=obj, **data)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A cited source is protected by the database; an uncited one may go.
        return super().has_delete_permission(request, obj) and (obj is None or not obj.attributions.exists())


@admin.register(Article)
class ArticleAdmin(ServiceAdmin):
    service_fields = ARTICLE_FIELDS
    list_display = ("title", "outlet", "published_at", "provider", "canonical_url")
    list_filter = ("provider", "language", ("outlet", admin.RelatedOnlyFieldListFilter), "published_at")
    list_select_related = ("outlet",)
    search_fields = ("title", "canonical_url", "byline", "summary")
    autocomplete_fields = ("outlet",)
    date_hierarchy = "published_at"
    readonly_fields = ("seen_at", "fingerprint", "raw_payload")
    fieldsets = (
        (None, {"fields": ("title", "outlet", ("byline", "dateline"), ("published_at", "language"))}),
        ("Addresses", {"fields": ("canonical_url", "url")}),
        ("Content", {"fields": ("summary", "text")}),
        ("Provenance", {"fields": ("provider", "seen_at", "fingerprint", "raw_payload")}),
    )

    def create_object(self, request: HttpRequest, data: dict[str, Any]) -> Article:
        return article_create(actor=signed_in(request), **data)

    def update_object(self, request: HttpRequest, obj: Article, data: dict[str, Any]) -> None:
        article_update(actor=signed_in(request), article=obj, **data)


@admin.register(Feed)
class FeedAdmin(ServiceAdmin):
    service_fields = FEED_FIELDS
    list_display = (
        "name",
        "state",
        "last_success_at",
        "last_error_short",
        "last_error_at",
        "last_items",
        "last_new_articles",
        "items_seen",
        "articles_created",
        "next_poll_at",
        "is_active",
    )
    list_filter = ("is_active", ("outlet", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("outlet",)
    search_fields = ("name", "url", "last_error")
    autocomplete_fields = ("outlet",)
    actions = ["poll_now"]
    readonly_fields = (
        "state",
        "last_polled_at",
        "last_success_at",
        "last_error",
        "last_error_at",
        "consecutive_failures",
        "last_items",
        "last_new_articles",
        "last_skipped",
        "items_seen",
        "articles_created",
        "next_poll_at",
        "etag",
        "last_modified",
        "history",
    )
    fieldsets = (
        (None, {"fields": ("name", "url", "outlet", ("is_active", "poll_interval"))}),
        (
            "Last polls",
            {
                "fields": (
                    ("state", "consecutive_failures"),
                    ("last_polled_at", "last_success_at", "next_poll_at"),
                    ("last_error", "last_error_at"),
                    ("last_items", "last_new_articles"),
                    "last_skipped",
                    ("items_seen", "articles_created"),
                    ("etag", "last_modified"),
                )
            },
        ),
        ("Change history", {"classes": ("collapse",), "fields": ("history",)}),
    )

    @admin.display(description="last error")
    def last_error_short(self, feed: Feed) -> str:
        return feed.last_error if len(feed.last_error) <= 120 else feed.last_error[:119] + "…"

    @admin.display(description="history")
    def history(self, feed: Feed) -> str:
        return history_table(feed)

    @admin.action(description="Poll the selected feeds now")
    def poll_now(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        queued = feed_poll_soon(actor=signed_in(request), feeds=list(queryset))
        skipped = queryset.count() - queued
        self.message_user(
            request,
            f"{queued} feeds queued for polling." + (f" {skipped} inactive feeds were left alone." if skipped else ""),
            messages.SUCCESS,
        )

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        # Which providers are on, and why the others are off ("needs MEDIACLOUD_API_KEY").
        return super().changelist_view(request, {**(extra_context or {}), "providers": registry()})

    def create_object(self, request: HttpRequest, data: dict[str, Any]) -> Feed:
        return feed_create(actor=signed_in(request), **data)

    def update_object(self, request: HttpRequest, obj: Feed, data: dict[str, Any]) -> None:
        feed_update(actor=signed_in(request), feed=obj, **data)
