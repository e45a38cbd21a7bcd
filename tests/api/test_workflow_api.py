"""The workflow over the API: who may take each transition (product.md §1 and §3, as a
table), the whole path from a submitted claim to its ClaimReview, stale versions,
guards and four-eyes."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from claims.models import Claim
from reviews.models import AP_CONDITIONS, Review, Transition
from reviews.services import review_update, sourcing_sign_off, transition_take
from tests.api.conftest import CALLERS, Caller, make_token, mismatches, new_source_claim, row, token_client
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

CLAIMS = "/api/v1/claims/"


def transition(caller: Caller, claim: Claim, name: str, **params: Any) -> Any:
    claim.refresh_from_db()
    return caller.post(f"{CLAIMS}{claim.pk}/transitions/", {"transition": name, "version": claim.version, **params})


# --- The permission matrix --------------------------------------------------------------------
#                                 anon rev  ed   rR   sR   wR   rE   sE   wE   exp  revk
EDITORS_ONLY = row(               401, 403, 201, 403, 403, 403, 403, 403, 201, 401, 401)  # fmt: skip
ASSIGNED_REVIEWER = row(          401, 201, 201, 403, 403, 201, 403, 403, 201, 401, 401)  # fmt: skip
WRITE_REVIEW = row(               401, 201, 201, 403, 403, 201, 403, 403, 201, 401, 401)  # fmt: skip
CHANGE_REVIEW = row(              401, 200, 200, 403, 403, 200, 403, 403, 200, 401, 401)  # fmt: skip
READ_ALL = row(                   200, 200, 200, 200, 200, 200, 200, 200, 200, 401, 401)  # fmt: skip
READ_UNPUBLISHED = row(           404, 200, 200, 200, 404, 200, 200, 404, 200, 401, 401)  # fmt: skip
LOG_PUBLISHED = row(              401, 200, 200, 200, 403, 200, 200, 403, 200, 401, 401)  # fmt: skip
LOG_UNPUBLISHED = row(            401, 200, 200, 200, 404, 200, 200, 404, 200, 401, 401)  # fmt: skip


def cases(workflow: Any, published: Claim) -> list[tuple[str, dict[str, int], Any]]:
    def draft_ready(c):
        claim = workflow.researching()
        workflow.draft(claim)
        return transition(c, claim, "submit_for_review")

    def write_review(c):
        claim = workflow.researching()
        claim.refresh_from_db()
        data = {"version": claim.version, "rating": "mostly_true", "rationale": "Two records agree."}
        return c.post(f"{CLAIMS}{claim.pk}/reviews/", data)

    def change_review(c):
        claim = workflow.researching()
        review = workflow.draft(claim)
        claim.refresh_from_db()
        return c.patch(f"{CLAIMS}{claim.pk}/reviews/{review.pk}/", {"version": claim.version, "summary": "Mostly."})

    def sign_off(c):
        claim = workflow.researching(anonymous=True)
        claim.refresh_from_db()
        return c.post(f"{CLAIMS}{claim.pk}/sign-off/", {"version": claim.version, **dict.fromkeys(AP_CONDITIONS, True)})

    def read_sign_offs(c):
        claim = workflow.researching(anonymous=True)
        sourcing_sign_off(actor=workflow.editor, claim=claim, **dict.fromkeys(AP_CONDITIONS, True))
        return c.get(f"{CLAIMS}{claim.pk}/sign-off/")

    def read_a_sign_off(c):
        claim = workflow.researching(anonymous=True)
        signoff = sourcing_sign_off(actor=workflow.editor, claim=claim, **dict.fromkeys(AP_CONDITIONS, True))
        return c.get(f"{CLAIMS}{claim.pk}/sign-off/{signoff.pk}/")

    def read_a_transition(c):
        logged = published.transitions.order_by("pk").first()
        return c.get(f"{CLAIMS}{published.pk}/transitions/{logged.pk}/")

    return [
        ("POST sign-off", EDITORS_ONLY, sign_off),
        ("GET sign-off", LOG_UNPUBLISHED, read_sign_offs),
        ("GET sign-off/{id}", LOG_UNPUBLISHED, read_a_sign_off),
        ("GET transitions/{id} of a published claim", LOG_PUBLISHED, read_a_transition),
        ("accept", EDITORS_ONLY, lambda c: transition(c, workflow.submitted(), "accept", priority=3)),
        ("reject", EDITORS_ONLY, lambda c: transition(c, workflow.submitted(), "reject", reason="opinion")),
        ("restore", EDITORS_ONLY, lambda c: transition(c, workflow.rejected(), "restore")),
        ("submit_for_review", ASSIGNED_REVIEWER, draft_ready),
        ("send_back", EDITORS_ONLY, lambda c: transition(c, workflow.in_review(), "send_back", note="Find a record.")),
        ("publish", EDITORS_ONLY, lambda c: transition(c, workflow.in_review(), "publish")),
        ("reopen", EDITORS_ONLY, lambda c: transition(c, workflow.published(), "reopen", note="Wrong date.")),
        ("POST reviews", WRITE_REVIEW, write_review),
        ("PATCH reviews/{id}", CHANGE_REVIEW, change_review),
        ("GET reviews of a published claim", READ_ALL, lambda c: c.get(f"{CLAIMS}{published.pk}/reviews/")),
        (
            "GET reviews of an unpublished claim",
            READ_UNPUBLISHED,
            lambda c: c.get(f"{CLAIMS}{workflow.submitted().pk}/reviews/"),
        ),
        (
            "GET transitions of a published claim",
            LOG_PUBLISHED,
            lambda c: c.get(f"{CLAIMS}{published.pk}/transitions/"),
        ),
    ]


# Only the names are read here; the calls that would use the claims are never made.
CASE_NAMES = [name for name, _, _ in cases(None, None)]  # type: ignore[arg-type]


@pytest.mark.parametrize("case", CASE_NAMES)
def test_every_caller_gets_what_the_policy_says(case, callers, workflow):
    published = workflow.published()
    _, expected, call = next(c for c in cases(workflow, published) if c[0] == case)
    assert mismatches(callers, expected, call) == []


def test_the_public_sees_published_verdicts_only(callers, workflow):
    claim = workflow.published()
    assert callers["anonymous"].get(f"{CLAIMS}{claim.pk}/reviews/").json()["count"] == 1
    workflow.draft(claim_transition_reopen(workflow, claim))
    public = callers["anonymous"]
    assert public.get(f"{CLAIMS}{claim.pk}/").status_code == 404  # reopened: no longer published
    newsroom = callers["reviewer"].get(f"{CLAIMS}{claim.pk}/reviews/").json()
    assert newsroom["count"] == 2  # the withdrawn verdict and the new draft


def claim_transition_reopen(workflow: Any, claim: Claim) -> Claim:
    transition_take(actor=workflow.editor, claim=claim, name="reopen", note="The date was wrong.")
    return claim


# --- The whole path, as an integrator would take it ------------------------------------------


def test_from_submission_to_claimreview_over_the_api(callers, editor2, reviewer):
    cms = callers["submit_token_reviewer"]
    desk = callers["write_token_editor"]
    fact_checker = callers["write_token_reviewer"]
    _, second_editor_key = make_token(editor2, "write")
    second_editor = Caller("second editor", token_client(second_editor_key), editor2)

    created = cms.post(CLAIMS, new_source_claim("The harbour reopened to tankers on Monday."))
    assert created.status_code == 201
    claim_id, version = created.json()["id"], created.json()["version"]
    url = f"{CLAIMS}{claim_id}/"

    accepted = desk.post(
        f"{url}transitions/", {"transition": "accept", "version": version, "assignee": "rev", "priority": 4}
    )
    assert accepted.status_code == 201, accepted.json()
    state = accepted.json()["claim"]
    assert (state["status"], state["assignee"], state["priority"]) == ("researching", "rev", 4)
    assert accepted.json()["transition"]["name"] == "accept"

    article = ArticleFactory()
    review = fact_checker.post(
        f"{url}reviews/",
        {
            "version": state["version"],
            "rating": "mostly_true",
            "confidence": "likely",
            "summary": "The harbour reopened, but to some tankers only.",
            "rationale": "The port authority's notice and two shipping records.",
            "evidence_articles": [article.pk],
            "evidence_urls": ["https://port.example/notices/12"],
        },
    )
    assert review.status_code == 201, review.json()
    version = Claim.objects.get(pk=claim_id).version

    submitted = fact_checker.post(f"{url}transitions/", {"transition": "submit_for_review", "version": version})
    assert submitted.status_code == 201
    version = submitted.json()["claim"]["version"]

    # A reviewer's token cannot publish; the desk editor can.
    refused = fact_checker.post(f"{url}transitions/", {"transition": "publish", "version": version})
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    assert "editor" in refused.json()["detail"]

    published = second_editor.post(f"{url}transitions/", {"transition": "publish", "version": version, "note": "OK"})
    assert published.status_code == 201, published.json()
    assert published.json()["claim"]["status"] == "published"
    assert published.json()["claim"]["rating"] == "mostly_true"

    # The integration that submitted it, and everyone else, now read its ClaimReview.
    for caller in (cms, callers["anonymous"]):
        claimreview = caller.get(f"{url}claimreview/")
        assert claimreview.status_code == 200
        assert claimreview.json()["@type"] == "ClaimReview"
        assert claimreview.json()["reviewRating"]["alternateName"]
    feed = callers["anonymous"].get("/api/v1/claimreviews/").json()
    assert len(feed["dataFeedElement"]) == 1
    assert feed["dataFeedElement"][0]["item"]["claimReviewed"] == "The harbour reopened to tankers on Monday."
    log = cms.get(f"{url}transitions/").json()
    assert [t["name"] for t in log["results"]] == ["publish", "submit_for_review", "accept"]
    assert Transition.objects.filter(claim_id=claim_id).count() == 3


def test_a_stale_version_is_a_409_with_the_current_version(callers, workflow):
    claim = workflow.submitted()
    seen = claim.version
    first = callers["editor"].post(f"{CLAIMS}{claim.pk}/transitions/", {"transition": "accept", "version": seen})
    assert first.status_code == 201
    second = callers["write_token_editor"].post(
        f"{CLAIMS}{claim.pk}/transitions/", {"transition": "reject", "version": seen, "reason": "opinion"}
    )
    assert second.status_code == 409
    assert second.json()["current_version"] == seen + 1
    assert second.json()["code"] == "stale_version"
    assert Transition.objects.filter(claim=claim).count() == 1


def test_a_version_is_required(callers, workflow):
    claim = workflow.submitted()
    response = callers["editor"].post(f"{CLAIMS}{claim.pk}/transitions/", {"transition": "accept"})
    assert response.status_code == 400
    assert response.json()["fields"] == {"version": ["This field is required."]}


@pytest.mark.parametrize(
    ("start", "name", "params", "message"),
    [
        ("in_review", "send_back", {}, "Add a note saying what needs more work."),
        ("published", "reopen", {}, "Give the correction reason"),
        ("submitted", "reject", {}, "Give a reason for rejecting"),
        ("submitted", "reject", {"reason": "duplicate"}, "A duplicate needs a link to the claim it duplicates."),
        ("researching", "submit_for_review", {}, "Write a draft review first"),
        ("submitted", "publish", {}, "cannot take “Publish”"),
    ],
)
def test_a_failed_guard_is_a_400_with_its_message(callers, workflow, start, name, params, message):
    claim = getattr(workflow, start)()
    response = transition(callers["editor"], claim, name, **params)
    assert response.status_code == 400
    body = response.json()
    assert message in body["detail"] + " ".join(m for ms in body.get("fields", {}).values() for m in ms)


def test_rejecting_as_a_duplicate_links_the_claim(callers, workflow):
    original, duplicate = workflow.submitted(), workflow.submitted()
    response = transition(callers["editor"], duplicate, "reject", reason="duplicate", duplicate_of=original.pk)
    assert response.status_code == 201
    relations = callers["editor"].get(f"{CLAIMS}{duplicate.pk}/relations/").json()["results"]
    assert [(r["kind"], r["to_claim"]["id"]) for r in relations] == [("duplicate_of", original.pk)]


def test_an_unknown_transition_or_assignee_is_a_400(callers, workflow):
    claim = workflow.submitted()
    assert transition(callers["editor"], claim, "approve").json()["fields"].keys() == {"transition"}
    assert transition(callers["editor"], claim, "accept", assignee="nobody").json()["fields"].keys() == {"assignee"}
    # Text PostgreSQL cannot compare (a NUL, a lone surrogate) is refused before any query.
    for odd in ("re\\u0000v", "re\\ud800v"):
        body = f'{{"transition": "accept", "version": {claim.version}, "assignee": "{odd}"}}'
        url = f"{CLAIMS}{claim.pk}/transitions/"
        response = callers["editor"].client.post(url, body, content_type="application/json")
        assert response.json()["fields"].keys() == {"assignee"}


def test_four_eyes_an_editor_who_edited_the_review_cannot_publish_it(callers, workflow, editor):
    claim = workflow.in_review()
    review = Review.objects.get(claim=claim)
    review_update(actor=editor, review=review, summary="Tightened the summary.")
    response = transition(callers["write_token_editor"], claim, "publish")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Four eyes")
    claim.refresh_from_db()
    assert claim.status == "in_review"


def test_a_transition_over_the_api_notifies_after_commit(callers, workflow, django_capture_on_commit_callbacks):
    claim = workflow.submitted()
    with django_capture_on_commit_callbacks() as callbacks:
        response = transition(callers["editor"], claim, "accept", assignee="rev")
    assert response.status_code == 201
    assert len(callbacks) >= 1  # side effects are queued, to run once the transaction commits
    assert mail.outbox == []


def test_every_caller_row_is_complete():
    # Only the expectations are read; the calls that would use the claims are never made.
    assert all(len(expected) == len(CALLERS) for _, expected, _ in cases(None, None))  # type: ignore[arg-type]


# --- The standards sign-off ---------------------------------------------------------------


def test_an_anonymous_source_claim_can_be_published_through_the_api_alone(callers, workflow):
    claim = workflow.in_review(anonymous=True)
    editor = callers["write_token_editor"]
    refused = transition(editor, claim, "publish")
    assert refused.status_code == 400
    assert "sign off" in refused.json()["detail"]
    claim.refresh_from_db()
    signed = editor.post(
        f"{CLAIMS}{claim.pk}/sign-off/",
        {"version": claim.version, "note": "Checked with the desk.", **dict.fromkeys(AP_CONDITIONS, True)},
    )
    assert signed.status_code == 201, signed.content
    assert signed.json()["signed_by"] == "ed"
    assert signed.json()["claim_version"] == claim.version + 1
    assert transition(editor, claim, "publish").status_code == 201


def test_a_sign_off_needs_every_condition_and_anonymous_sourcing(callers, workflow):
    editor = callers["write_token_editor"]
    claim = workflow.researching(anonymous=True)
    claim.refresh_from_db()
    conditions = {**dict.fromkeys(AP_CONDITIONS, True), "reason_stated": False}
    unmet = editor.post(f"{CLAIMS}{claim.pk}/sign-off/", {"version": claim.version, **conditions})
    assert unmet.status_code == 400
    assert any(AP_CONDITIONS["reason_stated"] in m for m in unmet.json()["fields"]["conditions"])
    named = workflow.researching()
    named.refresh_from_db()
    needless = editor.post(
        f"{CLAIMS}{named.pk}/sign-off/", {"version": named.version, **dict.fromkeys(AP_CONDITIONS, True)}
    )
    assert needless.status_code == 400
    assert "needs no sign-off" in needless.json()["detail"]
    missing = editor.post(f"{CLAIMS}{claim.pk}/sign-off/", {"version": claim.version})
    assert set(missing.json()["fields"]) == set(AP_CONDITIONS)
