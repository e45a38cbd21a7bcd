from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "sources"
    verbose_name = "Sources and coverage"

    def ready(self) -> None:
        from core.retention import Pruner, register
        from sources.models import Article

        register(Pruner("unused articles", "RETENTION_ARTICLES_DAYS", Article.objects.prunable))
