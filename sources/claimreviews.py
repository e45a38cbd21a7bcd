"""Reading ClaimReview: the schema.org markup fact-checkers publish about the claims
they checked (providers.md, "ClaimReview, for import and export").

    reading = read_claimreviews(body, content_type="application/json")
    reading.items      # ClaimReviewItem: complete enough to keep as a prior check
    reading.skipped    # SkippedItem: where an item was in the file, and why it was left out

Three shapes are read, told apart by their first character rather than by a content
type a server may have got wrong:

- a schema.org `DataFeed` (the shape of the public ClaimReview feeds): its
  `dataFeedElement`s are `DataFeedItem`s whose `item` holds the ClaimReviews, or the
  ClaimReviews themselves;
- a JSON or JSON-LD list of ClaimReviews, a single ClaimReview, or an `@graph` of them;
- a web page: the ClaimReviews of its embedded JSON-LD (and microdata), read by extruct
  from bytes we fetched, never from a URL it would open itself.

Bytes that are none of these — JSON that does not parse, a page without any
ClaimReview, a JSON object that is not a feed — raise `ClaimReviewUnreadable`, so that
nothing from a broken file is kept. An item that is readable but lacks what a prior
check needs (its URL, the claim reviewed, the rating, who published it) is skipped with
its reason; the rest of the file is still read.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import extruct

from sources.extract import decode_html, language_code, parse_datetime, strip_html

logger = logging.getLogger(__name__)

__all__ = [
    "MAX_ITEMS",
    "ClaimReviewItem",
    "ClaimReviewUnreadable",
    "Reading",
    "SkippedItem",
    "body_text",
    "read_claimreviews",
]

MAX_ITEMS = 10_000  # a feed larger than this is read in parts
_MAX_DEPTH = 8  # how deep nested @graph / item lists are followed


class ClaimReviewUnreadable(ValueError):
    """The bytes are not a ClaimReview feed, list or page: nothing of them is kept."""


@dataclass(frozen=True)
class ClaimReviewItem:
    """One publisher's review of one claim, as the publisher put it."""

    url: str
    claim_reviewed: str
    rating_text: str  # the publisher's own words: reviewRating.alternateName (or its name)
    publisher_name: str
    publisher_site: str
    review_date: datetime | None = None
    title: str = ""
    claimant: str = ""
    claim_date: datetime | None = None
    appearance_url: str = ""
    language: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False)  # the item as published, for the audit


@dataclass(frozen=True)
class SkippedItem:
    position: int  # the item's place among the file's items, from 1
    url: str  # its url, when it had one
    reason: str

    def __str__(self) -> str:
        where = f"item {self.position}" + (f" ({self.url})" if self.url else "")
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class Reading:
    items: list[ClaimReviewItem]
    skipped: list[SkippedItem]
    shape: str  # "data_feed", "list", "claim_review", "page"


def read_claimreviews(body: bytes, *, content_type: str = "", charset: str | None = None, url: str = "") -> Reading:
    """The ClaimReviews in `body`. Raises ClaimReviewUnreadable when there are none to
    be had: the bytes do not parse, or hold no feed, list or ClaimReview."""
    text = body_text(body, charset)
    start = text.lstrip()[:1]
    if start in ("{", "["):
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise ClaimReviewUnreadable(f"The file is not valid JSON: {exc}.") from None
        return _from_json(data)
    if start == "<" or content_type in ("text/html", "application/xhtml+xml"):
        return _from_page(text, url)
    raise ClaimReviewUnreadable(
        "The file is neither JSON (a DataFeed or a list of ClaimReviews) nor a web page with embedded JSON-LD."
    )


def body_text(body: bytes, charset: str | None = None) -> str:
    """The text of a file or page: UTF-8 (a byte-order mark dropped) unless it says
    otherwise, and read the way browsers do when that fails. NUL characters go (the
    database refuses them; no feed needs them)."""
    return _decoded(body, charset).replace("\x00", "")


def _decoded(body: bytes, charset: str | None) -> str:
    if body.startswith(b"\xef\xbb\xbf"):
        body = body[3:]
    try:
        return body.decode(charset or "utf-8")
    except (UnicodeDecodeError, LookupError):
        # A page that lies about its encoding is read the way browsers do.
        return decode_html(body, charset)


def _from_json(data: Any) -> Reading:
    if isinstance(data, list):
        shape = "list"
    elif isinstance(data, dict) and _is(data, "DataFeed"):
        shape = "data_feed"
    elif isinstance(data, dict) and _is(data, "ClaimReview"):
        shape = "claim_review"
    elif isinstance(data, dict) and isinstance(data.get("@graph"), list):
        shape = "list"
    else:
        raise ClaimReviewUnreadable(
            "The JSON is not a schema.org DataFeed, a list of ClaimReviews or a ClaimReview "
            f"(its @type is {_types_text(data)})."
        )
    return _read(list(_candidates(data)), shape)


def _from_page(text: str, url: str) -> Reading:
    try:
        found = extruct.extract(text, base_url=url or None, syntaxes=["json-ld", "microdata"], uniform=True)
    except Exception as exc:  # extruct on hostile markup: the page is unreadable, say so
        logger.info("structured data unreadable on %s", url or "an uploaded page", exc_info=True)
        raise ClaimReviewUnreadable(f"The page's structured data cannot be read: {type(exc).__name__}.") from None
    candidates = [
        item
        for syntax in ("json-ld", "microdata")
        for block in found.get(syntax, [])
        for item in _candidates(block)
        if _is(item, "ClaimReview")
    ]
    if not candidates:
        raise ClaimReviewUnreadable("The page has no ClaimReview in its embedded JSON-LD or microdata.")
    return _read(candidates, "page")


