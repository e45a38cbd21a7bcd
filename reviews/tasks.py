"""Side effects of the workflow, run by the worker after the transition committed."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import send_mail

from reviews.models import Transition
from reviews.workflow import TransitionName

logger = logging.getLogger(__name__)


def _recipients(transition: Transition) -> tuple[str, set]:
    claim = transition.claim
    subject_claim = f"Claim #{claim.pk}"
    users: set = set()
    if transition.name == TransitionName.ACCEPT and claim.assignee:
        return f"{subject_claim} is assigned to you", {claim.assignee}
    if transition.name == TransitionName.SUBMIT_FOR_REVIEW:
        editors = get_user_model().objects.filter(groups__name="editor", is_active=True)
        return f"{subject_claim} awaits review", set(editors)
    if transition.name in (TransitionName.SEND_BACK, TransitionName.REOPEN):
        users = {claim.assignee} if claim.assignee else set()
        if transition.review:
            users.add(transition.review.author)
        verb = "was sent back" if transition.name == TransitionName.SEND_BACK else "was reopened for correction"
        return f"{subject_claim} {verb}", users
    if transition.name == TransitionName.PUBLISH:
        users = {transition.review.author} if transition.review else set()
        if claim.assignee:
            users.add(claim.assignee)
        return f"{subject_claim} was published", users
    if transition.name in (TransitionName.REJECT, TransitionName.RESTORE) and claim.created_by:
        return f"{subject_claim} was {transition.to_status}", {claim.created_by}
    return subject_claim, users


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
    subject, users = _recipients(transition)
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
