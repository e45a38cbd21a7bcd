"""Matching on the demo corpus and on sentences written to the point: pages that carry
the claim are found with the right stance and echo; pages that only share its names do
not match; the excerpt is the shortest passage holding the claim."""

import json
import re

import pytest
import trafilatura
from hypothesis import given, settings
from hypothesis import strategies as st

from corroboration.aliases import AliasTable
from corroboration.echoes import OutletNames, find_echo
from corroboration.matching import ClaimProfile, Document, TermStats, match, responses_to
from corroboration.stance import Stance, suggest_stance
from demo.corpus import CORPUS_DIR, CORPUS_OUTLETS, PAGES

STATEMENT = (
    "Russia has provided Iran with information that could help Tehran strike U.S. warships, aircraft and other "
    "assets in the Middle East."
)
QUOTE = (
    "Russia has provided Iran with information that could help Tehran strike American warships, aircraft and other "
    "assets in the region."
)
NO_REQUESTS = "Russia has received no requests from Iran for weapons."
OUTLETS = [OutletNames(id=name, name=name) for name, *_ in CORPUS_OUTLETS]


def page(path):
    html = (CORPUS_DIR / path).read_text()
    site = re.search(r'og:site_name" content="([^"]+)"', html).group(1)
    return trafilatura.extract(html), site


@pytest.fixture(scope="module")
def stats():
    return TermStats.of_texts(page(path)[0] for path in PAGES)


@pytest.fixture(scope="module")
def profile(stats):
    return ClaimProfile.of(STATEMENT, QUOTE, stats=stats)


@pytest.mark.parametrize("path", list(PAGES))
def test_each_demo_page_is_read_as_what_it_is(profile, path):
    text, site = page(path)
    found = match(profile, text)
    kind = PAGES[path]
    if kind == "unrelated":
        assert not found.related, (found.score, found.excerpt)
        return
    assert found.related, (found.score, found.excerpt)
    expected = {"denial": "disputes"}.get(kind, "supports")
    assert suggest_stance(text, found, profile).stance == expected, found.excerpt
    echo = find_echo(text, OUTLETS, own_outlet=site, passage=found.sentences)
    if kind in ("echo", "syndicated"):
        # A copy carries the wire's credit too; classification makes it a syndicated copy.
        assert echo is not None
        assert echo.outlet_id == "The Associated Press"
    else:
        assert echo is None, echo


def test_a_page_naming_only_the_same_countries_is_not_coverage(profile):
    text = "Russia and Iran held talks in Moscow on Tuesday. Iranian and Russian officials discussed trade."
    assert not match(profile, text).related


def test_a_short_claim_does_not_match_a_page_that_only_shares_its_country_names():
    profile = ClaimProfile.of(NO_REQUESTS)
    text = "Russia and Iran signed a trade agreement in Tehran. Moscow said exports to Iran would grow."
    assert not match(profile, text).related


def test_a_paraphrase_with_aliases_is_found(profile):
    text = (
        "The Kremlin has been passing the Islamic Republic information that could help it strike American "
        "warships, aircraft and other assets in the region, three European officials said."
    )
    found = match(profile, text)
    assert found.related
    assert not found.missing_parties


def test_aliases_are_an_input():
    profile = ClaimProfile.of("Estmark recorded 1,284 measles cases.", aliases={"Estmark": ["Velden"]})
    assert match(profile, "Velden recorded 1,284 measles cases last year.").related
    assert not match(ClaimProfile.of("Estmark recorded 1,284 measles cases."), "Velden recorded 1,284 cases.").related


def test_a_passage_that_leaves_out_a_party_scores_half(profile):
    full = match(profile, "Russia gave Iran information that could help it strike U.S. warships and aircraft.")
    partial = match(profile, "Someone gave Iran information that could help it strike U.S. warships and aircraft.")
    assert partial.score == pytest.approx(full.score / 2, abs=0.05)
    assert partial.missing_parties == ("Russia",)


