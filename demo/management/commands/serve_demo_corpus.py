"""Serve the demo coverage corpus on loopback: its pages, RSS feeds listing them, a
robots.txt, and a GDELT-shaped search endpoint, so that in development "find coverage"
and `poll_feeds` work against it without internet."""

from __future__ import annotations

import json
import re
from email.utils import format_datetime
from functools import cached_property
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

from django.core.management.base import BaseCommand, CommandParser
from django.utils.dateparse import parse_datetime

from demo.corpus import CORPUS_DIR, DEMO_FEEDS, PAGES, SAMPLE_PAGE, SAMPLE_STORY
from demo.story import ARTICLE


class CorpusPage:
    def __init__(self, path: str) -> None:
        self.path = path
        self.html = (CORPUS_DIR / path).read_text()

    def _meta(self, name: str) -> str:
        match = re.search(rf'(?:property|name)="{re.escape(name)}" content="([^"]*)"', self.html)
        return match.group(1) if match else ""

    @cached_property
    def title(self) -> str:
        return self._meta("og:title")

    @cached_property
    def site(self) -> str:
        return self._meta("og:site_name")

    @cached_property
    def published(self) -> Any:
        return parse_datetime(self._meta("article:published_time"))


def _pages() -> dict[str, CorpusPage]:
    return {path: CorpusPage(path) for path in PAGES}


class CorpusHandler(BaseHTTPRequestHandler):
    pages: dict[str, CorpusPage] = {}
    base_url = ""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        path = url.path.lstrip("/")
        if path == "robots.txt":
            return self._send(200, b"User-agent: *\nAllow: /\n", "text/plain; charset=utf-8")
        if path.startswith("feeds/") and path.removeprefix("feeds/").removesuffix(".xml") in DEMO_FEEDS:
            return self._send(200, self._feed(path.removeprefix("feeds/").removesuffix(".xml")), "application/rss+xml")
        if path == "gdelt/api/v2/doc/doc":
            return self._send(200, self._gdelt(parse_qs(url.query)), "application/json")
        if path in self.pages:
            return self._send(200, self.pages[path].html.encode(), "text/html; charset=utf-8")
        if path == SAMPLE_PAGE:
            return self._send(200, sample_story_page().encode(), "text/html; charset=utf-8")
        return self._send(404, b"Not in the demo corpus.\n", "text/plain; charset=utf-8")

    def _feed(self, name: str) -> bytes:
        title, prefixes = DEMO_FEEDS[name]
        items = []
        for path, page in self.pages.items():
            if not path.startswith(prefixes):
                continue
            items.append(
                f"<item><title>{escape(page.title)}</title><link>{escape(self.base_url + path)}</link>"
                f"<guid>{escape(self.base_url + path)}</guid>"
                f"<pubDate>{format_datetime(page.published)}</pubDate>"
                f'<source url="{escape(self.base_url)}">{escape(page.site)}</source></item>'
            )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{escape(title)}</title><link>{escape(self.base_url)}</link>"
            f"<description>Demo corpus feed</description>{''.join(items)}</channel></rss>"
        ).encode()

    def _gdelt(self, query: dict[str, list[str]]) -> bytes:
        """The GDELT DOC 2.0 artlist shape: every page sharing a word with the query."""
        wanted = {w.lower() for w in re.findall(r"\w{4,}", " ".join(query.get("query", [])))}
        articles = [
            {
                "url": self.base_url + path,
                "url_mobile": "",
                "title": page.title,
                "seendate": page.published.strftime("%Y%m%dT%H%M%SZ"),
                "socialimage": "",
                "domain": urlsplit(self.base_url).hostname,
                "language": "English",
                "sourcecountry": "United States",
            }
            for path, page in self.pages.items()
            if wanted & {w.lower() for w in re.findall(r"\w{4,}", page.html)}
        ]
        return json.dumps({"articles": articles} if articles else {}).encode()


def sample_story_page() -> str:
    """The sample AP story as a news page: its paragraphs, the short ones without a full
    stop as subheadings, and the date line as the page's publication time."""
    blocks = [b.strip() for b in SAMPLE_STORY.read_text(encoding="utf-8").split("\n\n") if b.strip()]
    published = ""
    if blocks and blocks[0].startswith("Date:"):
        published = blocks.pop(0).removeprefix("Date:").strip()
    body = "\n".join(
        f"<h2>{escape(b)}</h2>" if len(b) < 80 and not b.endswith((".", "”", '"')) else f"<p>{escape(b)}</p>"
        for b in blocks
    )
    title = escape(ARTICLE["title"])
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{title} | The Associated Press</title>
<meta property="og:site_name" content="The Associated Press"><meta property="og:title" content="{title}">
<meta property="og:type" content="article"><meta property="article:published_time" content="{published}T00:00:00Z">
<meta name="author" content="{escape(ARTICLE["byline"])}"></head>
<body><p class="demo-notice">The sample story of the Corroborate specification, served on loopback for the demo.</p>
<main><article><h1>{title}</h1>
{body}
</article></main></body></html>"""


class Command(BaseCommand):
    help = "Serve the demo coverage corpus (pages, feeds, a GDELT-shaped search) on loopback."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8765)

    def handle(self, *args: Any, port: int, **options: Any) -> None:
        CorpusHandler.pages = _pages()
        CorpusHandler.base_url = f"http://127.0.0.1:{port}/"
        server = ThreadingHTTPServer(("127.0.0.1", port), CorpusHandler)
        self.stdout.write(f"Demo corpus at {CorpusHandler.base_url} ({len(CorpusHandler.pages)} pages)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
