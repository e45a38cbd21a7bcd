"""Thin tasks: the records a published or reopened claim is in are counted again after
the transition commits; a sweep catches every claim changed since the last one (an
attribution edited on a published claim, a message that was lost)."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from claims.models import Claim
from trackrecords.models import TrackRecordEntry
from trackrecords.services import track_records_rebuild, track_records_refresh

# Claims changed within this window are refreshed by each sweep; the sweep runs more
# often than that, and refreshing again changes nothing.
RECENT_MINUTES = 60


@shared_task(name="trackrecords.refresh_claim", max_retries=3, default_retry_delay=30, acks_late=True)
def refresh_claim(claim_id: int) -> int:
    return len(track_records_refresh(claim_ids=[claim_id]))


@shared_task(name="trackrecords.refresh_recent", max_retries=0)
def refresh_recent(limit: int = 2000) -> int:
    """Refresh the claims changed lately; on an installation that has published
    verdicts but no records yet (just upgraded), build them all."""
    if not TrackRecordEntry.objects.exists() and Claim.objects.published().exists():
        return track_records_rebuild()
    since = timezone.now() - timedelta(minutes=RECENT_MINUTES)
    ids = list(Claim.objects.filter(updated_at__gte=since).order_by("-updated_at").values_list("pk", flat=True)[:limit])
    track_records_refresh(claim_ids=ids)
    return len(ids)
