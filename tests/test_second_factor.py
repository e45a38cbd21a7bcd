"""The second factor: with REQUIRE_2FA on, editors and staff enrol an authenticator app,
then prove a code (or a recovery code) once per session before the admin, the reviewer
pages or the session API serve them. API tokens never need it."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django_otp.oath import TOTP, hotp, totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import Scope
from core.second_factor import (
    RECOVERY_CODE_COUNT,
    readable,
    second_factor_confirm,
    second_factor_enrol,
    second_factor_reset,
)
from core.tokens import token_create
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

VERIFY = "/accounts/second-factor/"
ENROL = "/accounts/second-factor/enrol/"
RECOVERY_CODES = "/accounts/second-factor/recovery-codes/"


@pytest.fixture(autouse=True)
def second_factor_on(_second_factor_off: None, settings: Any) -> None:
    settings.REQUIRE_2FA = True


def current_code(device: TOTPDevice) -> str:
    """What the person's app shows now: TOTP over the device's key at its time step."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def unused_code(device: TOTPDevice) -> str:
    """A code the device has not accepted yet: it refuses one it has already seen (a
    replay), so after a code was used this is the next step's, which it still accepts."""
    device.refresh_from_db()
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    return f"{hotp(device.bin_key, max(now, device.last_t + 1), device.digits):0{device.digits}d}"


def enrolled(user: Any) -> tuple[TOTPDevice, list[str]]:
    """An account that has set up its app, and its recovery codes."""
    device = second_factor_enrol(actor=user)
    check = second_factor_confirm(actor=user, device=device, code=current_code(device))
    assert check.accepted
    device.refresh_from_db()
    return device, check.recovery_codes


def signed_in(user: Any) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def verified(user: Any, device: TOTPDevice) -> Client:
    client = signed_in(user)
    assert client.post(VERIFY, {"code": unused_code(device), "next": "/"}).status_code == 302
    return client


# --- Enrolment ---------------------------------------------------------------------------------


def test_an_editor_enrols_at_first_login_then_sees_the_recovery_codes_once(editor):
    client = signed_in(editor)

    response = client.get("/claims/")
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Fclaims%2F"
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == f"{ENROL}?next=%2Fclaims%2F"

    page = client.get(response["Location"]).content.decode()
    device = TOTPDevice.objects.get(user=editor)
    assert not device.confirmed
    assert "otpauth://totp/Corroborate%3Aed?secret=" in page
    assert 'autocomplete="one-time-code"' in page
    assert 'inputmode="numeric"' in page
    assert '<label for="id_code">' in page
    # A reload shows the same secret: what the person scanned stays valid.
    assert escape(device.config_url) in client.get(ENROL).content.decode()
    assert TOTPDevice.objects.filter(user=editor).count() == 1

    wrong = client.post(ENROL, {"code": "000000" if current_code(device) != "000000" else "111111"})
    assert "That code is not right" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    device.throttle_reset()  # the wrong code's back-off (1 s) is not what this test is about
    response = client.post(ENROL, {"code": current_code(device), "next": "/claims/"})
    assert response.status_code == 302
    assert response["Location"] == f"{RECOVERY_CODES}?next=%2Fclaims%2F"
    device.refresh_from_db()
    assert device.confirmed

    shown = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", shown)
    stored = StaticToken.objects.filter(device__user=editor).values_list("token", flat=True)
    assert len(codes) == RECOVERY_CODE_COUNT
    assert sorted(codes) == sorted(readable(token) for token in stored)
    again = client.get(RECOVERY_CODES).content.decode()
    assert not re.findall(r"<code>[a-z2-7]{4}-[a-z2-7]{4}</code>", again)
    assert "You have 10 unused recovery codes" in again

    assert client.get("/claims/").status_code == 200


def test_an_enrolled_account_cannot_set_up_another_app_with_its_password_alone(editor):
    device, _ = enrolled(editor)
    client = signed_in(editor)
    response = client.get(ENROL)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert client.post(ENROL, {"code": "123456"}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=editor)) == [device]


# --- Verifying ---------------------------------------------------------------------------------


