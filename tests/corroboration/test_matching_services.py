"""Matching through the services: the alias table editors keep in the admin, and a
response that addresses a different proposition never turning into a denial of the
claim it responds to."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError

from claims.services import relation_create
from corroboration.models import Alias, Coverage
from corroboration.services import alias_create, alias_delete, alias_seed, coverage_match
from tests.factories import ArticleFactory, make_claim

pytestmark = pytest.mark.django_db

ESTMARK = "Estmark has closed its border with Varnia to all freight traffic."
PARAPHRASE = (
    "The Northern Republic has closed its border with Varnia to all freight traffic, customs officers said on "
    "Tuesday. Lorries queued for kilometres at the main crossing."
)


def test_the_seeded_table_reads_the_kremlin_as_russia_and_seeding_again_adds_nothing():
    alias_seed()  # a transactional test before this one may have flushed the table
    assert Alias.objects.filter(name="Russia", alias="Kremlin").exists()
    assert alias_seed() == 0
    claim = make_claim(statement="Russia has expelled three diplomats from Iran over espionage charges.")
    ArticleFactory(
        text="The Kremlin has expelled three diplomats from the Islamic Republic over espionage charges, "
        "the foreign ministry said."
    )
    assert coverage_match(claim)["related"] == 1


def test_an_alias_an_editor_adds_is_used_from_the_next_match_on(editor: User, reviewer: User):
    claim = make_claim(statement=ESTMARK)
    ArticleFactory(text=PARAPHRASE)
    first = coverage_match(claim)
    with pytest.raises(PermissionDenied):
        alias_create(actor=reviewer, name="Estmark", alias="Northern Republic")
    alias = alias_create(actor=editor, name="Estmark", alias="  the Northern   Republic ")
    assert alias.alias == "the Northern Republic"
    again = coverage_match(claim)
    assert (first["related"], again["related"]) == (0, 1)
    excerpt = Coverage.objects.get(claim=claim).excerpt
    assert excerpt.startswith("The Northern Republic has closed its border")
    alias_delete(actor=editor, alias=alias)
    assert not Alias.objects.filter(alias="the Northern Republic").exists()


def test_an_alias_must_be_another_name_and_is_kept_once(editor: User):
    with pytest.raises(ValidationError):
        alias_create(actor=editor, name="Estmark", alias="estmark")
    alias_create(actor=editor, name="Estmark", alias="Northern Republic")
    with pytest.raises(ValidationError):
        alias_create(actor=editor, name="estmark", alias="northern republic")


def test_a_response_to_a_different_proposition_never_becomes_a_denial_of_the_claim(editor: User):
    alias_seed()
    claim = make_claim(
        statement="Russia has provided Iran with information that could help Tehran strike U.S. warships."
    )
    response = make_claim(statement="Russia has received no requests from Iran for weapons.")
    article = ArticleFactory.create(
        text="Kremlin spokesman Dmitry Peskov denied the reports, saying Moscow had received no requests from "
        "Tehran for weapons that could help it strike U.S. warships."
    )
    coverage_match(claim)
    before = Coverage.objects.get(claim=claim, article=article)
    assert before.suggested_stance == "disputes"
    relation_create(
        actor=editor,
        from_claim=response,
        to_claim=claim,
        kind="responds_to",
        addresses="different_proposition",
    )
    coverage_match(claim)
    # Peskov's sentence carries the response, not the claim: no denial of the claim is left.
    assert not Coverage.objects.filter(claim=claim, article=article, suggested_stance="disputes").exists()
