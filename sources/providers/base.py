"""What every provider shares: the candidate it returns, its errors, its pace and its
retry policy.

A provider is a small class around `sources.fetch.Fetcher`: it builds the request from
settings, waits for its turn (one clock per provider, in Redis, shared by every
worker), retries what may succeed later with backoff and jitter, and turns the
provider's response — quirks included — into plain dataclasses. It writes nothing:
storing is `sources.services`'s job.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches

from core.retry import backoff
from sources.fetch import JSON_TYPES, Fetcher, FetchError, FetchResult
from sources.robots import HostPacer, Turn

T = TypeVar("T")


@dataclass(frozen=True)
class Candidate:
    """One article a search provider found: enough to store it (`sources.services.
    article_store_candidate`) and to decide whether its page is worth fetching."""

    provider: str  # an ArticleProvider value
    url: str
    title: str = ""
    outlet_name: str = ""
    outlet_domain: str = ""
    published_at: datetime | None = None
    language: str = ""
    text: str = ""  # only when the provider sends the text (Media Cloud, expanded)
    raw: dict[str, Any] = field(default_factory=dict)  # the provider's own item, for the audit


class ProviderError(Exception):
    """A provider answered, but not with results: a throttle message, a query it
    refused, a response we cannot read. `transient` says whether trying again later
    could help (as for `FetchError`)."""

    def __init__(self, code: str, message: str, *, transient: bool = False, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.transient = transient
        self.retry_after = retry_after

    def __repr__(self) -> str:
        return f"ProviderError({self.code!r}, {self.message!r})"


class ProviderOff(ProviderError):
    """The provider is switched off (no credentials); the message says what it needs."""

    def __init__(self, message: str) -> None:
        super().__init__("provider_off", message)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with "equal jitter" (half fixed, half random), capped; a
    server's Retry-After is honoured when it asks for longer, up to the cap."""

    attempts: int = 3
    base: float = 2.0
    cap: float = 60.0

    def delay(self, retry: int, retry_after: float | None = None) -> float:
        """Seconds before retry number `retry` + 1 (`retry` 0 after the first failure)."""
        return backoff(retry + 1, base=self.base, cap=self.cap, retry_after=retry_after)


def with_retries(call: Callable[[], T], *, policy: RetryPolicy, sleep: Callable[[float], None] = time.sleep) -> T:
    """`call()`, tried again after transient failures only, at most `policy.attempts`
    times in all; the last failure (or any permanent one) is raised as it is."""
    for retry in range(policy.attempts):
        try:
            return call()
        except (FetchError, ProviderError) as exc:
            if not exc.transient or retry + 1 >= policy.attempts:
                raise
            sleep(policy.delay(retry, exc.retry_after))
    raise AssertionError("unreachable")  # pragma: no cover


class ProviderPace:
    """At most one request per `interval` seconds to one provider, counted across
    every process through Redis (the same atomic clock as the per-host pace)."""

    def __init__(self, name: str, interval: float) -> None:
        self._key = f"provider:{name}"
        self._pacer = HostPacer(cache=caches["default"], interval=interval)

    def wait(self, max_wait: float) -> Turn | None:
        """Sleep until it is our turn and return the turn taken; FetchError("rate_limited"),
        a transient error, if that would take longer than `max_wait` seconds."""
        return self._pacer.wait_turn(self._key, time.monotonic() + max_wait)


class ApiProvider:
    """A JSON API behind a base URL from settings, with a pace and a retry policy.

    Subclasses set `name` and `label`, and say in `missing_setting()` which setting
    they lack, if any (a provider without credentials is off)."""

    name = ""
    label = ""
    interval_setting = ""  # seconds between two requests, from settings

    def __init__(
        self,
        *,
        fetcher: Fetcher | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._fetcher = fetcher
        self.retry = retry or RetryPolicy(attempts=settings.PROVIDER_RETRY_ATTEMPTS)
        self._sleep = sleep

    # --- on or off ---------------------------------------------------------------------

    @classmethod
    def missing_setting(cls) -> str:
        """The setting this provider needs and lacks, or "" when it can run."""
        return ""

    @classmethod
    def off_reason(cls) -> str:
        missing = cls.missing_setting()
        return f"needs {missing}" if missing else ""

    def ensure_on(self) -> None:
        reason = self.off_reason()
        if reason:
            raise ProviderOff(f"{self.label} is off: it {reason}.")

    # --- requests ----------------------------------------------------------------------

    @property
    def fetcher(self) -> Fetcher:
        if self._fetcher is None:
            self._fetcher = Fetcher()
        return self._fetcher

    def call(
        self,
        url: str,
        *,
        parse: Callable[[FetchResult], T],
        accept: Sequence[str] = JSON_TYPES,
        headers: Mapping[str, str] | None = None,
    ) -> T:
        """One GET and the reading of its answer, paced, and retried as a whole (a
        throttle message can arrive with HTTP 200). robots.txt is not consulted for
        API calls: it governs crawling, and these are calls to an API on its terms."""

        def attempt() -> T:
            ProviderPace(self.name, float(getattr(settings, self.interval_setting))).wait(settings.PROVIDER_MAX_WAIT)
            return parse(self.fetcher.fetch(url, accept=accept, headers=headers, check_robots=False))

        return with_retries(attempt, policy=self.retry, sleep=self._sleep)


def parse_json(body: bytes | str, *, provider: str) -> Any:
    """A JSON response body, or a permanent ProviderError saying why it is not one."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raw = body.encode() if isinstance(body, str) else body
        snippet = raw[:200].decode("utf-8", errors="replace").strip()
        raise ProviderError("bad_response", f"{provider} sent something that is not JSON: {snippet!r}") from None
