"""The admin's claim screens: a claim with its attributions and relations, saved
through the same services as the pages and the API, and the workflow's transitions and
"Find coverage now" as actions. They bring claims, reviews and corroboration together,
so they live on the top floor with the claim page."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.forms import BaseModelForm
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from claims.admin import CAVEAT_FIELDSET
from claims.models import (
    Addresses,
    Attribution,
    AttributionRole,
    Claim,
    ClaimQuerySet,
    ClaimRelation,
    Priority,
    claim_languages,
    claimant_problem,
)
from claims.services import (
    ATTRIBUTION_FIELDS,
    CLAIM_FIELDS,
    RELATION_FIELDS,
    AttributionChange,
    claim_create,
    claim_update,
    relation_create,
    relation_delete,
    relation_update,
)
from core.admin import ServiceAdmin, all_values, bullet_list, changed_values, history_table
from core.ids import parse_id
from core.roles import assignable_users
from core.services import Conflict
from core.views import signed_in
from corroboration.admin import ClaimPriorCheckInline
from corroboration.models import JobKind
from corroboration.services import job_request
from reviews.models import RejectReason, TransitionName
from reviews.services import assignment_create, transition_take
from reviews.workflow import RULES, available
from sources.models import SourceKind
from trackrecords.admin import record_lines_html
from trackrecords.models import claim_track_records

ASSIGN = "assign"


def find_coverage_now(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
    """Queue a coverage search for each claim (joining a search already under way)."""
    started = 0
    for claim in queryset:
        _, created = job_request(actor=signed_in(request), kind=JobKind.FIND_COVERAGE, claim=claim)
        started += int(created)
    messages.info(
        request,
        f"Looking for coverage of {queryset.count()} claim(s) ({started} new search(es)); "
        "follow them under Corroboration › Jobs or on each claim's page.",
    )


class TransitionAdminForm(forms.Form):
    """What a transition needs from the editor; only the fields that transition uses."""

    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), required=False)
    priority = forms.TypedChoiceField(
        label="Check-worthiness",
        choices=[("", "Keep as it is"), *Priority.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    assignee: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, help_text="A reviewer or an editor."
    )
    reason = forms.ChoiceField(choices=[("", "—"), *RejectReason.choices], required=False)
    duplicate_of = forms.ModelChoiceField(
        queryset=Claim.objects.all(),
        required=False,
        widget=forms.NumberInput,
        help_text="The id of the original claim.",
    )

    FIELDS = {
        TransitionName.ACCEPT: ("note", "priority", "assignee"),
        TransitionName.REJECT: ("reason", "duplicate_of", "note"),
        ASSIGN: ("assignee",),
    }

    def __init__(self, *args: Any, transition: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["assignee"]).queryset = assignable_users()
        wanted = self.FIELDS.get(transition, ("note",))
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
        if transition == TransitionName.REOPEN:
            self.fields["note"].label = "Correction reason"

    def params(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class AttributionFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        # Said here, beside the inline, rather than after saving (claim_create checks it again).
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        problem = claimant_problem(f.cleaned_data.get("role", "") for f in kept)
        if problem:
            raise ValidationError(problem)


class AttributionInline(admin.StackedInline):
    model = Attribution
    formset = AttributionFormSet
    extra = 0
    min_num = 1
    autocomplete_fields = ("source", "article", "granted_by")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("role", "source"),
                    "attribution_text",
                    "quote",
                    ("said_on", "article"),
                    ("content_type", "credibility", "response"),
                    "track_records",
                )
            },
        ),
        CAVEAT_FIELDSET,
    )
    readonly_fields = ("track_records",)

    @admin.display(description="track records")
    def track_records(self, attribution: Attribution) -> str:
        """The source's record and, for an anonymous one, its descriptor's at the outlet:
        one line each, with a link to the full record."""
        if attribution.pk is None:
            return "—"
        records = claim_track_records(attribution.claim, [attribution]).by_attribution.get(attribution.pk, [])
        return record_lines_html(records) or "No published verdicts yet."


class RelationInline(admin.TabularInline):
    model = ClaimRelation
    fk_name = "from_claim"
    extra = 0
    autocomplete_fields = ("to_claim",)
    fields = ("kind", "to_claim", "addresses", "note")
    verbose_name = "relation to another claim"
    verbose_name_plural = "relations to other claims"  # Django would write "…another claims"


class ClaimAdminForm(forms.ModelForm):
    # The version the editor is looking at; saving against an older one is refused.
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Claim
        fields = "__all__"  # noqa: DJ007 - the admin takes the fields from its fieldsets

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version


class AnonymousSourcingFilter(admin.SimpleListFilter):
    title = "sourcing"
    parameter_name = "sourcing"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("anonymous", "Rests on anonymous sources"), ("named", "Named sources only")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        anonymous = Q(
            attributions__source__kind=SourceKind.ANONYMOUS_GROUP,
            attributions__role__in=[AttributionRole.CLAIMANT, AttributionRole.SUPPORTS],
        )
        if self.value() == "anonymous":
            return queryset.filter(anonymous).distinct()
        if self.value() == "named":
            return queryset.exclude(pk__in=Claim.objects.filter(anonymous).values("pk"))
        return queryset


class AssigneeFilter(admin.SimpleListFilter):
    """Claims by who is assigned: the people who may be (`assignable_users`), a short
    list read from the users, not the distinct assignees of every claim."""

    title = "assignee"
    parameter_name = "assignee__id__exact"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        people = [(str(user.pk), user.get_full_name() or user.get_username()) for user in assignable_users()]
        return [*people, ("none", "Nobody")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        value = self.value()
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        assignee = parse_id(value)
        if assignee is not None:
            return queryset.filter(assignee_id=assignee)
        return queryset


class LanguageFilter(admin.SimpleListFilter):
    """Claims by language: the languages recorded, read from their index
    (`claim_languages`), not the distinct languages of every claim."""

    title = "language"
    parameter_name = "language__exact"  # the parameter Django's own filter used: links kept work

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(language, language) for language in claim_languages()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        value = self.value()
        return queryset.filter(language=value) if value else queryset


@admin.register(Claim)
class ClaimAdmin(ServiceAdmin):
    form = ClaimAdminForm
    service_fields = CLAIM_FIELDS | {"appearances"}
    inlines = [AttributionInline, RelationInline, ClaimPriorCheckInline]
    list_display = (
        "id",
        "short_statement",
        "claimant_name",
        "status",
        "rating",
        "sourcing",
        "priority",
        "assignee",
        "updated_at",
    )
    # One link a row: each is checked against the list's filters to carry them along.
    list_display_links = ("short_statement",)
    # A work queue, read by filtering and searching: 50 rows a page. Each row's cells
    # (its sourcing summary, claimant, selection box, dates) are most of the page's cost
    # (docs/performance.md, "Load", sixth round).
    list_per_page = 50
    list_filter = (
        "status",
        "priority",
        # Every rating of the scales (a short table), not the distinct ratings of every claim.
        ("rating", admin.RelatedFieldListFilter),
        AnonymousSourcingFilter,
        AssigneeFilter,
        LanguageFilter,
        "created_at",
    )
    list_select_related = ("rating", "assignee")
    search_fields = ("statement", "quote", "context", "attributions__source__name", "attributions__attribution_text")
    autocomplete_fields = ("first_appearance", "appearances")
    # No date hierarchy: it reads the first and last date and every distinct day of all
    # the claims on each page of the list; the "created" filter above narrows by date.
    readonly_fields = (
        "status",
        "rating",
        "recheck_on",
        "assignee",
        "version",
        "sourcing",
        "caveat_warnings",
        "responses",
        "created_by",
        "created_at",
        "updated_by",
        "updated_at",
        "history",
    )
    fieldsets = (
        (
            None,
            {"fields": ("statement", "quote", ("made_on", "language"), "first_appearance", "appearances", "context")},
        ),
        ("Triage", {"fields": (("priority", "tags"),)}),
        ("Sourcing", {"fields": ("sourcing", "caveat_warnings", "responses")}),
        ("Workflow", {"fields": (("status", "rating", "recheck_on"), "assignee", "version", "seen_version")}),
        ("Record", {"fields": (("created_by", "created_at"), ("updated_by", "updated_at"))}),
        ("Change history", {"classes": ("collapse",), "fields": ("history",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Claim]:
        return cast(ClaimQuerySet, super().get_queryset(request)).with_sourcing()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Claims are a record of what was reported: they are rejected, never deleted.
        return False

    def history_view(self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None) -> Any:
        """HISTORY shows the claim's real field history (database triggers record every
        change, whoever made it and through whatever path), not Django's log of admin
        form saves, which the services' writes never enter."""
        claim = self.get_object(request, object_id)
        if claim is None or not self.has_view_or_change_permission(request, claim):
            raise Http404("No such claim.")
        context = {
            **self.admin_site.each_context(request),
            "title": f"Change history: claim #{claim.pk}",
            "subtitle": None,
            "object": claim,
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "module_name": capfirst(self.opts.verbose_name_plural),
            "history": history_table(claim),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/claims/claim/object_history.html", context)

    # --- Workflow: transitions as admin actions, through the same services -----------------

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.transition_view)
        return [
            path("<int:pk>/transition/<str:name>/", view, name="claims_claim_transition"),
            path("transition/<str:name>/", view, name="claims_claim_transition_bulk"),
            *super().get_urls(),
        ]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions: dict[str, Any] = dict(super().get_actions(request))
        if request.user.has_perm("corroboration.start_job"):
            actions["find_coverage"] = (
                find_coverage_now,
                "find_coverage",
                "Find coverage now for the selected claims",
            )
        for name in [*TransitionName, ASSIGN]:
            label = "Assign a reviewer to" if name == ASSIGN else TransitionName(name).label
            actions[f"take_{name}"] = (
                self._bulk_action(name),
                f"take_{name}",
                f"{label} the selected claims…",
            )
        return actions

    @staticmethod
    def _bulk_action(name: str) -> Any:
        def action(modeladmin: ClaimAdmin, request: HttpRequest, queryset: QuerySet[Claim]) -> HttpResponse:
            ids = ",".join(str(pk) for pk in queryset.order_by("pk").values_list("pk", flat=True))
            return HttpResponseRedirect(reverse("admin:claims_claim_transition_bulk", args=[name]) + f"?ids={ids}")

        return action

    def transition_view(self, request: HttpRequest, name: str, pk: int | None = None) -> HttpResponse:
        if name != ASSIGN and name not in RULES:
            raise Http404("No such transition.")
        ids = [pk] if pk else [i for part in request.GET.get("ids", "").split(",") if (i := parse_id(part)) is not None]
        claims = list(Claim.objects.filter(pk__in=ids).order_by("pk"))
        done_url = reverse("admin:claims_claim_change", args=[pk]) if pk else reverse("admin:claims_claim_changelist")
        if not claims:
            messages.warning(request, "No claims were selected.")
            return HttpResponseRedirect(done_url)
        form = TransitionAdminForm(request.POST or None, transition=name)
        if request.method == "POST" and form.is_valid():
            done = 0
            actor = signed_in(request)
            for claim in claims:
                seen = request.POST.get(f"version-{claim.pk}", "")
                version = parse_id(seen)
                version = claim.version if version is None else version
                try:
                    if name == ASSIGN:
                        assignment_create(
                            actor=actor,
                            claim=claim,
                            assignee=form.cleaned_data["assignee"],
                            version=version,
                        )
                    else:
                        transition_take(actor=actor, claim=claim, name=name, version=version, **form.params())
                    done += 1
                except (ValidationError, PermissionDenied, Conflict) as exc:
                    reasons = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                    messages.error(request, f"Claim #{claim.pk}: " + " ".join(reasons))
            if done:
                messages.success(request, f"{done} claim{'s' if done != 1 else ''}: done.")
            return HttpResponseRedirect(done_url)
        label = "Assign a reviewer" if name == ASSIGN else RULES[name].name.label
        context = {
            **self.admin_site.each_context(request),
            "title": label,
            "opts": self.model._meta,
            "claims": claims,
            "form": form,
            "submit_label": label,
            "cancel_url": done_url,
            "explanation": ""
            if name == ASSIGN
            else f"Taken by {RULES[name].who_text}; the rules are checked "
            "for each claim, and a claim someone else changed since this page loaded is left as it is.",
        }
        return TemplateResponse(request, "admin/claims/claim/transition.html", context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        found = self.get_object(request, unquote(object_id))  # 404 for an id that names no claim
        claim = Claim.objects.with_sourcing().filter(pk=found.pk).first()
        extra_context = extra_context or {}
        if claim is not None:
            extra_context.update(
                available_transitions=available(claim, request.user),
                can_assign=request.user.has_perm("reviews.assign_reviewer")
                and claim.status not in ("published", "rejected"),
                can_sign_off=request.user.has_perm("reviews.sign_off_sourcing") and claim.rests_on_anonymous_sourcing,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="statement", ordering="statement")
    def short_statement(self, claim: Claim) -> str:
        return str(claim)

    @admin.display(description="claimant")
    def claimant_name(self, claim: Claim) -> str:
        claimant = claim.claimant
        return str(claimant.source) if claimant else "—"

    @admin.display(description="sourcing")
    def sourcing(self, claim: Claim) -> str:
        if not claim.pk:
            return "—"
        summary = claim.sourcing()
        css = "caveats-warn" if summary.warnings else "caveats-ok"
        return format_html('<span class="{}">{}</span>', css, str(summary))

    @admin.display(description="caveat warnings")
    def caveat_warnings(self, claim: Claim) -> str:
        if not claim.pk:
            return "—"
        lines = []
        for attribution in claim.attributions.all():
            for warning in attribution.caveat_warnings():
                state = (
                    " (accepted by an editor: " + attribution.warnings_override_reason + ")"
                    if attribution.warnings_overridden
                    else ""
                )
                lines.append(f"{attribution.source}: {warning.message}{state}")
        if not lines:
            return "None"
        return format_html('<ul class="caveat-warnings">{}</ul>', bullet_list(lines))

    @admin.display(description="responses and related claims")
    def responses(self, claim: Claim) -> str:
        """Relations from other claims to this one, saying plainly when a response
        addresses a different proposition (and so is not a denial)."""
        if not claim.pk:
            return "—"
        lines = []
        for relation in claim.relations_to.select_related("from_claim"):
            line = f"#{relation.from_claim_id} “{relation.from_claim}” {relation.get_kind_display().lower()} this claim"
            if relation.addresses == Addresses.DIFFERENT_PROPOSITION:
                line += " — but addresses a different proposition: not a confirmation or a denial"
            elif relation.addresses:
                line += f" — addresses the same proposition {relation.get_addresses_display().lower()}"
            lines.append(line)
        if not lines:
            return "None"
        return format_html("<ul>{}</ul>", bullet_list(lines))

    @admin.display(description="history")
    def history(self, claim: Claim) -> str:
        return history_table(claim)

    def save_model(self, request: HttpRequest, obj: Claim, form: BaseModelForm[Any], change: bool) -> None:
        """Nothing yet: the claim is saved together with its attributions (save_related)."""

    def save_related(self, request: HttpRequest, form: BaseModelForm[Any], formsets: Any, change: bool) -> None:
        """The claim and its attributions in one service call (`claim_create` or
        `claim_update`, as the pages and the API do); then its relations."""
        by_model = {formset.model: formset for formset in formsets}
        attributions = by_model[Attribution]
        if change:
            claim = claim_update(
                actor=signed_in(request),
                claim=Claim.objects.get(pk=form.instance.pk),
                version=form.cleaned_data.get("seen_version") or form.instance.version,
                attributions=attribution_changes(attributions),
                **changed_values(form, self.service_fields),
            )
        else:
            kept = [f for f in attributions.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
            claim = claim_create(
                actor=signed_in(request),
                attributions=[all_values(f, ATTRIBUTION_FIELDS) for f in kept],
                **all_values(form, self.service_fields),
            )
        form.instance.pk = claim.pk
        form.instance._state.adding = False
        form.instance.refresh_from_db()
        if ClaimRelation in by_model:
            relations_save(request.user, form.instance, by_model[ClaimRelation])


def attribution_changes(formset: Any) -> list[AttributionChange]:
    """What the admin's attribution inline asks for, as `claim_update` takes it."""
    changes = []
    for f in formset.forms:
        stored = Attribution.objects.get(pk=f.instance.pk) if f.instance.pk else None
        if f in formset.deleted_forms:
            if stored is not None:
                changes.append(AttributionChange(attribution=stored, delete=True))
        elif f.has_changed():
            values = changed_values(f, ATTRIBUTION_FIELDS) if stored else all_values(f, ATTRIBUTION_FIELDS)
            changes.append(AttributionChange(values=values, attribution=stored))
    return changes


def relations_save(actor: Any, claim: Claim, formset: Any) -> None:
    """The relation inline, one relation service per row that changed."""
    for f in formset.forms:
        stored = ClaimRelation.objects.get(pk=f.instance.pk) if f.instance.pk else None
        if f in formset.deleted_forms:
            if stored is not None:
                relation_delete(actor=actor, relation=stored)
        elif stored is not None and f.has_changed():
            relation_update(actor=actor, relation=stored, **changed_values(f, RELATION_FIELDS))
        elif stored is None and f.has_changed():
            relation_create(actor=actor, from_claim=claim, **all_values(f, RELATION_FIELDS | {"to_claim"}))
