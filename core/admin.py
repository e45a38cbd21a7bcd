"""Admin pages save through the services, like every other interface."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import construct_change_message, quote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.forms import BaseModelForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.history import history_of
from core.models import ApiToken
from core.second_factor import may_reset, second_factor_reset
from core.services import Conflict
from core.tokens import token_create, token_revoke
from core.views import signed_in


def changed_values(form: BaseModelForm, fields: frozenset[str]) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in form.changed_data if name in fields and name in form.cleaned_data}


def all_values(form: BaseModelForm, fields: frozenset[str]) -> dict[str, Any]:
    return {name: value for name, value in form.cleaned_data.items() if name in fields}


class RowLinkChangeList(ChangeList):
    """A list whose row links are made once for the page. Django reverses each row's
    change address and then, with filters in the address, resolves it against every URL
    pattern to carry the filters along (a sixth of a 100-row list's time): here the
    address is reversed once with a marker for the id, and the filters' query, the same
    for every row, is worked out once by Django's own `add_preserved_filters`."""

    _MARKER = "0__row__0"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sample = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=(self._MARKER,),
            current_app=self.model_admin.admin_site.name,
        )
        linked = add_preserved_filters({"preserved_filters": self.preserved_filters, "opts": self.opts}, sample)
        self._row_link = linked.split(self._MARKER, 1)
        # The row template adds what `preserved_filters` holds; the links hold it already.
        self.preserved_filters = ""

    def url_for_result(self, result: Any) -> str:
        before, after = self._row_link
        return f"{before}{quote(getattr(result, self.pk_attname))}{after}"


class NotFoundAdmin(admin.ModelAdmin):
    """An admin address that names no object — deleted, or not an id at all
    (`/admin/claims/claim/abc/change/`) — answers 404, like any other page.

    A list counts its rows once: the page's own count (filtered or not) is shown, and
    the count of the whole table beside a filtered one is left out, a second scan of
    the table on every list page (100,000 claims, 100,000 articles)."""

    show_full_result_count = False

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return RowLinkChangeList

    def action_checkbox(self, obj: Any) -> SafeString:
        """The row's selection box, written out: the markup Django's widget renders,
        without a template rendered for each row (a third of a 100-row list's time)."""
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(f"There is no {self.opts.verbose_name} with the id “{object_id}”.")
        return obj