def test_rarer_terms_weigh_more_than_country_names():
    stats = TermStats(doc_count=1000, df={"@russia": 400, "@iran": 300, "warship": 5})
    profile = ClaimProfile.of("Russia helps Iran target warships.", stats=stats)
    weights = profile.versions[0].weights
    assert weights["warship"] > 3 * weights["@russia"]


def test_the_excerpt_is_the_shortest_passage_holding_the_claim_with_its_words_marked(profile):
    text = (
        "Markets were calm on Monday. Officials said Russia has provided Iran with information that could help "
        "Tehran strike American warships, aircraft and other assets in the region. Oil prices rose."
    )
    found = match(profile, text)
    assert found.excerpt.startswith("Officials said Russia")
    assert found.excerpt.endswith("in the region.")
    assert text[found.passage[0] : found.passage[1]] == found.excerpt
    marked = {text[s:e] for s, e in found.marks}
    assert {"Russia", "Iran", "warships", "Tehran"} <= marked


def test_a_response_to_another_proposition_is_not_read_as_this_claim(stats):
    claim = ClaimProfile.of(STATEMENT, QUOTE, stats=stats)
    response = ClaimProfile.of(NO_REQUESTS, "it has received no such requests from Tehran", stats=stats)
    text = (
        "Russia has provided Iran with information that could help Tehran strike U.S. warships, officials said. "
        "Kremlin spokesman Dmitry Peskov said Moscow had received no requests from Tehran for weapons."
    )
    found = match(claim, text, responses=[response])
    assert 1 in found.excluded
    assert suggest_stance(text, found, claim).stance == "supports"


def test_responses_come_from_relations_that_address_a_different_proposition():
    relations = [
        ("no_requests", "responds_to", "intelligence", "different_proposition"),
        ("denial", "responds_to", "intelligence", "fully"),
        ("other", "related", "intelligence", ""),
    ]
    assert responses_to("intelligence", relations) == ["no_requests"]


def test_a_sentence_giving_another_figure_does_not_carry_a_statistic():
    profile = ClaimProfile.of("Estmark recorded 1,284 measles cases in 2025.", aliases=AliasTable({"Estmark": []}))
    found = match(profile, "A viral post says Estmark recorded 12,840 measles cases in 2024.")
    assert not found.related


def test_a_sentence_dated_elsewhere_does_not_carry_the_claim():
    profile = ClaimProfile.of(
        "Peeter Lind, the governor of the Bank of Estmark, will step down at the end of June.",
        aliases=AliasTable({"Bank of Estmark": []}),
    )
    assert profile.times == {"june"}
    elsewhere = (
        "Peeter Lind's term as governor of the Bank of Estmark ends in 2028. "
        "Officials want a successor in place well before Lind steps down, they said in May 2025."
    )
    found = match(profile, elsewhere)
    assert not found.related
    assert found.excluded == (0, 1)
    # An aside dated elsewhere parts nothing: the sentences around it still carry the claim.
    report = (
        "Peeter Lind said he would step down as governor of the Bank of Estmark. "
        "He had been expected to serve until 2028. "
        "His last day at the bank will be the end of June."
    )
    found = match(profile, report)
    assert found.related
    assert found.sentences == (0, 3)
    assert found.excluded == (1,)
    assert "2028" not in [report[a:b] for a, b in found.marks]


def test_a_claim_figure_anchors_a_sentence_that_also_names_another_year():
    profile = ClaimProfile.of("Estmark recorded 1,284 measles cases in 2025.", aliases=AliasTable({"Estmark": []}))
    assert match(profile, "Estmark recorded 1,284 measles cases, the most since 2005.").related
    # "may" the verb dates nothing; "in May" does.
    lind = ClaimProfile.of("Peeter Lind will step down at the end of June.")
    assert match(lind, "Peeter Lind may step down at the end of June. Lind may go.").excluded == ()
    assert match(lind, "Peeter Lind may step down at the end of June. Lind met bankers in May.").excluded == (1,)


