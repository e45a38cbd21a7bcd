"""Leases: how a worker holds a row it is working on (a job, a webhook delivery, a feed
being polled) without holding a database lock while it works.

A lease is a "held until" column. Taking it is a conditional UPDATE that succeeds only
where the lease is free (never taken, or run out), so two workers never hold one row;
a worker that dies leaves its rows to be taken again once their lease has run out, by
the next worker or by a sweeper. The row, not the task message, is the truth."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone


@dataclass(frozen=True)
class Lease:
    field: str  # the row's "held until" column
    length: timedelta

    def free(self, now: datetime) -> Q:
        """Rows no one holds at `now`."""
        return Q(**{f"{self.field}__isnull": True}) | Q(**{f"{self.field}__lte": now})

    def take(self, rows: QuerySet[Any], *, now: datetime | None = None, **changes: Any) -> int:
        """Hold the free rows among `rows` (writing `changes` with the lease), in one
        conditional UPDATE; the number taken (0: someone else holds it)."""
        now = now or timezone.now()
        return rows.filter(self.free(now)).update(**{self.field: now + self.length}, **changes)

    def renew(self, rows: QuerySet[Any], *, now: datetime | None = None, **changes: Any) -> int:
        """Hold `rows` a while longer (a worker still at it), writing `changes` too."""
        return rows.update(**{self.field: (now or timezone.now()) + self.length}, **changes)
