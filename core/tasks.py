"""Thin tasks of the kernel: retention's hourly run (on the maintenance queue)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import close_old_connections

from core.retention import retention_prune

logger = logging.getLogger(__name__)


@shared_task(name="core.prune", max_retries=0)
def prune() -> dict[str, int]:
    """Delete what has outlived its retention setting, a bounded number of rows of each
    kind per run; what is left over goes in the next run. Returns the counts by kind."""
    close_old_connections()
    outcomes = retention_prune()
    for outcome in outcomes:
        if outcome.count:
            logger.info(outcome.line(dry_run=False))
    return {outcome.name: outcome.count for outcome in outcomes}
