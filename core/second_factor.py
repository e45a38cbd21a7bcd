"""The second factor: who needs one, enrolment, checking a code, recovery codes, reset.

Editors and staff can change everything the newsroom publishes and every account, so
a stolen password alone must not be enough. With `settings.REQUIRE_2FA` on they prove a
second factor once per session — the code their authenticator app shows (TOTP), or
one of ten one-time recovery codes — before the admin or the reviewer pages serve them
(`core.middleware.SecondFactorRequired`); at their first login they enrol. Reviewers
are not asked: they record and draft, and nothing they write is published without an
editor (four eyes). Requests made with an API token never need it: a token is its own
credential, created by an editor and revocable.

The devices are django-otp's: `TOTPDevice` holds the app's secret, `StaticDevice` the
recovery codes (as its tokens, each deleted once used). Both throttle wrong codes
themselves — after n failures in a row the next attempt waits 2^(n-1) seconds, per
device, whatever the session — which is what makes guessing six digits hopeless; the
pages also count each wrong code as a failed login (django-axes, LOGIN_FAILURE_LIMIT).

A wrong code is an answer, not an error: the services return a `CodeCheck` rather than
raise, so that the device's failure count, written inside the service's transaction,
is kept.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.policy import is_editor
from core.services import service

logger = logging.getLogger("corroborate.security")

APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10

# What a person types: spaces and hyphens are only for reading ("123 456", "abcd-efgh").
APP_CODE = re.compile(r"\d{6}")
RECOVERY_CODE = re.compile(r"[a-z2-7]{8}")  # StaticToken.random_token(): 5 random bytes, base32


def needs_second_factor(user: Any) -> bool:
    """Editors and staff (anyone who can open the admin) — superusers included."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_staff or user.is_superuser or is_editor(user))
    )


def second_factor_missing(user: Any) -> bool:
    """The setting is on, the account needs a second factor, and this session has not
    proved one yet: the admin, the reviewer pages and the session API refuse it."""
    return bool(settings.REQUIRE_2FA and needs_second_factor(user) and not is_verified(user))


def is_verified(user: Any) -> bool:
    """This session proved a second factor (django-otp's OTPMiddleware sets `is_verified`)."""
    check = getattr(user, "is_verified", None)
    return bool(check is not None and check())


def is_enrolled(user: Any) -> bool:
    """The account has an authenticator app confirmed with a code."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", code).lower()


def readable(code: str) -> str:
    """A recovery code as shown to a person: abcd-efgh."""
    return f"{code[:4]}-{code[4:]}"


@dataclass(frozen=True)
class CodeCheck:
    """The answer to a code: the device that accepted it, or why not."""

    device: Device | None = None
    error: str = ""
    # A code was compared and did not match (not a typo in its shape, not a wait).
    wrong: bool = False
    recovery_codes: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return self.device is not None


def _wait_message(until: datetime) -> str:
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
    if seconds < 120:
        wait = "a second" if seconds == 1 else f"{seconds} seconds"
    else:
        wait = f"{math.ceil(seconds / 60)} minutes"
    return f"Too many wrong codes: wait {wait}, then try again."


def _check(devices: list[Any], code: str) -> CodeCheck:
    """Try the code on each device that is not waiting out its back-off."""
    waiting_until: datetime | None = None
    tried = False
    for device in devices:
        allowed, details = device.verify_is_allowed()
        if not allowed:
            until = (details or {}).get("locked_until")
            if until is not None and (waiting_until is None or until < waiting_until):
                waiting_until = until
            continue
        tried = True
        if device.verify_token(code):
            return CodeCheck(device=device)
    if not tried and waiting_until is not None:
        return CodeCheck(error=_wait_message(waiting_until))
    return CodeCheck(
        error="That code is not right. Codes change every 30 seconds: enter the one your app shows now.",
        wrong=True,
    )


# --- Services --------------------------------------------------------------------------


@service
def second_factor_enrol(*, actor: User) -> TOTPDevice:
    """The authenticator app being set up: a new secret the first time, the same one
    on every later visit until it is confirmed (a reload must not change what the
    person has already scanned)."""
    if is_enrolled(actor):
        raise ValidationError("This account already has an authenticator app.")
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name=APP_DEVICE_NAME, confirmed=False)
    return device


@service
def second_factor_confirm(*, actor: User, device: TOTPDevice, code: str) -> CodeCheck:
    """The first code from the app proves it holds the secret: the app becomes the
    account's second factor, and ten new recovery codes are made (returned once)."""
    held = TOTPDevice.objects.select_for_update().filter(pk=device.pk, user=actor, confirmed=False).first()
    if held is None:
        return CodeCheck(error="This set-up has expired or was already finished; start again.")
    text = normalise(code)
    if not APP_CODE.fullmatch(text):
        return CodeCheck(error="Enter the 6-digit code your authenticator app shows.")
    check = _check([held], text)
    if not check.accepted:
        return check
    held.confirmed = True
    held.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    logger.info("Second factor: %s enrolled an authenticator app.", actor.get_username())
    return CodeCheck(device=held, recovery_codes=_recovery_codes_replace(actor))


