from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Integrations: webhooks"

    def ready(self) -> None:
        from core.retention import Pruner, register
        from integrations.models import WebhookDelivery

        register(
            Pruner("finished webhook deliveries", "RETENTION_WEBHOOK_DELIVERIES_DAYS", WebhookDelivery.objects.prunable)
        )
