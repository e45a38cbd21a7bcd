"""Equivalent wordings of what happened: "quit", "resigned" and "stood down" are read as
"step down" in claims, pages and the document frequencies alike; a wording is never a
party; a negation still governs it; the candidate index finds a claim through an
equivalent; and a wording an editor adds in the admin is used from the next job on."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError

from corroboration.aliases import AliasTable
from corroboration.candidates import ArticleKeys, ClaimTerms, candidate_claim_ids
from corroboration.matching import ClaimProfile, Document, TermStats, match
from corroboration.models import Alias, AliasKind, Coverage
from corroboration.services import MATCHABLE, alias_create, alias_seed, alias_table, candidate_articles
from corroboration.stance import suggest_stance
from tests.corroboration.test_matching_services import _run_matching_job
from tests.factories import ArticleFactory, make_claim
from tests.test_admin import admin_url

STEP_DOWN = "Peeter Lind will step down."
NO_WORDINGS = AliasTable(wordings={})


def _terms(text: str, table: AliasTable | None = None) -> set[str]:
    return Document(text, table).all_terms


@pytest.mark.parametrize(
    "text",
    [
        "Lind steps down.",
        "Lind stepped down.",
        "Lind is stepping down.",
        "Lind stood down.",
        "Lind stands down.",
        "Lind resigned.",
        "Lind's resignation.",
        "Lind quits.",
        "Lind will leave office.",
        "Lind left office.",
    ],
)
def test_every_form_of_a_wording_is_read_as_its_canonical_term(text):
    terms = _terms(text)
    assert "~step down" in terms
    assert not {"step", "stood", "resign", "quit", "leav", "offic", "left"} & terms


def test_irregular_forms_and_phrases_of_other_groups_fold_too():
    assert "~buy" in _terms("Brightwater bought Lumen.")
    assert "~buy" in _terms("Brightwater took over Lumen.")
    assert "~buy" in _terms("Brightwater's acquisition of Lumen.")
    assert "~strike down" in _terms("The court struck down the law.")
    assert "~arrest" in _terms("Police took him into custody.") | _terms("Police detained him.")
    # A word that is only part of a phrase keeps its own meaning: "left" is not "left office".
    assert "~step down" not in _terms("Lind left the building.")
    assert "~step down" not in _terms("Lind took a step back.")


def test_a_wording_is_never_a_party_however_it_is_capitalised():
    profile = ClaimProfile.of("Peeter Lind Will Step Down In June")
    assert "~step down" in profile.terms
    assert "~step down" not in profile.party_terms
    assert [p.label for p in profile.parties] == ["Peeter Lind"]
    assert not any(AliasTable().is_wording(t) for t in ClaimProfile.of("Quit Records fined Varnia.").party_terms)


def test_a_paraphrased_predicate_carries_the_claim_only_through_its_wording():
    text = "Peeter Lind quit on Friday, the finance ministry said."
    assert match(ClaimProfile.of(STEP_DOWN), text).related
    assert not match(ClaimProfile.of(STEP_DOWN, aliases=AliasTable(wordings={})), text).related


def test_the_page_and_the_claim_meet_in_either_wording_and_the_mark_covers_the_phrase():
    profile = ClaimProfile.of("Peeter Lind quit the Bank of Estmark.")
    text = "Peeter Lind stood down from the Bank of Estmark."
    found = match(profile, text)
    assert found.related
    assert (text.index("stood"), text.index("down") + 4) in found.marks


@pytest.mark.parametrize(
    ("text", "stance"),
    [
        ("Peeter Lind stood down on Friday.", "supports"),
        ("Peeter Lind did not step down on Friday.", "disputes"),
        ("Peeter Lind did not quit on Friday.", "disputes"),
        ("Peeter Lind has not resigned.", "disputes"),
    ],
)
def test_a_negation_still_governs_a_folded_wording(text, stance):
    profile = ClaimProfile.of(STEP_DOWN)
    found = match(profile, text)
    assert found.related
    assert suggest_stance(text, found, profile).stance == stance


def test_a_claim_that_is_itself_a_negation_is_carried_by_its_paraphrase():
    profile = ClaimProfile.of("Peeter Lind will not step down.")
    text = "Peeter Lind will not resign, his office said."
    found = match(profile, text)
    assert found.related
    assert suggest_stance(text, found, profile).stance == "supports"


def test_a_wording_still_to_come_is_a_preview_not_a_report():
    profile = ClaimProfile.of("Peeter Lind stepped down.")
    found = match(profile, "Peeter Lind is expected to quit.")
    assert not found.related
    assert found.excluded == (0,)


def test_the_document_frequencies_count_a_wording_under_its_canonical_term():
    stats = TermStats.of_texts(["Lind quit.", "Kuusk resigned.", "Tamm stood down.", "Lind spoke."])
    assert stats.df["~step down"] == 3
    assert "quit" not in stats.df


def test_an_editors_table_replaces_the_seed_wordings():
    table = AliasTable(wordings={"step down": ["bow out"]})
    assert "~step down" in _terms("Lind will bow out.", table)
    assert "~step down" not in _terms("Lind quit.", table)
    assert "~step down" not in _terms("Lind quit.", NO_WORDINGS)


# --- Through the database ------------------------------------------------------------------

CLAIM = "Russia's ambassador will step down."
# Shares no distinguishing word with the claim but through the wordings ("Moscow" is Russia).
ARTICLE = "Moscow's envoy quit on Friday."


@pytest.mark.django_db
def test_a_page_finds_a_claim_through_an_equivalent_wording():
    claim = make_claim(statement=CLAIM)
    keys = ArticleKeys.of(ARTICLE)
    assert {"quit", "step", "resign"} <= keys.keys
    assert candidate_claim_ids(keys, statuses=MATCHABLE) == [claim.pk]
    assert candidate_claim_ids(ArticleKeys.of(ARTICLE, aliases=NO_WORDINGS), statuses=MATCHABLE) == []


@pytest.mark.django_db
def test_a_claim_finds_a_stored_page_through_an_equivalent_wording():
    article = ArticleFactory(text=ARTICLE)
    claim = make_claim(statement=CLAIM)
    assert "quit" in ClaimTerms.of(CLAIM).keys
    assert [a.pk for a in candidate_articles(claim)] == [article.pk]
    assert list(candidate_articles(claim, aliases=NO_WORDINGS)) == []


@pytest.mark.django_db
def test_the_seed_wordings_are_in_the_table_and_seeding_again_adds_nothing():
    alias_seed()  # a transactional test before this one may have flushed the table
    row = Alias.objects.get(name="step down", alias="stood down")
    assert row.kind == AliasKind.WORDING
    assert Alias.objects.get(name="Russia", alias="Kremlin").kind == AliasKind.ENTITY
    assert alias_seed() == 0
    table = alias_table()
    assert table.is_wording("~step down")
    assert not table.is_entity("~step down")


@pytest.mark.django_db
def test_a_wording_an_editor_adds_is_used_from_the_next_matching_job_on(
    editor: User, reviewer: User, django_capture_on_commit_callbacks
):
    alias_seed()
    claim = make_claim(statement=STEP_DOWN)
    first = ArticleFactory.create(text="Peeter Lind will bow out in June, the bank said.")
    _run_matching_job([first], django_capture_on_commit_callbacks)
    assert not Coverage.objects.filter(claim=claim).exists()

    with pytest.raises(PermissionDenied):
        alias_create(actor=reviewer, kind=AliasKind.WORDING, name="step down", alias="bow out")
    alias_create(actor=editor, kind=AliasKind.WORDING, name="step down", alias="bow out")
    later = ArticleFactory.create(text="Peeter Lind will bow out in June, the finance ministry said.")
    _run_matching_job([later], django_capture_on_commit_callbacks)
    assert list(Coverage.objects.filter(claim=claim).values_list("article", flat=True)) == [later.pk]


@pytest.mark.django_db
def test_the_alias_list_filters_by_kind_and_a_wording_added_in_the_admin_is_saved_as_one(editor_client):
    alias_seed()
    wordings = editor_client.get(admin_url(Alias, "changelist") + "?kind=wording").content.decode()
    assert "stood down" in wordings
    assert "Kremlin" not in wordings
    response = editor_client.post(
        admin_url(Alias, "add"), {"kind": "wording", "name": "step down", "alias": "bow out", "notes": ""}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Alias.objects.get(alias="bow out").kind == AliasKind.WORDING
    assert "~step down" in _terms("Lind will bow out.", alias_table())


@pytest.mark.django_db
@pytest.mark.parametrize("form", ["was not sacked", "down"])
def test_a_wording_holding_a_negation_or_nothing_but_stopwords_is_refused(editor: User, form):
    with pytest.raises(ValidationError):
        alias_create(actor=editor, kind=AliasKind.WORDING, name="step down", alias=form)
    # As an entity's other name, a word of any kind is allowed ("Down" is a county).
    alias_create(actor=editor, name="County Down", alias="Down")
