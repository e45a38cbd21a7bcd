"""Track records over the API: read by the newsroom and its read and write tokens, never
by submit tokens or callers without credentials; the keys the schema documents."""

from __future__ import annotations

import pytest

from tests.api.conftest import mismatches, row
from tests.factories import OutletFactory, SourceFactory
from tests.trackrecords.conftest import History

pytestmark = pytest.mark.django_db

READERS = row(401, 200, 200, 200, 403, 200, 200, 403, 200, 401, 401)


@pytest.fixture
def published(workflow):
    history = History(workflow)
    outlet, source = OutletFactory(name="Harbor City Times"), SourceFactory(name="Oleh Kiper")
    for rating in ("true", "mostly_true", "true", "false", "half_true", "unproven"):
        history.published(rating, outlet=outlet, claimant=source)
    history.published(
        "false",
        outlet=outlet,
        claimant=SourceFactory(anonymous=True, name="officials familiar with US intelligence"),
        wording="two officials familiar with U.S. intelligence",
    )
    return outlet, source


def test_an_outlets_record_is_read_by_the_newsroom_and_its_read_and_write_tokens(callers, published):
    outlet, _ = published
    assert mismatches(callers, READERS, lambda c: c.get(f"/api/v1/outlets/{outlet.pk}/track-record/")) == []


def test_a_sources_record_is_read_the_same_way(callers, published):
    _, source = published
    assert mismatches(callers, READERS, lambda c: c.get(f"/api/v1/sources/{source.pk}/track-record/")) == []


def test_an_outlets_record_gives_its_figures_its_anonymous_claims_and_its_descriptors(callers, published):
    outlet, _ = published
    data = callers["read_token_editor"].get(f"/api/v1/outlets/{outlet.pk}/track-record/").json()
    assert data["outlet"] == {"id": outlet.pk, "name": "Harbor City Times"}
    assert (data["claims"], data["judged"], data["unproven_count"]) == (7, 6, 1)
    assert (data["true_count"], data["false_count"], data["mixed_count"]) == (3, 2, 1)
    assert (data["true_share"], data["false_share"], data["too_few_to_judge"]) == (0.5, 0.333, False)
    assert {r["rating"]: r["count"] for r in data["by_rating"]} == {
        "true": 2,
        "mostly_true": 1,
        "half_true": 1,
        "false": 2,
        "unproven": 1,
    }
    assert data["anonymous"]["claims"] == 1
    assert data["anonymous"]["too_few_to_judge"] is True
    assert data["anonymous"]["true_share"] is None
    (descriptor,) = data["descriptors"]
    assert descriptor["label"] == "two officials familiar with U.S. intelligence"
    assert descriptor["false_count"] == 1
    assert data["page"] == f"/outlets/{outlet.pk}/"
    assert data["computed_at"]


def test_a_sources_record_suggests_a_grade_it_never_sets(callers, published):
    _, source = published
    data = callers["write_token_reviewer"].get(f"/api/v1/sources/{source.pk}/track-record/").json()
    assert data["source"]["reliability"] == "F"
    assert data["suggested_reliability"]["grade"] == "C"
    assert data["suggested_reliability"]["reason"].startswith("C — fairly reliable: of 5 claims")
    source.refresh_from_db()
    assert source.reliability == "F"


def test_a_record_with_no_published_verdicts_is_empty_and_an_unknown_subject_is_404(callers):
    outlet = OutletFactory(name="Quiet Weekly")
    data = callers["editor"].get(f"/api/v1/outlets/{outlet.pk}/track-record/").json()
    assert (data["claims"], data["too_few_to_judge"], data["descriptors"]) == (0, True, [])
    assert data["summary"] == "no published verdicts yet"
    assert callers["editor"].get("/api/v1/outlets/999999/track-record/").status_code == 404
    assert callers["editor"].get("/api/v1/sources/abc/track-record/").status_code == 404


@pytest.mark.parametrize("spelled", ["³", "٣", "12a", "99999999999999999999"])
def test_an_id_that_is_no_row_id_is_a_404_never_a_500(callers, spelled):
    """A superscript three is a digit to str.isdigit, not to int; an Arabic-Indic three is
    a digit to int; neither is an id a client gets from us, nor is a number beyond a bigint."""
    for kind in ("outlets", "sources"):
        response = callers["read_token_editor"].get(f"/api/v1/{kind}/{spelled}/track-record/")
        assert response.status_code == 404, (kind, spelled, response.status_code)
