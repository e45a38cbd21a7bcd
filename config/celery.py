"""The Celery application. Configuration lives in settings (CELERY_* names)."""

import logging
import os

from celery import Celery
from celery.worker.consumer import Consumer as CeleryConsumer
from django.db import connection

from core.health import heartbeat_record

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("corroborate")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


logger = logging.getLogger(__name__)


class Consumer(CeleryConsumer):
    """The worker's consumer (settings.CELERY_WORKER_CONSUMER), surviving the loss of
    the broker whatever messages it holds.

    When the connection to Redis is lost, Celery 5.7.0 collects the connection, which
    lets go of its transport's connection details, and then closes it. Whatever still
    goes through the old channel after that finds no details and raises AttributeError,
    and the whole worker exits ("Unrecoverable error"): putting back the messages it held
    unacknowledged (tasks waiting for their countdown, as webhook and job retries do), and
    acknowledging, once Redis is back, a task that ran through the outage. Here the
    transport keeps its details: putting the messages back while Redis is down fails
    as a connection error (they stay in Redis's unacknowledged set, delivered again after
    the visibility timeout, as when a worker is killed), and a late acknowledgement goes
    through once Redis is back (reliability.md J4; tests/test_celery.py)."""

    def on_connection_error_after_connected(self, exc: Exception) -> None:
        lost = self.connection
        transport = getattr(lost, "_transport", None)  # the property would make a new one
        if lost is not None and transport is not None:
            close = lost.close

            def close_keeping_details() -> None:
                transport.client = lost
                try:
                    close()
                except AttributeError:
                    logger.warning("The lost broker connection could not be closed cleanly; reconnecting anyway.")
                finally:
                    transport.client = lost

            lost.close = close_keeping_details  # type: ignore[method-assign]  # this connection object only
        super().on_connection_error_after_connected(exc)


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