def test_a_named_body_is_found_again_by_its_head_noun():
    table = AliasTable({"Estmark": [], "Health Ministry": ["Ministry of Health"]})
    profile = ClaimProfile.of(
        "Estmark's Health Ministry recorded 1,284 measles cases in 2025, the highest in two decades.", aliases=table
    )
    text = "The ministry's figure of 1,284 measles cases in 2025, the highest in two decades, was questioned."
    found = match(profile, text)
    assert found.missing_parties == ()
    assert found.related
    # A ministry nobody refers back to is no such reference.
    unrelated = match(profile, "A ministry in another country counted 1,284 measles cases in 2025.")
    assert unrelated.missing_parties == ("Estmark's Health Ministry",)


RULING = (
    "Estmark's Supreme Court ruled that the law banning protests within 300 metres of parliament is unconstitutional."
)


def test_a_preview_of_the_decision_does_not_carry_it():
    profile = ClaimProfile.of(RULING, aliases=AliasTable({"Estmark": []}))
    report = (
        "Estmark's Supreme Court on Tuesday struck down the law banning protests within 300 metres of parliament, "
        "ruling that it is unconstitutional."
    )
    preview = (
        "Estmark's Supreme Court will rule on Tuesday whether the law banning protests within 300 metres of "
        "parliament is unconstitutional."
    )
    assert match(profile, report).related
    found = match(profile, preview)
    assert not found.related
    assert 0 in found.excluded


def test_a_claim_that_is_itself_pending_is_carried_by_its_own_frame():
    profile = ClaimProfile.of("Peeter Lind is expected to step down as governor at the end of June.")
    assert profile.prospective == 1
    assert match(profile, "Governor Peeter Lind is expected to step down at the end of June, aides said.").related


def test_a_plain_future_reports_an_announcement():
    profile = ClaimProfile.of("Brightwater Telecom has agreed to buy Lumen Mobile for 2.1 billion euros.")
    found = match(profile, "Brightwater Telecom will buy Lumen Mobile for 2.1 billion euros, the companies agreed.")
    assert found.related
    assert found.excluded == ()


def test_a_party_named_only_after_the_action_does_not_count():
    table = AliasTable({"Bank of Estmark": ["central bank"]})
    profile = ClaimProfile.of(
        "Peeter Lind, the governor of the Bank of Estmark, will step down in June.", aliases=table
    )
    own = "Peeter Lind, governor of the Bank of Estmark, will step down in June, the bank said."
    another = (
        "Andres Kuusk, a deputy governor of the Bank of Estmark, will step down in June, the bank said. "
        "Peeter Lind thanked him for his service."
    )
    assert match(profile, own).related
    assert not match(profile, another).related


def test_a_body_is_found_again_by_its_own_title():
    profile = ClaimProfile.of(RULING, aliases=AliasTable({"Estmark": []}))
    text = (
        "Seven Supreme Court judges held that the law banning protests within 300 metres of parliament is "
        "unconstitutional."
    )
    assert match(profile, text).missing_parties == ()


def test_a_body_is_found_again_by_the_place_it_belongs_to():
    """ "the state's highest court", "the country's health ministry": the head noun after
    a place's possessive and at most one word refers back to the body as "the court" does."""
    profile = ClaimProfile.of(RULING, aliases=AliasTable({"Estmark": []}))
    for text in (
        "The country's highest court held that the law banning protests within 300 metres of parliament is "
        "unconstitutional.",
        "The country's court held that the law banning protests within 300 metres of parliament is unconstitutional.",
    ):
        assert match(profile, text).missing_parties == (), text
    # Two words between the possessive and the noun are not a description of the body,
    # and a name ("Estmark's") is not a place described: the party is still left out.
    distant = "The country's oldest and proudest court held that the law banning protests is unconstitutional."
    assert match(profile, distant).missing_parties != ()
    # "the ministry's figure" is the ministry itself, as before.
    statistic = ClaimProfile.of(
        "Estmark's Health Ministry recorded 1,284 measles cases in 2025.", aliases=AliasTable({"Estmark": []})
    )
    assert match(statistic, "The ministry's figure of 1,284 measles cases in 2025 is a record.").missing_parties == ()


