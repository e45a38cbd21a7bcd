from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest

from reviews.models import Rating, RatingScale
from reviews.roles import ROLE_PERMISSIONS


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


class NewsroomUserAdmin(UserAdmin):
    """Editors manage newsroom accounts; only a superuser can grant superuser rights or
    individual permissions, or change a superuser."""

    list_display = ("username", "first_name", "last_name", "email", "role_names", "is_staff", "is_active", "last_login")
    list_filter = ("groups", "is_staff", "is_active")

    @admin.display(description="roles")
    def role_names(self, user: Any) -> str:
        return ", ".join(group.name for group in user.groups.all())

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).prefetch_related("groups")

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
