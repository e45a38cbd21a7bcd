"""Extractions over the API: who may read a story for claims and decide on its
suggestions (product.md §1: editors and reviewers, submit and write tokens), the 202
with the job and a Location, the suggestions in the shape of `extract_claims --json`
with their state, and the decisions — accept (with edits) into a claim, dismiss with a
reason, add the story to a tracked claim."""

from __future__ import annotations

from typing import Any

import pytest

from claims.models import Claim, ClaimRelation
from extraction.extractor import extract
from extraction.models import Extraction, Suggestion
from extraction.services import extraction_request
from tests.api.conftest import Caller, mismatches, row
from tests.extraction.conftest import STORY, run_job
from tests.extraction.test_command import ATTRIBUTION_KEYS, CLAIM_KEYS
from tests.factories import make_claim

pytestmark = pytest.mark.django_db

EXTRACTIONS = "/api/v1/extractions/"
DECISION_KEYS = ["state", "claim", "reason", "already_tracked", "decided_by", "decided_at"]


def story_read(reviewer: Any, caller: Caller | None = None) -> Extraction:
    """The short story, read; started with the caller's token when it is a submit token
    (such a token sees only the extractions it started)."""
    token = caller.token if caller is not None and caller.token is not None and caller.token.scope == "submit" else None
    return run_job(extraction_request(actor=reviewer, text=STORY, token=token))


def at(extraction: Extraction, words: str) -> int:
    return next(s.position for s in extraction.suggestions.all() if words in s.data["quote"])


def decide(extraction: Extraction, n: int, what: str) -> str:
    return f"{EXTRACTIONS}{extraction.pk}/suggestions/{n}/{what}/"


# --- The permission matrix (product.md §1) --------------------------------------------------------


def test_who_may_start_an_extraction(callers):
    # anonymous, reviewer, editor, read/submit/write tokens (reviewer), (editor), expired, revoked
    expected = row(401, 202, 202, 403, 202, 202, 403, 202, 202, 401, 401)
    assert mismatches(callers, expected, lambda c: c.post(EXTRACTIONS, {"text": STORY})) == []


def test_who_may_read_an_extraction(callers, reviewer):
    extraction = story_read(reviewer)
    url = f"{EXTRACTIONS}{extraction.pk}/"
    # A submit token sees only the extractions it started: for it, this one does not exist.
    expected = row(401, 200, 200, 403, 404, 200, 403, 404, 200, 401, 401)
    assert mismatches(callers, expected, lambda c: c.get(url)) == []


def test_who_may_accept_a_suggestion(callers, reviewer):
    def accept(caller: Caller) -> Any:
        extraction = story_read(reviewer, caller)
        return caller.post(decide(extraction, at(extraction, "dredging"), "accept"))

    expected = row(401, 201, 201, 403, 201, 201, 403, 201, 201, 401, 401)
    assert mismatches(callers, expected, accept) == []


def test_who_may_dismiss_a_suggestion(callers, reviewer):
    def dismiss(caller: Caller) -> Any:
        extraction = story_read(reviewer, caller)
        return caller.post(decide(extraction, at(extraction, "dredging"), "dismiss"), {"reason": "Checked already."})

    expected = row(401, 200, 200, 403, 200, 200, 403, 200, 200, 401, 401)
    assert mismatches(callers, expected, dismiss) == []


def test_who_may_add_the_story_to_a_tracked_claim(callers, reviewer, editor):
    def appearance(caller: Caller) -> Any:
        make_claim(
            actor=editor,
            statement="The port authority overpaid a dredging contractor by $4 million.",
            quote="the port authority had overpaid a dredging contractor by $4 million",
        )
        extraction = story_read(reviewer, caller)
        return caller.post(decide(extraction, at(extraction, "dredging"), "appearance"))

    # Changing a claim: a reviewer may not change a claim an editor recorded, and a submit
    # token changes no claim at all.
    expected = row(401, 403, 200, 403, 403, 403, 403, 403, 200, 401, 401)
    assert mismatches(callers, expected, appearance) == []