def test_a_person_is_found_again_by_the_title_given_with_the_name():
    """ "fisheries minister Ana Brandão" is "the minister" and "Portugal's fisheries
    minister" a paragraph on, as a body is "the ministry"."""
    profile = ClaimProfile.of("Fisheries minister Ana Brandão said Portugal will not sign the Reykjavik Quota Accord.")
    for text in (
        "Portugal will not sign the Reykjavik Quota Accord, the minister said on Tuesday.",
        "Portugal will not sign the Reykjavik Quota Accord, the country's fisheries minister said.",
        "Portugal's fisheries minister said Portugal will not sign the Reykjavik Quota Accord.",
    ):
        assert "Ana Brandão" not in match(profile, text).missing_parties, text
    other = "Portugal will not sign the Reykjavik Quota Accord, the union said on Tuesday."
    assert "Ana Brandão" in match(profile, other).missing_parties


def test_a_named_place_s_possessive_and_a_document_s_head_noun_refer_back():
    """ "Portugal's fisheries minister" (Portugal folded through the alias table) is the
    minister; "the accord" is the Reykjavik Quota Accord, as "the court" is a court."""
    table = AliasTable({"Portugal": ["Lisbon", "Portuguese"]})
    profile = ClaimProfile.of(
        "The fisheries minister, Ana Brandão, said Portugal will not sign the Reykjavik Quota Accord.", aliases=table
    )
    assert [party.label for party in profile.parties] == ["Ana Brandão", "Portugal", "Reykjavik Quota Accord"]
    for text in (
        "Portugal's fisheries minister said Portugal will not sign the accord.",
        "The government denied that its fisheries minister had said Portugal will not sign the accord.",
    ):
        assert match(profile, text).missing_parties == (), text
    elsewhere = "The union said Portugal will not sign the treaty."
    assert set(match(profile, elsewhere).missing_parties) == {"Ana Brandão", "Reykjavik Quota Accord"}


def test_naming_the_parties_is_not_carrying_what_the_claim_says_of_them():
    profile = ClaimProfile.of(NO_REQUESTS)
    assert match(profile, "Moscow said it had received no requests from Iran for weapons.").related
    found = match(profile, "Iran has requested additional wheat shipments from Russia after a poor harvest.")
    assert profile.content_share({"@russia", "@iran", "request"}) == pytest.approx(1 / 3)
    assert not found.related


def test_an_article_that_could_not_carry_a_claim_is_never_matched_to_it():
    """`could_carry` rules a claim out before any passage is read: a bound, never a guess.
    Over every claim and page of the evaluation corpus's development split (its own
    term statistics and alias table, as `make eval` runs them), no page it rules out is
    related, and it does rule most unrelated pages out."""
    from evaluation.coverage import ROOT, _alias_table, _load_pages

    folder = ROOT / "dev"
    manifest = json.loads((folder / "manifest.json").read_text())
    table = _alias_table(manifest.get("aliases", {}))
    pages = _load_pages(manifest, folder)
    stats = TermStats.of_texts((p.text for p in pages), table)
    documents = [Document(p.text, table) for p in pages]
    ruled_out = unrelated = 0
    for claim in manifest["claims"]:
        profile = ClaimProfile.of(claim["statement"], claim["quote"], aliases=table, stats=stats)
        for document in documents:
            related = match(profile, document).related
            if not profile.could_carry(document):
                assert not related, (claim["id"], document.text[:80])
                ruled_out += 1
            unrelated += not related
    assert ruled_out > unrelated / 2


