"""Thin tasks for feeds and article pages: ids in, a service call, the row records the outcome.

Retries are for transient failures only (time-outs, 5xx, 429, a provider's "slow
down"), with exponential backoff, jitter and a cap; a permanent failure is recorded
(on the feed's last_error, or on the article's raw payload) and not retried.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.db import close_old_connections
from django.db.models import F
from django.utils import timezone

from core.retry import backoff
from sources.fetch import FetchError
from sources.models import Article, Feed
from sources.providers.pasted_url import fill_in_text
from sources.services import FEED_LEASE, article_record_fetch_error, feed_poll

logger = logging.getLogger(__name__)

MAX_RETRIES = 5
# Never schedule a retry further ahead than this (well under half Redis's visibility timeout).
MAX_COUNTDOWN = 600
RETRY_BASE = 30.0
# Feed polls and page fetches are bounded by FETCH_DEADLINE; these leave room for the writes.
SOFT_TIME_LIMIT = 120
TIME_LIMIT = 150


def retry_in(retries: int, retry_after: float | None = None) -> float:
    """Seconds before retry number `retries` + 1 of a task (core/retry.py)."""
    return backoff(retries + 1, base=RETRY_BASE, cap=MAX_COUNTDOWN, retry_after=retry_after)


@shared_task(
    name="sources.poll_feed",
    bind=True,
    max_retries=MAX_RETRIES,
    acks_late=True,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=TIME_LIMIT,
)
def poll_feed(self: Any, feed_id: int) -> dict[str, Any]:
    """Poll one feed, then queue a page fetch for each new article. A poll already
    running elsewhere makes this a no-op, so duplicate messages are harmless."""
    close_old_connections()
    feed = Feed.objects.filter(pk=feed_id).first()
    if feed is None:
        return {"feed": feed_id, "outcome": "gone"}
    result = feed_poll(feed)
    for article_id in result.new_article_ids:
        fetch_article_text.delay(article_id)
    if result.outcome == "failed" and result.transient and self.request.retries < MAX_RETRIES:
        raise self.retry(countdown=retry_in(self.request.retries, result.retry_after))
    return {
        "feed": feed_id,
        "outcome": result.outcome,
        "items": result.items,
        "new_articles": result.new_articles,
        "skipped": len(result.skipped),
        "error": result.error,
    }


@shared_task(name="sources.poll_due_feeds", max_retries=0, soft_time_limit=SOFT_TIME_LIMIT, time_limit=TIME_LIMIT)
def poll_due_feeds() -> int:
    """Queue a poll of every due feed (the beat schedule runs this every minute). Each
    feed's next poll time is pushed forward as it is queued, so a slow queue never
    collects several polls of one feed; a lost message only delays the feed."""
    close_old_connections()
    now = timezone.now()
    queued = 0
    oldest_first = F("next_poll_at").asc(nulls_first=True)  # never polled: first
    for feed_id in Feed.objects.due(now).order_by(oldest_first).values_list("pk", flat=True)[:1000]:
        if Feed.objects.due(now).filter(pk=feed_id).update(next_poll_at=now + FEED_LEASE):
            poll_feed.delay(feed_id)
            queued += 1
    return queued


@shared_task(
    name="sources.fetch_article_text",
    bind=True,
    max_retries=3,
    acks_late=True,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=TIME_LIMIT,
)
def fetch_article_text(self: Any, article_id: int) -> str:
    """Fetch an article's page and fill in its text, if it has none yet."""
    close_old_connections()
    article = Article.objects.filter(pk=article_id).first()
    if article is None or article.text:
        return "nothing to do"
    try:
        return "filled in" if fill_in_text(article) else "no text found"
    except FetchError as exc:
        if exc.transient and self.request.retries < 3:
            raise self.retry(countdown=retry_in(self.request.retries, exc.retry_after)) from None
        article_record_fetch_error(article=article, code=exc.code, message=exc.message)
        return f"failed: {exc.code}"
