from hypothesis import given
from hypothesis import strategies as st

from corroboration.text import containment, hamming, proper_names, sentences, shingles, simhash, stem, terms


def test_sentences_do_not_break_after_abbreviations():
    text = (
        "MOSCOW (AP) — As U.S. and Israeli strikes go on, Moscow waits. The U.S. Navy sent ships. Mr. Peskov declined."
    )
    assert sentences(text) == [
        "MOSCOW (AP) — As U.S. and Israeli strikes go on, Moscow waits.",
        "The U.S. Navy sent ships.",
        "Mr. Peskov declined.",
    ]


def test_word_forms_meet():
    assert {stem(w) for w in ("provided", "provides", "providing", "provide")} == {"provid"}
    assert stem("striking") == stem("strike") == stem("strikes")
    assert stem("warships") == stem("warship")


def test_capitals_and_demonyms_stand_for_their_country():
    assert terms("Moscow and the Kremlin") == ["russia", "russia"]
    assert terms("Tehran, Iranian officials") == ["iran", "iran", "official"]
    assert stem("american") == stem("washington") == "us"


def test_the_names_a_claim_is_about():
    statement = "Russia has provided Iran with information that could help Tehran strike U.S. warships."
    assert proper_names(statement) == {"russia", "iran", "us"}
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


def test_near_identical_texts_have_near_fingerprints():
    story = " ".join(f"word{n}" for n in range(200))
    assert hamming(simhash(shingles(story)), simhash(shingles(story + " credit line here"))) < 8


@given(st.text(max_size=300))
def test_text_tools_never_fail_on_any_input(text):
    sentences(text)
    terms(text)
    proper_names(text)
    simhash(shingles(text))
