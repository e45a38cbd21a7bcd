"""The gold files say exactly what their articles say: every offset lands on its words."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from extraction import values

CORPUS = Path(__file__).resolve().parents[2] / "evaluation" / "extraction"
GOLD_FILES = sorted(CORPUS.glob("dev/*.json")) + sorted(CORPUS.glob("test/*.json"))


def _load(path: Path) -> tuple[str, dict[str, Any]]:
    return path.with_suffix(".txt").read_text(encoding="utf-8"), json.loads(path.read_text(encoding="utf-8"))


def test_the_corpus_has_24_articles_and_a_third_of_them_are_held_out() -> None:
    test, dev = len(list(CORPUS.glob("test/*.json"))), len(list(CORPUS.glob("dev/*.json")))
    assert test + dev >= 24
    assert test * 3 >= test + dev


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_gold_offset_lands_on_its_annotated_words(path: Path) -> None:
    text, gold = _load(path)
    for claim in gold["claims"]:
        assert text[claim["start"] : claim["end"]] == claim["quote"]
        for attribution in claim["attributions"]:
            assert text[attribution["start"] : attribution["end"]] == attribution["descriptor"]


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_gold_value_is_a_public_value(path: Path) -> None:
    _, gold = _load(path)
    for claim in gold["claims"]:
        assert claim["content_type"] in values.CONTENT_TYPES
        roles = [attribution["role"] for attribution in claim["attributions"]]
        assert roles.count("claimant") + roles.count("responds") == 1, "one claimant, or one responding source"
        for attribution in claim["attributions"]:
            assert attribution["role"] in values.ROLES
            assert attribution["source_kind"] in values.SOURCE_KINDS
            assert attribution["anonymous"] == (attribution["source_kind"] == "anonymous_group")
            assert attribution["reply"] in (*values.REPLIES, None)
            assert (attribution["reply"] is not None) == (attribution["role"] == "responds")
            if attribution["anonymous"]:
                assert attribution["access"] in values.ACCESS
                assert attribution["reason"] in values.REASONS
                assert attribution["side"] in values.SIDES
                assert attribution["count"] is None or attribution["count"] >= 1
    for relation in gold["relations"]:
        assert relation["kind"] in values.RELATION_KINDS
        assert relation["addresses"] in (*values.ADDRESSES, None)
        assert 0 <= relation["from"] < len(gold["claims"])
        assert 0 <= relation["to"] < len(gold["claims"])
