from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from claims.models import Rating
from core.admin import ReadOnlyAdmin, ServiceAdmin
from core.views import signed_in
from corroboration.models import (
    Alias,
    ArticleMatching,
    Coverage,
    Job,
    MatchState,
    PriorCheck,
    PriorCheckMatch,
    RatingMapping,
    Syndication,
)
from corroboration.services import (
    ALIAS_FIELDS,
    MAX_IMPORT_BYTES,
    RATING_MAPPING_FIELDS,
    alias_create,
    alias_delete,
    alias_update,
    job_enqueue,
    prior_check_match_decide,
    prior_checks_import_request,
    rating_mapping_create,
    rating_mapping_delete,
    rating_mapping_update,
)


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


class MatchingFinishedFilter(admin.SimpleListFilter):
    title = "matching"
    parameter_name = "finished"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("no", "Not finished"), ("yes", "Finished")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[ArticleMatching]) -> QuerySet[ArticleMatching]:
        if self.value() == "no":
            return queryset.filter(finished_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(finished_at__isnull=False)
        return queryset


@admin.register(ArticleMatching)
class ArticleMatchingAdmin(ReadOnlyAdmin):
    """How far matching each stored article to the open claims has got: an article whose
    matching is not finished is taken up again by the beat's next run, from its
    checkpoint (docs/performance.md, "How it scales")."""

    list_display = ("article", "claims_through", "finished_at", "updated_at")
    list_filter = (MatchingFinishedFilter,)
    list_select_related = ("article",)
    search_fields = ("article__title", "article__canonical_url")
    ordering = ("-updated_at",)
    fields = list_display
    readonly_fields = fields


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


@admin.register(RatingMapping)
class RatingMappingAdmin(ServiceAdmin):
    """Which of our ratings each publisher's wording stands for. Prior checks are read
    through this table as it is now: a change applies to every prior check at once."""

    service_fields = RATING_MAPPING_FIELDS
    fields = ("label", "example", "rating")
    list_display = ("example_or_label", "label", "rating")
    list_filter = ("rating",)
    list_select_related = ("rating",)
    search_fields = ("label", "example")

    @admin.display(description="wording", ordering="example")
    def example_or_label(self, mapping: RatingMapping) -> str:
        return mapping.example or mapping.label

    def create_object(self, request: HttpRequest, data: dict[str, Any]) -> RatingMapping:
        return rating_mapping_create(actor=signed_in(request), **data)

    def update_object(self, request: HttpRequest, obj: RatingMapping, data: dict[str, Any]) -> None:
        rating_mapping_update(actor=signed_in(request), mapping=obj, **data)

    def delete_model(self, request: HttpRequest, obj: RatingMapping) -> None:
        rating_mapping_delete(actor=signed_in(request), mapping=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[RatingMapping]) -> None:
        for mapping in queryset:
            rating_mapping_delete(actor=signed_in(request), mapping=mapping)


@admin.register(Alias)
class AliasAdmin(ServiceAdmin):
    """Other names news copy uses for an entity ("the Kremlin" for Russia), and other
    ways it says what happened (wordings: "quit" for "step down"). Matching reads
    claims and pages through this table from the next match on."""

    service_fields = ALIAS_FIELDS
    fields = ("kind", "name", "alias", "notes")
    list_display = ("alias", "name", "kind", "notes")
    list_filter = ("kind", "name")
    search_fields = ("name", "alias")

    def create_object(self, request: HttpRequest, data: dict[str, Any]) -> Alias:
        return alias_create(actor=signed_in(request), **data)

    def update_object(self, request: HttpRequest, obj: Alias, data: dict[str, Any]) -> None:
        alias_update(actor=signed_in(request), alias=obj, **data)

    def delete_model(self, request: HttpRequest, obj: Alias) -> None:
        alias_delete(actor=signed_in(request), alias=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Alias]) -> None:
        for alias in queryset:
            alias_delete(actor=signed_in(request), alias=alias)


class ImportForm(forms.Form):
    file = forms.FileField(
        required=False,
        help_text="A schema.org DataFeed of ClaimReviews, a JSON or JSON-LD list of them, or a saved web page.",
    )
    url = forms.URLField(
        label="or its address",
        required=False,
        assume_scheme="https",
        help_text="Fetched by a background job through the safe client (robots.txt and size limits apply).",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("file")) == bool(data.get("url")):
            raise forms.ValidationError("Give a file or an address (one of the two).")
        return data


