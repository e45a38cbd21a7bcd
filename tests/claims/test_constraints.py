"""Structural rules the database itself enforces, whatever writes to it."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.utils import InternalError

from claims.models import Attribution, AttributionRole, Claim, ClaimRelation, RatingScale
from sources.models import Article, Source
from tests.factories import ArticleFactory, SourceFactory, make_claim

pytestmark = pytest.mark.django_db


def check_deferred_constraints() -> None:
    """The claimant rule is checked at commit; tests run inside a transaction that never commits."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def committed(change) -> None:
    """Make a change and check the deferred constraints as a commit would."""
    with transaction.atomic():
        change()
        check_deferred_constraints()


def test_a_claim_has_at_most_one_claimant():
    claim = make_claim()
    with pytest.raises(IntegrityError), transaction.atomic():
        Attribution.objects.create(claim=claim, source=SourceFactory(), role=AttributionRole.CLAIMANT)


def test_a_claim_cannot_be_stored_without_a_claimant():
    with pytest.raises((IntegrityError, InternalError), match="has no claimant"):
        committed(lambda: Claim.objects.create(statement="Nobody said this."))


def test_the_claimant_cannot_be_removed():
    claim = make_claim()
    with pytest.raises((IntegrityError, InternalError), match="has no claimant"):
        committed(lambda: Attribution.objects.filter(claim=claim, role=AttributionRole.CLAIMANT).delete())


def test_the_claimant_cannot_be_demoted_to_another_role():
    claim = make_claim()
    with pytest.raises((IntegrityError, InternalError), match="has no claimant"):
        committed(lambda: Attribution.objects.filter(claim=claim).update(role=AttributionRole.SUPPORTS))


def test_the_claimant_may_be_replaced_within_one_transaction():
    claim = make_claim()
    with transaction.atomic():
        Attribution.objects.filter(claim=claim, role=AttributionRole.CLAIMANT).delete()
        Attribution.objects.create(claim=claim, source=SourceFactory(), role=AttributionRole.CLAIMANT)
        check_deferred_constraints()
    assert claim.attributions.filter(role=AttributionRole.CLAIMANT).count() == 1


def test_a_claim_and_its_attributions_may_be_deleted_together():
    claim = make_claim()
    with transaction.atomic():
        claim.delete()
        check_deferred_constraints()
    assert not Claim.objects.filter(pk=claim.pk).exists()


def test_a_canonical_url_is_stored_once():
    ArticleFactory(canonical_url="https://news.example/a")
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(canonical_url="https://news.example/a", url="https://news.example/a?utm=1")


@pytest.mark.parametrize("value", [0, 7])
def test_information_credibility_is_1_to_6(value):
    claim = make_claim()
    with pytest.raises(IntegrityError), transaction.atomic():
        Attribution.objects.filter(claim=claim).update(credibility=value)


def test_source_reliability_is_a_to_f():
    source = SourceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Source.objects.filter(pk=source.pk).update(reliability="G")


def test_a_source_count_is_at_least_one():
    claim = make_claim(claimant=SourceFactory(anonymous=True), claimant_fields={"attribution_text": "officials"})
    with pytest.raises(IntegrityError), transaction.atomic():
        Attribution.objects.filter(claim=claim).update(sources_claimed=0)


def test_a_claim_cannot_be_related_to_itself_in_the_database():
    claim = make_claim()
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimRelation.objects.create(from_claim=claim, to_claim=claim, kind="related")


def test_a_response_relation_needs_what_it_addresses_in_the_database():
    first, second = make_claim(statement="One."), make_claim(statement="Two.")
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimRelation.objects.create(from_claim=first, to_claim=second, kind="responds_to")


def test_the_database_refuses_a_status_outside_the_workflow():
    claim = make_claim()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE claims_claim SET status = 'approved' WHERE id = %s", [claim.pk])


def test_an_unknown_coded_value_is_refused():
    claim = make_claim(claimant=SourceFactory(anonymous=True), claimant_fields={"attribution_text": "officials"})
    with pytest.raises(IntegrityError), transaction.atomic():
        Attribution.objects.filter(claim=claim).update(access="overheard")


def test_there_is_one_default_rating_scale(default_scale):
    with pytest.raises(IntegrityError), transaction.atomic():
        RatingScale.objects.create(name="Another", best_rating=5, worst_rating=1, is_default=True)
