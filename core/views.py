from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from core.health import health_report
from core.rest import error_response

API_PREFIX = "/api/"


class PageRequest(HttpRequest):
    """A reviewer-page request: a signed-in user, and what htmx says about the request."""

    htmx: HtmxDetails
    user: User  # type: ignore[assignment]  # newsroom_member_required lets no one else through


def signed_in(request: HttpRequest) -> User:
    """The person behind a request that the admin or a reviewer page let through: both
    require a signed-in account, so this is never anonymous."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied("Sign in first.")
    return user


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers, container health checks and monitoring.

    `/healthz`: the database, Redis and the worker's heartbeat, each reported on its own
    (core/health.py); 200 only when all of them answer, 503 naming what failed otherwise.
    `/healthz?live`: this web process answers, touching neither the database nor Redis,
    so a container is not restarted (nor its start-up held) for another service's outage."""
    if "live" in request.GET:
        return JsonResponse({"status": "ok", "live": True})
    healthy, report = health_report()
    return JsonResponse(report, status=200 if healthy else 503)


def newsroom_member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The reviewer pages are for signed-in newsroom staff only: anyone else is sent to
    the login page, and an account without a role is refused with a reason."""

    @login_required
    @wraps(view)
    def wrapper(request: PageRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm("claims.view_claim"):
            raise PermissionDenied("Your account has no newsroom role yet. Ask an editor to give you one.")
        return view(request, *args, **kwargs)

    return wrapper


# --- Errors outside DRF: the API's addresses answer in its JSON format, pages in HTML ----


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused CSRF check (settings.CSRF_FAILURE_VIEW)."""
    if is_api(request):
        return error_response(
            403,
            "The CSRF check failed: a signed-in browser session must send its CSRF token; "
            "integrations authenticate with a token instead (Authorization: Token <key>).",
            "csrf_failed",
        )
    return django_csrf_failure(request, reason=reason)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: a request refused before any view saw it. Under /api/ in the API's
    JSON format. One that sent more than the site reads (a very long paste) is told so
    and by how much; the rest get Django's own page."""
    too_large = isinstance(exception, RequestDataTooBig)
    limit_mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024
    if is_api(request):
        if too_large:
            return error_response(400, f"The request body is larger than {limit_mb:g} MB.", "request_too_large")
        return error_response(400, "The request is not valid.", "bad_request")
    if too_large:
        return render(request, "400_too_large.html", {"limit_mb": limit_mb}, status=400)
    return defaults.bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500. The error itself is logged by Django; the caller learns only that it happened."""
    if is_api(request):
        return error_response(500, "Something went wrong on our side; it has been logged.", "server_error")
    return defaults.server_error(request)
