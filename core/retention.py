"""Retention: rows that only pile up (finished jobs, finished webhook deliveries, old
login attempts, articles nothing uses) are deleted once they are older than their
setting's number of days; 0 keeps them for ever.

Each app says which of its rows may go (`register`, from its AppConfig.ready(), the way
job steps are registered), so this floor imports none of them; the beat task
`core.prune` and `manage.py prune` run every registered kind. What is never registered is
never deleted: the change history, the transition log, claims, reviews, and every
article a claim uses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone

# Rows deleted per transaction, and transactions per kind per run: a run stays well
# inside the task's time limit, and the next run (hourly) carries on.
BATCH = 500
MAX_BATCHES = 20


@dataclass(frozen=True)
class Pruner:
    """One kind of row: what the report calls it, the setting holding its days, and the
    rows that may go once older than the cutoff (the query is asked again after they
    are held, so a use recorded meanwhile keeps the row)."""

    name: str
    setting: str
    candidates: Callable[[datetime], QuerySet[Any]]

    @property
    def days(self) -> int:
        return int(getattr(settings, self.setting))


@dataclass(frozen=True)
class Outcome:
    """What one kind's run did, or would do (`dry_run`): rows older than `cutoff` that
    went (or would go). `cutoff` is None when the kind is kept for ever (0 days)."""

    name: str
    setting: str
    days: int
    cutoff: datetime | None
    count: int
    more: bool = False  # the run stopped at its cap; the next one carries on

    def line(self, *, dry_run: bool) -> str:
        if self.cutoff is None:
            return f"{self.name}: kept for ever ({self.setting}=0)"
        verb = "would delete" if dry_run else "deleted"
        more = " (more left for the next run)" if self.more else ""
        return f"{self.name}: {verb} {self.count} older than {self.days} days ({self.setting}){more}"


_PRUNERS: dict[str, Pruner] = {}


def register(pruner: Pruner) -> None:
    """Add a kind of row to retention (from the owning app's AppConfig.ready())."""
    _PRUNERS[pruner.name] = pruner


def pruners() -> list[Pruner]:
    return list(_PRUNERS.values())


def unreferenced(model: type[Model]) -> Q:
    """Rows of `model` that no other row points at, through any foreign key,
    one-to-one or many-to-many (its through table), the change history's events
    included: the history is kept for ever, and the rows it names are kept with it.

    Worked out from the models, so a relation added later keeps rows by itself. A
    one-to-one whose primary key is the row (an extension of it, deleted with it) is
    not a use, nor is such an extension's link back to the row it extends, nor a model
    that says it only indexes the rows it points at (`indexes_only = True`: derived from
    them, made again from them, deleted with them)."""
    condition = Q()
    for relation in model._meta.get_fields(include_hidden=True):
        if not (relation.is_relation and relation.auto_created and not relation.concrete):
            continue
        if relation.many_to_many:
            continue  # its through table's foreign key is among the relations too
        field = relation.field  # type: ignore[union-attr]
        if relation.one_to_one and field.primary_key:
            continue
        related = relation.related_model
        if getattr(related, "indexes_only", False):
            continue
        rows = related._base_manager.filter(**{field.name: OuterRef("pk")})  # type: ignore[union-attr]
        primary_key = related._meta.pk  # type: ignore[union-attr]
        if primary_key.is_relation and primary_key.related_model is model:
            rows = rows.exclude(pk=OuterRef("pk"))
        condition &= Q(~Exists(rows))
    return condition


def _delete_batch(pruner: Pruner, cutoff: datetime) -> int:
    """Delete up to BATCH rows in one transaction. The rows are held (FOR UPDATE) and
    asked again: a use committed before the hold is seen and keeps its row, and one
    written after it waits for this commit and then fails its foreign key check
    instead of being deleted with the row."""
    with transaction.atomic():
        model = pruner.candidates(cutoff).model
        ids = list(pruner.candidates(cutoff).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return 0
        held = list(model._base_manager.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
        still = list(pruner.candidates(cutoff).filter(pk__in=held).values_list("pk", flat=True))
        model._base_manager.filter(pk__in=still).delete()
        return len(still)


def retention_prune(*, dry_run: bool = False, now: datetime | None = None) -> list[Outcome]:
    """Run every registered kind: delete (or, with `dry_run`, count) the rows older than
    their setting's days, at most BATCH × MAX_BATCHES of each per run."""
    now = now or timezone.now()
    outcomes = []
    for pruner in pruners():
        days = pruner.days
        if days == 0:
            outcomes.append(Outcome(pruner.name, pruner.setting, 0, None, 0))
            continue
        cutoff = now - timedelta(days=days)
        if dry_run:
            outcomes.append(Outcome(pruner.name, pruner.setting, days, cutoff, pruner.candidates(cutoff).count()))
            continue
        deleted, more = 0, False
        for _ in range(MAX_BATCHES):
            batch = _delete_batch(pruner, cutoff)
            deleted += batch
            if batch < BATCH:
                break
        else:
            more = pruner.candidates(cutoff).exists()
        outcomes.append(Outcome(pruner.name, pruner.setting, days, cutoff, deleted, more))
    return outcomes
