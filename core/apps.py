from datetime import datetime
from functools import partial
from typing import Any

from django.apps import AppConfig
from django.db.models import Model, QuerySet
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Access: API tokens"

    def ready(self) -> None:
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        from core.database import grant_app_privileges
        from core.retention import Pruner, register
        from core.roles import sync_roles

        post_migrate.connect(sync_roles, dispatch_uid="core.sync_roles")
        post_migrate.connect(grant_app_privileges, dispatch_uid="core.grant_app_privileges")
        # Login throttling's records (django-axes): failed attempts per account and
        # address, and the logs of logins and failures. Settings keep the days above the
        # lock-out, so no lock-out is lifted early.
        for name, model in (
            ("login attempts", AccessAttempt),
            ("login log", AccessLog),
            ("failed login log", AccessFailureLog),
        ):
            register(Pruner(name, "RETENTION_LOGIN_ATTEMPTS_DAYS", partial(_older_than, model)))


def _older_than(model: type[Model], cutoff: datetime) -> QuerySet[Any]:
    return model.objects.filter(attempt_time__lt=cutoff)  # type: ignore[attr-defined]
