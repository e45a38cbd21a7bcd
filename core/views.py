from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails


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
    """For load balancers and container health checks: the app answers and reaches its database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


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


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A request refused before any view saw it. One that sent more than the site reads
    (a very long paste) is told so and by how much; the rest get Django's own page."""
    if isinstance(exception, RequestDataTooBig):
        context = {"limit_mb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024}
        return render(request, "400_too_large.html", context, status=400)
    return defaults.bad_request(request, exception)
