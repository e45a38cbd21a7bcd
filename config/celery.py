"""The Celery application. Configuration lives in settings (CELERY_* names)."""

import os

from celery import Celery
from django.db import connection

from core.health import heartbeat_record

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("corroborate")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="corroborate.canary", acks_late=False)
def canary() -> dict[str, object]:
    """A round trip through the broker, a worker and the database: liveness is proven by
    a task that comes back, not by a process that is up. Beat sends one every
    CANARY_INTERVAL seconds; each writes the worker's heartbeat, which /healthz reads."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database(), (SELECT count(*) FROM claims_claim)")
        database, claims = cursor.fetchone()
    heartbeat_record(worker=str(canary.request.hostname or ""))
    return {"database": database, "claims": claims}
