"""The product's acceptance story: the AP report of 2026-03-08 on Russia and Iran."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from extraction.extractor import extract

SAMPLE = Path(__file__).resolve().parents[2] / "evaluation" / "extraction" / "sample" / "ap-2026-03-08-russia-iran.txt"
INTELLIGENCE = "Russia has provided Iran with information that could help Tehran strike American warships"


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    return extract(SAMPLE.read_text(encoding="utf-8")).to_json()


def _claim(result: dict[str, Any], words: str) -> tuple[int, dict[str, Any]]:
    matches = [(i, c) for i, c in enumerate(result["claims"]) if words in c["quote"]]
    assert len(matches) == 1, f"expected one claim quoting {words!r}"
    return matches[0]


def test_the_intelligence_claim_is_found_with_its_exact_span(result: dict[str, Any]) -> None:
    _, claim = _claim(result, INTELLIGENCE)
    assert result["text"][claim["start"] : claim["end"]] == claim["quote"]
    assert claim["quote"].endswith("other assets in the region")
    assert claim["statement"].startswith("Russia has provided Iran with information")


def test_the_intelligence_claim_rests_on_two_anonymous_officials_with_their_caveats(result: dict[str, Any]) -> None:
    _, claim = _claim(result, INTELLIGENCE)
    (source,) = claim["attributions"]
    assert source["role"] == "claimant"
    assert source["descriptor"] == "two officials familiar with U.S. intelligence"
    assert result["text"][source["start"] : source["end"]] == source["descriptor"]
    assert source["anonymous"] is True
    assert source["source_kind"] == "anonymous_group"
    assert source["count"] == 2
    assert source["access"] == "familiar_with"
    assert source["reason"] == "not_authorized"
    assert "not authorized to comment publicly" in source["reason_text"]
    assert source["condition"] == "spoke on the condition of anonymity"
    assert source["stated_limits"].startswith(
        "the U.S. intelligence has not uncovered that Russia is directing Iran on what to do with the information"
    )
    assert source["side"] == "government"


def test_peskovs_answer_about_weapons_is_a_non_denial_of_a_different_proposition(result: dict[str, Any]) -> None:
    target, _ = _claim(result, INTELLIGENCE)
    index, claim = _claim(result, "received no such requests from Tehran")
    (source,) = claim["attributions"]
    assert (source["role"], source["reply"], source["name"]) == ("responds", "non_denial", "Dmitry Peskov")
    (relation,) = [r for r in result["relations"] if r["from"] == index]
    assert relation["to"] == target
    assert relation["kind"] == "responds_to"
    assert relation["addresses"] == "different_proposition"


def test_peskovs_refusal_on_military_or_intelligence_help_is_declined_to_comment(result: dict[str, Any]) -> None:
    target, _ = _claim(result, INTELLIGENCE)
    index, claim = _claim(result, "he refrained from comment")
    (source,) = claim["attributions"]
    assert (source["role"], source["reply"]) == ("responds", "declined_to_comment")
    assert source["descriptor"] == "he"
    assert source["name"] == "Dmitry Peskov", "the pronoun is resolved to Peskov"
    (relation,) = [r for r in result["relations"] if r["from"] == index]
    assert (relation["to"], relation["kind"]) == (target, "responds_to")


def test_the_caveat_sentence_is_not_a_claim_of_its_own(result: dict[str, Any]) -> None:
    assert not [c for c in result["claims"] if c["quote"].startswith("the U.S. intelligence has not uncovered")]
    assert any("stated limit" in s["why"] for s in result["skipped"])
