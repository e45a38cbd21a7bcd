from django.apps import AppConfig


class CorroborationConfig(AppConfig):
    name = "corroboration"
    verbose_name = "Corroboration: coverage, syndication and jobs"

    def ready(self) -> None:
        from core.retention import Pruner, register
        from corroboration.models import Job

        register(Pruner("finished jobs", "RETENTION_JOBS_DAYS", Job.objects.prunable))
