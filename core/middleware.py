"""Request and response handling every page or API answer shares: rate-limit headers,
and the second factor's gate."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from core.rest import QUOTA_ATTRIBUTE, Quota
from core.second_factor import second_factor_missing


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


class SecondFactorRequired:
    """With REQUIRE_2FA on, an editor or staff member whose session has not proved a
    second factor is sent to prove one (or to enrol) before any page: the admin, the
    reviewer pages, everything but the second factor's own pages and logging out.

    The API is left to its authentication classes (core.authentication): a token
    request never needs a second factor, and a session request from such a person is
    refused there in the API's JSON format."""

    # Paths that stay open: the way through, the way out, and what has no person behind it.
    OPEN_PREFIXES = ("/accounts/second-factor/", "/accounts/logout/", "/admin/logout/", "/api/", "/static/", "/healthz")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(self.OPEN_PREFIXES) or not second_factor_missing(request.user):
            return self.get_response(request)
        target = f"{reverse('second_factor:verify')}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request"):
            # An in-page update would swap the verify page into a fragment: htmx loads it whole.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)
