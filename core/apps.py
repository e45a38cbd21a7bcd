from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Access: API tokens"

    def ready(self) -> None:
        from core.roles import sync_roles

        post_migrate.connect(sync_roles, dispatch_uid="core.sync_roles")
