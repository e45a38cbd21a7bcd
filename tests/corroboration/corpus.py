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


def store_corpus(pages: dict[str, str] | None = None) -> dict[str, Article]:
    """Extract and store each page; returns the articles by page path."""
    outlets = corpus_outlets()
    stored = {}
    for path in pages or PAGES:
        html = (CORPUS_DIR / path).read_text()
        site = re.search(r'og:site_name" content="([^"]+)"', html).group(1)
        published = re.search(r'published_time" content="([^"]+)"', html).group(1)
        url = f"https://corpus.example/{path}"
        stored[path] = article_create(
            actor=None,
            canonical_url=url,
            outlet=outlets[site],
            title=re.search(r"<h1>([^<]+)</h1>", html).group(1),
            published_at=dt.datetime.fromisoformat(published.replace("Z", "+00:00")),
            text=trafilatura.extract(html) or "",
        )
    return stored
