from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Access: API tokens"

    def ready(self) -> None:
        from core.database import grant_app_privileges
        from core.roles import sync_roles

        post_migrate.connect(sync_roles, dispatch_uid="core.sync_roles")
        post_migrate.connect(grant_app_privileges, dispatch_uid="core.grant_app_privileges")