def test_a_figure_and_common_words_in_common_are_ruled_out_without_reading_passages():
    profile = ClaimProfile.of("Kalosol built 5,500 vendarmis drolo in Iran despite officials and critics.")
    other_topic = (
        "Tarven shipped 5,500 quinras belmor in Peru, officials said. Iran critics met officials on Monday. "
        "Officials and critics in Iran warned of costs."
    )
    same_topic = "Kalosol built 5,500 vendarmis drolo in Iran, officials said despite critics."
    assert not profile.could_carry(Document(other_topic))
    assert profile.could_carry(Document(same_topic))
    assert match(profile, same_topic).related


def test_a_condition_does_not_carry_the_claim():
    profile = ClaimProfile.of("Portugal will sign the Reykjavik Quota Accord.")
    assert match(profile, "Portugal will sign the Reykjavik Quota Accord, the minister said.").related
    conditional = "The Reykjavik Quota Accord can only take effect in Portugal if it is signed by the government."
    assert not match(profile, conditional).related


def test_another_country_s_government_is_not_the_claim_s():
    profile = ClaimProfile.of("Ghana's government is preparing to take a controlling stake in Asante Cocoa Works.")
    other = match(profile, "Nigeria's government is preparing to take a controlling stake in Ondo Cocoa Mills.")
    assert not other.related
    assert other.missing_parties
    # Its own government, by possessive or referred back to, is.
    assert match(profile, "Ghana's government is preparing to take a controlling stake in Asante Cocoa Works.").related
    found = match(
        profile,
        "Ghana is weighing its options for the cocoa sector. The government is preparing to take a controlling "
        "stake in Asante Cocoa Works, officials said.",
    )
    assert found.related
    assert not found.missing_parties


def test_a_title_before_a_name_is_that_person_s_not_a_reference_to_the_claim_s():
    profile = ClaimProfile.of("Czech Interior Minister Radka Holubová said she will not run for president.")
    other = match(profile, "Slovak Foreign Minister Marek Dobrovský said he will not run for president.")
    assert not other.related
    assert any("Radka Holubová" in party for party in other.missing_parties)


def test_a_figure_only_the_quote_gives_does_not_make_another_count_the_claim_s():
    profile = ClaimProfile.of(
        "The inspectorate found lead above the legal limit in 11 of 87 tap-water samples taken at Maribor schools.",
        "lead concentrations above the legal limit of 10 micrograms per litre were found in 11 of the 87 samples",
    )
    other = (
        "Lead above the legal limit of 10 micrograms per litre was found in 4 of 92 tap-water samples at Maribor "
        "schools."
    )
    assert not match(profile, other).related
    same = (
        "Lead above the legal limit was found in 11 of 87 tap-water samples taken at Maribor schools, the "
        "inspectorate found."
    )
    assert match(profile, same).related


def test_a_description_of_a_party_is_who_it_is_not_what_the_claim_says():
    profile = ClaimProfile.of(
        "Ghana's government is preparing to take a controlling stake in Asante Cocoa Works, the country's largest "
        "cocoa processor."
    )
    assert not {"largest", "processor"} & set(profile.terms)
    found = match(
        profile, "The government of Ghana is preparing to take control of Asante Cocoa Works, officials said."
    )
    assert found.related


def test_a_place_that_only_says_whose_or_where_from_is_not_a_party():
    breach = ClaimProfile.of(
        "Canadian regional airline Northwind Air said a breach of its booking system exposed the records of "
        "318,400 passengers.",
        aliases={"Canada": ["Canadian"]},
    )
    assert [p.label for p in breach.parties] == ["Northwind Air"]
    page = "Northwind Air said a breach of its booking system had exposed the records of 318,400 passengers."
    assert match(breach, page).related
    # The airline is still the party: another Canadian airline's breach is another claim.
    other = "Canadian regional airline Polar Wings said a breach of its booking system exposed passenger records."
    assert not match(breach, other).related
    minister = ClaimProfile.of(
        "Rua Island is free of rats after nine years of trapping, New Zealand's conservation minister announced.",
        aliases={"New Zealand": ["Aotearoa"]},
    )
    assert [p.label for p in minister.parties] == ["Rua Island", "New Zealand's conservation minister"]
    page = "The conservation minister said on Thursday that Rua Island is free of rats after nine years of trapping."
    assert match(minister, page).related
    # A country that acts is a party, whatever its name ends in.
    accuses = ClaimProfile.of(
        "Pakistan accuses India of violating the ceasefire in Kashmir.", aliases={"Pakistan": ["Pakistani"]}
    )
    assert [p.label for p in accuses.parties] == ["Pakistan", "India"]
    assert not match(accuses, "India said troops had violated the ceasefire in Kashmir.").related


