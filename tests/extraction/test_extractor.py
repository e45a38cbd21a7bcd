"""Extraction rules on small stories, and what happens to input that is not a story."""

from __future__ import annotations

import pytest

from extraction.errors import ExtractionError
from extraction.extractor import MAX_CHARS, check, extract


def _only_claim(text: str) -> dict:
    claims = extract(text).to_json()["claims"]
    assert len(claims) == 1, [c["quote"] for c in claims]
    return claims[0]


def test_a_quote_spanning_paragraphs_is_one_claim() -> None:
    text = (
        "“The roof leaked for years,” said Ana Ruiz, a tenant. “Nobody came to fix it.\n\n"
        "“We paid rent the whole time.”"
    )
    claim = _only_claim(text)
    assert claim["quote"].endswith("We paid rent the whole time")
    assert claim["start"] == 1
    assert claim["attributions"][0]["name"] == "Ana Ruiz"


def test_said_after_before_and_inside_the_quote_all_credit_the_speaker() -> None:
    after = _only_claim("“The bridge is unsafe,” Mayor Lena Holt said.")
    before = _only_claim("Mayor Lena Holt said the bridge was unsafe.")
    inside = _only_claim("The bridge, Mayor Lena Holt said, was unsafe.")
    for claim in (after, before, inside):
        assert claim["attributions"][0]["name"] == "Lena Holt"
        assert "unsafe" in claim["quote"]
    assert before["quote"] == "the bridge was unsafe"
    assert before["statement"] == "The bridge was unsafe."


def test_according_to_credits_the_source_before_or_after_the_words() -> None:
    first = _only_claim("According to court filings, the company owed $2 million.")
    last = _only_claim("The company owed $2 million, according to court filings.")
    for claim in (first, last):
        assert claim["quote"] == "the company owed $2 million" or claim["quote"] == "The company owed $2 million"
        assert claim["attributions"][0]["source_kind"] == "document"


def test_a_pronoun_is_resolved_to_the_person_named_before() -> None:
    text = "Kremlin spokesman Dmitry Peskov said talks would go on.\n\n“We are in dialogue,” he said."
    claims = extract(text).to_json()["claims"]
    assert [c["attributions"][0]["name"] for c in claims] == ["Dmitry Peskov", "Dmitry Peskov"]
    assert claims[1]["attributions"][0]["descriptor"] == "he"


def test_the_anonymity_caveats_are_read_from_a_later_sentence_about_the_same_sources() -> None:
    text = (
        "Three people briefed on the plan said the plant would close in May.\n\n"
        "The people, who asked not to be identified for fear of reprisal, cautioned that "
        "it was not clear whether the union had been told."
    )
    (claim,) = extract(text).to_json()["claims"]
    source = claim["attributions"][0]
    assert (source["anonymous"], source["count"], source["access"]) == (True, 3, "briefed")
    assert (source["reason"], source["condition"]) == ("reprisal", "asked not to be identified")
    assert source["stated_limits"] == "it was not clear whether the union had been told"


def test_an_unnumbered_group_has_no_count_and_unstated_access() -> None:
    source = _only_claim("Officials said the border was closed.")["attributions"][0]
    assert (source["anonymous"], source["count"], source["access"], source["reason"]) == (
        True,
        None,
        "unstated",
        "not_given",
    )


def test_a_named_source_carries_no_caveat_record() -> None:
    source = _only_claim("Mayor Lena Holt said the bridge was unsafe.")["attributions"][0]
    assert source["anonymous"] is False
    assert [source[k] for k in ("count", "access", "reason", "condition", "side", "reply")] == [None] * 6


@pytest.mark.parametrize(
    ("sentence", "reply"),
    [
        ("The ministry declined to comment.", "declined_to_comment"),
        ("The ministry did not respond to a request for comment.", "no_response"),
        ("The ministry denied that it had moved troops.", "denial"),
        ("Asked about the troops, a ministry spokesman said the border was calm.", "non_denial"),
    ],
)
def test_responses_are_told_apart(sentence: str, reply: str) -> None:
    text = f"Two officials familiar with the matter said troops had crossed the border.\n\n{sentence}"
    result = extract(text).to_json()
    response = result["claims"][1]["attributions"][0]
    assert (response["role"], response["reply"]) == ("responds", reply)
    assert result["relations"][0]["from"] == 1
    assert result["relations"][0]["to"] == 0


