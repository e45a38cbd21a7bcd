"""Coverage over the API: read per the policy, stances confirmed by reviewers and
editors, "find coverage" answering 202 with the job, the ledger with Appendix A names."""

from __future__ import annotations

import pytest

from corroboration.models import Coverage, Job, JobKind, JobStatus
from corroboration.services import coverage_match
from tests.api.conftest import mismatches, row
from tests.corroboration.corpus import store_corpus
from tests.corroboration.test_pipeline import claim as corpus_claim  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def matched(corpus_claim):  # noqa: F811
    store_corpus()
    coverage_match(corpus_claim)
    return corpus_claim


def test_coverage_is_read_by_the_newsroom(callers, matched):
    url = f"/api/v1/claims/{matched.pk}/coverage/"
    # anonymous, reviewer, editor, read/submit/write tokens (reviewer), (editor), expired, revoked;
    # a submit token did not create this unpublished claim, so for it the claim does not exist.
    expected = row(401, 200, 200, 200, 404, 200, 200, 404, 200, 401, 401)
    assert mismatches(callers, expected, lambda c: c.get(url)) == []


def test_coverage_items_carry_the_appendix_fields(callers, matched):
    data = callers["reviewer"].get(f"/api/v1/claims/{matched.pk}/coverage/").json()
    assert data["count"] == 8
    item = data["results"][0]
    assert set(item) >= {
        "id",
        "article",
        "score",
        "excerpt",
        "suggested_stance",
        "stance",
        "independence",
        "origin_group",
    }
    assert set(item["article"]) >= {"url", "canonical_url", "title", "outlet", "published_at"}
    groups = {i["origin_group"] for i in data["results"] if i["independence"] in ("origin", "syndicated")}
    assert len(groups) == 1  # the wire story and its copies share one origin group


def test_each_suggestion_comes_with_its_reason_and_an_echo_with_its_credit(callers, matched):
    data = callers["reviewer"].get(f"/api/v1/claims/{matched.pk}/coverage/").json()
    denial = next(i for i in data["results"] if i["suggested_stance"] == "disputes")
    reason = denial["stance_reason"]
    assert set(reason) == {"reason", "cue", "sentence"}
    assert reason["cue"]
    assert reason["cue"] in reason["sentence"]
    assert reason["reason"].endswith(".")
    echo = next(i for i in data["results"] if i["independence"] == "echo")
    assert echo["echo_of"] == "The Associated Press"
    assert "Associated Press" in echo["echo_cue"] or "AP" in echo["echo_cue"]
    for item in data["results"]:
        for start, end in item["excerpt_marks"]:
            assert 0 <= start < end <= len(item["excerpt"])
        assert item["new_since_publication"] is False


def test_the_ledger_has_the_appendix_names(callers, matched):
    ledger = callers["read_token_reviewer"].get(f"/api/v1/claims/{matched.pk}/corroboration/").json()
    assert {k: ledger[k] for k in ("independent", "echoes", "syndicated", "denials", "mentions")} == {
        "independent": 2,
        "echoes": 1,
        "syndicated": 3,
        "denials": 1,
        "mentions": 0,
    }
    assert ledger["suggested_credibility"] == 2
    assert "Probably true" in ledger["credibility_reason"]
    assert any(o["name"] == "Federal News Agency" and o["state_controlled"] for o in ledger["outlets"])


def test_a_stance_is_confirmed_with_a_patch(callers, matched):
    item = Coverage.objects.filter(claim=matched, independence="echo").get()
    url = f"/api/v1/claims/{matched.pk}/coverage/{item.pk}/"
    assert callers["read_token_editor"].patch(url, {"stance": "mentions"}).status_code == 403
    assert callers["write_token_reviewer"].patch(url, {"stance": "agrees"}).status_code == 400
    response = callers["write_token_reviewer"].patch(url, {"stance": "mentions"})
    assert response.status_code == 200, response.content
    assert (response.json()["stance"], response.json()["suggested_stance"]) == ("mentions", "supports")


def test_find_coverage_answers_202_with_the_job(callers, matched, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        first = callers["write_token_editor"].post(f"/api/v1/claims/{matched.pk}/find-coverage/")
        again = callers["reviewer"].post(f"/api/v1/claims/{matched.pk}/find-coverage/")
    assert first.status_code == again.status_code == 202
    job = first.json()
    assert (job["status"], job["progress"], job["attempts"], job["kind"]) == ("queued", 0, 0, "find_coverage")
    assert again.json()["id"] == job["id"]
    assert Job.objects.filter(kind=JobKind.FIND_COVERAGE).count() == 1
    assert callers["read_token_editor"].post(f"/api/v1/claims/{matched.pk}/find-coverage/").status_code == 403
    assert callers["anonymous"].post(f"/api/v1/claims/{matched.pk}/find-coverage/").status_code == 401

    followed = callers["read_token_reviewer"].get(f"/api/v1/jobs/{job['id']}/")
    assert followed.status_code == 200
    assert set(followed.json()) >= {"id", "status", "progress", "attempts", "counts", "error"}
    assert callers["anonymous"].get(f"/api/v1/jobs/{job['id']}/").status_code == 401
    Job.objects.filter(pk=job["id"]).update(status=JobStatus.FAILED, error="GDELT answered 503")
    assert callers["editor"].get(f"/api/v1/jobs/{job['id']}/").json()["error"] == "GDELT answered 503"


def test_feeds_are_managed_by_editors(callers):
    body = {"name": "Demo wire", "url": "https://feeds.example/wire.xml", "poll_interval": 15}
    assert callers["write_token_reviewer"].post("/api/v1/feeds/", body).status_code == 403
    created = callers["write_token_editor"].post("/api/v1/feeds/", body)
    assert created.status_code == 201, created.content
    feed = created.json()
    assert feed["status"]["state"] == "never polled"
    assert callers["reviewer"].get("/api/v1/feeds/").json()["count"] == 1
    assert callers["anonymous"].get("/api/v1/feeds/").status_code == 401
    changed = callers["editor"].patch(f"/api/v1/feeds/{feed['id']}/", {"is_active": False})
    assert changed.json()["status"]["state"] == "inactive"


def test_a_submit_token_reads_no_feeds(callers):
    """A submit token sees only what it submitted; the newsroom's feeds are not that."""
    for scope in ("reviewer", "editor"):
        submit = callers[f"submit_token_{scope}"]
        assert submit.get("/api/v1/feeds/").status_code == 403
        assert submit.get("/api/v1/feeds/1/").status_code == 403
        assert callers[f"read_token_{scope}"].get("/api/v1/feeds/").status_code == 200
