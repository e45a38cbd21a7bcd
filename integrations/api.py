"""API for webhook endpoints: editors register, change and deactivate them through
integrations/services.py. Deactivating is `PATCH {"is_active": false}`; endpoints are
not deleted, so their delivery log stays."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from core.policy import Action
from core.viewsets import ApiViewSet
from integrations.models import WebhookEndpoint
from integrations.serializers import (
    WebhookEndpointCreatedSerializer,
    WebhookEndpointInput,
    WebhookEndpointSerializer,
    WebhookEndpointUpdateInput,
)
from integrations.services import webhook_endpoint_create, webhook_endpoint_update


class WebhookEndpointViewSet(ApiViewSet):
    """Where integrations hear about workflow transitions (claim.transitioned), signed
    with each endpoint's secret. Editors only."""

    serializer_class = WebhookEndpointSerializer
    required = {
        "list": Action.MANAGE,
        "retrieve": Action.MANAGE,
        "create": Action.MANAGE,
        "partial_update": Action.MANAGE,
    }

    def get_queryset(self) -> Any:
        return WebhookEndpoint.objects.select_related("created_by").order_by("-created_at", "-pk")

    @extend_schema(summary="List webhook endpoints")
    def list(self, request: Request) -> Response:
        return self.paginated(self.get_queryset())

    @extend_schema(summary="Read a webhook endpoint")
    def retrieve(self, request: Request, pk: str) -> Response:
        return self.output(self.get_object())

    @extend_schema(
        summary="Register a webhook endpoint",
        description="The answer carries the endpoint's signing `secret`, shown this once.",
        request=WebhookEndpointInput,
        responses={201: WebhookEndpointCreatedSerializer},
    )
    def create(self, request: Request) -> Response:
        endpoint, secret = webhook_endpoint_create(actor=self.actor, **self.input(WebhookEndpointInput))
        data = WebhookEndpointSerializer(self.get_queryset().get(pk=endpoint.pk)).data
        return Response({**data, "secret": secret}, status=201)

    @extend_schema(
        summary="Change or deactivate a webhook endpoint",
        request=WebhookEndpointUpdateInput,
        responses={200: WebhookEndpointSerializer},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        endpoint = self.get_object()
        webhook_endpoint_update(actor=self.actor, endpoint=endpoint, **self.input(WebhookEndpointUpdateInput))
        return self.output(self.get_queryset().get(pk=endpoint.pk))
