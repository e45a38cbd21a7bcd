"""Politeness towards the sites we fetch from: robots.txt (RFC 9309) and a per-host pace.

Both keep their state in the shared cache (Redis), so every web and worker process
sees the same robots.txt copy and takes turns on the same per-host clock. When that
cache cannot be reached, both fail closed: nothing is sent, and the fetch fails with a
transient "rate_limited" error, so its job or feed poll is retried later instead of
hammering a site whose turns nobody can count.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.redis import RedisCache
from django.dispatch import Signal
from protego import Protego
from redis.exceptions import RedisError

from sources.netguard import FetchError

# RFC 9309 §2.5: crawlers must parse at least the first 500 KiB; we read that much and
# ignore the rest.
ROBOTS_MAX_BYTES = 512 * 1024
# §2.4: a cached copy may be used for at most 24 hours.
ROBOTS_MAX_AGE = 24 * 60 * 60
# A robots.txt that answered 5xx or 429 is asked again after this long at most; until
# then the site is not fetched from.
_UNREACHABLE_SECONDS = 600
# Failures that concern the site itself rather than its robots.txt: the caller sees
# them as they are, and nothing is cached.
_SITE_ERRORS = frozenset({"blocked_address", "bad_url", "dns_failure", "tls_error", "rate_limited"})
# How long a fetch refused because the shared cache is unreachable asks to wait.
CACHE_DOWN_RETRY_SECONDS = 30.0

logger = logging.getLogger(__name__)

Download = Callable[[httpx.URL, float], bytes]


def cache_unreachable(host: str, what: str, exc: Exception, url: str = "") -> FetchError:
    """Fail closed: without the shared cache nobody can count this host's requests, so
    nothing is sent now and the caller (a job, a feed poll) tries again later."""
    logger.warning("Not fetching from %s: the shared cache (the %s) is unreachable: %s", host, what, exc)
    return FetchError(
        "rate_limited",
        f"{host} was not fetched from: the shared cache that paces requests to each site is "
        f"unreachable, so nothing is sent until it is back.",
        url=url,
        retry_after=CACHE_DOWN_RETRY_SECONDS,
    )


@dataclass(frozen=True)
class _Entry:
    state: str  # "rules", "allow_all" (unavailable: 4xx) or "unreachable" (5xx/429)
    body: str
    fetched_at: float

    def as_dict(self) -> dict[str, Any]:
        return {"state": self.state, "body": self.body, "fetched_at": self.fetched_at}


def robots_url(url: httpx.URL) -> httpx.URL:
    """robots.txt applies per scheme, host and port (§2.3)."""
    return url.copy_with(path="/robots.txt", query=None, fragment=None)


class RobotsChecker:
    """Answers "may our user agent fetch this URL?", fetching robots.txt through the
    same safe client (without a robots check of its own) and caching it."""

    def __init__(self, *, download: Download, cache: BaseCache, max_age: float, token: str) -> None:
        self._download = download
        self._cache = cache
        self._max_age = min(max_age, ROBOTS_MAX_AGE)
        self._token = token

    def check(self, url: httpx.URL, deadline_at: float) -> None:
        """Raise FetchError unless robots.txt lets us fetch `url`."""
        entry = self._entry(url, deadline_at)
        if entry.state == "unreachable":
            raise FetchError(
                "robots_unreachable",
                f"{url.host}'s robots.txt could not be read (server error); nothing is fetched from it until it can.",
                url=str(url),
            )
        if entry.state == "rules" and not Protego.parse(entry.body).can_fetch(str(url), self._token):
            raise FetchError(
                "robots_disallowed",
                f"{url.host}'s robots.txt asks {self._token} not to fetch {url.raw_path.decode('ascii')}.",
                url=str(url),
            )

    def _entry(self, url: httpx.URL, deadline_at: float) -> _Entry:
        location = robots_url(url)
        key = f"fetch:robots:{location}"
        try:
            cached = self._cache.get(key)
        except RedisError as exc:
            # Without the shared copy every fetch would download robots.txt again.
            raise cache_unreachable(url.host, "robots.txt copy", exc, str(url)) from exc
        if cached is not None:
            entry = _Entry(**cached)
            limit = self._max_age if entry.state != "unreachable" else min(self._max_age, _UNREACHABLE_SECONDS)
            if time.time() - entry.fetched_at < limit:
                return entry
        entry, keep_for = self._load(location, deadline_at)
        if keep_for > 0:
            try:
                self._cache.set(key, entry.as_dict(), timeout=math.ceil(keep_for))
            except RedisError as exc:
                raise cache_unreachable(url.host, "robots.txt copy", exc, str(url)) from exc
        return entry

    def _load(self, location: httpx.URL, deadline_at: float) -> tuple[_Entry, float]:
        """The robots.txt at `location` and how long to keep it, per RFC 9309 §2.3.1."""
        now = time.time()
        try:
            body = self._download(location, deadline_at)
        except FetchError as exc:
            if exc.code in _SITE_ERRORS and exc.url == str(location):
                raise
            if exc.code == "http_error" and exc.status is not None and 400 <= exc.status < 500 and exc.status != 429:
                # "Unavailable": no rules, everything may be fetched. (429 means "slow
                # down", so it is treated like a server error, as major crawlers do.)
                return _Entry("allow_all", "", now), self._max_age
            if exc.code == "too_many_redirects":
                return _Entry("allow_all", "", now), self._max_age  # §2.3.1.2 allows this
            if exc.code == "http_error":
                return _Entry("unreachable", "", now), min(self._max_age, _UNREACHABLE_SECONDS)
            # Time-outs and broken connections are not cached: the next fetch asks again.
            return _Entry("unreachable", "", now), 0
        return _Entry("rules", body.decode("utf-8-sig", errors="replace"), now), self._max_age


# --- Per-host pace -------------------------------------------------------------------------

# One atomic step on Redis's own clock (so workers on machines with different clocks
# agree): when may the next request to this host start? If that is within `max_wait`,
# reserve it and push the host's "next allowed" time one interval further. Answers
# {reserved, start, now}, in milliseconds on that clock.
_PACE_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local start = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
if start - now > tonumber(ARGV[2]) then
  return {0, start, now}
end
redis.call('SET', KEYS[1], start + interval, 'PX', start + interval - now + 60000)
return {1, start, now}
"""