def test_the_head_of_a_body_or_title_refers_back_with_words_of_what_kind_before_it():
    profile = ClaimProfile.of(
        "The Croatian prime minister's office said no decision has been taken on the date of the election.",
        aliases={"Andrija Lovrić": ["the Croatian prime minister", "Lovrić"]},
    )
    page = (
        "Asked about the plan, the prime minister's office said no decision has been taken on the date of the election."
    )
    assert match(profile, page).related
    # Another holder of the title is not the claim's: "the foreign ministry", "the former president".
    ministry = ClaimProfile.of("Estmark's Health Ministry said 1,284 measles cases were recorded in March.")
    assert match(ministry, "The health ministry said 1,284 measles cases were recorded in March.").related
    assert not match(ministry, "The foreign ministry said 1,284 measles cases were recorded in March.").related
    president = ClaimProfile.of("President Tomas Vekic said the border crossing will reopen in May.")
    assert not match(president, "The former president said the border crossing will reopen in May.").related


def test_a_verb_s_noun_meets_the_verb():
    profile = ClaimProfile.of("The Harbour Board said no decision has been taken on the date of the vote.")
    page = "The date of the vote has not been decided, the Harbour Board said on Friday."
    assert match(profile, page).score > match(profile, "The Harbour Board said the vote was taken.").score
    assert match(profile, page).related


def test_a_season_and_a_fiscal_year_name_both_years():
    profile = ClaimProfile.of("Deccan Rural Bank wrote off its farm loans in the fiscal year ended March 2026.")
    assert match(profile, "Deccan Rural Bank wrote off its farm loans in 2025-26.").related
    assert not match(profile, "Deccan Rural Bank wrote off its farm loans in 2024-25.").related


def test_a_count_rounded_is_the_claim_s_another_count_is_not():
    profile = ClaimProfile.of("Fjordvik salmon farms lost 412,600 fish to escapes in 2025, the directorate said.")
    rounded = "Fjordvik salmon farms lost more than 412,000 fish to escapes last year, the directorate said."
    assert match(profile, rounded).related
    # A precise figure close to the claim's is another count, not the claim's rounded.
    leak = ClaimProfile.of("Skyline Rail said a breach exposed the records of 204,310 passengers.")
    assert not match(leak, "Skyline Rail said a breach exposed the records of 200,720 passengers.").related
    # A count written like a year is still a count.
    jobs = ClaimProfile.of("Varnholt Steel will cut 2,000 jobs at its Ostmark mill in 2026.")
    assert not match(jobs, "Varnholt Steel will cut 1,500 jobs at its Ostmark mill in 2026.").related
    # A year in common does not make another count the claim's.
    season = ClaimProfile.of("Farmers delivered 488,000 tonnes of cocoa beans in the 2025/26 main crop season.")
    assert not match(season, "Farmers delivered 455,000 tonnes of cocoa beans in the 2024/25 main crop season.").related


def test_a_figure_said_again_in_other_units_is_one_figure():
    profile = ClaimProfile.of(
        "Deccan Rural Bank wrote off 61.2 billion rupees (6,120 crore rupees) of farm loans last year."
    )
    assert "6120" not in profile.terms
    assert match(profile, "Deccan Rural Bank wrote off Rs 6,120 crore of farm loans last year.").related
    # A bracket that is not the same measure in other units is no restatement.
    storm = ClaimProfile.of("The storm killed 12 people (including 3 children) in Tavira province on Sunday.")
    assert storm.restated == ()