def test_a_code_from_the_app_opens_the_admin_for_this_session(editor):
    device, _ = enrolled(editor)
    client = signed_in(editor)

    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    page = client.get(response["Location"]).content.decode()
    assert 'autocomplete="one-time-code"' in page
    assert 'inputmode="numeric"' in page

    response = client.post(VERIFY, {"code": unused_code(device), "next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/").status_code == 200

    # Another session (another browser) is asked again.
    assert signed_in(editor).get("/admin/").status_code == 302


def test_the_verify_page_sends_only_to_this_site(editor):
    device, _ = enrolled(editor)
    response = signed_in(editor).post(VERIFY, {"code": unused_code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_a_wrong_code_is_refused_and_the_next_attempt_must_wait(editor, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 3600  # an hour after one failure: no clock in the test
    device, _ = enrolled(editor)
    used_at_enrolment = device.last_t
    client = signed_in(editor)
    right = unused_code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    refused = client.post(VERIFY, {"code": wrong})
    assert refused.status_code == 200
    assert "That code is not right" in refused.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1

    waiting = client.post(VERIFY, {"code": right})
    assert "Too many wrong codes" in waiting.content.decode()
    assert client.get("/admin/").status_code == 302
    device.refresh_from_db()
    assert device.last_t == used_at_enrolment  # the right code was not even compared
    # A failed code is a failed login for the account (LOGIN_FAILURE_LIMIT).
    attempt = AccessAttempt.objects.get(username=editor.username)
    assert attempt.failures_since_start == 1
    assert wrong not in attempt.post_data  # the code tried is not kept


def test_failed_codes_lock_the_account_at_the_login_failure_limit(editor, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # only the login limit is under test here
    device, _ = enrolled(editor)
    client = signed_in(editor)
    wrong = f"{(int(unused_code(device)) + 1) % 1_000_000:06d}"

    for _ in range(2):
        assert "That code is not right" in client.post(VERIFY, {"code": wrong}).content.decode()
    locked = client.post(VERIFY, {"code": wrong})
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert "_auth_user_id" not in client.session

    again = Client().post(reverse("login"), {"username": editor.username, "password": PASSWORD})
    assert again.status_code == 429


def test_a_recovery_code_works_once(editor):
    _, codes = enrolled(editor)

    client = signed_in(editor)
    response = client.post(VERIFY, {"recovery_code": readable(codes[0]).upper(), "next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert StaticToken.objects.filter(device__user=editor).count() == RECOVERY_CODE_COUNT - 1

    other = signed_in(editor)
    refused = other.post(VERIFY, {"recovery_code": codes[0]})
    assert refused.status_code == 200
    assert "That code is not right" in refused.content.decode()
    assert other.get("/admin/").status_code == 302


def test_a_code_of_the_wrong_shape_is_explained_and_not_counted(editor):
    enrolled(editor)
    page = signed_in(editor).post(VERIFY, {"code": "12ab"}).content.decode()
    assert "Enter the 6-digit code your authenticator app shows, or a recovery code" in page
    assert not AccessAttempt.objects.filter(username=editor.username).exists()


# --- Who is asked ----------------------------------------------------------------------------------


def test_the_reviewer_pages_wait_for_an_editors_second_factor(editor):
    device, _ = enrolled(editor)
    client = signed_in(editor)
    for path in ("/", "/claims/", "/claims/new/", "/extractions/new/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(VERIFY), path
    client.post(VERIFY, {"code": unused_code(device)})
    assert client.get("/claims/").status_code == 200


def test_an_in_page_update_loads_the_verify_page_whole(editor):
    enrolled(editor)
    response = signed_in(editor).get("/claims/", headers={"hx-request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"{VERIFY}?next=%2Fclaims%2F"


def test_a_reviewer_is_not_asked(reviewer):
    client = signed_in(reviewer)
    assert client.get("/claims/").status_code == 200
    assert client.get("/api/v1/claims/").status_code == 200


def test_staff_without_a_role_is_asked(roles):
    staff = UserFactory(username="desk", is_staff=True)
    response = signed_in(staff).get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)


def test_with_the_setting_off_nobody_is_asked(editor, settings):
    settings.REQUIRE_2FA = False
    client = signed_in(editor)
    assert client.get("/").status_code == 200
    assert client.get("/admin/").status_code == 200
    assert client.get("/api/v1/claims/").status_code == 200
    assert not TOTPDevice.objects.exists()


# --- The API -----------------------------------------------------------------------------------


def test_an_api_token_never_needs_the_second_factor(editor):
    _, key = token_create(actor=editor, user=editor, name="CMS", scope=Scope.WRITE)
    response = Client().get("/api/v1/claims/", headers={"authorization": f"Token {key}"})
    assert response.status_code == 200
    # Even from a browser whose session has not proved it.
    response = signed_in(editor).get("/api/v1/claims/", headers={"authorization": f"Token {key}"})
    assert response.status_code == 200


def test_the_session_api_refuses_an_unverified_editor_in_json(editor):
    device, _ = enrolled(editor)
    client = signed_in(editor)
    response = client.get("/api/v1/claims/", headers={"accept": "application/json"})
    assert response.status_code == 403
    assert response.json()["code"] == "second_factor_required"
    assert "second factor" in response.json()["detail"]

    client.post(VERIFY, {"code": unused_code(device)})
    assert client.get("/api/v1/claims/", headers={"accept": "application/json"}).status_code == 200


# --- Recovery -------------------------------------------------------------------------------


def test_new_recovery_codes_replace_the_old_and_need_a_verified_session(editor):
    device, old = enrolled(editor)

    unverified = signed_in(editor)
    response = unverified.post(RECOVERY_CODES)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert sorted(StaticToken.objects.filter(device__user=editor).values_list("token", flat=True)) == sorted(old)

    client = verified(editor, device)
    response = client.post(RECOVERY_CODES, {"next": "/"})
    assert response.status_code == 302
    shown = client.get(response["Location"]).content.decode()
    new = [code.replace("-", "") for code in re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", shown)]
    assert len(new) == RECOVERY_CODE_COUNT
    assert not set(new) & set(old)
    assert sorted(StaticToken.objects.filter(device__user=editor).values_list("token", flat=True)) == sorted(new)
    assert "That code is not right" in signed_in(editor).post(VERIFY, {"recovery_code": old[1]}).content.decode()


def test_a_session_verified_by_a_recovery_code_stays_verified_when_new_codes_are_made(editor):
    _, codes = enrolled(editor)
    client = signed_in(editor)
    client.post(VERIFY, {"recovery_code": codes[0]})
    client.post(RECOVERY_CODES)
    assert client.get("/admin/").status_code == 200


def test_an_editor_resets_a_lost_phone_in_the_admin_and_the_owner_enrols_again(editor, roles):
    device, _ = enrolled(editor)
    colleague = UserFactory(username="colleague", role="editor")
    enrolled(colleague)
    admin_client = verified(editor, device)

    changelist = reverse("admin:auth_user_changelist")
    response = admin_client.post(
        changelist, {"action": "reset_second_factor", "_selected_action": [colleague.pk]}, follow=True
    )
    assert "Second factor reset for colleague" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=colleague).exists()
    assert not StaticDevice.objects.filter(user=colleague).exists()
    entry = LogEntry.objects.get(object_id=str(colleague.pk))
    assert entry.user == editor
    assert "Reset the second factor" in entry.get_change_message()

    back = signed_in(colleague).get("/", follow=True)
    assert back.redirect_chain[-1][0].startswith(ENROL)


def test_an_editor_cannot_reset_a_superusers_second_factor(editor, roles):
    boss = UserFactory(username="boss", is_superuser=True, is_staff=True)
    enrolled(boss)
    with pytest.raises(PermissionDenied):
        second_factor_reset(actor=editor, user=boss)
    assert TOTPDevice.objects.filter(user=boss).exists()
    assert second_factor_reset(actor=boss, user=boss) == 2


def test_the_device_admin_never_shows_a_secret_or_a_recovery_code(editor):
    device, codes = enrolled(editor)
    client = verified(editor, device)
    for model, pk in ((TOTPDevice, device.pk), (StaticDevice, StaticDevice.objects.get(user=editor).pk)):
        for page in (
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"),
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk]),
        ):
            response = client.get(page)
            assert response.status_code == 200, page
            html = response.content.decode()
            assert device.key not in html
            assert not any(code in html for code in codes)


def test_the_operator_resets_a_second_factor_from_the_command_line(roles):
    boss = UserFactory(username="boss", is_superuser=True, is_staff=True)
    enrolled(boss)
    out = StringIO()
    call_command("reset_second_factor", "boss", stdout=out)
    assert "Second factor of boss reset (2 device(s) removed)." in out.getvalue()
    assert not TOTPDevice.objects.filter(user=boss).exists()
    with pytest.raises(CommandError, match="no user"):
        call_command("reset_second_factor", "nobody")
