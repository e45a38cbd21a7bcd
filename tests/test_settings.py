"""A bad setting stops start-up with a message naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def start_django(**env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in env}
    environment.update(env, DJANGO_SETTINGS_MODULE="config.settings")
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
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "mysql://root@127.0.0.1/corroborate"),
        ("DATABASE_URL", "postgres://127.0.0.1:notaport/corroborate"),
        ("DATABASE_OWNER_URL", "mysql://root@127.0.0.1"),
        ("BACKUP_KEEP", "0"),
        ("REDIS_URL", "127.0.0.1:6379"),
        ("CELERY_BROKER_URL", "amqp://guest@localhost//"),
        ("DEMO_PASSWORD", "short"),
        ("CELERY_TASK_TIME_LIMIT", "ten"),
        ("SECURE_HSTS_SECONDS", "-1"),
        ("CORS_ALLOWED_ORIGINS", "https://cms.example.org/editor"),
        ("IDEMPOTENCY_KEY_HOURS", "0"),
        ("REQUIRE_2FA", "sometimes"),
    ],
)
def test_a_bad_value_names_the_variable(variable, value):
    result = start_django(**{variable: value, "DEBUG": "true"} if variable != "DEBUG" else {variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr.splitlines()[-1]


def test_production_needs_a_secret_key():
    result = start_django(DEBUG="false", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def setting_value(name: str, **env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in env}
    environment.update(env, DJANGO_SETTINGS_MODULE="config.settings")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django; django.setup(); from django.conf import settings; print(settings.{name})",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("debug", "require_2fa", "expected"),
    [
        ("false", "", "True"),  # production: on unless switched off
        ("true", "", "False"),  # development and the demo: off unless switched on
        ("true", "true", "True"),
        ("false", "false", "False"),
    ],
)
def test_the_second_factor_is_required_by_default_outside_debug(debug, require_2fa, expected):
    env = {"DEBUG": debug, "REQUIRE_2FA": require_2fa, "SECRET_KEY": "x" * 20 + "second-factor-check-key-1a2b3c"}
    assert setting_value("REQUIRE_2FA", **env) == expected


def test_the_defaults_start():
    assert start_django(DEBUG="true").returncode == 0


def test_production_settings_pass_the_deployment_checks():
    environment = dict(os.environ, DEBUG="false", SECRET_KEY="x" * 20 + "production-check-key-9f8e7d6c5b4a")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