def test_another_outlets_report_is_credited_to_that_outlet() -> None:
    claim = _only_claim("The Harbor Street Journal reported Monday that the bank had hired advisers.")
    assert claim["attributions"][0]["source_kind"] == "organization"
    assert claim["attributions"][0]["name"] == "Harbor Street Journal"
    assert claim["cue"].startswith("credited to another outlet")


def test_a_named_sources_schedule_and_a_question_are_skipped_with_a_reason() -> None:
    text = "The minister said she will visit Paris on Tuesday.\n\nDid the minister know, he asked?"
    result = extract(text).to_json()
    assert result["claims"] == []
    whys = " ".join(s["why"] for s in result["skipped"])
    assert "plan or schedule" in whys
    assert "question" in whys


def test_every_offset_points_at_the_words_it_reports() -> None:
    text = "“It is over,” said the coach, Ray Dunn.\n\nAnalysts said the club could be sold."
    result = extract(text).to_json()
    for claim in result["claims"]:
        assert text[claim["start"] : claim["end"]] == claim["quote"]
        for source in claim["attributions"]:
            assert text[source["start"] : source["end"]] == source["descriptor"]


@pytest.mark.parametrize("text", ["", "   \n\t  "])
def test_empty_text_is_refused(text: str) -> None:
    with pytest.raises(ExtractionError) as error:
        extract(text)
    assert error.value.code == "empty"


def test_binary_looking_text_is_refused() -> None:
    with pytest.raises(ExtractionError) as error:
        extract("PK\x03\x04\x00\x00" + "".join(chr(i) for i in range(1, 32)) * 20)
    assert error.value.code == "binary"
    assert "binary" in error.value.message


def test_text_over_the_size_cap_is_refused_and_the_cap_is_a_parameter() -> None:
    with pytest.raises(ExtractionError) as error:
        extract("Officials said so. " * 10, max_chars=50)
    assert error.value.code == "too_large"
    # The article extractor keeps at most as much of a fetched page.
    assert MAX_CHARS == 500_000


def test_text_with_a_nul_anywhere_or_broken_characters_is_refused_as_binary() -> None:
    story = "Officials said the border was closed. " * 5_000
    for text in (story + "\x00", story + "\ud800"):
        with pytest.raises(ExtractionError) as error:
            extract(text)
        assert error.value.code == "binary"


def test_text_in_another_language_gives_no_claims_and_says_why() -> None:
    text = "El ministro dijo que el puente estaba cerrado. Los vecinos afirmaron que nadie les avisó del cierre."
    result = extract(text).to_json()
    assert result["claims"] == []
    assert "another language" in result["skipped"][0]["why"]


def test_a_page_without_claims_gives_no_claims() -> None:
    result = extract("Opening hours\n\nMonday to Friday, 9 a.m. to 5 p.m.\n\nParking is free for visitors.")
    assert result.to_json()["claims"] == []


def test_a_five_megabyte_paste_is_refused_at_once_with_the_limit_in_the_message() -> None:
    paragraph = "Two officials familiar with the talks said the deal was close. “It is done,” said Mayor Lena Holt.\n\n"
    text = (paragraph * (5_000_000 // len(paragraph) + 1))[:5_000_000]
    with pytest.raises(ExtractionError) as error:
        check(text)
    assert error.value.code == "too_large"
    assert error.value.message == "The text has 5,000,000 characters; at most 500,000 can be read at once."


def test_a_story_at_the_limit_is_accepted_for_reading() -> None:
    check("Officials said the border was closed.\n\n" * (MAX_CHARS // 39))


@pytest.mark.parametrize("dateline", ["MOSCOW (AP) — ", "HARBOR CITY (AP) — ", "HARBOR CITY, Ohio (AP) — "])
def test_a_wire_dateline_is_not_part_of_the_source(dateline: str) -> None:
    claim = _only_claim(f"{dateline}Two officials familiar with the inquiry said the port had overpaid a contractor.")
    source = claim["attributions"][0]
    assert (source["descriptor"], source["source_kind"]) == (
        "Two officials familiar with the inquiry",
        "anonymous_group",
    )
