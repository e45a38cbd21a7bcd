from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from core.admin import ReadOnlyAdmin, ServiceAdmin, history_table
from core.views import signed_in
from integrations.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from integrations.services import (
    WEBHOOK_ENDPOINT_FIELDS,
    webhook_delivery_retry,
    webhook_endpoint_create,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_update,
)
from integrations.webhooks import check_endpoint_url
from sources.netguard import FetchError

# --- Webhooks --------------------------------------------------------------------------------


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(label="URL", max_length=2048, assume_scheme="https")
    events = forms.MultipleChoiceField(
        choices=WebhookEvent.choices,
        initial=[WebhookEvent.CLAIM_TRANSITIONED],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "events", "is_active"]

    def clean_url(self) -> str:
        # The service checks again; checking here puts the reason next to the field.
        url = self.cleaned_data["url"].strip()
        try:
            check_endpoint_url(url)
        except FetchError as exc:
            raise ValidationError(exc.message) from None
        return url


def _show_secret(request: HttpRequest, endpoint: WebhookEndpoint, secret: str) -> None:
    messages.warning(
        request,
        format_html(
            "Signing secret for {}: <code>{}</code> — copy it now: it is not shown again. Receivers check "
            "X-Corroborate-Signature with it (see docs/webhooks.md).",
            endpoint.url,
            secret,
        ),
    )


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ServiceAdmin):
    """Editors register endpoints here. The signing secret is shown once, when it is
    made (on creation or rotation); endpoints are deactivated, not deleted, so their
    delivery log stays."""

    form = WebhookEndpointForm
    service_fields = WEBHOOK_ENDPOINT_FIELDS
    list_display = ("url", "description", "event_list", "is_active", "pending", "failed", "created_at")
    list_filter = ("is_active",)
    search_fields = ("url", "description")
    readonly_fields = ("created_by", "created_at", "updated_at", "deliveries_link", "history")
    actions = ("deactivate", "rotate_secret")

    def get_queryset(self, request: HttpRequest) -> QuerySet[WebhookEndpoint]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                pending_total=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.PENDING)),
                failed_total=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
            )
        )

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        editable = WebhookEndpointForm.Meta.fields
        return [*editable, *self.readonly_fields] if obj else editable

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="events")
    def event_list(self, endpoint: WebhookEndpoint) -> str:
        return ", ".join(endpoint.events)

    @admin.display(description="pending", ordering="pending_total")
    def pending(self, endpoint: WebhookEndpoint) -> int:
        return endpoint.pending_total  # type: ignore[attr-defined]

    @admin.display(description="failed", ordering="failed_total")
    def failed(self, endpoint: WebhookEndpoint) -> int:
        return endpoint.failed_total  # type: ignore[attr-defined]

    @admin.display(description="deliveries")
    def deliveries_link(self, endpoint: WebhookEndpoint) -> str:
        url = reverse("admin:integrations_webhookdelivery_changelist") + f"?endpoint__id__exact={endpoint.pk}"
        return format_html('<a href="{}">Delivery log</a>', url)

    @admin.display(description="history")
    def history(self, endpoint: WebhookEndpoint) -> str:
        return history_table(endpoint)

    def create_object(self, request: HttpRequest, data: dict[str, Any]) -> WebhookEndpoint:
        is_active = data.pop("is_active", True)
        endpoint, secret = webhook_endpoint_create(actor=signed_in(request), **data)
        if not is_active:
            webhook_endpoint_update(actor=signed_in(request), endpoint=endpoint, is_active=False)
        _show_secret(request, endpoint, secret)
        return endpoint

    def update_object(self, request: HttpRequest, obj: WebhookEndpoint, data: dict[str, Any]) -> None:
        webhook_endpoint_update(actor=signed_in(request), endpoint=obj, **data)

    @admin.action(description="Deactivate the selected endpoints", permissions=["change"])
    def deactivate(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        endpoints = list(queryset.filter(is_active=True))
        for endpoint in endpoints:
            webhook_endpoint_update(actor=signed_in(request), endpoint=endpoint, is_active=False)
        self.message_user(request, f"{len(endpoints)} endpoint(s) deactivated; nothing more is sent to them.")

    @admin.action(description="Give the selected endpoints a new signing secret", permissions=["change"])
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset:
            _show_secret(request, endpoint, webhook_endpoint_rotate_secret(actor=signed_in(request), endpoint=endpoint))


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    """The delivery log: every event sent (or being sent) to every endpoint, with its
    attempts and the last answer or error. Failed deliveries can be started over."""

    list_display = (
        "created_at",
        "event",
        "endpoint",
        "claim_link",
        "status",
        "attempts",
        "last_status_code",
        "error_excerpt",
        "next_attempt",
        "delivered_at",
    )
    list_filter = ("status", "event", "endpoint")
    list_select_related = ("endpoint",)
    search_fields = ("delivery_id", "endpoint__url", "last_error")
    date_hierarchy = "created_at"
    actions = ("retry_now",)
    fields = (
        "delivery_id",
        "event",
        "endpoint",
        "claim_link",
        "sequence",
        "status",
        "attempts",
        "last_attempt_at",
        "next_attempt_at",
        "last_status_code",
        "last_error",
        "delivered_at",
        "created_at",
        "payload_json",
    )
    readonly_fields = fields

    @admin.display(description="claim")
    def claim_link(self, delivery: WebhookDelivery) -> str:
        url = reverse("admin:claims_claim_change", args=[delivery.claim_id])
        return format_html('<a href="{}">#{}</a>', url, delivery.claim_id)

    @admin.display(description="last error")
    def error_excerpt(self, delivery: WebhookDelivery) -> str:
        error = delivery.last_error
        return error if len(error) <= 80 else error[:79] + "…"

    @admin.display(description="next attempt", ordering="next_attempt_at")
    def next_attempt(self, delivery: WebhookDelivery) -> Any:
        return delivery.next_attempt_at if delivery.status == DeliveryStatus.PENDING else "—"

    @admin.display(description="payload")
    def payload_json(self, delivery: WebhookDelivery) -> str:
        return format_html("<pre>{}</pre>", json.dumps(delivery.payload, indent=2, ensure_ascii=False))

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("integrations.change_webhookdelivery")

    @admin.action(description="Retry the selected failed deliveries now", permissions=["retry"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        retried = skipped = 0
        for delivery in queryset:
            if delivery.status != DeliveryStatus.FAILED:
                skipped += 1
                continue
            try:
                webhook_delivery_retry(actor=signed_in(request), delivery=delivery)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
                continue
            self.log_change(request, delivery, "Retried: a fresh set of attempts.")
            retried += 1
        if retried:
            self.message_user(request, f"{retried} deliver{'ies' if retried != 1 else 'y'} queued again.")
        if skipped:
            self.message_user(
                request, f"{skipped} skipped: only failed deliveries are retried.", level=messages.WARNING
            )
