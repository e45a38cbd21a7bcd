"""A page by its URL: one a reviewer pasted, or an article whose text is still missing.

    article, created = store_url("https://apnews.com/article/…", actor=request.user)

The URL is checked first (`check_url`: form, scheme, every address its host resolves
to), so a bad one is refused before anything is fetched; then the page is fetched
through the safe client (robots.txt, pace, limits), extracted, and stored once under
its canonical URL.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.services import Actor
from sources.extract import Extracted, extract_article
from sources.fetch import HTML_TYPES, Fetcher, FetchResult
from sources.models import Article, ArticleProvider
from sources.services import article_fill_in, article_store


@dataclass(frozen=True)
class Page:
    result: FetchResult
    extracted: Extracted


def fetch_page(url: str, *, fetcher: Fetcher | None = None) -> Page:
    """Fetch and extract one web page; FetchError on any refusal or failure."""
    fetcher = fetcher or Fetcher()
    fetcher.check_url(url)
    result = fetcher.fetch(url, accept=HTML_TYPES)
    return Page(result=result, extracted=extract_article(result.body, url=result.url, charset=result.charset))


def store_url(
    url: str,
    *,
    actor: Actor = None,
    provider: str = ArticleProvider.URL,
    fetcher: Fetcher | None = None,
) -> tuple[Article, bool]:
    """Fetch, extract and store the page at `url`; (article, created). FetchError when
    the URL is refused or the page cannot be fetched (nothing is stored then)."""

    page = fetch_page(url, fetcher=fetcher)
    return article_store(actor=actor, provider=provider, url=url, fetched=page.result, extracted=page.extracted)


def fill_in_text(article: Article, *, fetcher: Fetcher | None = None) -> bool:
    """Fetch an article's page and fill in its text (and empty metadata) if it has
    none yet; True if it was filled in. Links a feed marked unresolved are not fetched."""
    if article.text or (article.raw_payload or {}).get("link_unresolved"):
        return False
    page = fetch_page(article.url, fetcher=fetcher)
    return article_fill_in(article=article, fetched=page.result, extracted=page.extracted)
