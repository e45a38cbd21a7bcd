"""From the bytes of a fetched page to an article: text and metadata (product.md §4 step 3).

    extracted = extract_article(result.body, url=result.url, charset=result.charset)
    extracted.title, extracted.text, extracted.published_at, extracted.site_name, …

Everything here works on bytes we fetched ourselves (`sources.fetch`); nothing here is
ever given a URL to open. trafilatura's `extract()` finds the text and the basic
metadata; the page's own structured data (JSON-LD, microdata via extruct, Open Graph and
<meta> tags) gives the precise publication time, the byline and the site's name.

Pages are untrusted and often broken, so nothing here raises on bad input: a date that
cannot be read is None, a missing title is "", an encoding that lies is worked around.
A page's claims about itself are believed only as far as they cannot hurt: its
canonical link is used only when it stays on the page's own registered domain, so a
page cannot file itself (or overwrite the row of) another site's article.
"""

from __future__ import annotations

import codecs
import html as html_lib
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import extruct
import lxml.html
import nh3
import tldextract
import trafilatura
from django.utils import timezone
from trafilatura.settings import Document
from trafilatura.xml import xmltotxt

logger = logging.getLogger(__name__)

__all__ = [
    "Extracted",
    "decode_html",
    "extract_article",
    "language_code",
    "parse_datetime",
    "registered_domain",
    "same_site",
    "site_domain",
    "strip_html",
]

# The public suffix list shipped with tldextract, never fetched (dependencies.md gotcha
# 3). Private suffixes count, so two blogs on one hosting service are two sites.
_TLD = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)

MAX_TEXT_CHARS = 500_000  # a long report is ~100,000 characters; more is not an article
_MAX_JSON_LD_CHARS = 200_000  # per <script> block
_MAX_STRUCTURED_ITEMS = 20
_EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)  # no news web page is older; 1970 is a CMS default


@dataclass(frozen=True)
class Extracted:
    """What one page says about itself, cleaned. Empty strings when unknown."""

    title: str = ""
    text: str = ""
    byline: str = ""
    published_at: datetime | None = None
    language: str = ""
    site_name: str = ""
    description: str = ""
    canonical_link: str = ""  # "" unless the page named one on its own registered domain
    # What the page claims about itself, kept for the audit and never trusted for identity:
    # the canonical link as written (any domain) and the publisher its JSON-LD names.
    declared_canonical: str = ""
    jsonld_publisher: str = ""
    structured: list[dict[str, Any]] = field(default_factory=list)  # JSON-LD / microdata items, for the audit

    def audit(self) -> dict[str, Any]:
        """What is worth keeping in an article's raw payload."""
        return {
            "canonical_link": self.canonical_link,
            "declared_canonical": self.declared_canonical,
            "site_name": self.site_name,
            "jsonld_publisher": self.jsonld_publisher,
            "description": self.description,
            "structured_data": self.structured,
        }


# --- text helpers ----------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NO_TAGS = nh3.Cleaner(tags=set(), clean_content_tags={"script", "style", "template"}, attributes={})


def strip_html(value: object, *, max_length: int | None = None) -> str:
    """Plain text from a string that may hold markup or entities (titles, bylines,
    feed fields): tags removed, entities decoded, whitespace collapsed. Escaped markup
    ("&lt;b&gt;Title&lt;/b&gt;", common in feeds) is removed too."""
    if value is None:
        return ""
    text = str(value)
    for _ in range(2):
        if "<" not in text and "&" not in text:
            break
        text = html_lib.unescape(_NO_TAGS.clean(text))
    text = _SPACE.sub(" ", _CONTROL.sub("", text)).strip()
    if max_length is not None and len(text) > max_length:
        text = text[: max_length - 1].rstrip() + "…"
    return text


def plain_text(value: str) -> str:
    """Extracted article text: control characters removed, paragraphs kept, capped."""
    text = _CONTROL.sub("", value or "").strip()
    return text[:MAX_TEXT_CHARS]


# --- domains ---------------------------------------------------------------------------------


def registered_domain(host: str) -> str:
    """The domain a site registered under its public suffix (news.bbc.co.uk → bbc.co.uk);
    "" for IP addresses and names without a public suffix."""
    host = (host or "").strip().lower().rstrip(".")
    if not host:
        return ""
    return _TLD(host).top_domain_under_public_suffix or ""


def site_domain(url_or_host: str) -> str:
    """The domain an outlet is recognised by: the registered domain, or for a host
    without one (an IP address, an intranet name) the host itself without "www."."""
    host = _host(url_or_host)
    return registered_domain(host) or host.removeprefix("www.")


