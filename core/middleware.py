"""Response headers that every API answer shares."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from core.rest import QUOTA_ATTRIBUTE, Quota


class RateLimitHeaders:
    """RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset on every answer a throttle
    counted (core.rest.QuotaThrottle notes the quota on the request), errors included,
    so an integration can slow down before it meets a 429."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        quota: Quota | None = getattr(request, QUOTA_ATTRIBUTE, None)
        if quota is not None:
            response["RateLimit-Limit"] = str(quota.limit)
            response["RateLimit-Remaining"] = str(quota.remaining)
            response["RateLimit-Reset"] = str(quota.reset)
        return response