class PriorCheckMatchInline(admin.TabularInline):
    """On a prior check: the claims of ours it may be about."""

    model = PriorCheckMatch
    extra = 0
    can_delete = False
    fields = ("claim", "score", "state", "reason", "decided_by", "decided_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PriorCheck)
class PriorCheckAdmin(ReadOnlyAdmin):
    """Fact-checks others published: someone else's verdicts, shown as found. Editors
    import ClaimReview files or feeds from the button above the list."""

    list_display = ("publisher_name", "rating_text", "our_rating", "claim_short", "review_date_or_unknown", "link")
    list_filter = ("found_by", "publisher_name", "language")
    search_fields = ("title", "claim_reviewed", "claimant", "publisher_name", "publisher_site", "url")
    date_hierarchy = "created_at"
    inlines = [PriorCheckMatchInline]
    change_list_template = "admin/corroboration/priorcheck/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[PriorCheck]:
        return PriorCheck.objects.with_our_rating()

    @admin.display(description="our scale")
    def our_rating(self, check: PriorCheck) -> str:
        rating_id = getattr(check, "our_rating_id", None)
        if rating_id is None:
            return "unmapped"
        return str(_ratings().get(rating_id, "unmapped"))

    @admin.display(description="claim reviewed")
    def claim_short(self, check: PriorCheck) -> str:
        text = check.claim_reviewed or check.title
        return text if len(text) <= 90 else text[:89] + "…"

    @admin.display(description="reviewed", ordering="review_date")
    def review_date_or_unknown(self, check: PriorCheck) -> Any:
        return check.review_date or "date not given"

    @admin.display(description="review")
    def link(self, check: PriorCheck) -> str:
        return format_html('<a href="{}" rel="noopener noreferrer nofollow">{}</a>', check.url, check.url)

    def get_urls(self) -> list[Any]:
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="corroboration_priorcheck_import"),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        extra = {"can_import": request.user.has_perm("corroboration.import_priorchecks"), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("corroboration.import_priorchecks"):
            raise PermissionDenied("Only an editor can import prior checks.")
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data.get("file")
            try:
                job = prior_checks_import_request(
                    actor=signed_in(request),
                    url=form.cleaned_data.get("url") or "",
                    body=upload.read(MAX_IMPORT_BYTES + 1) if upload else None,
                    name=upload.name if upload else "",
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                self.message_user(
                    request,
                    format_html(
                        'Import queued as <a href="{}">job #{}</a>; the prior checks and their matches appear '
                        "here when it is done.",
                        reverse("admin:corroboration_job_change", args=[job.pk]),
                        job.pk,
                    ),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:corroboration_priorcheck_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Import prior checks (ClaimReview)",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/corroboration/priorcheck/import.html", context)


def _ratings() -> dict[int, Rating]:
    return {r.pk: r for r in Rating.objects.all()}


@admin.register(PriorCheckMatch)
class PriorCheckMatchAdmin(ReadOnlyAdmin):
    list_display = ("claim", "prior_check", "score", "state", "found_by", "decided_by", "decided_at")
    list_filter = ("state", "found_by")
    list_select_related = ("claim", "prior_check", "decided_by")
    search_fields = ("claim__statement", "prior_check__claim_reviewed", "prior_check__publisher_name", "reason")
    actions = ["confirm", "reject"]

    @admin.action(description="Confirm: the prior check is about the claim")
    def confirm(self, request: HttpRequest, queryset: QuerySet[PriorCheckMatch]) -> None:
        self._decide(request, queryset, MatchState.CONFIRMED)

    @admin.action(description="Reject: the prior check is about something else")
    def reject(self, request: HttpRequest, queryset: QuerySet[PriorCheckMatch]) -> None:
        self._decide(request, queryset, MatchState.REJECTED)

    def _decide(self, request: HttpRequest, queryset: QuerySet[PriorCheckMatch], state: str) -> None:
        done = 0
        for match in queryset:
            prior_check_match_decide(actor=signed_in(request), match=match, state=state)
            done += 1
        self.message_user(request, f"{done} match(es) {state}.")


class ClaimPriorCheckInline(admin.TabularInline):
    """For the claim screen: what other fact-checkers may already have said about this
    claim (their verdicts, not coverage), each match with its state."""

    model = PriorCheckMatch
    fk_name = "claim"
    extra = 0
    can_delete = False
    verbose_name = "prior check by another organisation"
    verbose_name_plural = "prior checks by other organisations (their verdicts, not coverage)"
    fields = ("publisher", "rating", "reviewed", "review", "score", "state", "reason")
    readonly_fields = fields

    @admin.display(description="publisher")
    def publisher(self, match: PriorCheckMatch) -> str:
        return match.prior_check.publisher

    @admin.display(description="rating")
    def rating(self, match: PriorCheckMatch) -> str:
        return match.prior_check.rating_text

    @admin.display(description="reviewed")
    def reviewed(self, match: PriorCheckMatch) -> Any:
        return match.prior_check.review_date or "date not given"

    @admin.display(description="review")
    def review(self, match: PriorCheckMatch) -> str:
        url = match.prior_check.url
        return format_html('<a href="{}" rel="noopener noreferrer nofollow">{}</a>', url, url)

    def get_queryset(self, request: HttpRequest) -> QuerySet[PriorCheckMatch]:
        return super().get_queryset(request).select_related("prior_check")

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
