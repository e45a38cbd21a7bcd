from __future__ import annotations

from base64 import b32encode
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.middleware import HtmxDetails
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice

from core.forms import AppCodeForm, RecoveryCodeForm
from core.health import health_report
from core.rest import error_response
from core.second_factor import (
    is_enrolled,
    is_verified,
    readable,
    recovery_codes_create,
    recovery_codes_left,
    second_factor_confirm,
    second_factor_enrol,
    second_factor_verify,
)

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


# --- The second factor's pages (core/second_factor.py has the rules) ----------------------

# Recovery codes just made, kept in the session until the page that shows them once.
NEW_RECOVERY_CODES = "second_factor_new_recovery_codes"


def _next_url(request: HttpRequest) -> str:
    """Where the person was going before the second factor was asked for (this site only)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _locked(request: HttpRequest, user: User) -> bool:
    return bool(AxesProxyHandler.is_locked(request, {"username": user.get_username()}))


def _locked_out(request: HttpRequest) -> HttpResponse:
    """Too many failed logins or codes: the session ends, as for a locked account's password."""
    logout(request)
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)


def _count_failure(request: HttpRequest, user: User) -> bool:
    """A wrong code counts as a failed login for this account (LOGIN_FAILURE_LIMIT);
    whether the account is now locked."""
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)
    return bool(getattr(request, "axes_locked_out", False))


def _verified(request: HttpRequest, device: Device) -> None:
    # A new session key for the stronger sign-in, as Django does at login.
    request.session.cycle_key()
    otp_login(request, device)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def second_factor_verify_page(request: PageRequest) -> HttpResponse:
    """Prove the second factor for this session: the app's code, or a recovery code."""
    user, next_url = request.user, _next_url(request)
    if is_verified(user):
        return redirect(next_url)
    if not is_enrolled(user):
        return redirect(_with_next("second_factor:enrol", next_url))
    if _locked(request, user):
        return _locked_out(request)
    app_form = AppCodeForm(request.POST if "code" in request.POST else None)
    recovery_form = RecoveryCodeForm(request.POST if "recovery_code" in request.POST else None)
    form = app_form if app_form.is_bound else recovery_form if recovery_form.is_bound else None
    if form is not None and form.is_valid():
        field = "code" if form is app_form else "recovery_code"
        check = second_factor_verify(actor=user, code=form.cleaned_data[field])
        if check.device is not None:
            _verified(request, check.device)
            if isinstance(check.device, StaticDevice):
                left = recovery_codes_left(user)
                messages.warning(
                    request,
                    f"You signed in with a recovery code; {left} left. Make new ones from “Recovery codes” "
                    "if you are running short.",
                )
            return redirect(next_url)
        if check.wrong and _count_failure(request, user):
            return _locked_out(request)
        form.add_error(field, check.error)
    context = {
        "app_form": app_form,
        "recovery_form": recovery_form,
        "next": next_url,
        "recovery_open": recovery_form.is_bound,
    }
    return render(request, "registration/second_factor_verify.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def second_factor_enrol_page(request: PageRequest) -> HttpResponse:
    """Set up an authenticator app: its secret (as text and as an otpauth:// link), then
    a first code from it to confirm; the recovery codes follow."""
    user, next_url = request.user, _next_url(request)
    if is_enrolled(user):
        # Replacing an app takes a proved second factor first, then an editor's reset.
        return redirect(_with_next("second_factor:verify", next_url))
    if _locked(request, user):
        return _locked_out(request)
    device = second_factor_enrol(actor=user)
    form = AppCodeForm(request.POST or None)
    if form.is_valid():
        check = second_factor_confirm(actor=user, device=device, code=form.cleaned_data["code"])
        if check.device is not None:
            _verified(request, check.device)
            request.session[NEW_RECOVERY_CODES] = check.recovery_codes
            messages.success(request, "Your authenticator app is set up: you will need a code from it at each login.")
            return redirect(_with_next("second_factor:recovery_codes", next_url))
        form.add_error("code", check.error)
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "next": next_url,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "uri": device.config_url,
    }
    return render(request, "registration/second_factor_enrol.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes_page(request: PageRequest) -> HttpResponse:
    """New recovery codes are shown here once, right after they are made; otherwise the
    page says how many are left and makes new ones (the old stop working)."""
    user, next_url = request.user, _next_url(request)
    if not is_verified(user):
        return redirect(_with_next("second_factor:verify", request.get_full_path()))
    if request.method == "POST":
        request.session[NEW_RECOVERY_CODES] = recovery_codes_create(actor=user)
        messages.success(request, "New recovery codes made; the old ones no longer work.")
        return redirect(_with_next("second_factor:recovery_codes", next_url))
    codes = request.session.pop(NEW_RECOVERY_CODES, None)
    context = {
        "codes": [readable(code) for code in codes or []],
        "left": recovery_codes_left(user),
        "next": next_url,
    }
    return render(request, "registration/second_factor_recovery_codes.html", context)
