"""python manage.py extract_claims PATH_OR_URL [--json]

Print the claims, attributions and anonymity caveats the extractor suggests for a story:
a text file (UTF-8; `-` reads standard input) or a web page, fetched through the one
safe HTTP client and reduced to its article text (the offsets then refer to that text,
which the JSON includes as `text`). Nothing is stored."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, BinaryIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from extraction.errors import ExtractionError
from extraction.extractor import MAX_CHARS, extract
from extraction.jobs import paragraphs_of
from sources.fetch import FetchError
from sources.providers.pasted_url import fetch_page

# UTF-8 takes at most four bytes a character: more than this cannot be a text the extractor reads.
MAX_BYTES = MAX_CHARS * 4


class Command(BaseCommand):
    help = "Suggest the claims, attributions and anonymity caveats of a story (a file, - for stdin, or a URL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path_or_url", help="A UTF-8 text file, - for standard input, or an http(s) URL.")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print the suggestions as JSON (the public shape)."
        )

    def handle(self, *args: Any, path_or_url: str, as_json: bool, **options: Any) -> None:
        text = self._read(path_or_url)
        try:
            result = extract(text).to_json()
        except ExtractionError as exc:
            raise CommandError(f"{exc.message} ({exc.code})") from None
        if as_json:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            self._print(result, path_or_url)

    def _read(self, path_or_url: str) -> str:
        if path_or_url.startswith(("http://", "https://")):
            try:
                page = fetch_page(path_or_url)
            except FetchError as exc:
                raise CommandError(f"The page could not be fetched: {exc.message}") from None
            if not page.extracted.text.strip():
                raise CommandError("The page has no article text that could be read.")
            return paragraphs_of(page.extracted.text)
        if path_or_url == "-":
            return _decoded(sys.stdin.buffer, "standard input")
        path = Path(path_or_url)
        if not path.is_file():
            raise CommandError(f"There is no file {path_or_url} (give a text file, - for standard input, or a URL).")
        with path.open("rb") as stream:
            return _decoded(stream, path_or_url)

    def _print(self, result: dict[str, Any], where: str) -> None:
        claims = result["claims"]
        self.stdout.write(f"{len(claims)} claim(s) suggested from {where} ({len(result['text']):,} characters).")
        for n, claim in enumerate(claims):
            self.stdout.write("")
            self.stdout.write(f"[{n}] {claim['statement']}")
            self.stdout.write(
                f"    {claim['content_type']}; characters {claim['start']}–{claim['end']}; {claim['cue']}"
            )
            self.stdout.write(f"    quote: “{claim['quote']}”")
            for source in claim["attributions"]:
                who = source["name"] or source["descriptor"]
                reply = f", {source['reply'].replace('_', ' ')}" if source["reply"] else ""
                self.stdout.write(f"    {source['role']}: {who} ({source['source_kind']}{reply}) — {source['cue']}")
                if source["anonymous"]:
                    self.stdout.write(f"      “{source['descriptor']}”: {_caveats(source)}")
        if result["relations"]:
            self.stdout.write("\nSuggested relations (for a reviewer to judge):")
            for relation in result["relations"]:
                addresses = relation["addresses"] or "not judged"
                self.stdout.write(
                    f"  [{relation['from']}] {relation['kind']} [{relation['to']}], addresses: {addresses} "
                    f"— {relation['cue']}"
                )
        if result["skipped"]:
            self.stdout.write("\nSkipped:")
            for item in result["skipped"]:
                self.stdout.write(f"  characters {item['start']}–{item['end']}: {item['why']}")


def _decoded(stream: BinaryIO, where: str) -> str:
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise CommandError(f"{where} is too large: at most {MAX_CHARS:,} characters can be read at once. (too_large)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CommandError(f"{where} is not UTF-8 text: save the story as plain text first. (binary)") from None


def _caveats(source: dict[str, Any]) -> str:
    parts = [
        f"count {source['count'] if source['count'] is not None else 'not stated'}",
        f"access {source['access']}",
        f"reason {source['reason']}" + (f" (“{source['reason_text']}”)" if source["reason_text"] else ""),
        f"side {source['side']}",
    ]
    if source["condition"]:
        parts.append(f"condition “{source['condition']}”")
    if source["stated_limits"]:
        parts.append(f"stated limits “{source['stated_limits']}”")
    return "; ".join(parts)