def test_a_submit_token_decides_only_on_its_own_extractions(callers, reviewer):
    extraction = story_read(reviewer)
    response = callers["submit_token_reviewer"].post(decide(extraction, 0, "accept"))
    assert response.status_code == 404
    assert not Claim.objects.exists()


# --- Starting one and reading it -------------------------------------------------------------------


def test_starting_answers_202_with_the_job_the_extraction_and_its_location(callers):
    response = callers["write_token_reviewer"].post(EXTRACTIONS, {"text": STORY})
    assert response.status_code == 202
    body = response.json()
    extraction = Extraction.objects.get()
    assert body["extraction"] == extraction.pk
    assert (body["id"], body["kind"], body["status"], body["progress"]) == (
        extraction.job_id,
        "extract_claims",
        "queued",
        0,
    )
    assert set(body) >= {"id", "status", "progress", "attempts", "counts", "error"}
    assert response["Location"].endswith(f"{EXTRACTIONS}{extraction.pk}/")
    waiting = callers["write_token_reviewer"].get(response["Location"]).json()
    assert (waiting["status"], waiting["claims"], waiting["job"]["status"]) == ("reading", [], "queued")


def test_the_suggestions_have_the_commands_shape_plus_their_state(callers, reviewer):
    extraction = story_read(reviewer)
    body = callers["reviewer"].get(f"{EXTRACTIONS}{extraction.pk}/").json()
    assert (body["status"], body["text"], body["job"]["status"]) == ("read", STORY, "done")
    expected = extract(STORY).to_json()
    assert [{k: c[k] for k in CLAIM_KEYS} for c in body["claims"]] == expected["claims"]
    assert body["relations"] == expected["relations"]
    assert body["skipped"] == expected["skipped"]
    for claim in body["claims"]:
        assert list(claim) == CLAIM_KEYS + DECISION_KEYS
        assert all(list(a) == ATTRIBUTION_KEYS for a in claim["attributions"])
        assert (claim["state"], claim["claim"], claim["already_tracked"]) == ("pending", None, None)


def test_a_suggestion_of_a_tracked_claim_says_which(callers, reviewer):
    tracked = make_claim(
        statement="The port authority overpaid a dredging contractor by $4 million.",
        quote="the port authority had overpaid a dredging contractor by $4 million",
    )
    extraction = story_read(reviewer)
    body = callers["reviewer"].get(f"{EXTRACTIONS}{extraction.pk}/").json()
    found = body["claims"][at(extraction, "dredging")]["already_tracked"]
    assert (found["claim"], found["statement"]) == (tracked.pk, tracked.statement)
    assert found["score"] >= 0.7


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"text": ""}, "text", "Send the story's text, or its url"),
        ({}, "text", "Send the story's text, or its url"),
        ({"text": "   "}, "text", "Send the story's text, or its url"),
        ({"text": "Officials said so.", "url": "https://news.example/a"}, "url", "not both"),
        ({"text": "PK\x03\x04" + "\x01\x02\x03" * 100}, "text", "binary file"),
        ({"text": "Officials said so. " * 30_000}, "text", "at most 500000 characters"),
        ({"url": "ftp://news.example/story"}, "url", "Only http and https"),
        ({"text": 12}, "text", "Not a valid string"),
    ],
)
def test_what_is_not_a_story_is_a_400_that_says_why(callers, body, field, words):
    response = callers["write_token_editor"].post(EXTRACTIONS, body)
    assert response.status_code == 400, response.content[:300]
    assert words in " ".join(response.json()["fields"][field])
    assert not Extraction.objects.exists()


def test_a_five_megabyte_paste_is_refused_with_the_limit_and_nothing_is_stored(callers):
    response = callers["write_token_editor"].post(EXTRACTIONS, {"text": "Officials said so.\n\n" * 250_000})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The request body is too large: at most 2,621,440 bytes are read.",
        "code": "too_large",
    }
    assert not Extraction.objects.exists()


# --- Deciding --------------------------------------------------------------------------------------


