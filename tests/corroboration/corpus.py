"""Stores the demo corpus as articles, the way the pipeline would after fetching it."""

from __future__ import annotations

import datetime as dt
import re

import trafilatura

from demo.corpus import CORPUS_DIR, CORPUS_OUTLETS, PAGES
from sources.models import Article, Outlet
from sources.services import article_create, outlet_create


def corpus_outlets() -> dict[str, Outlet]:
    outlets = {}
    for name, ownership, is_wire, domains in CORPUS_OUTLETS:
        outlet = Outlet.objects.filter(name__iexact=name).first() or outlet_create(
            actor=None, name=name, ownership=ownership, is_wire=is_wire, domains=domains
        )
        outlets[name] = outlet
    return outlets


def _found(pattern: str, html: str, path: str) -> str:
    """What the pattern's group holds in the page; a corpus page without it is a broken fixture."""
    found = re.search(pattern, html)
    if found is None:
        raise ValueError(f"{path}: nothing matches {pattern!r}")
    return found.group(1)


def store_corpus(pages: dict[str, str] | None = None) -> dict[str, Article]:
    """Extract and store each page; returns the articles by page path."""
    outlets = corpus_outlets()
    stored = {}
    for path in pages or PAGES:
        html = (CORPUS_DIR / path).read_text()
        site = _found(r'og:site_name" content="([^"]+)"', html, path)
        published = _found(r'published_time" content="([^"]+)"', html, path)
        url = f"https://corpus.example/{path}"
        stored[path] = article_create(
            actor=None,
            canonical_url=url,
            outlet=outlets[site],
            title=_found(r"<h1>([^<]+)</h1>", html, path),
            published_at=dt.datetime.fromisoformat(published.replace("Z", "+00:00")),
            text=trafilatura.extract(html) or "",
        )
    return stored
