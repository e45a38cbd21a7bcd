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

    When the connection to Redis is lost, Celery 5.7.0 collects the connection (which
    closes its transport) and then closes it again; if the consumer's channel still
    holds unacknowledged messages — a task waiting for its countdown (a webhook retry,
    a job retry) or one running — the second close tries to put them back through the
    transport that is gone, raises AttributeError, and the whole worker exits
    ("Unrecoverable error"). Celery 5.6 did not close twice. Here that second close
    may fail: the messages stay in Redis's unacknowledged set, from which they are
    delivered again after the visibility timeout, as when the worker is killed, and the
    worker goes on to reconnect (reliability.md J4; tests/test_celery.py)."""

    def on_connection_error_after_connected(self, exc: Exception) -> None:
        lost = self.connection
        if lost is not None:
            close = lost.close

            def close_what_is_left() -> None:
                try:
                    close()
                except AttributeError:
                    logger.warning("The lost broker connection could not be closed cleanly; reconnecting anyway.")

            lost.close = close_what_is_left  # type: ignore[method-assign]  # this connection object only
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