def test_a_dateline_s_day_is_no_figure_of_the_story():
    profile = ClaimProfile.of("Cuprandina plans to close its Las Lajas smelter in 2027.")
    page = "SANTIAGO, Nov 17 (Andes Wire) - Cuprandina plans to close its Las Lajas smelter next year, sources said."
    assert match(profile, page).related
    assert not match(profile, "Cuprandina plans to close 17 of its 40 Las Lajas furnaces next year.").related


def test_a_decision_still_to_come_previews_the_outcome():
    profile = ClaimProfile.of("The Supreme Court struck down the province's tax on mobile-phone towers.")
    preview = "The Supreme Court is expected to decide next week on the province's tax on mobile-phone towers."
    assert not match(profile, preview).related
    # A decision still to come on something else previews nothing of the claim.
    ruling = (
        "The Supreme Court struck down the province's tax on mobile-phone towers on Monday and is expected to hear a "
        "challenge to the fuel levy in June."
    )
    assert match(profile, ruling).related


def test_a_reply_sentence_carries_the_claim_in_what_it_says_the_report_said():
    claim = ClaimProfile.of("Cuprandina plans to close its Las Lajas smelter in 2027.")
    reply = ClaimProfile.of("Cuprandina said it has no plans to cut jobs in 2026.")
    text = (
        "Cuprandina said on Wednesday it has no plans to cut jobs in 2026, a day after a media report said it "
        "intends to close its Las Lajas smelter in 2027."
    )
    found = match(claim, text, responses=[reply])
    assert found.related
    assert suggest_stance(text, found, claim).stance.value == "mentions"
    # Without the report's words the reply carries nothing of the claim.
    assert not match(claim, "Cuprandina said it has no plans to cut jobs in 2026.", responses=[reply]).related
    # Nor when what follows "reports" is the reply itself.
    denial = ClaimProfile.of("Cuprandina said it has no plans to close its Las Lajas smelter.")
    text = "Following local reports, Cuprandina said on Wednesday it has no plans to close its Las Lajas smelter."
    assert not match(claim, text, responses=[denial]).related


# Pieces a page is made of: characters, and the words the newer rules look for.
_PIECES = st.sampled_from(
    [
        *"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,.;:()[]-—–'’“”\"?!\n/%€$£",
        "Nov ",
        "SANTIAGO, ",
        "(AP) — ",
        " reports that ",
        "Claim: ",
        " not the ",
        "Canadian ",
        "'s ",
        " 2025-26 ",
        " Rs ",
        " (8,412 crore) ",
    ]
)


def _texts(max_pieces):
    return st.lists(_PIECES, max_size=max_pieces).map("".join)


@given(
    statement=_texts(60),
    page=_texts(300),
)
@settings(max_examples=150, deadline=None)
def test_reading_never_fails_on_any_claim_or_page(statement, page):
    """Whatever an editor types and whatever a fetched page holds, a claim is profiled
    and a page read to a result (related or not), never an exception."""
    profile = ClaimProfile.of(statement, statement[::-1], aliases={"Canada": ["Canadian"]})
    reply = ClaimProfile.of("Cuprandina said it has no plans to cut jobs (1,200 jobs) in 2026.")
    found = match(profile, page, responses=[reply])
    assert 0.0 <= found.score <= 1.0
    suggestion = suggest_stance(page, found, profile)
    assert suggestion.stance in set(Stance)
    find_echo(page, [OutletNames("ap", "The Associated Press", ["AP"])], passage=found.sentences)
    # The same noise round a passage that does carry a claim: read through to a stance.
    closure = ClaimProfile.of("Cuprandina plans to close its Las Lajas smelter (Fundición Las Lajas) in 2027.")
    carried = f"{page[:150]}\nCuprandina plans to close its Las Lajas smelter in 2027.\n{page[150:]}"
    found = match(closure, carried, responses=[reply])
    assert found.related
    assert suggest_stance(carried, found, closure).stance in set(Stance)


