"""HTTP as integrators expect it: Location on what a POST created, OPTIONS answered with
the methods it lists in Allow, and CORS only for the origins configured."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.api.conftest import new_source_claim

pytestmark = pytest.mark.django_db

CLAIMS = "/api/v1/claims/"


def test_a_created_claim_says_where_it_lives(callers):
    response = callers["write_token_editor"].post(CLAIMS, new_source_claim())
    assert response.status_code == 201
    assert response["Location"] == f"http://testserver{CLAIMS}{response.json()['id']}/"
    assert callers["write_token_editor"].get(response["Location"]).json()["id"] == response.json()["id"]


def test_a_taken_transition_points_at_its_row_of_the_log(callers, workflow):
    claim = workflow.submitted()
    caller = callers["write_token_editor"]
    response = caller.post(f"{CLAIMS}{claim.pk}/transitions/", {"transition": "accept", "version": claim.version})
    assert response.status_code == 201
    logged = caller.get(response["Location"])
    assert logged.status_code == 200
    assert logged.json()["name"] == "accept"


def test_a_search_started_points_at_its_job(callers, workflow):
    claim = workflow.researching()
    caller = callers["write_token_editor"]
    response = caller.post(f"{CLAIMS}{claim.pk}/find-coverage/")
    assert response.status_code == 202
    assert response["Location"].endswith(f"/api/v1/jobs/{response.json()['id']}/")


@pytest.mark.parametrize("path", [CLAIMS, f"{CLAIMS}1/", f"{CLAIMS}1/transitions/", "/api/v1/claimreviews/"])
def test_options_is_answered_with_the_methods_allow_lists(callers, path):
    response = callers["anonymous"].client.options(path)
    assert response.status_code == 200
    allowed = {m.strip() for m in response["Allow"].split(",")}
    assert "OPTIONS" in allowed
    assert set(response.json()["methods"]) == allowed
    assert response.json()["schema"].endswith("/api/schema/")


def test_every_method_allow_lists_is_one_the_endpoint_answers(callers, workflow):
    claim = workflow.submitted()
    client = callers["editor"].client
    for path in (CLAIMS, f"{CLAIMS}{claim.pk}/", f"{CLAIMS}{claim.pk}/attributions/"):
        for method in client.options(path)["Allow"].split(","):
            response = client.generic(method.strip(), path, "{}", content_type="application/json")
            assert response.status_code != 405, (method, path)


def test_cors_answers_no_origin_by_default(callers):
    response = APIClient().get(CLAIMS, HTTP_ORIGIN="https://cms.example.org")
    assert "Access-Control-Allow-Origin" not in response


def test_cors_answers_the_configured_origins_only(settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://cms.example.org"]
    allowed = APIClient().get(CLAIMS, HTTP_ORIGIN="https://cms.example.org")
    assert allowed["Access-Control-Allow-Origin"] == "https://cms.example.org"
    assert "RateLimit-Remaining" in allowed["Access-Control-Expose-Headers"]
    assert "Location" in allowed["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in allowed
    other = APIClient().get(CLAIMS, HTTP_ORIGIN="https://elsewhere.example.net")
    assert "Access-Control-Allow-Origin" not in other


def test_a_preflight_for_a_post_with_a_token_and_a_key_is_allowed(settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://cms.example.org"]
    response = APIClient().options(
        CLAIMS,
        HTTP_ORIGIN="https://cms.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, idempotency-key",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "https://cms.example.org"
    allowed_headers = response["Access-Control-Allow-Headers"].lower()
    assert {"authorization", "content-type", "idempotency-key"} <= {h.strip() for h in allowed_headers.split(",")}


def test_the_pages_are_not_opened_to_other_origins(settings, client):
    settings.CORS_ALLOWED_ORIGINS = ["https://cms.example.org"]
    response = client.get("/accounts/login/", HTTP_ORIGIN="https://cms.example.org")
    assert "Access-Control-Allow-Origin" not in response