def same_site(first: str, second: str) -> bool:
    """True if two URLs (or hosts) belong to the same registered domain."""
    one, other = site_domain(first), site_domain(second)
    return bool(one) and one == other


def _host(url_or_host: str) -> str:
    value = (url_or_host or "").strip()
    if "://" in value:
        try:
            value = urlsplit(value).hostname or ""
        except ValueError:
            return ""
    return value.lower().rstrip(".")


# --- dates and languages -----------------------------------------------------------------------


def parse_datetime(value: object) -> datetime | None:
    """A timezone-aware datetime from ISO 8601, RFC 822 or a date alone; None for
    anything else, and for times before 1990 or more than a day in the future (a
    broken CMS, not a publication time). A time without a zone is taken as UTC."""
    if value is None:
        return None
    if isinstance(value, datetime):
        parsed: datetime | None = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    else:
        parsed = _parse_text(str(value).strip()[:100])
    if parsed is None:
        return None
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=UTC)
    if parsed < _EARLIEST or parsed > timezone.now() + timedelta(days=1):
        return None
    return parsed


def _parse_text(text: str) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        pass
    for pattern in ("%Y%m%dT%H%M%SZ", "%Y%m%d%H%M%S", "%Y-%m-%d %H:%M:%S.%f", "%Y/%m/%d"):
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


# Full names as GDELT and others give them, to the ISO 639-1 codes stored.
_LANGUAGE_NAMES = {
    "english": "en",
    "spanish": "es",
    "french": "fr",
    "german": "de",
    "italian": "it",
    "portuguese": "pt",
    "dutch": "nl",
    "russian": "ru",
    "ukrainian": "uk",
    "polish": "pl",
    "arabic": "ar",
    "persian": "fa",
    "farsi": "fa",
    "hebrew": "he",
    "turkish": "tr",
    "chinese": "zh",
    "japanese": "ja",
    "korean": "ko",
    "hindi": "hi",
    "urdu": "ur",
    "indonesian": "id",
    "swedish": "sv",
    "norwegian": "no",
    "danish": "da",
    "finnish": "fi",
    "greek": "el",
    "czech": "cs",
    "romanian": "ro",
    "hungarian": "hu",
}
_LANGUAGE_TAG = re.compile(r"^([a-zA-Z]{2,3})(?:[-_][a-zA-Z0-9]{1,8})*$")


def language_code(value: object) -> str:
    """ISO 639 code from a language tag ("en-GB", "en_US") or an English name
    ("English"); "" when it cannot be told."""
    text = str(value or "").strip()
    if not text:
        return ""
    named = _LANGUAGE_NAMES.get(text.lower())
    if named:
        return named
    match = _LANGUAGE_TAG.match(text)
    return match.group(1).lower() if match else ""


# --- decoding --------------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]{1,40})""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([a-zA-Z0-9_.:-]{1,40})["']""")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# What browsers (WHATWG Encoding) do with these labels; UTF-7 is refused outright.
_ENCODING_ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252"}
_REFUSED_ENCODINGS = {"utf-7", "utf_7", "utf7"}


