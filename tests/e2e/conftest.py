"""Browser tests: Playwright driving Debian's Chromium against a live test server.

Playwright's synchronous API keeps an asyncio loop running in the test thread from the
moment it starts, and Django refuses database calls from such a thread unless
DJANGO_ALLOW_ASYNC_UNSAFE is set. Both are confined to this package: Playwright starts
and stops with it (the fixtures below narrow pytest-playwright's session scope), and
the variable is set only meanwhile — left set, it would leak into every later test and
into the processes they start (`manage.py check --deploy` refuses to pass with it). The
tests do their database work before and after the browser acts, never concurrently."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import Browser, BrowserType, Page, Playwright, expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture(scope="package", autouse=True)
def _database_calls_allowed_while_the_browser_runs() -> Iterator[None]:
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def playwright(_pw_api_request_contexts: Any) -> Iterator[Playwright]:
    running = sync_playwright().start()
    if _pw_api_request_contexts:
        _pw_api_request_contexts.instrument(running)
    yield running
    running.stop()  # the loop stops with it, and later tests are plain synchronous code again


@pytest.fixture(scope="package")
def browser_type(playwright: Playwright, browser_name: str) -> BrowserType:
    return getattr(playwright, browser_name)


@pytest.fixture(scope="package")
def launch_browser(browser_type_launch_args: dict[str, Any], browser_type: BrowserType) -> Callable[..., Browser]:
    def launch(**kwargs: Any) -> Browser:
        return browser_type.launch(**{**browser_type_launch_args, **kwargs})

    return launch


@pytest.fixture(scope="package")
def browser(launch_browser: Callable[..., Browser]) -> Iterator[Browser]:
    running = launch_browser()
    yield running
    running.close()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    # Playwright's own browser download is not used: the test set-up installs Debian's
    # Chromium (scripts/install_chromium.sh), which runs as root only without the sandbox.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="package")
def browser_context_args() -> dict[str, Any]:
    # Our own, not pytest-playwright's (which needs the session-wide Playwright for device presets).
    return {"viewport": {"width": 1360, "height": 900}, "locale": "en-GB"}


@pytest.fixture
def demo(roles: Any, default_scale: Any) -> None:
    """The demo story and its users; transactional tests start from an empty database."""
    call_command("load_demo", verbosity=0)


class Screenshots:
    """Saves a full-page screenshot of each page a test visits, numbered in order, to
    artifacts/screenshots/<test>/NN-<page>.png."""

    def __init__(self, page: Page, directory: Path) -> None:
        self.page, self.directory, self.count = page, directory, 0

    def __call__(self, name: str) -> Path:
        self.count += 1
        path = self.directory / f"{self.count:02d}-{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def screenshot_dir(request: pytest.FixtureRequest) -> Path:
    directory = SCREENSHOTS / request.node.originalname
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    return directory


@pytest.fixture
def shot(page: Page, screenshot_dir: Path) -> Screenshots:
    return Screenshots(page, screenshot_dir)


def log_in(page: Page, base_url: str, username: str, *, screenshot: Screenshots | None = None) -> None:
    """Log in through the form; with `screenshot`, the login page and the dashboard it
    leads to are saved."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(settings.DEMO_PASSWORD)
    if screenshot:
        screenshot(f"login-{username}")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Good to see you")
    if screenshot:
        screenshot(f"dashboard-{username}")


@pytest.fixture
def login(page: Page, live_server: Any) -> Callable[..., None]:
    def login_as(username: str, *, screenshot: Screenshots | None = None) -> None:
        log_in(page, live_server.url, username, screenshot=screenshot)

    return login_as


@pytest.fixture
def logout(page: Page) -> Callable[[], None]:
    def log_out() -> None:
        page.get_by_role("button", name="Log out").click()
        expect(page.get_by_role("heading", name="Log in to Corroborate")).to_be_visible()

    return log_out


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    """Console errors and uncaught exceptions on any page: a CSP violation by our own
    pages (an inline script or style htmx added) shows up here."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors
