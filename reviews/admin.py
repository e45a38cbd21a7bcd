from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.contrib.postgres.forms import SimpleArrayField
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from claims.models import Rating, RatingScale
from core.admin import ReadOnlyAdmin, ServiceAdmin, history_table, reset_second_factors
from core.roles import ROLE_PERMISSIONS
from core.views import signed_in
from reviews.models import AP_CONDITIONS, Assignment, Review, StandardsSignOff, Transition
from reviews.services import REVIEW_FIELDS, review_create, review_update, sourcing_sign_off


class RatingInline(admin.TabularInline):
    model = Rating
    extra = 0
    fields = ("position", "value", "label", "alternate_name", "rating_value", "needs_recheck", "description")


@admin.register(RatingScale)
class RatingScaleAdmin(admin.ModelAdmin):
    list_display = ("name", "best_rating", "worst_rating", "is_default")
    inlines = [RatingInline]


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ("label", "value", "alternate_name", "rating_value", "needs_recheck", "scale")
    list_filter = ("scale", "needs_recheck")
    search_fields = ("label", "value", "alternate_name")


@admin.register(Review)
class ReviewAdmin(ServiceAdmin):
    service_fields = REVIEW_FIELDS | {"claim", "evidence_attributions", "evidence_articles", "evidence_prior_checks"}
    list_display = ("id", "claim", "author", "rating", "confidence", "state", "updated_at")
    list_filter = ("rating", "confidence", ("author", admin.RelatedOnlyFieldListFilter), "published_at")
    list_select_related = ("claim", "author", "rating")
    search_fields = ("summary", "rationale", "claim__statement", "author__username")
    autocomplete_fields = ("claim", "evidence_attributions", "evidence_articles", "evidence_prior_checks")
    readonly_fields = ("author", "published_at", "withdrawn_at", "created_at", "updated_at", "history")
    fieldsets = (
        (None, {"fields": ("claim", "author", ("rating", "confidence"), "recheck_on", "summary", "rationale")}),
        (
            "Evidence",
            {"fields": ("evidence_attributions", "evidence_articles", "evidence_prior_checks", "evidence_urls")},
        ),
        ("Record", {"fields": (("published_at", "withdrawn_at"), ("created_at", "updated_at"))}),
        ("Change history", {"classes": ("collapse",), "fields": ("history",)}),
    )

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "evidence_urls":
            return SimpleArrayField(
                forms.URLField(assume_scheme="https"),
                delimiter="\n",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                label="Other evidence (URLs)",
                help_text="One URL a line.",
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="state")
    def state(self, review: Review) -> str:
        if review.withdrawn_at:
            return f"withdrawn {review.withdrawn_at:%d %b %Y}"
        if review.published_at:
            return f"published {review.published_at:%d %b %Y}"
        return "draft"

    @admin.display(description="history")
    def history(self, review: Review) -> str:
        return history_table(review)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return (*self.readonly_fields, "claim") if obj else self.readonly_fields

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A published verdict is corrected by reopening the claim, never edited in place.
        return super().has_change_permission(request, obj) and (obj is None or obj.is_draft)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def create_object(self, request: HttpRequest, data: dict[str, Any]) -> Review:
        return review_create(actor=signed_in(request), **data)

    def update_object(self, request: HttpRequest, obj: Review, data: dict[str, Any]) -> None:
        data.pop("claim", None)
        review_update(actor=signed_in(request), review=obj, **data)


@admin.register(Transition)
class TransitionAdmin(ReadOnlyAdmin):
    """The workflow log. Read-only here; PostgreSQL refuses changes anyway."""

    list_display = ("created_at", "claim", "name", "from_status", "to_status", "actor", "note")
    list_filter = ("name", "to_status", ("actor", admin.RelatedOnlyFieldListFilter), "created_at")
    list_select_related = ("claim", "actor")
    search_fields = ("claim__statement", "note", "actor__username")
    date_hierarchy = "created_at"


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("claim", "assignee", "assigned_by", "assigned_at", "ended_at")
    list_filter = (("assignee", admin.RelatedOnlyFieldListFilter), "assigned_at")
    list_select_related = ("claim", "assignee", "assigned_by")
    search_fields = ("claim__statement", "assignee__username")


class SignOffForm(forms.ModelForm):
    class Meta:
        model = StandardsSignOff
        fields = ["claim", *AP_CONDITIONS, "note"]


@admin.register(StandardsSignOff)
class StandardsSignOffAdmin(ServiceAdmin):
    """Editors record standards sign-offs here or on the claim page; once recorded a
    sign-off is never edited (a changed sourcing simply needs a new one)."""

    form = SignOffForm
    service_fields = frozenset({"claim", "note", *AP_CONDITIONS})
    list_display = ("claim", "signed_by", "signed_at", "still_valid")
    list_select_related = ("claim", "signed_by")
    search_fields = ("claim__statement", "note")
    autocomplete_fields = ("claim",)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {"claim": request.GET.get("claim")}

    @admin.display(description="covers the current sourcing", boolean=True)
    def still_valid(self, signoff: StandardsSignOff) -> bool:
        return signoff.sourcing_fingerprint == signoff.claim.sourcing_fingerprint()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("claim", *AP_CONDITIONS, "note", "signed_by", "signed_at") if obj else ()

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.get_readonly_fields(request, obj) if obj else SignOffForm.Meta.fields

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def create_object(self, request: HttpRequest, data: dict[str, Any]) -> StandardsSignOff:
        return sourcing_sign_off(actor=signed_in(request), **data)


class NewsroomUserAdmin(UserAdmin):
    """Editors manage newsroom accounts; only a superuser can grant superuser rights or
    individual permissions, or change a superuser."""

    list_display = (
        "username",
        "first_name",
        "last_name",
        "email",
        "role_names",
        "is_staff",
        "is_active",
        "second_factor",
        "last_login",
    )
    list_filter = ("groups", "is_staff", "is_active")
    actions = ("reset_second_factor",)

    @admin.display(description="second factor", boolean=True)
    def second_factor(self, user: Any) -> bool:
        return user.has_app

    @admin.action(
        description="Reset the second factor (a lost phone: they set it up again at their next sign-in)",
        permissions=["change"],
    )
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        reset_second_factors(self, request, list(queryset))

    @admin.display(description="roles")
    def role_names(self, user: Any) -> str:
        return ", ".join(group.name for group in user.groups.all())

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        apps = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).prefetch_related("groups").annotate(has_app=Exists(apps))

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        hidden = {"is_superuser", "user_permissions"}
        return [
            (name, {**options, "fields": tuple(f for f in options["fields"] if f not in hidden)})
            for name, options in fieldsets
        ]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=ROLE_PERMISSIONS)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), NewsroomUserAdmin)