SOURCED_ALIASES = {"Czech Athletics Federation": ["ČAS"], "Czech Republic": ["Czech"], "Bank of Ghana": ["BoG"]}


def test_a_page_may_report_the_claim_without_its_source_but_not_without_its_subject():
    profile = ClaimProfile.of(
        "The Czech Athletics Federation said Markéta Vondrušková set a Czech women's marathon record of 2:22:41 "
        "at the Bratislava Castle Marathon.",
        aliases=SOURCED_ALIASES,
    )
    assert profile.sources == {"Czech Athletics Federation"}
    unsourced = (
        "Markéta Vondrušková set a Czech women's marathon record of 2:22:41 at the Bratislava Castle Marathon "
        "on Sunday, finishing third."
    )
    found = match(profile, unsourced)
    assert found.missing_parties == ("Czech Athletics Federation",)
    assert found.related
    # Without the runner, the federation's name and the race are not the claim.
    assert not match(profile, "The Czech Athletics Federation said the Bratislava Castle Marathon went well.").related


def test_the_source_of_a_statement_is_read_from_how_it_is_attributed():
    assert ClaimProfile.of(
        "Farmers in Ghana delivered 488,000 tonnes of cocoa beans, according to the Ghana Cocoa Board."
    ).sources == {"Ghana Cocoa Board"}
    assert ClaimProfile.of(
        "Annual inflation fell to 6.9% in April, the Bank of Ghana said.", aliases=SOURCED_ALIASES
    ).sources == {"Bank of Ghana"}
    assert ClaimProfile.of(
        "The Czech Athletics Federation said that Markéta Vondrušková set a national marathon record."
    ).sources == {"Czech Athletics Federation"}
    # A source's clause ends the statement: with a comma after its verb, the name is no attribution.
    assert not ClaimProfile.of(
        "Annual inflation fell, the Bank of Ghana said, to 6.9% in April.", aliases=SOURCED_ALIASES
    ).sources
    # The party a claim is about is no source, whoever is quoted.
    assert not ClaimProfile.of("Halvorsen Appliances recalled 40,000 pressure cookers.").sources


def test_another_court_of_the_same_title_does_not_name_the_claims_court():
    profile = ClaimProfile.of(
        "The Minnesota Supreme Court struck down St. Paul's ordinance banning natural-gas hookups in new buildings.",
        aliases={"Minnesota Supreme Court": ["state Supreme Court"], "Minnesota": ["Minn."]},
    )
    appeals = (
        "The Minnesota Court of Appeals on Monday upheld St. Paul's ordinance banning natural-gas hookups in new "
        "buildings, ruling 2-1 that the city acted within its powers."
    )
    assert "Minnesota Supreme Court" in match(profile, appeals).missing_parties
    # The court by its own title, without its state, still names it.
    judges = "Five Supreme Court judges struck down St. Paul's ordinance banning natural-gas hookups in new buildings."
    assert not match(profile, judges).missing_parties


def test_an_actor_announcing_its_own_act_is_no_source():
    profile = ClaimProfile.of("Germany said it will send Leopard 2 tanks to Ukraine.")
    assert not profile.sources
    assert not ClaimProfile.of("Germany announced it will send Leopard 2 tanks to Ukraine.").sources
    assert not match(profile, "Poland said on Wednesday it will send Leopard 2 tanks to Ukraine.").related


def test_a_supreme_court_named_with_its_country_is_still_the_supreme_court():
    profile = ClaimProfile.of("The Supreme Court upheld Canada's carbon tax.")
    assert match(profile, "The Supreme Court of Canada upheld the federal carbon tax on Thursday.").related
