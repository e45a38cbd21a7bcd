"""Who is acting: every service records its actor in the change history."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import pghistory
from celery import current_app
from django.contrib.auth.models import User
from django.db import transaction

P = ParamSpec("P")
# Who acts in a service: a person, or None for the system itself (commands, tasks).
# The project uses Django's own user model.
Actor = User | None
R = TypeVar("R")


class Conflict(Exception):
    """A change refused because the stored data moved on since the caller read it.
    Interfaces show it as a message (HTTP 409 in the API), never as a server error."""


@contextmanager
def acting_as(actor: Any) -> Iterator[None]:
    """Attach the actor to every history event written inside the block.

    The request middleware does this for web requests; services do it again so that
    commands, Celery tasks and tests record the same thing."""
    user_id = actor.pk if actor is not None and actor.is_authenticated else None
    with pghistory.context(user=user_id):
        yield


def actor_or_none(actor: Any) -> Any:
    """The user to record as having made a change: None for the system (commands,
    tasks) and for anonymous callers."""
    return actor if actor is not None and actor.is_authenticated else None


def service(func: Callable[P, R]) -> Callable[P, R]:
    """A write service: one transaction, with its `actor` keyword in the history."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        actor: Any = kwargs.get("actor")
        with transaction.atomic(), acting_as(actor):
            return func(*args, **kwargs)

    return wrapper


def model_update(instance: Any, data: dict[str, Any], *, fields: set[str] | frozenset[str]) -> list[str]:
    """Apply `data` to `instance` in memory, refusing fields outside `fields`, and
    return the names of the fields whose value changed. The caller validates and saves."""
    unknown = set(data) - set(fields)
    if unknown:
        raise TypeError(f"{type(instance).__name__} fields that cannot be changed here: {sorted(unknown)}")
    changed = []
    for name, value in data.items():
        # An unset foreign key raises RelatedObjectDoesNotExist, an AttributeError.
        if getattr(instance, name, None) != value or instance._state.adding:
            setattr(instance, name, value)
            changed.append(name)
    return changed


def task_send(name: str, *args: Any, countdown: float | None = None) -> None:
    """Queue the Celery task registered as `name` ("corroboration.run_job") with ids as
    arguments. Services address tasks by their stable names: a task module imports its
    app's services, so the services cannot import it back."""
    app = current_app
    if name not in app.tasks:
        app.loader.import_default_modules()  # every app's tasks module (autodiscovery)
    # Nothing waits for the task's return value (the rows it writes are the result), and
    # asking for it would cost a round trip to the result store on every send.
    app.tasks[name].apply_async(args=args, countdown=countdown or 0, ignore_result=True)
