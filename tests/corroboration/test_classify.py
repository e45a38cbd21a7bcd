"""One class per page, from the inputs alone, and a ledger that counts each page once."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from corroboration.classify import FirstAppearance, Independence, Page, PageJudgement, classify
from corroboration.ledger import CONFIRMED_BY_OTHERS, POSSIBLY_TRUE, PROBABLY_TRUE, ledger_of
from corroboration.stance import Stance

T0 = datetime(2026, 3, 6, 18, tzinfo=UTC)


def at(hours):
    return T0 + timedelta(hours=hours)


PAGES = [
    Page("wire", "ap", "AP", is_wire=True, published_at=at(2), canonical_url="http://a/wire", group="g1"),
    Page("copy1", "lake", "Lakeside", published_at=at(1), canonical_url="http://l/1", group="g1"),
    Page("copy2", "prairie", "Prairie", published_at=at(5), canonical_url="http://p/1", group="g1"),
    Page("own", "dispatch", "Dispatch", published_at=at(8), canonical_url="http://d/1"),
    Page("echo", "roundup", "Roundup", published_at=at(9), canonical_url="http://r/1"),
    Page("denial", "fna", "FNA", state_controlled=True, published_at=at(7), canonical_url="http://f/1"),
    Page("other_wire", "nw", "Nordic Wire", is_wire=True, published_at=None, canonical_url="http://n/1", group="g2"),
    Page("other_copy", "lake", "Lakeside", published_at=at(3), canonical_url="http://l/2", group="g2"),
    Page("noise", "harbor", "Harbor", published_at=at(4), canonical_url="http://h/1"),
]
JUDGEMENTS = [
    PageJudgement("wire", Stance.SUPPORTS, 1.0),
    PageJudgement("copy1", Stance.SUPPORTS, 1.0, echo_of="ap"),
    PageJudgement("copy2", Stance.SUPPORTS, 0.9, echo_of="ap"),
    PageJudgement("own", Stance.SUPPORTS, 0.8, confirmed=Stance.SUPPORTS),
    PageJudgement("echo", Stance.SUPPORTS, 0.9, echo_of="ap"),
    PageJudgement("denial", Stance.DISPUTES, 0.7),
    PageJudgement("other_wire", Stance.SUPPORTS, 0.7, confirmed=Stance.SUPPORTS),
    PageJudgement("other_copy", Stance.SUPPORTS, 0.7),
    PageJudgement("noise", Stance.SUPPORTS, 0.6, confirmed=Stance.UNRELATED),
]
FIRST = FirstAppearance(outlet_id="ap")


def classes(rows):
    return {row.page_id: row.independence for row in rows}


def test_each_page_gets_one_class_by_the_rules():
    rows = classify(pages=PAGES, judgements=JUDGEMENTS, first_appearance=FIRST)
    assert classes(rows) == {
        "wire": Independence.ORIGIN,  # the wire's copy, though a copy was published earlier
        "copy1": Independence.SYNDICATED,  # a credit line does not make a copy an echo
        "copy2": Independence.SYNDICATED,
        "own": Independence.INDEPENDENT,
        "echo": Independence.ECHO,
        "denial": Independence.INDEPENDENT,
        "other_wire": Independence.INDEPENDENT,  # another group's origin
        "other_copy": Independence.SYNDICATED,
    }
    by_id = {row.page_id: row for row in rows}
    assert by_id["copy1"].origin_group == by_id["wire"].origin_group == "wire"
    assert by_id["other_copy"].origin_group == "other_wire"
    assert by_id["echo"].echo_of == "ap"
    assert by_id["copy1"].echo_of is None


def test_a_page_a_reviewer_called_unrelated_is_left_out():
    rows = classify(pages=PAGES, judgements=JUDGEMENTS, first_appearance=FIRST)
    assert "noise" not in classes(rows)


def test_without_a_wire_copy_the_earliest_is_the_origin_then_the_smallest_url():
    pages = [
        Page("late", "x", published_at=at(5), canonical_url="http://a", group="g"),
        Page("early", "y", published_at=at(1), canonical_url="http://z", group="g"),
        Page("undated", "z", published_at=None, canonical_url="http://0", group="g"),
    ]
    judgements = [PageJudgement(p.id, Stance.SUPPORTS, 1.0) for p in pages]
    rows = classify(pages=pages, judgements=judgements, first_appearance=FirstAppearance(page_id="late"))
    assert classes(rows)["early"] == Independence.ORIGIN
    undated = [Page(p.id, p.outlet_id, canonical_url=p.canonical_url, group="g") for p in pages]
    rows = classify(pages=undated, judgements=judgements, first_appearance=FirstAppearance(page_id="late"))
    assert classes(rows)["undated"] == Independence.ORIGIN


def test_the_first_appearance_page_decides_the_origin_group_when_its_text_is_held():
    rows = classify(pages=PAGES, judgements=JUDGEMENTS, first_appearance=FirstAppearance(page_id="other_copy"))
    assert classes(rows)["other_wire"] == Independence.ORIGIN
    assert classes(rows)["wire"] == Independence.INDEPENDENT


def test_the_ledger_counts_each_page_once_and_the_origin_confirms_nothing():
    ledger = ledger_of(classify(pages=PAGES, judgements=JUDGEMENTS, first_appearance=FIRST))
    assert ledger.counts() == {"origin": 1, "independent": 2, "echoes": 1, "syndicated": 3, "denials": 1, "mentions": 0}
    assert ledger.independent_confirmed == 2
    assert ledger.suggested_credibility == CONFIRMED_BY_OTHERS
    assert {o.name for o in ledger.outlets if o.state_controlled} == {"FNA"}


def test_grade_one_needs_two_reviewer_confirmed_independent_reports():
    unconfirmed = [PageJudgement(j.page_id, j.suggested, j.score, j.echo_of) for j in JUDGEMENTS]
    ledger = ledger_of(classify(pages=PAGES, judgements=unconfirmed, first_appearance=FIRST))
    assert ledger.independent == 3
    assert ledger.suggested_credibility == PROBABLY_TRUE
    only_copies = [j for j in unconfirmed if j.page_id in ("wire", "copy1", "copy2", "echo")]
    ledger = ledger_of(classify(pages=PAGES, judgements=only_copies, first_appearance=FIRST))
    assert ledger.suggested_credibility == POSSIBLY_TRUE


@given(st.permutations(PAGES), st.permutations(JUDGEMENTS))
def test_the_result_does_not_depend_on_the_order_pages_arrive_in(pages, judgements):
    expected_rows = classify(pages=PAGES, judgements=JUDGEMENTS, first_appearance=FIRST)
    rows = classify(pages=pages, judgements=judgements, first_appearance=FIRST)
    assert rows == expected_rows
    assert ledger_of(rows) == ledger_of(expected_rows)
    assert ledger_of(reversed(rows)) == ledger_of(expected_rows)


def test_a_copy_of_the_claim_s_source_is_syndicated_though_the_source_was_not_matched():
    # The wire's original (the claim's first appearance) carries no judgement: no passage
    # of it was matched. Its copies are still copies of it, not the origin.
    copies = [j for j in JUDGEMENTS if j.page_id in ("copy1", "copy2", "own")]
    rows = classify(pages=PAGES, judgements=copies, first_appearance=FirstAppearance(page_id="wire"))
    assert classes(rows) == {
        "copy1": Independence.SYNDICATED,
        "copy2": Independence.SYNDICATED,
        "own": Independence.INDEPENDENT,
    }
    assert {row.origin_group for row in rows if row.page_id != "own"} == {"wire"}
    # The origin is still chosen by the rule: a source copied from the wire leaves the wire the origin.
    wire_copied = [*copies, PageJudgement("wire", Stance.SUPPORTS, 1.0)]
    rows = classify(pages=PAGES, judgements=wire_copied, first_appearance=FirstAppearance(page_id="copy1"))
    assert classes(rows)["wire"] == Independence.ORIGIN
    # A reviewer who said the source does not carry the claim takes it out of the group.
    refused = [*copies, PageJudgement("wire", Stance.SUPPORTS, 0.2, confirmed=Stance.UNRELATED)]
    rows = classify(pages=PAGES, judgements=refused, first_appearance=FirstAppearance(page_id="wire"))
    assert classes(rows)["copy1"] == Independence.ORIGIN
