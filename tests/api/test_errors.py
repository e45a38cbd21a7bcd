"""Every API error has the one format of product.md Appendix A:
{"detail": …, "code": …}, plus "fields" on a validation error and "current_version"
on a stale version."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

CLAIMS = "/api/v1/claims/"


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) <= {"detail", "code", "fields", "current_version"}
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert body["code"] == code
    return body


def test_validation_errors_name_their_fields(callers):
    response = callers["editor"].post(CLAIMS, {"statement": 12, "attributions": "none", "statment": "typo"})
    body = assert_error(response, 400, "invalid")
    assert set(body["fields"]) == {"statement", "attributions", "statment"}
    assert body["fields"]["statment"] == ["Unknown field."]
    assert body["detail"].startswith("Some fields are not valid")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("statement", 12),  # not a string
        ("statement", ""),
        ("priority", "3"),  # a string, not the integer
        ("priority", True),
        ("priority", 9),
        ("tags", "iran"),
        ("tags", [1]),
        ("made_on", "8 March 2026"),
        ("made_on", "20260308"),
        ("first_appearance", "1"),
        ("first_appearance", 10**30),
        ("statement", "x" * 20 + "\x00"),
    ],
)
def test_values_of_the_wrong_type_or_form_are_refused(callers, field, value):
    payload = {
        "statement": "The port reopened.",
        "attributions": [{"source": SourceFactory().pk, "role": "claimant"}],
        field: value,
    }
    body = assert_error(callers["editor"].post(CLAIMS, payload), 400, "invalid")
    assert [name for name in body["fields"] if name.split(".")[0] == field]


def test_a_nested_error_is_dotted(callers):
    payload = {"statement": "x", "attributions": [{"source": SourceFactory().pk, "role": "claimant", "credibility": 9}]}
    body = assert_error(callers["editor"].post(CLAIMS, payload), 400, "invalid")
    assert list(body["fields"]) == ["attributions.0.credibility"]


def test_a_body_that_is_not_json_is_refused(callers):
    client = callers["editor"].client
    assert_error(
        client.post(CLAIMS, "statement=x", content_type="application/x-www-form-urlencoded"),
        415,
        "unsupported_media_type",
    )
    assert_error(client.post(CLAIMS, "{not json", content_type="application/json"), 400, "parse_error")
    body = assert_error(client.post(CLAIMS, "[1, 2]", content_type="application/json"), 400, "invalid")
    assert "Expected a dictionary" in body["detail"]


def test_no_credentials_is_401_and_a_refusal_403(callers, workflow):
    assert_error(callers["anonymous"].post(CLAIMS, {}), 401, "not_authenticated")
    body = assert_error(callers["read_token_editor"].post(CLAIMS, {}), 403, "permission_denied")
    assert "read token" in body["detail"]


def test_a_service_refusal_keeps_its_reason(callers, workflow):
    claim = workflow.researching()
    claim.refresh_from_db()
    body = assert_error(
        callers["reviewer"].post(
            f"{CLAIMS}{claim.pk}/transitions/", {"transition": "publish", "version": claim.version}
        ),
        400,
        "invalid",
    )
    assert "cannot take “Publish”" in body["fields"]["transition"][0]


def test_not_found_and_unknown_addresses(callers):
    assert_error(callers["editor"].get(f"{CLAIMS}999999/"), 404, "not_found")
    assert_error(callers["editor"].get(f"{CLAIMS}not-a-number/"), 404, "not_found")
    assert_error(callers["editor"].get(f"{CLAIMS}99999999999999999999999/"), 404, "not_found")
    assert_error(callers["editor"].get("/api/v1/nothing-here/"), 404, "not_found")
    body = assert_error(callers["editor"].get("/api/v1/claims"), 404, "not_found")
    assert "Did you mean /api/v1/claims/" in body["detail"]
    assert_error(callers["editor"].get(CLAIMS, page=99), 404, "not_found")


def test_a_method_the_endpoint_does_not_have(callers, workflow):
    claim = workflow.submitted()
    assert_error(callers["editor"].client.put(f"{CLAIMS}{claim.pk}/", {}, format="json"), 405, "method_not_allowed")
    assert_error(callers["editor"].client.delete(f"{CLAIMS}{claim.pk}/"), 405, "method_not_allowed")


def test_a_stale_version_says_who_changed_it_and_the_current_version(callers, workflow):
    claim = workflow.submitted()
    url = f"{CLAIMS}{claim.pk}/"
    callers["editor"].patch(url, {"version": claim.version, "context": "First."})
    body = assert_error(
        callers["reviewer"].patch(url, {"version": claim.version, "context": "Second."}), 409, "stale_version"
    )
    assert body["current_version"] == claim.version + 1
    assert "changed by ed" in body["detail"]


def test_throttled_is_429_with_retry_after(settings, db):
    settings.API_THROTTLE_ANON = "1/minute"
    client = APIClient(REMOTE_ADDR="192.0.2.200")
    client.get(CLAIMS)
    response = client.get(CLAIMS)
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) >= 1


def test_the_schema_documents_the_error_format(callers):
    schema = callers["anonymous"].get("/api/schema/", format="json").json()
    components = schema["components"]["schemas"]
    assert components["Error"]["required"] == ["detail", "code"]
    assert "fields" in components["ValidationError"]["properties"]
    assert "current_version" in components["Conflict"]["properties"]


def test_text_the_database_cannot_hold_is_a_400_not_a_500(callers, workflow):
    claim = workflow.submitted()
    client = callers["editor"].client
    # A lone surrogate is valid JSON text but not UTF-8: echoed in the message, it is escaped.
    body = f'{{"transition": "\\ud800", "version": {claim.version}}}'
    response = client.post(f"{CLAIMS}{claim.pk}/transitions/", body, content_type="application/json")
    assert_error(response, 400, "invalid")
    assert_error(callers["editor"].get(CLAIMS, q="port\x00s"), 400, "invalid")
    assert_error(callers["editor"].get(CLAIMS, assignee="re\x00v"), 400, "invalid")
