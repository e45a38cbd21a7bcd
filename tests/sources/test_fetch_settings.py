"""The FETCH_* settings: sensible defaults, and a bad value stops start-up naming it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sources.fetch import FetchConfig

ROOT = Path(__file__).resolve().parents[2]


def start_django(**env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("FETCH_")}
    environment.update(env, DJANGO_SETTINGS_MODULE="config.settings", DEBUG="true")
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("FETCH_ALLOWED_NETWORKS", "127.0.0.0/8,localhost"),
        ("FETCH_ALLOWED_NETWORKS", "10.0.0.0/33"),
        ("FETCH_USER_AGENT", "(compatible) bot"),
        ("FETCH_MAX_BYTES", "ten megabytes"),
        ("FETCH_DEADLINE", "600"),
        ("FETCH_ROBOTS_CACHE_SECONDS", "172800"),
    ],
)
def test_a_bad_fetch_setting_names_the_variable(variable: str, value: str):
    result = start_django(**{variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr.splitlines()[-1]


FETCH_NAMES = (
    "FETCH_USER_AGENT",
    "FETCH_ALLOWED_NETWORKS",
    "FETCH_MAX_BYTES",
    "FETCH_MAX_DECODED_BYTES",
    "FETCH_CONNECT_TIMEOUT",
    "FETCH_READ_TIMEOUT",
    "FETCH_DEADLINE",
    "FETCH_MAX_REDIRECTS",
    "FETCH_HOST_INTERVAL",
    "FETCH_ROBOTS_CACHE_SECONDS",
)


def test_the_defaults_are_safe_and_polite():
    # Empty values mean "the default", and win over a local .env file.
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, django, json; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; django.setup(); "
            "from django.conf import settings; "
            f"print(json.dumps({{name: getattr(settings, name) for name in {FETCH_NAMES!r}}}))",
        ],
        cwd=ROOT,
        env={**os.environ, **dict.fromkeys(FETCH_NAMES, ""), "DEBUG": "true"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    defaults = json.loads(result.stdout.strip().splitlines()[-1])
    assert defaults["FETCH_ALLOWED_NETWORKS"] == []  # loopback and private ranges refused
    assert defaults["FETCH_HOST_INTERVAL"] >= 1  # at most one request a second per host
    assert defaults["FETCH_MAX_REDIRECTS"] == 5
    assert defaults["FETCH_DEADLINE"] <= 30
    assert defaults["FETCH_ROBOTS_CACHE_SECONDS"] <= 24 * 3600
    assert defaults["FETCH_USER_AGENT"].startswith("Corroborate/")


def test_the_robots_token_is_the_product_name(settings):
    settings.FETCH_USER_AGENT = "Corroborate/0.1 (+https://example.org/about; fact-checking)"
    assert FetchConfig.from_settings().robots_token == "Corroborate"
