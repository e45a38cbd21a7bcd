"""What `/healthz` checks: the database, Redis (the cache and the broker) and the
worker's heartbeat, each on its own, so an operator sees which one failed.

The heartbeat is written by the canary task (`corroborate.canary`, on the beat schedule
every CANARY_INTERVAL seconds): a message that went through the broker to a worker,
which reached the database and wrote the time it ran. A worker process that is up but
no longer consumes (celery#10205) stops writing it, which "is the process running?"
would miss. It counts as stale after twice the interval, so one late canary is not an
alarm but two are.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import redis
from celery import current_app
from django.conf import settings
from django.core.cache import caches
from django.db import connection

HEARTBEAT_KEY = "health:worker-heartbeat"
# Seconds a health check waits for Redis: a probe must answer before its own time-out.
REDIS_TIMEOUT = 2


@dataclass(frozen=True)
class Check:
    """One dependency's answer: ok or not, and why not in words an operator can act on
    (never a URL: it may hold a password)."""

    ok: bool
    error: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, **({"error": self.error} if self.error else {}), **self.details}


def heartbeat_record(*, worker: str, now: Callable[[], float] = time.time) -> None:
    """The canary's last step: the time a worker ran it, in the shared cache."""
    interval = settings.CANARY_INTERVAL
    caches["default"].set(HEARTBEAT_KEY, {"at": now(), "worker": worker}, timeout=max(3600, 4 * interval))


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure to answer is the finding
        return Check(False, f"unreachable ({type(exc).__name__})")
    return Check(True)


def check_redis() -> Check:
    """PING the cache's Redis and the broker's (once if they are the same server)."""
    servers: dict[str, list[str]] = {}
    locations = {"cache": str(settings.CACHES["default"]["LOCATION"]), "broker": str(current_app.conf.broker_url)}
    for role, url in locations.items():
        servers.setdefault(url, []).append(role)
    failed = []
    for url, roles in servers.items():
        client = redis.Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT)
        try:
            client.ping()
        except (redis.RedisError, OSError) as exc:
            failed.append(f"the {' and '.join(roles)} Redis is unreachable ({type(exc).__name__})")
        finally:
            client.close()
    return Check(not failed, "; ".join(failed))


def check_worker(*, now: Callable[[], float] = time.time) -> Check:
    """Has a worker run the canary within twice its interval?"""
    stale_after = 2 * settings.CANARY_INTERVAL
    try:
        beat = caches["default"].get(HEARTBEAT_KEY)
    except (redis.RedisError, OSError) as exc:
        return Check(False, f"unknown: the heartbeat is kept in Redis, which is unreachable ({type(exc).__name__})")
    if not beat:
        return Check(False, "no heartbeat yet: no worker has run the canary", {"stale_after": stale_after})
    age = max(0.0, now() - float(beat["at"]))
    details = {"heartbeat_age": round(age, 1), "stale_after": stale_after, "worker": beat.get("worker", "")}
    if age > stale_after:
        return Check(False, f"stale: the last heartbeat is {age:.0f} s old", details)
    return Check(True, details=details)


def health_report() -> tuple[bool, dict[str, Any]]:
    """Every check, and whether all passed."""
    checks = {"database": check_database(), "redis": check_redis(), "worker": check_worker()}
    healthy = all(check.ok for check in checks.values())
    report: dict[str, Any] = {"status": "ok" if healthy else "error"}
    report.update({name: check.as_dict() for name, check in checks.items()})
    if not healthy:
        report["failed"] = [name for name, check in checks.items() if not check.ok]
    return healthy, report
