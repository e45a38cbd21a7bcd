"""Webhook deliveries, run by the worker. The delivery rows are the truth (attempts,
next attempt, outcome); these messages only wake the attempts up, and the beat-driven
sweeper re-queues any delivery whose message was lost."""

from __future__ import annotations

import logging

from celery import shared_task

from integrations.services import DeliveryAttempt, enqueue_deliveries, webhook_deliveries_due, webhook_delivery_attempt

logger = logging.getLogger(__name__)


# Retries are not Celery retries: each attempt's outcome is written to the row, with the
# time of the next one, and the next attempt is a fresh message with a countdown (at most
# WEBHOOK_RETRY_MAX_DELAY, which settings keep under half the visibility timeout). So
# max_retries stays 0, and a lost message is made good by the sweeper, not by Celery.
@shared_task(name="integrations.deliver_webhook", max_retries=0)
def deliver_webhook(delivery_id: int) -> str:
    """Make the next attempt at a webhook delivery, if it is due; schedule the one after
    if it failed in a way worth retrying, or wake the claim's next delivery, which
    waited for this one to end. Running it twice sends once."""
    attempt: DeliveryAttempt = webhook_delivery_attempt(delivery_id)
    if attempt.next_in_line is not None:
        enqueue_deliveries([attempt.next_in_line])
    if attempt.retry_in is not None:
        try:
            deliver_webhook.apply_async((delivery_id,), countdown=attempt.retry_in)
        except Exception:
            # The row already says when the next attempt is due; the sweeper will find it.
            logger.warning("Could not schedule the next attempt of delivery %s.", delivery_id, exc_info=True)
    return attempt.status or "skipped"


@shared_task(name="integrations.sweep_webhook_deliveries", max_retries=0)
def sweep_webhook_deliveries() -> int:
    """Re-queue deliveries that are overdue (their wake-up message was lost: Redis
    restarted, a worker died) and close those whose final attempt never reported back."""
    due = webhook_deliveries_due()
    enqueue_deliveries(due)
    if due:
        logger.info("Re-queued %d overdue webhook deliveries.", len(due))
    return len(due)
