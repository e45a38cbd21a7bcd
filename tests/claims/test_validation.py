"""The caveat rules of product.md §2, each with its message."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from claims.models import AttributionRole, ContentKind, RelationKind, ResponseKind, SourcesIndependence
from claims.services import (
    attribution_create,
    attribution_override_warnings,
    attribution_update,
    relation_create,
)
from tests.factories import SourceFactory, complete_caveats, make_anonymous_claim, make_claim

pytestmark = pytest.mark.django_db


def test_an_anonymous_attribution_needs_the_storys_words_for_its_sources():
    with pytest.raises(ValidationError) as exc:
        make_claim(claimant=SourceFactory(anonymous=True), claimant_fields=complete_caveats(attribution_text=" "))
    # Recorded with the claim, the error names the attribution it is about.
    assert "needs the story's own words" in exc.value.message_dict["attributions.0.attribution_text"][0]


def test_plural_sources_cannot_be_marked_not_independent():
    with pytest.raises(ValidationError) as exc:
        make_claim(
            claimant=SourceFactory(anonymous=True),
            claimant_fields=complete_caveats(sources_claimed=2, independence=SourcesIndependence.NOT_INDEPENDENT),
        )
    message = exc.value.message_dict["attributions.0.independence"][0]
    assert "counts 2 sources" in message
    assert "not independent" in message


def test_a_single_source_may_be_not_independent():
    claim = make_claim(
        claimant=SourceFactory(anonymous=True),
        claimant_fields=complete_caveats(sources_claimed=1, independence=SourcesIndependence.NOT_INDEPENDENT),
    )
    assert claim.claimant.independence == SourcesIndependence.NOT_INDEPENDENT


def test_anonymity_caveats_are_refused_for_a_named_source():
    named = SourceFactory(name="Dmitry Peskov")
    with pytest.raises(ValidationError) as exc:
        make_claim(claimant=named, claimant_fields={"sources_claimed": 2, "access": "familiar_with"})
    message = " ".join(m for msgs in exc.value.message_dict.values() for m in msgs)
    assert "anonymous sources only" in message
    assert "Dmitry Peskov" in message


def test_an_on_record_response_must_say_what_it_does_with_the_claim():
    claim = make_claim()
    with pytest.raises(ValidationError) as exc:
        attribution_create(actor=None, claim=claim, source=SourceFactory(), role=AttributionRole.RESPONDS)
    assert "confirms, denies, or neither" in exc.value.message_dict["response"][0]


def test_only_a_response_records_a_response():
    claim = make_claim()
    with pytest.raises(ValidationError) as exc:
        attribution_create(
            actor=None, claim=claim, source=SourceFactory(), role=AttributionRole.SUPPORTS, response=ResponseKind.DENIES
        )
    assert "Only an on-the-record response" in exc.value.message_dict["response"][0]


def test_an_anonymous_source_used_for_opinion_is_a_warning_not_an_error():
    claim = make_claim(
        claimant=SourceFactory(anonymous=True), claimant_fields=complete_caveats(content_type=ContentKind.OPINION)
    )
    warnings = claim.claimant.caveat_warnings()
    assert [w.code for w in warnings] == ["anonymous_opinion"]
    assert "may carry information, not opinion" in warnings[0].message
    assert "1 caveat warning" in str(claim.sourcing())


def test_an_incomplete_caveat_record_names_what_is_missing():
    claim = make_claim(
        claimant=SourceFactory(anonymous=True),
        claimant_fields={"attribution_text": "a person familiar with the talks"},
    )
    (warning,) = claim.claimant.caveat_warnings()
    assert warning.code == "caveats_incomplete"
    for missing in ("sources claimed", "access", "reason for anonymity", "anonymity granted by"):
        assert missing in warning.message
    assert str(claim.sourcing()) == "1 anonymous · caveats incomplete"  # never "0 named"


def test_a_complete_record_reads_as_complete_in_the_summary():
    claim = make_anonymous_claim(
        others=[
            {"source": SourceFactory(name="Kremlin spokesman"), "role": AttributionRole.RESPONDS, "response": "neither"}
        ]
    )
    assert str(claim.sourcing()) == "1 named · 2 anonymous · caveats complete"
    assert claim.rests_on_anonymous_sourcing


def test_an_editor_can_accept_warnings_with_a_reason(editor, reviewer):
    claim = make_claim(
        claimant=SourceFactory(anonymous=True), claimant_fields=complete_caveats(content_type=ContentKind.OPINION)
    )
    attribution = claim.claimant
    with pytest.raises(PermissionDenied):
        attribution_override_warnings(actor=reviewer, attribution=attribution, reason="essential")
    with pytest.raises(ValidationError):
        attribution_override_warnings(actor=editor, attribution=attribution, reason="  ")

    attribution_override_warnings(actor=editor, attribution=attribution, reason="The characterisation is the news.")
    attribution.refresh_from_db()
    assert attribution.unresolved_warnings() == []
    assert attribution.warnings_overridden_by == editor


def test_changing_the_caveat_record_withdraws_an_override(editor):
    claim = make_claim(
        claimant=SourceFactory(anonymous=True), claimant_fields=complete_caveats(content_type=ContentKind.OPINION)
    )
    attribution_override_warnings(actor=editor, attribution=claim.claimant, reason="Accepted for now.")
    attribution = claim.attributions.get()
    attribution_update(actor=editor, attribution=attribution, content_type=ContentKind.SPECULATION)
    attribution.refresh_from_db()
    assert attribution.warnings_override_reason == ""
    assert [w.code for w in attribution.unresolved_warnings()] == ["anonymous_opinion"]


def test_a_claim_cannot_be_related_to_itself():
    claim = make_claim()
    with pytest.raises(ValidationError) as exc:
        relation_create(actor=None, from_claim=claim, to_claim=claim, kind=RelationKind.RELATED)
    assert "cannot be related to itself" in str(exc.value)


def test_a_response_must_say_whether_it_addresses_the_same_proposition():
    response, claim = make_claim(statement="No requests were received."), make_claim()
    with pytest.raises(ValidationError) as exc:
        relation_create(actor=None, from_claim=response, to_claim=claim, kind=RelationKind.RESPONDS_TO)
    assert "addresses the same proposition" in exc.value.message_dict["addresses"][0]


def test_only_a_response_records_what_it_addresses():
    first, second = make_claim(statement="One."), make_claim(statement="Two.")
    with pytest.raises(ValidationError) as exc:
        relation_create(actor=None, from_claim=first, to_claim=second, kind=RelationKind.RELATED, addresses="fully")
    assert "Only a “responds to” relation" in exc.value.message_dict["addresses"][0]


def test_a_rating_value_must_lie_on_its_scale(default_scale):
    rating = default_scale.ratings.get(value="true")
    rating.rating_value = 9
    with pytest.raises(ValidationError) as exc:
        rating.full_clean()
    assert "between the scale's worst (1) and best (6)" in exc.value.message_dict["rating_value"][0]
