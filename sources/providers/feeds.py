"""RSS 2.0 and Atom feeds: fetched with a conditional GET, checked, parsed.

    result = fetch_feed(feed.url, etag=feed.etag, last_modified=feed.last_modified)
    if not result.not_modified:
        parsed = parse_feed(result.body, url=result.url, content_type=result.content_type, charset=result.charset)

`sources.services.feed_poll` drives this and stores the items. Feeds are fetched like
any page (robots.txt, the per-host pace shared by every worker, every size and time
limit), and the parser only ever sees bytes we fetched.

Feeds in the wild are malformed, so parsing is lenient (feedparser), except for one
thing: XML entity declarations are refused before any parser sees the document. An
"entity bomb" expands a few hundred bytes into gigabytes, and an external entity reads
a local file or a URL; no real feed needs either. The check scans the bytes (also as
UTF-16/32 and EBCDIC would spell them) and then lets defusedxml parse with entities
forbidden; neither expands anything, so a bomb is refused in milliseconds.

Google News search feeds: since 2024 their links no longer redirect to the publisher,
so such an item keeps its title and publisher and its link is marked unresolved.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree
import feedparser
from defusedxml import DefusedXmlException

from sources.extract import parse_datetime, strip_html
from sources.fetch import FEED_TYPES, TEXT_TYPES, Fetcher, FetchResult
from sources.providers.base import ProviderError

# Feeds are often served as text/plain; HTML (a feed that moved to a web page) is refused.
FEED_ACCEPT: tuple[str, ...] = (*FEED_TYPES, *TEXT_TYPES)
MAX_ITEMS = 200  # per poll; a feed with more is a dump, not a feed
_RAW_TEXT_LIMIT = 2000
GOOGLE_NEWS_HOSTS = frozenset({"news.google.com"})


@dataclass(frozen=True)
class FeedItem:
    link: str  # absolute, as the feed gives it; "" when the item has no web link
    title: str
    publisher: str = ""  # <source>…</source>: the item's own publisher, when the feed says
    publisher_url: str = ""
    published_at: datetime | None = None
    author: str = ""
    summary: str = ""  # plain text
    guid: str = ""
    link_unresolved: bool = False  # a Google News link: not the publisher's address
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    items: list[FeedItem]
    total_items: int  # in the document, before MAX_ITEMS
    warning: str = ""  # what feedparser had to work around (a wrong encoding…)


# --- fetching ---------------------------------------------------------------------------------


def fetch_feed(url: str, *, etag: str = "", last_modified: str = "", fetcher: Fetcher | None = None) -> FetchResult:
    """The feed document, or `not_modified` when the server says nothing changed."""
    return (fetcher or Fetcher()).fetch(url, accept=FEED_ACCEPT, etag=etag or None, last_modified=last_modified or None)


# --- the XML check ------------------------------------------------------------------------------

_ENTITY_DECLARATION = re.compile(rb"<!\s*ENTITY", re.IGNORECASE)
_INTERNAL_SUBSET = re.compile(rb"<!\s*DOCTYPE[^>\[]*\[", re.IGNORECASE)
_EBCDIC_XML = b"\x4c\x6f\xa7\x94"  # "<?xm" in EBCDIC


def refuse_unsafe_xml(body: bytes) -> None:
    """ProviderError("unsafe_xml") if the document declares entities or carries an
    inline DTD; returns quietly otherwise (malformed XML included: the lenient parser
    copes with that, and it contains no declarations)."""
    if body.startswith(_EBCDIC_XML):
        probe = body.decode("cp037", errors="replace").encode("ascii", errors="replace")
    else:
        # UTF-16 and UTF-32 spell ASCII markup with NUL bytes between the letters.
        probe = body.replace(b"\x00", b"")
    if _ENTITY_DECLARATION.search(probe):
        raise ProviderError(
            "unsafe_xml",
            "The feed declares XML entities (the shape of an entity bomb or an external-entity attack); "
            "it was refused without being parsed.",
        )
    if _INTERNAL_SUBSET.search(probe):
        raise ProviderError("unsafe_xml", "The feed carries an inline DTD; it was refused without being parsed.")
    try:
        defusedxml.ElementTree.fromstring(body, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ProviderError("unsafe_xml", f"The feed was refused: {exc}.") from None
    except (ParseError, ValueError, LookupError):
        pass  # not well-formed XML; feedparser's lenient parser reads what it can


# --- parsing ------------------------------------------------------------------------------------


def parse_feed(body: bytes, *, url: str, content_type: str = "", charset: str | None = None) -> ParsedFeed:
    """Items of an RSS/Atom document fetched from `url`; ProviderError if it is unsafe
    or not a feed at all. Bad dates become None, markup in titles is stripped."""
    refuse_unsafe_xml(body)
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type + (f"; charset={charset}" if charset else "")
    # A stream, never bytes or a string: given those, feedparser first tries them as a
    # URL to fetch and then as a local file name to open.
    parsed = feedparser.parse(io.BytesIO(body), response_headers=headers, sanitize_html=True)
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        raise ProviderError(
            "not_a_feed", f"The document is not an RSS or Atom feed{f' ({problem})' if problem else ''}."
        )
    entries = parsed.entries
    warning = parsed.get("bozo_exception")
    return ParsedFeed(
        title=strip_html(parsed.feed.get("title"), max_length=200),
        items=[_item(entry) for entry in entries[:MAX_ITEMS]],
        total_items=len(entries),
        warning=str(warning)[:300] if warning else "",
    )


def _item(entry: dict[str, Any]) -> FeedItem:
    link = _link(entry)
    source = entry.get("source")
    if not isinstance(source, Mapping):
        source = {}
    publisher = strip_html(source.get("title"), max_length=200)
    title = strip_html(entry.get("title"), max_length=1000)
    unresolved = _host(link) in GOOGLE_NEWS_HOSTS
    if unresolved and publisher and title.endswith(f" - {publisher}"):
        title = title[: -len(f" - {publisher}")].rstrip()  # "Headline - Publisher"
    return FeedItem(
        link=link,
        title=title,
        publisher=publisher,
        publisher_url=str(source.get("href") or "")[:2048],
        published_at=_when(entry),
        author=strip_html(entry.get("author"), max_length=500),
        summary=strip_html(entry.get("summary"), max_length=_RAW_TEXT_LIMIT),
        guid=str(entry.get("id") or "")[:2048],
        link_unresolved=unresolved,
        raw=_raw(entry),
    )


def _link(entry: Mapping[str, Any]) -> str:
    """The item's web address: its alternate link, else its guid when that is a URL."""
    candidates = [entry.get("link")]
    for link in entry.get("links") or []:
        if isinstance(link, Mapping) and link.get("rel", "alternate") == "alternate":
            candidates.append(link.get("href"))
    if entry.get("guidislink") or str(entry.get("id") or "").startswith(("http://", "https://")):
        candidates.append(entry.get("id"))
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()[:2048]
    return ""


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _when(entry: dict[str, Any]) -> datetime | None:
    # dict.get: feedparser's own get() maps missing keys onto others, with warnings.
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = dict.get(entry, key)
        if value:
            try:
                year, month, day, hour, minute, second = value[:6]
                return parse_datetime(datetime(year, month, day, hour, minute, second, tzinfo=UTC))
            except (TypeError, ValueError, OverflowError):
                continue
    # feedparser could not read it; a few more forms are tried before giving up.
    for key in ("published", "updated"):
        parsed = parse_datetime(dict.get(entry, key))
        if parsed is not None:
            return parsed
    return None


def _raw(entry: dict[str, Any]) -> dict[str, Any]:
    """The item as the feed gave it (text fields as sent, dates as written), for the audit."""
    raw: dict[str, Any] = {}
    for key in ("title", "link", "id", "published", "updated", "author", "summary"):
        value = dict.get(entry, key)
        if isinstance(value, str) and value:
            raw[key] = value[:_RAW_TEXT_LIMIT]
    source = entry.get("source")
    if isinstance(source, Mapping):
        raw["source"] = {k: str(source[k])[:500] for k in ("title", "href") if source.get(k)}
    tags = [
        str(tag.get("term"))[:100] for tag in entry.get("tags") or [] if isinstance(tag, Mapping) and tag.get("term")
    ]
    if tags:
        raw["categories"] = tags[:20]
    return raw