def decode_html(body: bytes, charset: str | None = None) -> str:
    """The page as text: a byte-order mark wins, then the HTTP charset, then a
    <meta>/XML declaration, then UTF-8; when each of those fails on the actual bytes
    (a Latin-1 page declared UTF-8 is common), Windows-1252, as browsers do."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body.decode(encoding, errors="replace")
    head = body[:4096]
    declared: list[str | None] = [charset]
    for pattern in (_META_CHARSET, _XML_ENCODING):
        match = pattern.search(head)
        if match:
            declared.append(match.group(1).decode("ascii", errors="ignore"))
    for candidate in [*declared, "utf-8"]:
        usable = _usable_encoding(candidate)
        if usable is None:
            continue
        try:
            return body.decode(usable)
        except (UnicodeDecodeError, LookupError):
            continue
    return body.decode("cp1252", errors="replace")


def _usable_encoding(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    if label in _REFUSED_ENCODINGS:
        return None
    label = _ENCODING_ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return None if name in _REFUSED_ENCODINGS else name


_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


# --- the page ----------------------------------------------------------------------------------------


def extract_article(body: bytes, *, url: str, charset: str | None = None) -> Extracted:
    """Text and metadata of the page in `body` (fetched from `url`). Never raises for
    bad content: what cannot be read stays empty."""
    if not body:
        return Extracted()
    # lxml refuses text that still carries an XML encoding declaration.
    document = _XML_DECLARATION.sub("", decode_html(body, charset), count=1)
    # The page is parsed once, the way trafilatura parses it, and that tree serves both:
    # the metadata is read from it here, and trafilatura works on its own copy of it.
    tree = _trafilatura_tree(document, url)
    if tree is None:
        # Not HTML as trafilatura sees it: it would find no text, but the page's own
        # metadata may still be readable.
        try:
            tree = lxml.html.document_fromstring(document)
        except (lxml.etree.ParserError, ValueError) as exc:
            logger.info("unparseable page %s: %s", url, exc)
            return Extracted()
        found: dict[str, Any] = {}
    else:
        found = _trafilatura(tree, url)
    meta = _meta_tags(tree)
    json_ld = list(_json_ld_items(tree))
    microdata = _microdata_items(tree, url)
    articles = [item for item in [*json_ld, *microdata] if _is_article(item)]

    title = _first_text(
        found.get("title"),
        *(item.get("headline") for item in articles),
        meta.get("og:title"),
        meta.get("twitter:title"),
        tree.findtext(".//title"),
    )
    site_name = _first_text(
        meta.get("og:site_name"),
        *(_name_of(item.get("publisher")) for item in articles),
        meta.get("application-name"),
        found.get("source-hostname"),
    )
    byline = _first_text(
        *(_names(item.get("author")) for item in articles),
        meta.get("author"),
        meta.get("article:author") if not str(meta.get("article:author", "")).startswith("http") else "",
        found.get("author"),
        max_length=500,
    )
    published = _first_date(
        *(item.get("datePublished") for item in articles),
        meta.get("article:published_time"),
        meta.get("og:published_time"),
        meta.get("datepublished"),
        meta.get("parsely-pub-date"),
        meta.get("sailthru.date"),
        meta.get("dc.date.issued"),
        meta.get("dc.date"),
        meta.get("date"),
        meta.get("pubdate"),
        # trafilatura (htmldate) often knows only the day: the last resort.
        found.get("date"),
    )
    language = (
        language_code(tree.get("lang"))
        or language_code(meta.get("og:locale"))
        or language_code(meta.get("content-language"))
        or next((language_code(item.get("inLanguage")) for item in articles if item.get("inLanguage")), "")
        or language_code(found.get("language"))
    )
    return Extracted(
        title=title[:1000],
        text=plain_text(found.get("text") or ""),
        byline=byline,
        published_at=published,
        language=language,
        site_name=site_name[:200],
        description=_first_text(meta.get("og:description"), meta.get("description"), max_length=2000),
        canonical_link=_trusted_canonical(tree, meta, found, url),
        declared_canonical=_declared_canonical(tree, url),
        jsonld_publisher=_first_text(*(_name_of(item.get("publisher")) for item in articles), max_length=200),
        structured=[_small(item) for item in articles[:_MAX_STRUCTURED_ITEMS]],
    )


def _trafilatura_tree(document: str, url: str) -> lxml.html.HtmlElement | None:
    """The page as trafilatura itself parses it (comments and processing instructions
    dropped, characters XML cannot hold removed); None if it does not take it for HTML."""
    try:
        return trafilatura.load_html(document)
    except Exception:  # a parser bug on hostile input must not lose the page's metadata
        logger.warning("trafilatura could not parse %s", url, exc_info=True)
        return None


def _trafilatura(tree: lxml.html.HtmlElement, url: str) -> dict[str, Any]:
    """What trafilatura finds in the page: it works on a copy of `tree` (it prunes what
    it is given), exactly as it would on the page's text.

    `trafilatura.extract` with these options is `bare_extraction` followed by a SimHash
    of the text (its "fingerprint", a sixth of its time on a news page) and the JSON
    text of its fields; the fields used here are taken from the extraction itself, as
    that JSON would have given them, and the fingerprint, which nothing here reads, is
    not computed."""
    try:
        document = trafilatura.bare_extraction(
            tree,
            url=url,
            output_format="json",
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            deduplicate=False,
        )
        if not isinstance(document, Document):
            return {}
        return {
            "title": document.title,
            "author": document.author,
            "date": document.date,
            "language": document.language,
            "source": document.url,
            "source-hostname": document.sitename,
            "text": xmltotxt(document.body, include_formatting=False),
        }
    except Exception:  # a parser bug on hostile input must not lose the page's metadata
        logger.warning("trafilatura failed on %s", url, exc_info=True)
        return {}


def _meta_tags(tree: lxml.html.HtmlElement) -> dict[str, str]:
    """<meta> tags by lower-cased property/name/itemprop/http-equiv; the first wins."""
    tags: dict[str, str] = {}
    for element in tree.iterfind(".//meta"):
        content = element.get("content")
        if content is None:
            continue
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            key = (element.get(attribute) or "").strip().lower()
            if key and key not in tags:
                tags[key] = content.strip()
    return tags


def _json_ld_items(tree: lxml.html.HtmlElement) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object on the page, one <script> at a time, so one broken block
    (common) does not hide the others."""
    for script in tree.iterfind(".//script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        text = (script.text or "").strip()
        if not text or len(text) > _MAX_JSON_LD_CHARS:
            continue
        text = re.sub(r"^\s*(<!--|//\s*<!\[CDATA\[)|(-->|//\s*\]\]>)\s*$", "", text)
        try:
            data = json.loads(text, strict=False)
        except (ValueError, RecursionError):
            continue
        yield from _flatten(data)


def _flatten(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 3:
        return
    if isinstance(data, list):
        for item in data[:50]:
            yield from _flatten(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        graph = data.get("@graph")
        if isinstance(graph, list):
            yield from _flatten(graph, depth + 1)


def _microdata_items(tree: lxml.html.HtmlElement, url: str) -> list[dict[str, Any]]:
    try:
        found = extruct.extract(tree, base_url=url, syntaxes=["microdata"], uniform=True, errors="ignore")
    except Exception:  # extruct on hostile markup: microdata is a bonus, never a reason to fail
        logger.info("microdata unreadable on %s", url, exc_info=True)
        return []
    return [item for item in found.get("microdata", []) if isinstance(item, dict)]


_ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "blogposting",
    "liveblogposting",
    "report",
    "webpage",
}


def _is_article(item: dict[str, Any]) -> bool:
    kinds = item.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(str(kind).rsplit("/", 1)[-1].lower() in _ARTICLE_TYPES for kind in kinds)


def _name_of(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    return value if isinstance(value, str) else ""


def _names(value: Any) -> str:
    values = value if isinstance(value, list) else [value]
    names = [strip_html(_name_of(v)) for v in values[:10]]
    return ", ".join(name for name in names if name and not name.startswith("http"))


def _first_text(*values: Any, max_length: int = 1000) -> str:
    for value in values:
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, str):
            text = strip_html(value, max_length=max_length)
            if text:
                return text
    return ""


def _first_date(*values: Any) -> datetime | None:
    for value in values:
        if isinstance(value, list):
            value = value[0] if value else None
        parsed = parse_datetime(value) if isinstance(value, str) else None
        if parsed is not None:
            return parsed
    return None


def _trusted_canonical(tree: lxml.html.HtmlElement, meta: dict[str, str], found: dict[str, Any], url: str) -> str:
    """The page's own canonical address, if it is one we can believe: http(s), on the
    same registered domain as the page, and not the site's front page (a common CMS
    mistake that would fold every article of the site into one)."""
    candidates: list[str] = []
    for link in tree.iterfind(".//link"):
        rel = (link.get("rel") or "").lower().split()
        if "canonical" in rel and link.get("href"):
            candidates.append(link.get("href", ""))
    candidates += [meta.get("og:url", ""), str(found.get("source") or "")]
    page_path = _path(url)
    for candidate in candidates:
        candidate = candidate.strip()
        if not candidate:
            continue
        try:
            absolute = urljoin(url, candidate)
            parts = urlsplit(absolute)
        except ValueError:
            continue
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
            continue
        if not same_site(absolute, url):
            continue
        if parts.path in ("", "/") and page_path not in ("", "/"):
            continue
        return absolute
    return ""


def _declared_canonical(tree: lxml.html.HtmlElement, url: str) -> str:
    """The page's <link rel=canonical> as an absolute address, whatever site it names:
    recorded so that an editor sees a page pointing at another publisher, never used
    to decide who published it."""
    for link in tree.iterfind(".//link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            try:
                absolute = urljoin(url, link.get("href", "").strip())
            except ValueError:
                return ""
            return absolute[:2048] if absolute.lower().startswith(("http://", "https://")) else ""
    return ""


def _path(url: str) -> str:
    try:
        return urlsplit(url).path
    except ValueError:
        return ""


def _small(item: dict[str, Any]) -> dict[str, Any]:
    """A structured-data item trimmed for the audit payload (no article bodies)."""
    return {
        key: value
        for key, value in item.items()
        if key not in ("articleBody", "text", "description", "image", "@graph") and _json_size(value) < 5000
    }


def _json_size(value: Any) -> int:
    try:
        return len(json.dumps(value, default=str))
    except (TypeError, ValueError, RecursionError):
        return 10**9
