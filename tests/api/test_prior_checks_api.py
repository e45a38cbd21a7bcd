"""Prior checks over the API: a claim's matches read by the newsroom and its read and
write tokens (never submit tokens or callers without credentials), confirmed or
rejected by reviewers and editors, imported by editors as a job (202)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from corroboration.models import Job, JobKind, PriorCheckMatch
from corroboration.services import prior_checks_import
from tests.api.conftest import mismatches, row
from tests.factories import make_claim

pytestmark = pytest.mark.django_db

DEMO_FEED = Path(__file__).resolve().parents[2] / "demo" / "data" / "claimreviews.json"
INTELLIGENCE = (
    "Russia has provided Iran with information that could help Tehran strike U.S. warships, aircraft and other "
    "assets in the Middle East."
)


@pytest.fixture
def matched():
    claim = make_claim(statement=INTELLIGENCE)
    prior_checks_import(actor=None, body=DEMO_FEED.read_bytes())
    return PriorCheckMatch.objects.get(claim=claim)


def test_a_claims_prior_checks_are_read_by_the_newsroom_and_its_read_and_write_tokens(callers, matched):
    url = f"/api/v1/claims/{matched.claim_id}/prior-checks/"
    # anonymous, reviewer, editor, read/submit/write tokens (reviewer), (editor), expired, revoked
    expected = row(401, 200, 200, 200, 403, 200, 200, 403, 200, 401, 401)
    assert mismatches(callers, expected, lambda c: c.get(url)) == []


def test_one_match_is_read_the_same_way(callers, matched):
    expected = row(401, 200, 200, 200, 403, 200, 200, 403, 200, 401, 401)
    assert mismatches(callers, expected, lambda c: c.get(f"/api/v1/prior-checks/{matched.pk}/")) == []


def test_the_list_gives_each_match_with_the_prior_check_on_both_scales(callers, matched):
    data = callers["read_token_reviewer"].get(f"/api/v1/claims/{matched.claim_id}/prior-checks/").json()
    assert data["count"] == 1
    (item,) = data["results"]
    assert item["id"] == matched.pk
    assert (item["claim"], item["state"], item["found_by"]) == (matched.claim_id, "suggested", "matching")
    assert item["score"] >= 0.9
    assert item["reason"]
    check = item["prior_check"]
    assert check["publisher_name"] == "Northfield Verify"
    assert (check["rating_text"], check["our_rating"]) == ("Unproven", "unproven")
    assert check["our_rating_label"] == "Unproven"
    assert check["url"] == "https://northfieldverify.example/checks/2026/03/russia-iran-targeting-information"
    assert check["review_date"].startswith("2026-03-09")


def test_a_submit_token_is_told_which_tokens_may_read_prior_checks(callers, matched):
    response = callers["submit_token_editor"].get(f"/api/v1/claims/{matched.claim_id}/prior-checks/")
    assert response.json() == {
        "detail": "A submit token cannot do this; it needs a read or write token.",
        "code": "permission_denied",
    }


@pytest.mark.parametrize("decision", ["confirm", "reject"])
def test_reviewers_and_editors_confirm_or_reject_a_match(callers, matched, decision):
    url = f"/api/v1/prior-checks/{matched.pk}/{decision}/"
    expected = row(401, 200, 200, 403, 403, 200, 403, 403, 200, 401, 401)
    assert mismatches(callers, expected, lambda c: c.post(url)) == []
    state = {"confirm": "confirmed", "reject": "rejected"}[decision]
    response = callers["write_token_reviewer"].post(url)
    assert (response.json()["state"], response.json()["decided_by"]) == (state, "rev")


def test_only_editors_import_and_the_answer_is_the_job(callers, public_dns, django_capture_on_commit_callbacks):
    body = {"url": "https://northfieldverify.example/feeds/claimreview.json"}
    expected = row(401, 403, 202, 403, 403, 403, 403, 403, 202, 401, 401)
    with django_capture_on_commit_callbacks(execute=False):
        assert mismatches(callers, expected, lambda c: c.post("/api/v1/prior-checks/import/", body)) == []
    job = Job.objects.filter(kind=JobKind.IMPORT_CLAIMREVIEWS).latest("pk")
    assert job.params["url"] == body["url"]


def test_an_uploaded_file_is_read_at_once_and_queued(callers, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("feed.json", DEMO_FEED.read_bytes(), content_type="application/json")
    with django_capture_on_commit_callbacks(execute=False):
        response = callers["editor"].client.post("/api/v1/prior-checks/import/", {"file": upload}, format="multipart")
    assert response.status_code == 202, response.content
    job = response.json()
    assert (job["kind"], job["status"]) == ("import_claimreviews", "queued")
    followed = callers["editor"].get(f"/api/v1/jobs/{job['id']}/")
    assert followed.status_code == 200


def test_an_upload_that_does_not_parse_is_a_400_and_queues_nothing(callers):
    upload = SimpleUploadedFile("feed.json", b'{"@type": "DataFeed", "dataFeedElement": [', "application/json")
    response = callers["write_token_editor"].client.post(
        "/api/v1/prior-checks/import/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "invalid"
    assert "not valid JSON" in error["fields"]["file"][0]
    assert not Job.objects.filter(kind=JobKind.IMPORT_CLAIMREVIEWS).exists()


def test_an_import_needs_a_web_address_or_a_file(callers):
    response = callers["editor"].post("/api/v1/prior-checks/import/", {"url": "ftp://files.example/feed.json"})
    assert response.status_code == 400
    assert "url" in response.json()["fields"]
    assert callers["editor"].post("/api/v1/prior-checks/import/", {}).status_code == 400


def test_a_claims_prior_checks_take_the_same_queries_for_one_match_as_for_many(callers):
    def reviews(count: int) -> bytes:
        items = [
            {
                "@type": "ClaimReview",
                "url": f"https://checker{n}.example/check",
                "claimReviewed": INTELLIGENCE,
                "author": {"@type": "Organization", "name": f"Checker {n}"},
                "reviewRating": {"@type": "Rating", "alternateName": "Unproven"},
            }
            for n in range(count)
        ]
        return json.dumps(items).encode()

    one, many = make_claim(statement=INTELLIGENCE), make_claim(statement=INTELLIGENCE + " ")
    prior_checks_import(actor=None, body=reviews(1))
    assert PriorCheckMatch.objects.filter(claim=one).count() == 1
    prior_checks_import(actor=None, body=reviews(5))
    PriorCheckMatch.objects.filter(claim=one).exclude(prior_check__url="https://checker0.example/check").delete()
    assert PriorCheckMatch.objects.filter(claim=many).count() == 5

    def queries(claim) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert callers["reviewer"].get(f"/api/v1/claims/{claim.pk}/prior-checks/").status_code == 200
        return len(captured)

    assert queries(one) == queries(many)
