"""Claims over the API: who may read and change what (product.md §1, as a table), what a
claim looks like, recording one with its attributions, filters, search, ordering and
pagination, and the parts under a claim (attributions, relations, history)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from claims.models import Attribution, Claim, RelationKind
from claims.services import relation_create
from reviews.models import AP_CONDITIONS
from reviews.services import sourcing_sign_off, transition_take
from sources.models import Source
from tests.api.conftest import CALLERS, make_token, mismatches, new_source_claim, row, token_client
from tests.factories import ArticleFactory, OutletFactory, SourceFactory, complete_caveats, make_claim

pytestmark = pytest.mark.django_db

CLAIMS = "/api/v1/claims/"


@pytest.fixture
def published(workflow) -> Claim:
    return workflow.published()


@pytest.fixture
def others(reviewer2) -> Claim:
    """Submitted by another reviewer: our reviewer may read it, not change it."""
    return make_claim(actor=reviewer2, statement="The bridge was closed for repairs in May.")


def fresh(workflow) -> Claim:
    """A claim our reviewer recorded (so may still change), new for each caller."""
    return workflow.submitted(statement="The ferry service resumed on Friday.")


def supporting(claim: Claim) -> Attribution:
    return Attribution.objects.create(claim=claim, source=SourceFactory.create(), role="supports")


# --- The permission matrix --------------------------------------------------------------------
#                                 anon rev  ed   rR   sR   wR   rE   sE   wE   exp  revk
READ_ALL = row(                   200, 200, 200, 200, 200, 200, 200, 200, 200, 401, 401)  # fmt: skip
READ_UNPUBLISHED = row(           404, 200, 200, 200, 404, 200, 200, 404, 200, 401, 401)  # fmt: skip
CREATE = row(                     401, 201, 201, 403, 201, 201, 403, 201, 201, 401, 401)  # fmt: skip
EDIT_OWN = row(                   401, 200, 200, 403, 403, 200, 403, 403, 200, 401, 401)  # fmt: skip
EDIT_OTHERS = row(                401, 403, 200, 403, 403, 403, 403, 403, 200, 401, 401)  # fmt: skip
ADD_TO_OWN = row(                 401, 201, 201, 403, 403, 201, 403, 403, 201, 401, 401)  # fmt: skip
DELETE_FROM_OWN = row(            401, 204, 204, 403, 403, 204, 403, 403, 204, 401, 401)  # fmt: skip
HISTORY_PUBLISHED = row(          401, 200, 200, 200, 403, 200, 200, 403, 200, 401, 401)  # fmt: skip
HISTORY_UNPUBLISHED = row(        401, 200, 200, 200, 404, 200, 200, 404, 200, 401, 401)  # fmt: skip
NOT_PUBLISHED_YET = row(          404, 404, 404, 404, 404, 404, 404, 404, 404, 401, 401)  # fmt: skip


def cases(published: Claim, others: Claim, workflow: Any) -> list[tuple[str, dict[str, int], Any]]:
    def patch_fresh(c):
        claim = fresh(workflow)
        return c.patch(f"{CLAIMS}{claim.pk}/", {"version": claim.version, "context": "Per the port authority."})

    def patch_published(c):
        published.refresh_from_db()
        return c.patch(f"{CLAIMS}{published.pk}/", {"version": published.version, "context": f"By {c.name}."})

    def add_attribution(c):
        claim = fresh(workflow)
        data = {"version": claim.version, "source": SourceFactory().pk, "role": "disputes"}
        return c.post(f"{CLAIMS}{claim.pk}/attributions/", data)

    def change_attribution(c):
        claim = fresh(workflow)
        attribution = supporting(claim)
        claim.refresh_from_db()
        url = f"{CLAIMS}{claim.pk}/attributions/{attribution.pk}/"
        return c.patch(url, {"version": claim.version, "quote": "We saw it arrive."})

    def delete_attribution(c):
        claim = fresh(workflow)
        attribution = supporting(claim)
        claim.refresh_from_db()
        return c.delete(f"{CLAIMS}{claim.pk}/attributions/{attribution.pk}/?version={claim.version}")

    return [
        ("GET /claims/", READ_ALL, lambda c: c.get(CLAIMS)),
        ("GET /claims/{published}/", READ_ALL, lambda c: c.get(f"{CLAIMS}{published.pk}/")),
        ("GET /claims/{unpublished}/", READ_UNPUBLISHED, lambda c: c.get(f"{CLAIMS}{others.pk}/")),
        ("POST /claims/", CREATE, lambda c: c.post(CLAIMS, new_source_claim())),
        ("PATCH /claims/{own}/", EDIT_OWN, patch_fresh),
        (
            "PATCH /claims/{another reviewer's}/",
            EDIT_OTHERS,
            lambda c: c.patch(
                f"{CLAIMS}{others.pk}/", {"version": Claim.objects.get(pk=others.pk).version, "context": c.name}
            ),
        ),
        ("PATCH /claims/{published}/", EDIT_OTHERS, patch_published),
        ("GET /claims/{published}/attributions/", READ_ALL, lambda c: c.get(f"{CLAIMS}{published.pk}/attributions/")),
        (
            "GET /claims/{unpublished}/attributions/",
            READ_UNPUBLISHED,
            lambda c: c.get(f"{CLAIMS}{others.pk}/attributions/"),
        ),
        ("POST /claims/{own}/attributions/", ADD_TO_OWN, add_attribution),
        ("PATCH /claims/{own}/attributions/{id}/", EDIT_OWN, change_attribution),
        ("DELETE /claims/{own}/attributions/{id}/", DELETE_FROM_OWN, delete_attribution),
        ("GET /claims/{published}/relations/", READ_ALL, lambda c: c.get(f"{CLAIMS}{published.pk}/relations/")),
        ("GET /claims/{unpublished}/relations/", READ_UNPUBLISHED, lambda c: c.get(f"{CLAIMS}{others.pk}/relations/")),
        ("GET /claims/{published}/history/", HISTORY_PUBLISHED, lambda c: c.get(f"{CLAIMS}{published.pk}/history/")),
        ("GET /claims/{unpublished}/history/", HISTORY_UNPUBLISHED, lambda c: c.get(f"{CLAIMS}{others.pk}/history/")),
        ("GET /claims/{published}/claimreview/", READ_ALL, lambda c: c.get(f"{CLAIMS}{published.pk}/claimreview/")),
        (
            "GET /claims/{unpublished}/claimreview/",
            NOT_PUBLISHED_YET,
            lambda c: c.get(f"{CLAIMS}{others.pk}/claimreview/"),
        ),
        ("GET /claimreviews/", READ_ALL, lambda c: c.get("/api/v1/claimreviews/")),
    ]


# Only the names are read here; the calls that would use the claims are never made.
CASE_NAMES = [name for name, _, _ in cases(None, None, None)]  # type: ignore[arg-type]


@pytest.mark.parametrize("case", CASE_NAMES)
def test_every_caller_gets_what_the_policy_says(case, callers, published, others, workflow):
    _, expected, call = next(c for c in cases(published, others, workflow) if c[0] == case)
    assert mismatches(callers, expected, call) == []


def test_the_matrix_covers_every_caller():
    assert len(CALLERS) == 11
    assert len(CASE_NAMES) * len(CALLERS) == 19 * 11


# --- Visibility: lists hold nothing foreign ---------------------------------------------------


def test_lists_hold_only_what_each_caller_may_see(callers, published, others, workflow):
    in_review = workflow.in_review()
    own = {}
    for name in ("submit_token_reviewer", "submit_token_editor"):
        response = callers[name].post(CLAIMS, new_source_claim(f"Claim submitted by {name}."))
        own[name] = response.json()["id"]
    everything = set(Claim.objects.values_list("pk", flat=True))
    allowed = {
        "anonymous": {published.pk},
        "submit_token_reviewer": {published.pk, own["submit_token_reviewer"]},
        "submit_token_editor": {published.pk, own["submit_token_editor"]},
    }
    for name in CALLERS[:9]:
        seen = {c["id"] for c in callers[name].get(CLAIMS, page_size=100).json()["results"]}
        assert seen == allowed.get(name, everything), name
        foreign = seen - allowed.get(name, everything)
        assert foreign == set()
    assert {others.pk, in_review.pk} <= everything


def test_a_submit_token_reads_the_claims_it_created_and_their_history(callers):
    submit = callers["submit_token_reviewer"]
    claim_id = submit.post(CLAIMS, new_source_claim()).json()["id"]
    token = submit.token
    assert list(token.claims.values_list("pk", flat=True)) == [claim_id]
    assert submit.get(f"{CLAIMS}{claim_id}/").status_code == 200
    assert submit.get(f"{CLAIMS}{claim_id}/history/").status_code == 200
    assert submit.get(f"{CLAIMS}{claim_id}/transitions/").status_code == 200
    # Another submit token of the same person does not.
    other = callers["submit_token_editor"]
    assert other.get(f"{CLAIMS}{claim_id}/").status_code == 404
    _, second_key = make_token(submit.user, "submit")
    assert token_client(second_key).get(f"{CLAIMS}{claim_id}/").status_code == 404


def test_a_claim_refused_half_way_leaves_nothing_behind(callers):
    """The claim, its new source and its attributions are written in one transaction: a
    bad second attribution leaves none of them. (The token that recorded a claim is a
    column of the claim's own row.)"""
    before = (Claim.objects.count(), Attribution.objects.count(), Source.objects.count())
    payload = new_source_claim()
    payload["attributions"].append({"source": SourceFactory(anonymous=True).pk, "role": "supports"})
    response = callers["reviewer"].post(CLAIMS, payload)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["attributions.1.attribution_text"]
    assert (Claim.objects.count(), Attribution.objects.count(), Source.objects.count() - 1) == before


def test_relations_to_claims_the_caller_cannot_see_are_left_out(callers, published, others, editor):
    relation_create(actor=editor, from_claim=published, to_claim=others, kind=RelationKind.RELATED)
    anonymous = callers["anonymous"].get(f"{CLAIMS}{published.pk}/relations/").json()
    editor_view = callers["editor"].get(f"{CLAIMS}{published.pk}/relations/").json()
    assert anonymous["count"] == 0
    assert editor_view["count"] == 1
    assert editor_view["results"][0]["to_claim"]["id"] == others.pk


def test_newsroom_only_fields_are_blank_for_the_public(callers, published):
    assert callers["anonymous"].get(f"{CLAIMS}{published.pk}/").json()["assignee"] is None
    assert callers["editor"].get(f"{CLAIMS}{published.pk}/").json()["assignee"] == "rev"


# --- What a claim looks like -------------------------------------------------------------------


def test_a_claim_carries_the_public_names_of_appendix_a(callers, workflow, editor):
    claim = workflow.in_review(claimant=SourceFactory(anonymous=True), claimant_fields=complete_caveats())
    sourcing_sign_off(actor=editor, claim=claim, **dict.fromkeys(AP_CONDITIONS, True))
    transition_take(actor=editor, claim=claim, name="publish")
    data = callers["anonymous"].get(f"{CLAIMS}{claim.pk}/").json()
    assert {
        "id",
        "statement",
        "quote",
        "status",
        "rating",
        "version",
        "attributions",
        "created_at",
        "updated_at",
    } <= set(data)
    assert data["status"] == "published"
    assert data["rating"] == "true"
    claimant = data["attributions"][0]
    assert claimant["role"] == "claimant"
    assert claimant["source"]["kind"] == "anonymous_group"
    assert claimant["independence"] == "unknown"
    assert claimant["access"] == "familiar_with"
    assert claimant["anonymity_reason"] == "not_authorized"
    assert claimant["side"] == "government"
    assert claimant["content_type"] == "fact"
    assert claimant["credibility"] == 3
    assert claimant["sources_claimed"] == 2
    assert data["sourcing"]["anonymous"] == 2
    assert data["rests_on_anonymous_sourcing"] is True


# --- Recording and changing claims -------------------------------------------------------------


def test_recording_a_claim_with_attributions_and_caveats(callers):
    outlet = OutletFactory(name="Wire")
    article = ArticleFactory(outlet=outlet)
    named = SourceFactory(name="Dmitry Peskov", title="Kremlin spokesman")
    payload = {
        "statement": "Country A has shared targeting information with Country B.",
        "quote": "Russia has provided Iran with information",
        "tags": ["iran", "russia"],
        "first_appearance": article.pk,
        "appearances": [article.pk],
        "priority": 3,
        "attributions": [
            {
                "new_source": {"kind": "anonymous_group", "name": "officials familiar with U.S. intelligence"},
                "role": "claimant",
                "attribution_text": "two officials familiar with U.S. intelligence",
                "sources_claimed": 2,
                "independence": "unknown",
                "access": "familiar_with",
                "anonymity_reason": "not_authorized",
                "anonymity_reason_text": "not authorized to comment publicly",
                "condition_text": "spoke on the condition of anonymity",
                "side": "government",
                "content_type": "fact",
                "granted_by": outlet.pk,
                "identity_known_to_editor": True,
            },
            {"source": named.pk, "role": "responds", "response": "neither", "quote": "no such requests"},
        ],
    }
    response = callers["reviewer"].post(CLAIMS, payload)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "submitted"
    assert data["version"] == 1
    assert data["tags"] == ["iran", "russia"]
    assert [a["role"] for a in data["attributions"]] == ["claimant", "responds"]
    assert data["attributions"][0]["source"]["name"] == "officials familiar with U.S. intelligence"
    assert data["sourcing"]["summary"] == "1 named · 2 anonymous · caveats complete"
    claim = Claim.objects.get(pk=data["id"])
    assert claim.created_by.username == "rev"
    assert claim.submitted_with is None  # a session, not a token


def test_a_claim_needs_exactly_one_claimant(callers):
    two = new_source_claim()
    two["attributions"] = two["attributions"] * 2
    for attributions in ([], two["attributions"]):
        response = callers["reviewer"].post(CLAIMS, {"statement": "x", "attributions": attributions})
        assert response.status_code == 400
        assert "attributions" in response.json()["fields"]


def test_an_attribution_error_names_the_attribution(callers):
    anonymous = SourceFactory(anonymous=True)
    payload = {
        "statement": "Something happened.",
        "attributions": [
            {"source": SourceFactory().pk, "role": "claimant"},
            {"source": anonymous.pk, "role": "supports"},  # anonymous, without the story's words
        ],
    }
    response = callers["reviewer"].post(CLAIMS, payload)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["attributions.1.attribution_text"]


def test_changing_a_claim_takes_the_version_and_bumps_it(callers, workflow):
    claim = fresh(workflow)
    url = f"{CLAIMS}{claim.pk}/"
    response = callers["reviewer"].patch(url, {"version": claim.version, "statement": "The ferry resumed Friday."})
    assert response.status_code == 200
    assert response.json()["version"] == claim.version + 1
    stale = callers["editor"].patch(url, {"version": claim.version, "context": "Late edit."})
    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "stale_version"
    assert body["current_version"] == claim.version + 1
    assert "rev" in body["detail"]
    claim.refresh_from_db()
    assert claim.context == ""  # nothing was lost or half-written


def test_a_change_without_a_version_is_refused(callers, workflow):
    claim = fresh(workflow)
    response = callers["reviewer"].patch(f"{CLAIMS}{claim.pk}/", {"context": "x"})
    assert response.status_code == 400
    assert "version" in response.json()["fields"]


def test_status_and_verdict_change_only_through_the_workflow(callers, workflow):
    claim = fresh(workflow)
    response = callers["editor"].patch(f"{CLAIMS}{claim.pk}/", {"version": claim.version, "status": "published"})
    assert response.status_code == 400
    assert response.json()["fields"] == {"status": ["Unknown field."]}


def test_attributions_are_added_changed_and_removed_with_the_version(callers, workflow):
    claim = fresh(workflow)
    base = f"{CLAIMS}{claim.pk}/attributions/"
    reviewer = callers["write_token_reviewer"]
    added = reviewer.post(base, {"version": 1, "source": SourceFactory().pk, "role": "supports"})
    assert added.status_code == 201
    attribution = added.json()["id"]
    changed = reviewer.patch(f"{base}{attribution}/", {"version": 2, "quote": "We saw the ferry."})
    assert changed.status_code == 200
    assert changed.json()["quote"] == "We saw the ferry."
    assert reviewer.delete(f"{base}{attribution}/?version=2").status_code == 409
    assert reviewer.delete(f"{base}{attribution}/?version=3").status_code == 204
    assert reviewer.get(f"{base}{attribution}/").status_code == 404
    claimant = claim.attributions.get(role="claimant")
    refused = reviewer.delete(f"{base}{claimant.pk}/?version=4")
    assert refused.status_code == 400
    assert "claimant cannot be removed" in refused.json()["detail"]


def test_the_history_says_who_changed_what_through_a_token(callers, workflow):
    claim = fresh(workflow)
    callers["write_token_editor"].patch(f"{CLAIMS}{claim.pk}/", {"version": claim.version, "context": "Per the port."})
    entries = callers["reviewer"].get(f"{CLAIMS}{claim.pk}/history/").json()["results"]
    latest = entries[0]
    assert latest["user"] == "ed"
    assert latest["model"] == "Claim"
    assert latest["changes"]["context"] == ["", "Per the port."]
    assert {e["action"] for e in entries} >= {"created", "changed"}


# --- Filters, search, ordering, pagination ----------------------------------------------------


@pytest.fixture
def catalogue(workflow, reviewer, reviewer2, editor):
    outlet = OutletFactory(name="Agency")
    agency_source = SourceFactory(name="Agency reporter", outlet=outlet)
    a = workflow.submitted(statement="Tanker traffic through the strait fell by half.", tags=["shipping"])
    b = workflow.researching(statement="The central bank raised rates twice.", claimant=agency_source)
    c = workflow.published(statement="Wheat exports doubled last year.", tags=["trade", "shipping"])
    d = make_claim(actor=reviewer2, statement="A new airport opened in the north.")
    d.first_appearance = ArticleFactory(outlet=outlet)
    Claim.objects.filter(pk=d.pk).update(first_appearance=d.first_appearance)
    return {"a": a, "b": b, "c": c, "d": d, "outlet": outlet, "agency_source": agency_source}


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [c["id"] for c in response.json()["results"]]


def test_filters(callers, catalogue):
    ed = callers["editor"]
    a, b, c, d = (catalogue[k] for k in "abcd")
    assert ids(ed.get(CLAIMS, status="researching")) == [b.pk]
    assert ids(ed.get(CLAIMS, rating="true")) == [c.pk]
    assert set(ids(ed.get(CLAIMS, tag="shipping"))) == {a.pk, c.pk}
    assert ids(ed.get(CLAIMS, source=catalogue["agency_source"].pk)) == [b.pk]
    assert set(ids(ed.get(CLAIMS, outlet=catalogue["outlet"].pk))) == {b.pk, d.pk}
    assert ids(ed.get(CLAIMS, assignee="rev", status="researching")) == [b.pk]
    future = (timezone.now() + dt.timedelta(days=1)).date().isoformat()
    assert len(ids(ed.get(CLAIMS, created_before=future))) == 4
    assert ids(ed.get(CLAIMS, created_after=future)) == []
    assert len(ids(ed.get(CLAIMS, updated_after=timezone.now().date().isoformat()))) == 4
    assert ids(ed.get(CLAIMS, updated_before="2000-01-01T00:00:00Z")) == []


def test_a_claims_detail_answers_only_within_the_filters_named(callers, catalogue):
    """The detail reads its claim among the caller's claims narrowed by the filters the
    request names, as the list does (DRF's get_object): outside them, 404."""
    ed = callers["editor"]
    b = catalogue["b"]
    detail = f"{CLAIMS}{b.pk}/"
    assert ed.get(detail).json()["id"] == b.pk
    assert ed.get(detail, status="researching").json()["id"] == b.pk
    assert ed.get(detail, source=catalogue["agency_source"].pk, assignee="rev").json()["id"] == b.pk
    assert ed.get(detail, status="published").status_code == 404
    assert ed.get(detail, source=catalogue["agency_source"].pk + 1000).status_code == 404
    assert ed.get(detail, outlet=catalogue["outlet"].pk).json()["id"] == b.pk
    assert ed.get(f"{CLAIMS}{catalogue['a'].pk}/", outlet=catalogue["outlet"].pk).status_code == 404
    # An id no claim can have, and one that is no number.
    assert ed.get(f"{CLAIMS}{2**70}/").status_code == 404
    assert ed.get(f"{CLAIMS}abc/").status_code == 404


def test_full_text_search_uses_web_search_syntax(callers, catalogue):
    ed = callers["editor"]
    assert ids(ed.get(CLAIMS, q="tankers strait")) == [catalogue["a"].pk]  # stemmed
    assert set(ids(ed.get(CLAIMS, q="wheat or airport"))) == {catalogue["c"].pk, catalogue["d"].pk}
    assert ids(ed.get(CLAIMS, q='"raised rates" -airport')) == [catalogue["b"].pk]
    # The public sees matches among published claims only.
    assert ids(callers["anonymous"].get(CLAIMS, q="airport")) == []


def test_ordering_and_pagination(callers, catalogue):
    ed = callers["editor"]
    by_id = ids(ed.get(CLAIMS, ordering="id"))
    assert by_id == sorted(by_id)
    assert ids(ed.get(CLAIMS, ordering="-id")) == sorted(by_id, reverse=True)
    first = ed.get(CLAIMS, ordering="created_at", page_size=3).json()
    assert first["count"] == 4
    assert len(first["results"]) == 3
    assert first["next"] is not None
    second = ed.get(CLAIMS, ordering="created_at", page_size=3, page=2).json()
    assert [c["id"] for c in first["results"] + second["results"]] == by_id
    assert ed.get(CLAIMS, page=3, page_size=3).status_code == 404


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": ""}, "status"),
        ({"status": "approved"}, "status"),
        ({"rating": "pants_on_fire"}, "rating"),
        ({"source": "abc"}, "source"),
        ({"outlet": "-1"}, "outlet"),
        ({"created_after": "yesterday"}, "created_after"),
        ({"updated_before": "2026-02-30"}, "updated_before"),
        ({"ordering": "statement"}, "ordering"),
        ({"page_size": "101"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page": "first"}, "page"),
        ({"q": ""}, "q"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(callers, params, field):
    response = callers["editor"].get(CLAIMS, **params)
    assert response.status_code == 400
    assert field in response.json()["fields"]