class ServiceAdmin(NotFoundAdmin):
    """Routes the admin's writes through the app's services.

    Subclasses implement `create_object` and `update_object`; the ModelForm still
    validates (and shows errors inline) before anything is written."""

    service_fields: frozenset[str] = frozenset()
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def create_object(self, request: HttpRequest, data: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    def update_object(self, request: HttpRequest, obj: Any, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Any, form: BaseModelForm, change: bool) -> None:
        if change:
            # The form has already copied its values onto `obj`; the service needs the
            # stored row to see what changed.
            self.update_object(request, type(obj).objects.get(pk=obj.pk), changed_values(form, self.service_fields))
        else:
            created = self.create_object(request, all_values(form, self.service_fields))
            obj.pk = created.pk
            obj._state.adding = False
        obj.refresh_from_db()

    def save_related(self, request: HttpRequest, form: BaseModelForm, formsets: Any, change: bool) -> None:
        # Many-to-many fields are part of `service_fields`; inlines save themselves.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def construct_change_message(self, request: HttpRequest, form: Any, formsets: Any, add: bool = False) -> Any:
        # The services saved the inlines; the change history holds the details.
        return construct_change_message(form, [], add)

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # A rule only the service can check (e.g. someone else saved first) ends in a
        # message and a fresh form instead of a server error.
        try:
            return super().changeform_view(request, *args, **kwargs)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        except Conflict as exc:
            messages.error(request, str(exc))
        return HttpResponseRedirect(request.get_full_path())


class ReadOnlyAdmin(NotFoundAdmin):
    """Logs and history: visible, never editable."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def history_table(*objs: models.Model) -> str:
    """The change history of objects, as an HTML table for a read-only admin field."""
    if not all(obj.pk for obj in objs):
        return "—"
    return render_to_string("admin/history_table.html", {"entries": history_of(*objs)})


def bullet_list(items: list[str]) -> str:
    return format_html_join("", "<li>{}</li>", ((item,) for item in items)) if items else ""


# --- API tokens --------------------------------------------------------------------------------


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["user", "name", "scope", "expires_at"]


@admin.register(ApiToken)
class ApiTokenAdmin(ServiceAdmin):
    """Editors create tokens here; the key is shown once, in a message, right after
    creation (only its digest is stored, and it is never shown). A token is not edited
    or deleted: it is revoked, and the next request made with it is refused."""

    form = ApiTokenForm
    service_fields = frozenset(ApiTokenForm.Meta.fields)
    list_display = ("name", "user", "scope", "prefix", "state", "created_at", "expires_at", "last_used_at")
    list_filter = ("scope", ("revoked_at", admin.EmptyFieldListFilter))
    list_select_related = ("user",)
    search_fields = ("name", "user__username", "prefix")
    autocomplete_fields = ("user",)
    actions = ("revoke",)
    shown = (
        "user",
        "name",
        "scope",
        "prefix",
        "created_by",
        "created_at",
        "expires_at",
        "revoked_by",
        "revoked_at",
        "last_used_at",
        "claims_submitted",
    )

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.shown if obj else ApiTokenForm.Meta.fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.shown if obj else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="state")
    def state(self, token: ApiToken) -> str:
        if token.revoked_at is not None:
            return "revoked"
        return "usable" if token.is_usable else "expired"

    @admin.display(description="claims submitted with it")
    def claims_submitted(self, token: ApiToken) -> int:
        return token.claims.count()  # Claim.submitted_with

    def create_object(self, request: HttpRequest, data: dict[str, Any]) -> ApiToken:
        token, key = token_create(actor=signed_in(request), **data)
        messages.warning(
            request,
            format_html(
                "API key for “{}” ({} scope, for {}): <code>{}</code> — copy it now: it is not shown again. "
                "Send it as the header <code>Authorization: Token &lt;key&gt;</code>.",
                token.name,
                token.scope,
                token.user,
                key,
            ),
        )
        return token

    def update_object(self, request: HttpRequest, obj: ApiToken, data: dict[str, Any]) -> None:
        """Nothing about a token changes after creation except its revocation (an action)."""

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            token_revoke(actor=signed_in(request), token=token)
        self.message_user(request, f"{len(tokens)} token(s) revoked; requests made with them are refused.")


# --- The second factor -------------------------------------------------------------------------


def reset_second_factors(model_admin: admin.ModelAdmin, request: HttpRequest, users: list[Any]) -> None:
    """Reset each account's second factor (core.second_factor.second_factor_reset), noting
    it in the account's admin history; accounts the editor may not reset are named."""
    actor = signed_in(request)
    done, refused = [], []
    for user in users:
        if not may_reset(actor, user):
            refused.append(user.get_username())
            continue
        removed = second_factor_reset(actor=actor, user=user)
        model_admin.log_change(request, user, f"Reset the second factor ({removed} device(s) removed).")
        done.append(user.get_username())
    if done:
        model_admin.message_user(
            request,
            f"Second factor reset for {', '.join(done)}: they set up an authenticator app again at their next sign-in.",
            messages.SUCCESS,
        )
    if refused:
        model_admin.message_user(
            request, f"Not reset (only a superuser resets a superuser's): {', '.join(refused)}.", messages.ERROR
        )


class SecondFactorAdmin(ReadOnlyAdmin):
    """Who has set up a second factor, and how it is doing; never its secret or codes
    (an editor must not be able to sign in as someone else). A lost phone is dealt with
    by resetting: the person enrols again at their next sign-in."""

    list_select_related = ("user",)
    search_fields = ("user__username", "user__email")
    actions = ("reset",)

    def has_reset_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("auth.change_user")

    @admin.action(description="Reset the second factor of these devices' owners", permissions=["reset"])
    def reset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        users = {device.user_id: device.user for device in queryset.select_related("user")}
        reset_second_factors(self, request, list(users.values()))


class AuthenticatorAppAdmin(SecondFactorAdmin):
    list_display = ("user", "name", "confirmed", "created_at", "last_used_at", "throttling_failure_count")
    list_filter = ("confirmed",)
    fields = ("user", "name", "confirmed", "created_at", "last_used_at", "throttling_failure_count")


class RecoveryCodesAdmin(SecondFactorAdmin):
    list_display = ("user", "codes_left", "created_at", "last_used_at", "throttling_failure_count")
    fields = ("user", "codes_left", "created_at", "last_used_at", "throttling_failure_count")

    @admin.display(description="unused codes")
    def codes_left(self, device: StaticDevice) -> int:
        return device.token_set.count()


# django-otp's own admin shows the secret keys and recovery codes: ours replaces it.
for _model, _admin in ((TOTPDevice, AuthenticatorAppAdmin), (StaticDevice, RecoveryCodesAdmin)):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin)
