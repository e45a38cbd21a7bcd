"""Prior checks: fact-checks other organisations published, imported from ClaimReview
once per review URL, read on our scale through the mapping table, and matched to our
claims for a reviewer to confirm or reject."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from claims.models import Claim
from corroboration.models import (
    Job,
    JobKind,
    JobStatus,
    MatchState,
    PriorCheck,
    PriorCheckMatch,
    RatingMapping,
    claims_already_checked,
    rating_mappings,
)
from corroboration.pipeline import run
from corroboration.rating_labels import rating_key
from corroboration.services import (
    job_claim,
    prior_check_match_decide,
    prior_check_matches_find,
    prior_checks_import,
    prior_checks_import_request,
    rating_mapping_update,
)
from corroboration.tasks import run_job
from sources.claimreviews import ClaimReviewUnreadable
from tests.factories import UserFactory, make_claim

pytestmark = pytest.mark.django_db

DEMO_FEED = Path(__file__).resolve().parents[2] / "demo" / "data" / "claimreviews.json"
INTELLIGENCE = (
    "Russia has provided Iran with information that could help Tehran strike U.S. warships, aircraft and other "
    "assets in the Middle East."
)


def review(n: int, claim: str, rating: str = "False", **fields: Any) -> dict[str, Any]:
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"https://checker.example/checks/{n}?utm_source=feed",
        "claimReviewed": claim,
        "datePublished": "2026-03-09T10:00:00Z",
        "author": {"@type": "Organization", "name": "Checker", "url": "https://checker.example/"},
        "reviewRating": {"@type": "Rating", "alternateName": rating},
        **fields,
    }


def as_bytes(*items: Any) -> bytes:
    return json.dumps(list(items)).encode()


@pytest.fixture
def intelligence():
    return make_claim(statement=INTELLIGENCE, claimant_fields={"attribution_text": "a Kremlin spokesman"})


# --- Importing -------------------------------------------------------------------------------


def test_a_feed_is_kept_once_per_review_url_and_importing_it_again_changes_nothing(intelligence):
    body = as_bytes(review(1, "Russia gave Iran information to strike U.S. warships."), review(2, "Grain rose."))
    first = prior_checks_import(actor=None, body=body, name="feed.json")
    assert (first.read, first.new, first.updated, first.unchanged, first.skipped) == (2, 2, 0, 0, [])
    again = prior_checks_import(actor=None, body=body, name="feed.json")
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)
    assert PriorCheck.objects.count() == 2
    check = PriorCheck.objects.get(url="https://checker.example/checks/1")  # the canonical address
    assert (check.found_by, check.found_in, check.publisher_name) == ("import", "feed.json", "Checker")


def test_a_publishers_corrected_verdict_updates_the_prior_check_it_already_was():
    prior_checks_import(actor=None, body=as_bytes(review(1, "The bridge was closed.", "Unproven")))
    result = prior_checks_import(actor=None, body=as_bytes(review(1, "The bridge was closed.", "Mostly True")))
    assert (result.new, result.updated) == (0, 1)
    check = PriorCheck.objects.get()
    assert (check.rating_text, check.rating_key) == ("Mostly True", "mostly true")


def test_items_missing_fields_are_skipped_with_their_reasons_and_the_rest_is_kept():
    body = as_bytes(
        review(1, "The port reopened on Monday."),
        {**review(2, "The port closed."), "reviewRating": {"@type": "Rating"}},
        review(1, "The same review twice in one file."),
    )
    result = prior_checks_import(actor=None, body=body)
    assert result.new == 1
    assert result.skipped == [
        "item 2 (https://checker.example/checks/2?utm_source=feed): no rating in words (reviewRating.alternateName)",
        "item 2 (https://checker.example/checks/1): the same review appears earlier in the file",
    ]


def test_a_file_that_does_not_parse_is_refused_and_nothing_is_stored():
    with pytest.raises(ClaimReviewUnreadable):
        prior_checks_import(actor=None, body=b'[{"@type": "ClaimReview", "url": "https://x.example/1"')
    assert PriorCheck.objects.count() == 0


def test_a_store_that_fails_part_way_keeps_nothing_of_the_batch(monkeypatch):
    calls = {"n": 0}
    real_save = PriorCheck.save

    def save_then_fail(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("the database went away")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(PriorCheck, "save", save_then_fail)
    with pytest.raises(RuntimeError):
        prior_checks_import(actor=None, body=as_bytes(review(1, "One."), review(2, "Two.")))
    assert PriorCheck.objects.count() == 0


def test_a_feed_fetched_from_an_address_goes_through_the_safe_client(httpserver, settings):
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    settings.FETCH_HOST_INTERVAL = 0
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/feed.json").respond_with_data(DEMO_FEED.read_bytes(), content_type="application/json")
    result = prior_checks_import(actor=None, url=httpserver.url_for("/feed.json"))
    assert (result.shape, result.new) == ("data_feed", 3)
    assert PriorCheck.objects.filter(found_in=httpserver.url_for("/feed.json")).count() == 3


def test_an_address_the_safe_client_refuses_is_never_fetched(settings):
    settings.FETCH_ALLOWED_NETWORKS = []
    with pytest.raises(Exception, match=r"(?i)not allowed|internal|private|loopback"):
        prior_checks_import(actor=None, url="http://127.0.0.1:9/feed.json")
    assert PriorCheck.objects.count() == 0


# --- Our scale, through the mapping table ------------------------------------------------------


def test_publishers_wordings_read_on_our_scale_and_unmapped_ones_stay_text(default_scale):
    prior_checks_import(
        actor=None,
        body=as_bytes(
            review(1, "One.", "Pants on Fire!"), review(2, "Two.", "Half-True"), review(3, "Three.", "Four Pinocchios")
        ),
    )
    mapped = rating_mappings()
    ours = {c.rating_text: mapped.get(c.rating_key) for c in PriorCheck.objects.all()}
    assert ours["Pants on Fire!"].value == "false"
    assert ours["Half-True"].value == "half_true"
    assert ours["Four Pinocchios"] is None  # kept as the publisher wrote it, unmapped
    # An editor maps it, and every prior check with that wording reads the new way at once.
    mapping = RatingMapping.objects.get(label="pants on fire")
    rating_mapping_update(actor=None, mapping=mapping, rating=default_scale.ratings.get(value="mostly_false"))
    annotated = PriorCheck.objects.with_our_rating().get(rating_text="Pants on Fire!")
    assert annotated.our_rating_id == default_scale.ratings.get(value="mostly_false").pk


def test_the_seeded_table_maps_the_common_english_labels():
    expected = {
        "True": "true",
        "Mostly True": "mostly_true",
        "Half True": "half_true",
        "Misleading": "misleading",
        "Mostly False": "mostly_false",
        "False": "false",
        "Unproven": "unproven",
        "Missing context": "misleading",
        "Unverified": "unproven",
        "Incorrect": "false",
    }
    mapped = rating_mappings()
    assert {label: mapped[rating_key(label)].value for label in expected} == expected


def test_a_wording_is_compared_without_case_punctuation_or_spacing():
    assert rating_key("  Half-True! ") == rating_key("half true") == "half true"
    assert rating_key("PANTS ON FIRE") == "pants on fire"


def test_only_editors_map_ratings(reviewer, default_scale):
    with pytest.raises(PermissionDenied):
        rating_mapping_update(
            actor=reviewer, mapping=RatingMapping.objects.first(), rating=default_scale.ratings.get(value="true")
        )


# --- Matching to our claims ------------------------------------------------------------------


def test_a_review_of_the_same_claim_is_suggested_with_its_score_and_reason(intelligence):
    unrelated = make_claim(statement="Russia has been an effective operator in the Middle East.")
    result = prior_checks_import(actor=None, body=DEMO_FEED.read_bytes(), name="demo")
    assert result.claims == [intelligence.pk]
    match = PriorCheckMatch.objects.get()
    assert (match.claim, match.state, match.found_by) == (intelligence, "suggested", "matching")
    assert match.score >= 0.9
    assert "Russia" in match.reason
    assert "Tehran" in match.reason
    assert "of what distinguishes the reviewed one" in match.reason
    assert not PriorCheckMatch.objects.filter(claim=unrelated).exists()  # it shares the words, not the claim


def test_a_new_claim_is_matched_to_the_prior_checks_already_stored():
    prior_checks_import(actor=None, body=DEMO_FEED.read_bytes())
    claim = make_claim(statement=INTELLIGENCE)
    counts = prior_check_matches_find(claims=[claim])
    assert (counts["new"], counts["claims"]) == (1, [claim.pk])
    assert list(claims_already_checked(Claim.objects.all())) == [claim]


def test_one_review_may_match_several_claims():
    first = make_claim(statement=INTELLIGENCE)
    second = make_claim(statement=INTELLIGENCE.replace("Middle East", "region"))
    prior_checks_import(actor=None, body=DEMO_FEED.read_bytes())
    assert set(PriorCheckMatch.objects.values_list("claim", flat=True)) == {first.pk, second.pk}
    assert PriorCheck.objects.filter(matches__isnull=False).distinct().count() == 1


def test_matching_again_keeps_a_reviewers_decision_and_drops_a_stale_suggestion(intelligence, reviewer):
    prior_checks_import(actor=None, body=DEMO_FEED.read_bytes())
    match = PriorCheckMatch.objects.get()
    prior_check_match_decide(actor=reviewer, match=match, state=MatchState.REJECTED)
    prior_check_matches_find(claims=[intelligence])
    match.refresh_from_db()
    assert (match.state, match.decided_by) == ("rejected", reviewer)
    assert list(claims_already_checked(Claim.objects.all())) == []  # rejected: no longer flagged
    # A suggestion whose claim was reworded beyond it goes away when matched again.
    other = make_claim(statement=INTELLIGENCE)
    prior_check_matches_find(claims=[other])
    Claim.objects.filter(pk=other.pk).update(statement="The harbour reopened on Monday after repairs.")
    other.refresh_from_db()
    prior_check_matches_find(prior_checks=PriorCheck.objects.all())
    assert not PriorCheckMatch.objects.filter(claim=other).exists()


def test_reviewers_confirm_or_reject_matches_and_others_cannot(intelligence, reviewer, editor, roles):
    prior_checks_import(actor=None, body=DEMO_FEED.read_bytes())
    match = PriorCheckMatch.objects.get()
    confirmed = prior_check_match_decide(actor=reviewer, match=match, state=MatchState.CONFIRMED)
    assert (confirmed.state, confirmed.decided_by) == ("confirmed", reviewer)
    assert confirmed.decided_at is not None
    rejected = prior_check_match_decide(actor=editor, match=match, state=MatchState.REJECTED)
    assert (rejected.state, rejected.decided_by) == ("rejected", editor)
    with pytest.raises(ValidationError):
        prior_check_match_decide(actor=editor, match=match, state=MatchState.SUGGESTED)
    nobody = UserFactory(username="no-role")
    with pytest.raises(PermissionDenied):
        prior_check_match_decide(actor=nobody, match=match, state=MatchState.CONFIRMED)


# --- The command -------------------------------------------------------------------------------


def test_the_command_prints_what_it_kept_skipped_and_matched(intelligence, tmp_path):
    path = tmp_path / "feed.json"
    path.write_bytes(as_bytes(review(1, INTELLIGENCE, "Unproven"), {**review(2, "x"), "claimReviewed": ""}))
    out = StringIO()
    call_command("import_claimreviews", str(path), stdout=out)
    text = out.getvalue()
    assert f"Read 2 items from {path} (a list of ClaimReviews): 1 new, 0 updated, 0 unchanged, 1 skipped." in text
    assert "no claimReviewed (the claim that was checked)" in text
    assert f"Matched to our claims: 1 new match (claim #{intelligence.pk})." in text


def test_the_command_refuses_a_file_that_does_not_parse_with_a_non_zero_exit(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"@type": "DataFeed", "dataFeedElement": [')
    with pytest.raises(CommandError, match=r"not valid JSON.*Nothing was imported"):
        call_command("import_claimreviews", str(path))
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("import_claimreviews", str(tmp_path / "missing.json"))
    assert PriorCheck.objects.count() == 0


def test_the_demo_feed_reads_whole():
    out = StringIO()
    call_command("import_claimreviews", str(DEMO_FEED), stdout=out)
    assert "3 new, 0 updated, 0 unchanged, 0 skipped" in out.getvalue()


# --- As a job ----------------------------------------------------------------------------------


def test_an_editors_upload_is_read_at_once_and_imported_by_the_job(editor, intelligence):
    job = prior_checks_import_request(actor=editor, body=DEMO_FEED.read_bytes(), name="demo.json")
    assert (job.kind, job.status, job.params["items"]) == (JobKind.IMPORT_CLAIMREVIEWS, JobStatus.QUEUED, 3)
    claimed = job_claim(job.pk)
    counts = run(claimed)
    assert (counts["new"], counts["matches"], counts["claims"]) == (3, 1, [intelligence.pk])


def test_an_upload_that_does_not_parse_is_refused_before_any_job(editor):
    with pytest.raises(ValidationError, match="not valid JSON"):
        prior_checks_import_request(actor=editor, body=b"[{", name="broken.json")
    assert Job.objects.count() == 0


def test_only_editors_import(reviewer):
    with pytest.raises(PermissionDenied):
        prior_checks_import_request(actor=reviewer, body=DEMO_FEED.read_bytes())


def test_a_job_whose_page_holds_no_claimreview_fails_at_once_without_retrying(
    editor, settings, httpserver, monkeypatch
):
    # The task closes stale connections as a worker should; here that would be the test's own.
    monkeypatch.setattr("corroboration.tasks.close_old_connections", lambda: None)
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    settings.FETCH_HOST_INTERVAL = 0
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/page").respond_with_data("<html><p>hello</p></html>", content_type="text/html")
    job = prior_checks_import_request(actor=editor, url=httpserver.url_for("/page"))
    assert run_job(job.pk) == "failed"
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.FAILED, 1)
    assert "no ClaimReview" in job.error


# --- The admin -------------------------------------------------------------------------------


def test_an_editor_uploads_a_feed_in_the_admin_and_a_broken_one_is_refused(
    client, editor, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    url = "/admin/corroboration/priorcheck/import/"
    assert "Import ClaimReview" in client.get("/admin/corroboration/priorcheck/").content.decode()
    broken = client.post(url, {"file": SimpleUploadedFile("broken.json", b"[{", "application/json")})
    assert broken.status_code == 200
    assert "The file is not valid JSON" in broken.content.decode()
    assert not Job.objects.exists()
    with django_capture_on_commit_callbacks(execute=False):
        done = client.post(url, {"file": SimpleUploadedFile("demo.json", DEMO_FEED.read_bytes(), "application/json")})
    assert done.status_code == 302
    job = Job.objects.get()
    assert (job.kind, job.params["name"], job.params["items"]) == (JobKind.IMPORT_CLAIMREVIEWS, "demo.json", 3)


def test_a_reviewer_cannot_reach_the_import(client, reviewer):
    client.force_login(reviewer)
    assert client.get("/admin/corroboration/priorcheck/import/").status_code in (302, 403)


def test_editors_keep_the_mapping_table_in_the_admin(client, editor, default_scale):
    client.force_login(editor)
    response = client.post(
        "/admin/corroboration/ratingmapping/add/",
        {"label": "Four Pinocchios", "example": "", "rating": default_scale.ratings.get(value="false").pk},
    )
    assert response.status_code == 302
    mapping = RatingMapping.objects.get(label="four pinocchios")
    assert mapping.example == "Four Pinocchios"
    client.post(f"/admin/corroboration/ratingmapping/{mapping.pk}/delete/", {"post": "yes"})
    assert not RatingMapping.objects.filter(label="four pinocchios").exists()