@service
def second_factor_verify(*, actor: User, code: str) -> CodeCheck:
    """A code from the app or a recovery code (used up by this) proves the second factor."""
    text = normalise(code)
    if APP_CODE.fullmatch(text):
        devices: list[Any] = list(TOTPDevice.objects.devices_for_user(actor, confirmed=True).select_for_update())
    elif RECOVERY_CODE.fullmatch(text):
        devices = list(StaticDevice.objects.devices_for_user(actor, confirmed=True).select_for_update())
        if not StaticToken.objects.filter(device__in=devices).exists() and devices:
            return CodeCheck(
                error="This account has no recovery codes left. Ask an editor to reset your second factor."
            )
    else:
        return CodeCheck(
            error="Enter the 6-digit code your authenticator app shows, or a recovery code (8 letters and digits)."
        )
    if not devices:
        return CodeCheck(error="That code is not right.", wrong=True)
    check = _check(devices, text)
    if check.accepted and isinstance(check.device, StaticDevice):
        logger.warning("Second factor: %s used a recovery code.", actor.get_username())
    return check


@service
def recovery_codes_create(*, actor: User) -> list[str]:
    """Ten new recovery codes for the account; the old ones stop working."""
    return _recovery_codes_replace(actor)


def _recovery_codes_replace(user: User) -> list[str]:
    # The same device keeps its id, so a session that a recovery code verified stays verified.
    device = StaticDevice.objects.select_for_update().filter(user=user).order_by("pk").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    device.token_set.all().delete()
    device.throttle_reset()
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in sorted(codes))
    logger.info("Second factor: new recovery codes for %s.", user.get_username())
    return sorted(codes)


def may_reset(actor: Any, user: Any) -> bool:
    """Editors who manage accounts reset anyone's but a superuser's; superusers anyone's."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    if actor.is_superuser:
        return True
    return is_editor(actor) and actor.has_perm("auth.change_user") and not user.is_superuser


@service
def second_factor_reset(*, actor: User | None, user: User) -> int:
    """Forget the account's authenticator app and recovery codes (a lost phone): at its
    next request it enrols again. How many devices were removed. The actor None is the
    server's operator (`manage.py reset_second_factor`)."""
    if actor is not None and not may_reset(actor, user):
        raise PermissionDenied("Only an editor who manages accounts, or a superuser, resets a second factor.")
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        devices = model.objects.filter(user=user)
        removed += devices.count()
        devices.delete()
    logger.warning(
        "Second factor: %s reset the second factor of %s (%d device(s) removed).",
        actor.get_username() if actor is not None else "the operator (manage.py)",
        user.get_username(),
        removed,
    )
    return removed


def template_context(request: Any) -> dict[str, bool]:
    """For base.html: while the second factor is still to be proved, the page offers
    no way into the site but the way out."""
    return {"second_factor_pending": second_factor_missing(getattr(request, "user", None))}