def _candidates(data: Any, depth: int = 0) -> Iterator[Any]:
    """What may be a ClaimReview, in file order: feed elements opened up, graphs and
    lists flattened; anything else is passed on to be skipped with a reason."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(data, list):
        for element in data:
            yield from _candidates(element, depth + 1)
    elif isinstance(data, dict) and _is(data, "DataFeed"):
        yield from _candidates(data.get("dataFeedElement") or [], depth + 1)
    elif isinstance(data, dict) and _is(data, "DataFeedItem"):
        yield from _candidates(data.get("item") or [], depth + 1)
    elif isinstance(data, dict) and not _is(data, "ClaimReview") and isinstance(data.get("@graph"), list):
        yield from _candidates(data["@graph"], depth + 1)
    else:
        yield data


def _read(candidates: list[Any], shape: str) -> Reading:
    items: list[ClaimReviewItem] = []
    skipped: list[SkippedItem] = []
    for position, candidate in enumerate(candidates[:MAX_ITEMS], start=1):
        item, reason = _item(candidate)
        if item is not None:
            items.append(item)
        else:
            url = candidate.get("url") if isinstance(candidate, dict) else None
            skipped.append(SkippedItem(position, url if isinstance(url, str) else "", reason))
    if len(candidates) > MAX_ITEMS:
        skipped.append(
            SkippedItem(MAX_ITEMS + 1, "", f"{len(candidates) - MAX_ITEMS} more items not read: split the file")
        )
    return Reading(items=items, skipped=skipped, shape=shape)


def _item(data: Any) -> tuple[ClaimReviewItem | None, str]:
    """A ClaimReviewItem, or None and why not."""
    if not isinstance(data, dict):
        return None, f"not an object but {type(data).__name__}"
    if not _is(data, "ClaimReview"):
        return None, f"not a ClaimReview (its @type is {_types_text(data)})"
    url = _text_of(data.get("url"), 2048)
    if not url:
        return None, "no url (the address of the review)"
    if not url.lower().startswith(("http://", "https://")):
        return None, f"its url is not a web address: {url[:100]}"
    claim_reviewed = strip_html(_first(data.get("claimReviewed")), max_length=5000)
    if not claim_reviewed:
        return None, "no claimReviewed (the claim that was checked)"
    rating = _first(data.get("reviewRating"))
    rating = rating if isinstance(rating, dict) else {}
    rating_text = strip_html(_first(rating.get("alternateName")), max_length=500) or strip_html(
        _first(rating.get("name")), max_length=500
    )
    if not rating_text:
        return None, "no rating in words (reviewRating.alternateName)"
    publisher = _first(data.get("author")) or _first(data.get("publisher"))
    publisher_name, publisher_site = _organisation(publisher)
    if not (publisher_name or publisher_site):
        return None, "no author (the organisation that published the review)"
    reviewed = _first(data.get("itemReviewed"))
    reviewed = reviewed if isinstance(reviewed, dict) else {}
    claimant, _ = _organisation(_first(reviewed.get("author")))
    appearance = _first(reviewed.get("firstAppearance")) or _first(reviewed.get("appearance"))
    return (
        ClaimReviewItem(
            url=url,
            claim_reviewed=claim_reviewed,
            rating_text=rating_text,
            publisher_name=publisher_name,
            publisher_site=publisher_site,
            review_date=parse_datetime(_first(data.get("datePublished"))),
            title=strip_html(_first(data.get("headline")) or _first(data.get("name")), max_length=1000),
            claimant=claimant,
            claim_date=parse_datetime(_first(reviewed.get("datePublished"))),
            appearance_url=_url_of(appearance),
            language=language_code(_first(data.get("inLanguage"))),
            raw=data,
        ),
        "",
    )


def _organisation(value: Any) -> tuple[str, str]:
    """(name, site) of an author: an Organization or Person object, or a bare name."""
    if isinstance(value, str):
        return strip_html(value, max_length=300), ""
    if not isinstance(value, dict):
        return "", ""
    name = strip_html(_first(value.get("name")), max_length=300)
    site = _url_of(value)
    return name, _host(site)


def _url_of(value: Any) -> str:
    if isinstance(value, str):
        return _text_of(value, 2048)
    if isinstance(value, dict):
        return _text_of(_first(value.get("url")) or _first(value.get("@id")), 2048)
    return ""


def _host(url: str) -> str:
    rest = url.split("://", 1)[-1]
    host = rest.split("/", 1)[0].split("@")[-1].split(":")[0].lower()
    return host.removeprefix("www.")[:253]


def _text_of(value: Any, max_length: int) -> str:
    value = _first(value)
    return value.strip()[:max_length] if isinstance(value, str) else ""


def _first(value: Any) -> Any:
    """A property given as a list (JSON-LD allows it) stands for its first value."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _types(data: Any) -> list[str]:
    if not isinstance(data, dict):
        return []
    kinds = data.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return [str(kind).rstrip("/").rsplit("/", 1)[-1] for kind in kinds if kind]


def _is(data: Any, kind: str) -> bool:
    return kind in _types(data)


def _types_text(data: Any) -> str:
    kinds = _types(data)
    return ", ".join(kinds) if kinds else "missing"
