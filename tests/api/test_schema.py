"""The OpenAPI schema is valid, documents every error, and the API keeps to it: schemathesis
generates valid and invalid requests for every operation, as an editor's write token."""

from __future__ import annotations

import re

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    ignored_auth,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
    use_after_free,
)

from config.wsgi import application
from tests.api.conftest import make_token

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    negative_data_rejection,
    status_code_conformance,
    ignored_auth,
    use_after_free,
]
EXAMPLES_PER_OPERATION = 15


# Loaded in-process when the tests are collected: generating the schema reads no data.
schema = schemathesis.openapi.from_wsgi(
    "/api/schema/?format=json",
    application,
    config=schemathesis.Config.from_dict(
        {
            "generation": {"max-examples": EXAMPLES_PER_OPERATION, "mode": "all"},
            "phases": {
                # Boundary cases (wrong types, missing fields, values out of range) are
                # the negative ones; valid requests come from the fuzzing phase.
                "coverage": {"generation": {"mode": "negative"}},
                "stateful": {"enabled": False},
            },
        }
    ),
)


@pytest.fixture
def in_process():
    """Requests go straight to the WSGI application, inside the test's transaction: keep
    Django from closing the connection at each request's start and end (as its own test
    client does)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def data(workflow):
    """A claim in each of a few states, so that some generated ids name real claims."""
    return [workflow.published(), workflow.in_review(), workflow.submitted(anonymous=True)]


@pytest.fixture
def key(editor):
    return make_token(editor, "write")[1]


@schema.parametrize()
# The fixtures' rows are shared by every example of an operation, which is the point.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], deadline=None)
@pytest.mark.django_db
def test_the_api_keeps_to_its_schema(case, key, data, in_process, public_dns):
    case.call_and_validate(headers={"Authorization": f"Token {key}"}, checks=CHECKS)


# --- The schema itself, and its readers -----------------------------------------------------


@pytest.mark.django_db
def test_the_schema_is_valid_openapi_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "openapi: 3" in (tmp_path / "schema.yaml").read_text()


@pytest.mark.django_db
def test_every_operation_documents_its_errors(client):
    spec = client.get("/api/schema/", {"format": "json"}).json()
    operations = [(path, method, op) for path, item in spec["paths"].items() for method, op in item.items()]
    assert len(operations) >= 30
    for path, method, operation in operations:
        documented = set(operation["responses"])
        assert {"401", "403", "404", "429"} <= documented, (method, path)
        if "requestBody" in operation or any(p["in"] == "query" for p in operation.get("parameters", [])):
            assert "400" in documented, (method, path)
        # Writes that change a claim take its version (coverage stances and searches do not).
        versioned = path.startswith("/api/v1/claims/{") and not ("/coverage/" in path or "/find-coverage/" in path)
        if method in ("post", "patch", "delete") and versioned:
            assert "409" in documented, (method, path)
        assert "Retry-After" in operation["responses"]["429"]["headers"]
    assert spec["components"]["securitySchemes"]["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": spec["components"]["securitySchemes"]["tokenAuth"]["description"],
    }


@pytest.mark.django_db
def test_only_operations_open_to_the_public_take_no_credentials(client):
    spec = client.get("/api/schema/", {"format": "json"}).json()
    public = {
        (path, method)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if {} in operation.get("security", [])
    }
    assert ("/api/v1/claims/", "get") in public
    assert ("/api/v1/claims/{claim_id}/claimreview/", "get") in public
    assert ("/api/v1/claims/", "post") not in public
    assert ("/api/v1/claims/{claim_id}/history/", "get") not in public
    assert not any(method != "get" for _, method in public)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_api_docs_load_nothing_from_elsewhere(client, path):
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    references = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert references
    for reference in references:
        assert reference.startswith("/"), reference  # this site only
        if reference.startswith(django_settings.STATIC_URL):
            assert finders.find(reference.removeprefix(django_settings.STATIC_URL)), reference
    assert "googleapis" not in page
    assert "cdn" not in page.lower()
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy + ";"
    assert "img-src 'self' data:" in policy  # Redoc's footer logo, an off-site image, stays blocked


@pytest.mark.django_db
def test_the_swagger_ui_start_script_is_served_here(client):
    script = client.get("/api/docs/", {"script": ""})
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()
    assert "https://" not in script.content.decode()


@pytest.mark.django_db
def test_only_redoc_may_start_its_search_worker(client):
    assert "worker-src 'self' blob:" in client.get("/api/redoc/")["Content-Security-Policy"]
    assert "worker-src" not in client.get("/api/docs/")["Content-Security-Policy"]
