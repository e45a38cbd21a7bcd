"""API shapes of webhook endpoints (editors only). The signing secret appears once, in
the answer to the request that creates the endpoint."""

from __future__ import annotations

from django.contrib.auth.models import User
from rest_framework import serializers

from core.rest import InputSerializer, ReadSerializer, StrictBooleanField, StrictCharField, StrictChoiceField
from integrations.models import WebhookEndpoint, WebhookEvent


class WebhookEndpointSerializer(ReadSerializer):
    created_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEvent.choices), read_only=True)

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "description", "events", "is_active", "created_by", "created_at", "updated_at"]
        read_only_fields = fields


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text="Signs every delivery (X-Corroborate-Signature: HMAC-SHA256). Shown only in this answer.",
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookEndpointInput(InputSerializer):
    url = serializers.URLField(max_length=2048, help_text="http(s); internal addresses are refused.")
    description = StrictCharField(max_length=200, required=False, allow_blank=True)
    events = serializers.ListField(
        child=StrictChoiceField(choices=WebhookEvent.choices),
        required=False,
        min_length=1,
        help_text="Default: claim.transitioned.",
    )


class WebhookEndpointUpdateInput(WebhookEndpointInput):
    url = serializers.URLField(max_length=2048, required=False)
    is_active = StrictBooleanField(required=False, help_text="false deactivates: nothing more is sent to it.")
