"""The second factor in Chromium: the demo editor, with REQUIRE_2FA on, is taken from
the login to setting up an authenticator app, saves the recovery codes, reaches the
dashboard, and at the next login enters a code — as a person with a phone would, the
code computed from the setup key the page shows."""

from __future__ import annotations

from base64 import b32decode
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from django_otp.oath import TOTP, hotp
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def code_at(key: bytes, step: int) -> str:
    return f"{hotp(key, step):06d}"


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{violation['id']}: {violation['help']}"
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def log_in_with_password(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(django_settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_an_editor_enrols_verifies_and_reaches_the_dashboard(
    demo: Any, settings: Any, page: Page, live_server: Any, shot: Any, console_errors: list[str], logout: Any
) -> None:
    settings.REQUIRE_2FA = True

    log_in_with_password(page, live_server.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your second factor")
    # Until the second factor is proved the page offers no way into the site.
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    assert serious_violations(page) == []
    shot("enrol")

    setup_key = page.locator("#setup-key").inner_text()
    key = b32decode(setup_key.replace(" ", ""))
    field = page.get_by_label("Code from your authenticator app")
    expect(field).to_have_attribute("autocomplete", "one-time-code")
    expect(field).to_have_attribute("inputmode", "numeric")
    field.fill(code_at(key, TOTP(key).t()))
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery codes")
    expect(page.get_by_role("list", name="Your recovery codes").get_by_role("listitem")).to_have_count(10)
    shot("recovery-codes")
    page.get_by_role("link", name="I have saved them — continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Good to see you")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()

    logout()
    log_in_with_password(page, live_server.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    assert serious_violations(page) == []
    shot("verify")
    # The code of the next time step: the one used to enrol cannot be used twice.
    page.get_by_label("Code from your authenticator app").fill(code_at(key, TOTP(key).t() + 1))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Good to see you")
    shot("dashboard")
    assert console_errors == []