@dataclass(frozen=True)
class Turn:
    """A slot the pacer handed out: the request to `host` may start at `at` (seconds on
    the pacer's clock: Redis's TIME, or time.monotonic() without Redis), `wait` seconds
    after it was asked for. Consecutive turns for one host are at least the interval
    apart, whatever the load on the machine: that is the promise, and what tests check."""

    host: str
    at: float
    wait: float


# Sent (sender=HostPacer, turn=Turn) each time a turn is granted, before the wait: the
# pacer's decisions, for tests and anyone measuring how polite the product is.
turn_granted = Signal()


class HostPacer:
    """At most one request per `interval` seconds to each host, across all processes."""

    _local_lock = threading.Lock()
    _local_next: dict[str, float] = {}

    def __init__(self, *, cache: BaseCache, interval: float, sleep: Callable[[float], None] = time.sleep) -> None:
        self._cache = cache
        self._interval = interval
        self._sleep = sleep

    def wait_turn(self, host: str, deadline_at: float) -> Turn | None:
        """Sleep until this process may send the next request to `host` and return the
        turn it took (None when there is no pace); raise FetchError("rate_limited") if
        that would be after the deadline, or if the shared clock cannot be reached."""
        if self._interval <= 0:
            return None
        host = host.lower()
        max_wait = max(0.0, deadline_at - time.monotonic())
        reserved, at, wait = self._reserve(host, max_wait)
        if not reserved:
            raise FetchError(
                "rate_limited",
                f"{host} was fetched from too recently; the next turn is in {wait:.1f} s, after this fetch's deadline.",
                retry_after=wait,
            )
        turn = Turn(host=host, at=at, wait=wait)
        turn_granted.send(sender=HostPacer, turn=turn)
        if wait > 0:
            self._sleep(wait)
        return turn

    def _reserve(self, host: str, max_wait: float) -> tuple[bool, float, float]:
        """(reserved, the turn's start, the wait until it) for the next turn at `host`."""
        key = self._cache.make_key(f"fetch:pace:{host}")
        if isinstance(self._cache, RedisCache):
            # Django's cache API has no compare-and-set, so the script runs on the
            # cache's own Redis connection.
            try:
                client = self._cache._cache.get_client(key, write=True)  # type: ignore[attr-defined]
                reserved, start_ms, now_ms = client.eval(
                    _PACE_SCRIPT, 1, key, math.ceil(self._interval * 1000), math.floor(max_wait * 1000)
                )
            except RedisError as exc:
                raise cache_unreachable(host, "per-host pace", exc) from exc
            return bool(reserved), int(start_ms) / 1000, (int(start_ms) - int(now_ms)) / 1000
        return self._reserve_locally(key, max_wait)

    def _reserve_locally(self, key: str, max_wait: float) -> tuple[bool, float, float]:
        """For caches other than Redis (a single-process development set-up only)."""
        with self._local_lock:
            now = time.monotonic()
            start = max(now, self._local_next.get(key, 0.0))
            if start - now > max_wait:
                return False, start, start - now
            self._local_next[key] = start + self._interval
            return True, start, start - now