def test_accepting_with_edits_answers_201_with_the_claim(callers, reviewer):
    extraction = story_read(reviewer)
    response = callers["write_token_reviewer"].post(
        decide(extraction, at(extraction, "dredging"), "accept"),
        {"statement": "The port authority overpaid a dredging contractor.", "priority": 3, "tags": ["port"]},
    )
    assert response.status_code == 201, response.content
    claim = response.json()
    assert (claim["statement"], claim["priority"], claim["tags"], claim["status"]) == (
        "The port authority overpaid a dredging contractor.",
        3,
        ["port"],
        "submitted",
    )
    (attribution,) = claim["attributions"]
    assert (attribution["role"], attribution["sources_claimed"], attribution["access"]) == (
        "claimant",
        2,
        "familiar_with",
    )
    assert claim["first_appearance"] == Extraction.objects.get(pk=extraction.pk).article_id
    state = callers["reviewer"].get(f"{EXTRACTIONS}{extraction.pk}/").json()["claims"][0]
    assert (state["state"], state["claim"], state["decided_by"]) == ("accepted", claim["id"], "rev")


def test_a_submit_tokens_accepted_claim_is_one_it_follows(callers, reviewer):
    mine = callers["submit_token_reviewer"]
    extraction = story_read(reviewer, mine)
    claim = mine.post(decide(extraction, at(extraction, "dredging"), "accept")).json()
    assert mine.get(f"/api/v1/claims/{claim['id']}/").status_code == 200
    assert callers["submit_token_editor"].get(f"/api/v1/claims/{claim['id']}/").status_code == 404
    assert mine.get(f"{EXTRACTIONS}{extraction.pk}/").json()["claims"][0]["state"] == "accepted"


def test_a_kept_response_relation_is_recorded_as_judged(callers, reviewer):
    extraction = story_read(reviewer)
    writer = callers["write_token_reviewer"]
    target = writer.post(decide(extraction, at(extraction, "dredging"), "accept")).json()
    reply = writer.post(
        decide(extraction, at(extraction, "overpaid anyone"), "accept"),
        {"relations": [{"relation": 0, "addresses": "different_proposition"}]},
    )
    assert reply.status_code == 201, reply.content
    relation = ClaimRelation.objects.get()
    assert (relation.from_claim_id, relation.to_claim_id, relation.addresses) == (
        reply.json()["id"],
        target["id"],
        "different_proposition",
    )


def test_a_relation_to_a_suggestion_without_a_claim_is_a_400_and_nothing_is_created(callers, reviewer):
    extraction = story_read(reviewer)
    response = callers["editor"].post(
        decide(extraction, at(extraction, "overpaid anyone"), "accept"),
        {"relations": [{"relation": 0, "addresses": "fully"}]},
    )
    assert response.status_code == 400
    assert "has no claim yet" in response.json()["fields"]["relations.0"][0]
    assert not Claim.objects.exists()


def test_a_decided_suggestion_answers_409(callers, reviewer):
    extraction = story_read(reviewer)
    url = decide(extraction, 0, "accept")
    assert callers["reviewer"].post(url).status_code == 201
    again = callers["editor"].post(url)
    assert again.status_code == 409
    assert "already decided by rev" in again.json()["detail"]
    assert callers["editor"].post(decide(extraction, 0, "dismiss"), {"reason": "No."}).status_code == 409
    assert Claim.objects.count() == 1


def test_dismissing_needs_a_reason_and_records_it(callers, reviewer):
    extraction = story_read(reviewer)
    url = decide(extraction, 0, "dismiss")
    assert callers["reviewer"].post(url, {}).status_code == 400
    assert callers["reviewer"].post(url, {"reason": "  "}).status_code == 400
    done = callers["reviewer"].post(url, {"reason": "An opinion."})
    assert done.status_code == 200
    assert (done.json()["state"], done.json()["reason"]) == ("dismissed", "An opinion.")
    assert Suggestion.objects.get(extraction=extraction, position=0).reason == "An opinion."


def test_a_suggestion_that_does_not_exist_is_a_404(callers, reviewer):
    extraction = story_read(reviewer)
    assert callers["reviewer"].post(decide(extraction, 99, "accept")).status_code == 404
    assert callers["reviewer"].post(f"{EXTRACTIONS}999999/suggestions/0/accept/").status_code == 404
