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


# --- Every address and method under /api/ answers in the one format -----------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/v1/claims/1/nothing/", "/api/elsewhere"])
def test_a_write_to_an_unknown_address_is_a_json_404_not_a_csrf_page(reviewer, method, path):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(reviewer)  # a session: the case Django's CSRF check would catch
    assert_error(getattr(client, method)(path, {"a": 1}, format="json"), 404, "not_found")


def test_a_session_write_without_its_csrf_token_is_refused_in_json(reviewer, default_scale):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(reviewer)
    body = assert_error(client.post(CLAIMS, {"statement": "x"}, format="json"), 403, "permission_denied")
    assert "CSRF" in body["detail"]


@pytest.mark.parametrize(
    ("method", "path"), [("post", "/api/schema/"), ("post", "/api/docs/"), ("delete", "/api/redoc/")]
)
def test_the_schema_and_its_readers_refuse_other_methods_in_json(callers, method, path):
    response = getattr(callers["editor"].client, method)(path)
    assert_error(response, 405, "method_not_allowed")


def test_a_server_error_under_the_api_is_json(callers, monkeypatch):
    from claims.api import ClaimViewSet

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(ClaimViewSet, "list", broken)
    client = callers["editor"].client
    client.raise_request_exception = False
    body = assert_error(client.get(CLAIMS), 500, "server_error")
    assert "a bug" not in body["detail"]


@pytest.mark.parametrize("depth", [33, 100_000])
def test_deeply_nested_json_is_a_400_not_a_500(callers, depth):
    body = '{"statement": ' + "[" * depth + "]" * depth + "}"
    response = callers["editor"].client.post(CLAIMS, body, content_type="application/json")
    detail = assert_error(response, 400, "parse_error")["detail"]
    assert "nests more than 32 levels" in detail


def test_json_nested_within_the_limit_is_read_as_usual(callers):
    body = '{"statement": ' + "[" * 31 + "]" * 31 + "}"
    response = callers["editor"].client.post(CLAIMS, body, content_type="application/json")
    assert_error(response, 400, "invalid")  # a list is not a statement, but the body was read


@pytest.mark.parametrize("page", ["0", "1000001", "9" * 19, "9" * 400, "-1", "two"])
def test_a_page_out_of_range_gets_a_true_message(callers, page):
    body = assert_error(callers["editor"].get(CLAIMS, page=page), 400, "invalid")
    assert body["fields"]["page"] == ["Must be a whole number from 1 to 1000000."]


def test_the_schema_is_as_strict_as_the_server_about_text_and_pages(callers):
    spec = callers["anonymous"].get("/api/schema/", format="json").json()
    statement = spec["components"]["schemas"]["ClaimCreateInput"]["properties"]["statement"]
    assert statement["minLength"] == 1
    assert statement["pattern"] == r"\S"  # all spaces is refused as blank
    page = next(p for p in spec["paths"][CLAIMS]["get"]["parameters"] if p["name"] == "page")
    assert page["schema"]["maximum"] == 1_000_000
    for blank in ("", "   "):
        payload = {"statement": blank, "attributions": [{"source": SourceFactory().pk, "role": "claimant"}]}
        assert "statement" in assert_error(callers["editor"].post(CLAIMS, payload), 400, "invalid")["fields"]


def test_the_corroboration_ledger_is_described_as_one_object(callers):
    spec = callers["anonymous"].get("/api/schema/", format="json").json()
    operation = spec["paths"]["/api/v1/claims/{claim_id}/corroboration/"]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/Ledger"}
    assert not any(p["name"] in ("page", "page_size") for p in operation["parameters"])


def test_a_request_refused_before_any_view_is_still_json(db):
    # An unknown host name: Django refuses it before routing (DisallowedHost, a 400).
    response = APIClient().get(CLAIMS, HTTP_HOST="not-our-site.example")
    assert_error(response, 400, "bad_request")
