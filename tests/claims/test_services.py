import pytest
from django.core.exceptions import ValidationError

from claims.models import AttributionRole, Claim, ClaimRelation, RelationKind
from claims.services import (
    StaleVersion,
    attribution_create,
    attribution_delete,
    attribution_update,
    claim_create,
    claim_update,
    relation_create,
    relation_delete,
    relation_update,
)
from sources.models import SourceKind
from sources.services import outlet_create, source_update
from tests.factories import ArticleFactory, SourceFactory, make_claim

pytestmark = pytest.mark.django_db


def test_recording_a_claim_stores_its_claimant_and_other_attributions(reviewer):
    peskov = SourceFactory(name="Dmitry Peskov")
    claim = make_claim(
        actor=reviewer,
        claimant_fields={"attribution_text": "Kremlin spokesman"},
        others=[{"source": peskov, "role": AttributionRole.DISPUTES}],
        tags=["russia"],
    )
    assert claim.version == 1
    assert claim.created_by == reviewer
    assert [a.role for a in claim.attributions.all()] == [AttributionRole.CLAIMANT, AttributionRole.DISPUTES]


@pytest.mark.parametrize(
    "roles", [[], [AttributionRole.CLAIMANT, AttributionRole.CLAIMANT], [AttributionRole.SUPPORTS]]
)
def test_a_claim_needs_exactly_one_claimant(roles):
    with pytest.raises(ValidationError) as exc:
        claim_create(
            actor=None,
            statement="Something happened.",
            attributions=[{"source": SourceFactory(), "role": r} for r in roles],
        )
    assert "exactly one claimant" in str(exc.value)
    assert not Claim.objects.exists()


def test_a_claim_with_an_invalid_attribution_is_not_half_written():
    with pytest.raises(ValidationError):
        make_claim(claimant=SourceFactory(anonymous=True), claimant_fields={"attribution_text": ""})
    assert not Claim.objects.exists()


def test_an_empty_statement_is_refused():
    with pytest.raises(ValidationError) as exc:
        make_claim(statement="")
    assert "statement" in exc.value.message_dict


def test_updating_a_claim_bumps_its_version(reviewer):
    claim = make_claim(actor=reviewer)
    claim_update(actor=reviewer, claim=claim, version=1, statement="The minister signed it on Wednesday.")
    claim.refresh_from_db()
    assert claim.version == 2
    assert claim.statement == "The minister signed it on Wednesday."
    assert claim.updated_by == reviewer


def test_an_update_that_changes_nothing_keeps_the_version():
    claim = make_claim()
    claim_update(actor=None, claim=claim, statement=claim.statement)
    claim.refresh_from_db()
    assert claim.version == 1


def test_a_stale_version_is_refused_naming_who_changed_the_claim(editor, reviewer):
    claim = make_claim(actor=reviewer)
    claim_update(actor=editor, claim=Claim.objects.get(pk=claim.pk), version=1, context="Added by the editor.")
    with pytest.raises(StaleVersion) as exc:
        claim_update(actor=reviewer, claim=Claim.objects.get(pk=claim.pk), version=1, context="Reviewer's text.")
    assert exc.value.current_version == 2
    assert "changed by ed" in str(exc.value)
    claim.refresh_from_db()
    assert claim.context == "Added by the editor."


def test_status_and_verdict_cannot_be_changed_as_plain_fields():
    claim = make_claim()
    with pytest.raises(TypeError):
        claim_update(actor=None, claim=claim, status="published")


def test_appearances_are_set_through_the_service():
    claim = make_claim()
    articles = ArticleFactory.create_batch(2)
    claim_update(actor=None, claim=claim, appearances=articles)
    assert set(claim.appearances.all()) == set(articles)
    assert Claim.objects.get(pk=claim.pk).version == 2


def test_attribution_changes_bump_the_claim_version():
    claim = make_claim()
    supporter = attribution_create(actor=None, claim=claim, source=SourceFactory(), role=AttributionRole.SUPPORTS)
    attribution_update(actor=None, attribution=supporter, quote="It happened.")
    attribution_delete(actor=None, attribution=supporter)
    assert Claim.objects.get(pk=claim.pk).version == 4


def test_attribution_changes_respect_the_version_the_caller_saw():
    claim = make_claim()
    claim_update(actor=None, claim=Claim.objects.get(pk=claim.pk), context="new")
    with pytest.raises(StaleVersion):
        attribution_create(actor=None, claim=claim, version=1, source=SourceFactory(), role=AttributionRole.SUPPORTS)
    assert claim.attributions.count() == 1


def test_a_second_claimant_is_refused_with_a_message():
    claim = make_claim()
    with pytest.raises(ValidationError) as exc:
        attribution_create(actor=None, claim=claim, source=SourceFactory(), role=AttributionRole.CLAIMANT)
    assert "already has its claimant" in str(exc.value)


def test_the_claimant_cannot_be_removed_or_demoted():
    claim = make_claim()
    claimant = claim.attributions.get()
    with pytest.raises(ValidationError):
        attribution_delete(actor=None, attribution=claimant)
    with pytest.raises(ValidationError):
        attribution_update(actor=None, attribution=claimant, role=AttributionRole.SUPPORTS)
    assert claim.attributions.get().role == AttributionRole.CLAIMANT


def test_the_claimant_can_be_changed_by_changing_its_source():
    claim = make_claim()
    other = SourceFactory(name="Someone Else")
    attribution_update(actor=None, attribution=claim.attributions.get(), source=other)
    assert claim.attributions.get().source == other


def test_relations_are_created_updated_and_deleted():
    response, claim = make_claim(statement="We received no requests."), make_claim()
    relation = relation_create(
        actor=None,
        from_claim=response,
        to_claim=claim,
        kind=RelationKind.RESPONDS_TO,
        addresses="different_proposition",
    )
    relation_update(actor=None, relation=relation, addresses="partly")
    assert ClaimRelation.objects.get().addresses == "partly"
    relation_delete(actor=None, relation=relation)
    assert not ClaimRelation.objects.exists()
    assert Claim.objects.get(pk=response.pk).version == 4


def test_a_cited_source_cannot_switch_between_named_and_anonymous():
    claim = make_claim()
    with pytest.raises(ValidationError) as exc:
        source_update(actor=None, source=claim.claimant.source, kind=SourceKind.ANONYMOUS_GROUP)
    assert "already cited" in exc.value.message_dict["kind"][0]


def test_outlet_domains_are_normalised():
    outlet = outlet_create(actor=None, name="AP", domains=["WWW.APNews.com", "apnews.com.", ""])
    assert outlet.domains == ["apnews.com"]


def test_outlet_names_are_unique_whatever_the_case():
    outlet_create(actor=None, name="Reuters")
    with pytest.raises(ValidationError):
        outlet_create(actor=None, name="reuters")
