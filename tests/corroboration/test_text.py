import pytest
from hypothesis import given
from hypothesis import strategies as st

from corroboration.text import (
    RELAYED,
    containment,
    proper_names,
    sentence_spans,
    sentences,
    shingles,
    stem,
    terms,
    tokens,
)


def test_sentences_do_not_break_after_abbreviations():
    text = (
        "MOSCOW (AP) — As U.S. and Israeli strikes go on, Moscow waits. The U.S. Navy sent ships. Mr. Peskov declined."
    )
    assert sentences(text) == [
        "MOSCOW (AP) — As U.S. and Israeli strikes go on, Moscow waits.",
        "The U.S. Navy sent ships.",
        "Mr. Peskov declined.",
    ]


def test_sentence_offsets_point_into_the_text():
    text = "First line here.\n\nSecond paragraph. Third one."
    assert [text[s:e] for s, e in sentence_spans(text)] == ["First line here.", "Second paragraph.", "Third one."]


def test_word_forms_meet():
    assert {stem(w) for w in ("provided", "provides", "providing", "provide")} == {"provid"}
    assert stem("striking") == stem("strike") == stem("strikes")
    assert stem("warships") == stem("warship")
    assert stem("iran's") == stem("iran")


def test_irregular_forms_meet_their_verb():
    """ "the study found" and "did not find" are one word to the matcher; a form with a
    common other sense ("left", "saw") keeps its own."""
    assert stem("found") == stem("find") == stem("finds")
    assert stem("said") == stem("say")
    assert stem("told") == stem("tell")
    assert stem("struck") == stem("strike")
    assert stem("withdrawn") == stem("withdrew") == stem("withdraw")
    assert stem("left") != stem("leave")
    assert stem("saw") != stem("see")


def test_a_verb_s_noun_meets_the_verb_where_the_stemmer_parts_them():
    assert stem("decision") == stem("decided") == stem("decide")
    assert stem("closure") == stem("close")
    # A noun that is also a thing of its own keeps its sense.
    assert stem("agreement") != stem("agree")
    assert stem("sales") != stem("sell")
    assert stem("payments") != stem("pay")


def test_a_season_or_fiscal_year_names_both_years_and_rupees_are_rupees():
    assert terms("2025-26") == ["2025", "2026"]
    assert terms("the 2024/25 season")[:2] == ["2024", "2025"]
    assert terms("1999-00") == ["1999", "2000"]
    # A date is no season, nor a span of years.
    assert terms("2025-11-17") == ["2025", "11", "17"]
    assert terms("2019-24") == ["2019", "24"]
    assert terms("Rs 6,120 crore") == [stem("rupees"), "6120", "crore"]
    # A range of other numbers is not a year range.
    assert terms("pages 12-16") == ["page", "12", "16"]


def test_figures_stay_whole_and_magnitudes_meet():
    assert "1284" in terms("Officials recorded 1,284 cases.")
    assert set(terms("a £48m fee")) >= {"48", "million"}
    assert set(terms("a £48 million fee")) >= {"48", "million"}


def test_tokens_know_where_they_are():
    text = "The U.S. said no."
    found = tokens(text)
    assert [t.plain for t in found] == ["the", "us", "said", "no"]
    assert text[found[1].start : found[1].end] == "U.S"


def test_the_names_a_claim_is_about():
    statement = "Russia has provided Iran with information that could help Tehran strike U.S. warships."
    assert {"russia", "iran", "tehran", "us"} <= proper_names(statement)
    assert "analyst" not in proper_names("Analysts say so. The analysts agreed.")


def test_a_copy_with_its_ending_trimmed_and_a_credit_line_added_is_contained():
    story = " ".join(
        f"Sentence number {n} of the wire story says something different about event {n}." for n in range(30)
    )
    copy = story.rsplit(".", 6)[0] + ". This story was provided by The Associated Press."
    assert containment(shingles(story), shingles(copy)) > 0.9
    assert (
        containment(shingles(story), shingles("An unrelated text about local weather and a school board vote today."))
        == 0
    )


@given(st.text(max_size=300))
def test_text_tools_never_fail_on_any_input(text):
    for start, end in sentence_spans(text):
        assert 0 <= start < end <= len(text)
    terms(text)
    proper_names(text)


@pytest.mark.parametrize(
    ("sentence", "relayed"),
    [
        ("Posts shared tens of thousands of times on Facebook, X and TikTok say Ottawa will ban stoves.", True),
        ('"Ottawa will ban every wood-burning stove," the post declared.', True),
        ("Social media users claim the ban starts in January.", True),
        ("Online sales rose 5%, helped by the holiday season, the company said.", False),
        ("The company posts results on Tuesday, analysts said.", False),
    ],
)
def test_posts_and_users_relay_what_they_say_and_nothing_else_does(sentence, relayed):
    assert bool(RELAYED.search(sentence)) is relayed


@pytest.mark.parametrize(
    "sentence",
    [
        "Online bank Monzo wrote off 50 million pounds in bad loans last year.",
        "Online retailer Zalando declared a special dividend on Tuesday.",
        "Sports betting is legal in 38 states, and online betting is available in 30 states.",
        "Threads has 100 million users, Meta executives say.",
        "The hospital trust will cut 500 posts, union officials say.",
    ],
)
def test_ordinary_nouns_and_verbs_are_no_relay(sentence):
    assert RELAYED.search(sentence) is None
