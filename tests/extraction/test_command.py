"""python manage.py extract_claims PATH_OR_URL [--json]: the suggestions of a file, of
standard input or of a page fetched through the safe client, and a clear refusal for
anything that is not a story. Nothing is stored."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from extraction.extractor import MAX_CHARS
from extraction.models import Extraction
from sources.models import Article
from tests.extraction.conftest import INTELLIGENCE, SAMPLE

pytestmark = pytest.mark.django_db

CLAIM_KEYS = ["statement", "quote", "start", "end", "content_type", "cue", "attributions"]
ATTRIBUTION_KEYS = [
    "role", "descriptor", "start", "end", "name", "source_kind", "anonymous", "count", "access", "reason",
    "reason_text", "condition", "stated_limits", "side", "reply", "cue",
]  # fmt: skip


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("extract_claims", *args, stdout=out)
    return out.getvalue()


def test_json_has_exactly_the_public_keys_and_offsets_into_the_text():
    result = json.loads(run(str(SAMPLE), "--json"))
    assert list(result) == ["text", "claims", "relations", "skipped"]
    assert result["text"] == SAMPLE.read_text(encoding="utf-8")
    for claim in result["claims"]:
        assert list(claim) == CLAIM_KEYS
        assert result["text"][claim["start"] : claim["end"]] == claim["quote"]
        for source in claim["attributions"]:
            assert list(source) == ATTRIBUTION_KEYS
            assert result["text"][source["start"] : source["end"]] == source["descriptor"]
    assert all(list(r) == ["from", "to", "kind", "addresses", "cue"] for r in result["relations"])
    assert all(list(s) == ["start", "end", "why"] for s in result["skipped"])


def test_the_readable_listing_shows_each_claim_its_source_and_the_caveats():
    listing = run(str(SAMPLE))
    assert "claim(s) suggested from" in listing
    assert INTELLIGENCE in listing
    assert "count 2; access familiar_with; reason not_authorized" in listing
    assert "Suggested relations (for a reviewer to judge):" in listing
    assert not Extraction.objects.exists(), "the command stores nothing"


def test_standard_input_is_read_with_a_dash(monkeypatch):
    stdin = io.TextIOWrapper(io.BytesIO(b"Mayor Lena Holt said the bridge was unsafe."))
    monkeypatch.setattr(sys, "stdin", stdin)
    result = json.loads(run("-", "--json"))
    assert result["claims"][0]["attributions"][0]["name"] == "Lena Holt"


def test_a_page_is_fetched_and_its_article_text_read(story_page):
    result = json.loads(run(story_page, "--json"))
    assert "two officials familiar with U.S. intelligence" in result["text"]
    (claim,) = [c for c in result["claims"] if "could help Tehran strike" in c["quote"]]
    assert result["text"][claim["start"] : claim["end"]] == claim["quote"]
    assert claim["attributions"][0]["count"] == 2
    assert not Article.objects.exists(), "the command stores nothing"


def test_a_page_that_cannot_be_fetched_says_why(allow_loopback, server):
    with pytest.raises(CommandError, match="could not be fetched"):
        run(server.url("/missing.html"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The text is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "not UTF-8 text"),
        (b"Officials said so. " * (MAX_CHARS // 10), "950,000 characters; at most 500,000"),
        (b"Officials said so. " * (5_000_000 // 19), "too large: at most 500,000 characters"),
    ],
)
def test_what_is_not_a_story_is_refused_with_a_message(tmp_path: Path, content: bytes, message: str):
    path = tmp_path / "story.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run(str(path))


def test_a_missing_file_is_named(tmp_path: Path):
    with pytest.raises(CommandError, match="There is no file"):
        run(str(tmp_path / "nope.txt"))


def test_a_story_in_another_language_says_so(tmp_path: Path, capsys: Any):
    path = tmp_path / "story.txt"
    path.write_text("El ministro dijo que el puente estaba cerrado. Los vecinos afirmaron que nadie avisó.")
    listing = run(str(path))
    assert "0 claim(s)" in listing
    assert "another language" in listing
