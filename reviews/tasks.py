"""Side effects of the workflow, run by the worker after the transition committed."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail

from reviews.models import Transition
from reviews.notifications import recipients

logger = logging.getLogger(__name__)


@shared_task(name="reviews.notify_transition", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_transition(transition_id: int) -> int:
    """Email the people a transition concerns. Safe to run twice: a delivered
    notification is remembered for a day, and a missing transition is skipped."""
    transition = (
        Transition.objects.select_related("claim__assignee", "claim__created_by", "review__author", "actor")
        .filter(pk=transition_id)
        .first()
    )
    if transition is None:
        logger.warning("Transition %s no longer exists; nothing to notify.", transition_id)
        return 0
    subject, users = recipients(transition)
    addresses = sorted({u.email for u in users if u.email and u != transition.actor})
    if not addresses or not cache.add(f"notified:transition:{transition_id}", 1, timeout=86_400):
        return 0
    body = (
        f"{transition.actor} took “{transition.get_name_display()}” on claim #{transition.claim_id}:\n"
        f"“{transition.claim.statement}”\n\n"
        + (f"Note: {transition.note}\n\n" if transition.note else "")
        + f"{settings.SITE_URL.rstrip('/')}/claims/{transition.claim_id}/\n"
    )
    send_mail(f"[Corroborate] {subject}", body, None, addresses)
    return len(addresses)
