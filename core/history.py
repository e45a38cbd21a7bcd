"""Change history: who changed what, when — recorded by PostgreSQL triggers, so bulk
updates and raw SQL are caught too, and read back here for the admin, the claim page
and the API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

import pghistory
from django.contrib.auth import get_user_model
from django.db import models

M = TypeVar("M", bound=type[models.Model])

ACTIONS = {"insert": "created", "update": "changed", "delete": "deleted"}
# Bookkeeping fields that change with every write and say nothing to a reader.
QUIET_FIELDS = {"updated_at", "updated_by", "updated_by_id", "version", "created_at"}


def tracked(**options: Any) -> Callable[[M], M]:
    """Record every insert, update and delete of the model, with the acting user."""
    return pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), **options)


def event_model(model: type[models.Model]) -> type[models.Model]:
    """The table of a tracked model's history events (pghistory adds it to the model)."""
    events: type[models.Model] = model.pgh_event_model  # type: ignore[attr-defined]
    return events


@dataclass
class HistoryEntry:
    at: datetime
    user: Any
    model: str
    object_id: str
    action: str
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def username(self) -> str:
        return self.user.get_username() if self.user else "system"


def history_of(*objs: models.Model, limit: int = 200) -> list[HistoryEntry]:
    """Events of the objects and of every tracked row that references them (a claim's
    attributions and relations appear in the claim's history), newest first."""
    from pghistory.models import Events

    events = list(Events.objects.references(*objs).order_by("-pgh_created_at", "-pgh_id")[:limit])
    user_ids = {e.pgh_context.get("user") for e in events if e.pgh_context and e.pgh_context.get("user")}
    users = get_user_model().objects.in_bulk(user_ids)
    entries = []
    for event in events:
        diff = event.pgh_diff or {}
        entries.append(
            HistoryEntry(
                at=event.pgh_created_at,
                user=users.get((event.pgh_context or {}).get("user")),
                model=event.pgh_obj_model.split(".")[-1],
                object_id=str(event.pgh_obj_id),
                action=ACTIONS.get(event.pgh_label, event.pgh_label),
                changes={k: tuple(v) for k, v in diff.items() if k not in QUIET_FIELDS},
                data=event.pgh_data or {},
            )
        )
    return entries
