from django.apps import AppConfig


class CorroborationConfig(AppConfig):
    name = "corroboration"
    verbose_name = "Corroboration: coverage, syndication and jobs"
