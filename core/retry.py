"""How long to wait before trying again: the one backoff rule of jobs, webhook
deliveries, feed polls, provider calls and task retries."""

from __future__ import annotations

import random

# 2**30 times any base is far beyond every cap; the exponent stops growing there.
_MAX_DOUBLINGS = 30


def backoff(
    attempt: int,
    *,
    base: float,
    cap: float,
    retry_after: float | None = None,
    jitter: bool = True,
) -> float:
    """Seconds to wait after `attempt` failed tries (1 for the first): `base`, doubled for
    each try after the first, at most `cap`. With `jitter`, a random part of up to half
    is taken off ("equal jitter"), so that things that failed together do not all retry
    at the same moment. A server's Retry-After is honoured when it asks for longer, up
    to the cap."""
    ceiling = min(cap, base * 2 ** min(max(attempt - 1, 0), _MAX_DOUBLINGS))
    delay = ceiling / 2 + random.uniform(0, ceiling / 2) if jitter else ceiling  # noqa: S311 - not a secret
    if retry_after:
        delay = max(delay, min(retry_after, cap))
    return delay
