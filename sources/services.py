"""The one write path for outlets, sources, articles and feeds.

One function here also fetches (`feed_poll`): it does its network work outside any
transaction and then writes through the services beside it, each write short and atomic
(reliability.md, idempotency recipe). (Fact-checks by others are prior checks, in
corroboration.services.)
"""

from __future__ import annotations

import functools
import ipaddress
import logging
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError, IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from core.compiled import AnyOf, ArrayParam, CompiledValues
from core.leases import Lease
from core.retry import backoff
from core.services import Actor, acting_as, model_update, service, task_send
from sources.canonical import canonical_url
from sources.extract import MAX_TEXT_CHARS, Extracted, language_code, strip_html
from sources.fetch import Fetcher, FetchError, FetchResult
from sources.models import Article, ArticleProvider, Feed, Outlet, Source, SourceKind
from sources.netguard import blocked_reason, parse_networks, vet_url
from sources.providers.base import Candidate, ProviderError
from sources.providers.feeds import FeedItem, fetch_feed, parse_feed
from sources.publisher import KnownOutlet, Reason, identify_publisher, registrable_domain

logger = logging.getLogger(__name__)

OUTLET_FIELDS = frozenset({"name", "domains", "country", "ownership", "is_wire", "notes"})
SOURCE_FIELDS = frozenset(
    {"kind", "name", "title", "affiliation", "outlet", "reliability", "reliability_note", "notes"}
)
LOOPBACK = ipaddress.IPv4Address("127.0.0.1")
ARTICLE_FIELDS = frozenset(
    {
        "url",
        "canonical_url",
        "outlet",
        "title",
        "byline",
        "dateline",
        "published_at",
        "language",
        "summary",
        "text",
        "provider",
        "raw_payload",
    }
)


def _normalise_domains(domains: list[str]) -> list[str]:
    cleaned = []
    for domain in domains:
        domain = domain.strip().lower().removeprefix("www.").rstrip(".")
        if domain and domain not in cleaned:
            cleaned.append(domain)
    return cleaned


@service
def outlet_create(*, actor: Actor, name: str, **data: Any) -> Outlet:
    outlet = Outlet(name=name)
    model_update(outlet, data, fields=OUTLET_FIELDS)
    outlet.domains = _normalise_domains(outlet.domains)
    outlet.full_clean()
    outlet.save()
    return outlet


@service
def outlet_update(*, actor: Actor, outlet: Outlet, **data: Any) -> Outlet:
    if "domains" in data:
        data["domains"] = _normalise_domains(data["domains"])
    if model_update(outlet, data, fields=OUTLET_FIELDS):
        outlet.full_clean()
        outlet.save()
    return outlet


@service
def source_create(*, actor: Actor, kind: str, name: str, **data: Any) -> Source:
    if actor is not None and not actor.has_perm("sources.add_source"):
        raise PermissionDenied("You cannot add sources.")
    source = Source(kind=kind, name=name)
    model_update(source, data, fields=SOURCE_FIELDS)
    source.full_clean()
    source.save()
    return source


@service
def source_update(*, actor: Actor, source: Source, **data: Any) -> Source:
    was_anonymous = source.kind == SourceKind.ANONYMOUS_GROUP
    if model_update(source, data, fields=SOURCE_FIELDS):
        if was_anonymous != (source.kind == SourceKind.ANONYMOUS_GROUP) and source.attributions.exists():
            raise ValidationError(
                {
                    "kind": "This source is already cited in claims; changing it between named and anonymous "
                    "would change what those claims rest on. Create a new source instead."
                }
            )
        source.full_clean()
        source.save()
    return source


def _checked_article_url(url: str, field_name: str) -> str:
    """An article's address as an editor gives it, held to what the fetcher accepts
    before any network access (http or https, no user name or password, not an internal
    address written as a number, not this machine by name), since it will be fetched
    and shown as a link. A name's addresses are checked when it is fetched."""
    url = (url or "").strip()
    allowed = parse_networks(settings.FETCH_ALLOWED_NETWORKS)
    try:
        target = vet_url(url, allowed)
    except FetchError as exc:
        raise ValidationError({field_name: exc.message}) from None
    host = target.server_name.lower().rstrip(".")
    if (host == "localhost" or host.endswith(".localhost")) and blocked_reason(LOOPBACK, allowed):
        raise ValidationError({field_name: f"{target.host} is this machine (a loopback address), not a site."})
    return url


@service
def article_create(*, actor: Actor, canonical_url: str, url: str = "", **data: Any) -> Article:
    canonical_url = _checked_article_url(canonical_url, "canonical_url")
    url = _checked_article_url(url, "url") if url else canonical_url
    article = Article(canonical_url=canonical_url, url=url)
    if data.get("outlet") is None:
        # Nobody said who published it: its address decides, as for every stored page.
        data = {**data, "outlet": outlet_recognise(url=url)}
    model_update(article, data, fields=ARTICLE_FIELDS)
    article.full_clean()
    article.save()
    return article


@service
def article_update(*, actor: Actor, article: Article, **data: Any) -> Article:
    for name in ("canonical_url", "url"):
        if data.get(name) and data[name] != getattr(article, name):
            data[name] = _checked_article_url(data[name], name)
    if model_update(article, data, fields=ARTICLE_FIELDS):
        article.full_clean()
        article.save()
    return article


@service
def article_record_pasted(*, actor: Actor, text: str, url: str = "", title: str = "") -> tuple[Article, bool]:
    """Keep a story a reviewer pasted as an article: (article, created).

    With the `url` it was published at, it is stored once under its canonical URL like
    any other article (one already stored there is used as it is, never overwritten);
    without one, it is an article with no address, known by its text."""
    if actor is not None and not actor.has_perm("sources.add_article"):
        raise PermissionDenied("You cannot add articles.")
    text = clipped(text, MAX_TEXT_CHARS)
    if not url.strip():
        article = Article(
            canonical_url=None, url="", text=text, title=clipped(title, 1000), provider=ArticleProvider.PASTED
        )
        article.full_clean()
        article.save()
        return article, True
    try:
        canonical = canonical_url(url.strip())
        vet_url(canonical, parse_networks(settings.FETCH_ALLOWED_NETWORKS))
    except FetchError as exc:
        raise ValidationError({"url": exc.message}) from None
    except ValueError as exc:
        raise ValidationError({"url": f"This is not a web address an article can be kept under: {exc}"}) from None
    existing = Article.objects.filter(canonical_url=canonical).first()
    if existing is not None:
        return existing, False
    # Stored like any other page: the same publisher rule, the same once-per-URL insert.
    return article_store(actor=actor, provider=ArticleProvider.PASTED, url=url.strip(), title=title, text=text)


# --- Articles from providers: recognised, canonicalised, stored once ---------------------------


def json_safe(value: Any, depth: int = 0) -> Any:
    """A provider's payload as PostgreSQL's jsonb takes it: no NUL characters (jsonb
    refuses them), dates as ISO text, nothing nested absurdly deep."""
    if depth > 20:
        return None
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {str(k).replace("\x00", ""): json_safe(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v, depth + 1) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return str(value).replace("\x00", "")


def clipped(value: str, max_length: int) -> str:
    """Text as a column takes it: no NUL characters, at most `max_length` long."""
    return (value or "").replace("\x00", "")[:max_length]


@dataclass(frozen=True)
class Recognised:
    """Who published a page, and the evidence: `audit` goes into the article's raw
    payload so that an editor can see why (and what the page claimed about itself)."""

    outlet: Outlet | None
    audit: dict[str, Any]
    # Asked not to create: the publisher is an outlet new to us, not created yet.
    to_create: bool = False


# Where a lookup's values go in the outlets' query (core.compiled).
_DOMAINS_MARKER = ["<domains>"]
_NAMES_MARKER = ["<names>"]


@functools.cache
def _outlets_query(using: str) -> CompiledValues:
    """The outlets that list one of some domains or bear one of some names, by id: its
    SQL made once, since every stored page asks it. Names are compared in lower case,
    as the unique constraint on `Lower(name)` compares them, so that its index serves
    them beside the domains' GIN index (a comparison in upper case read every outlet)."""
    nearby = Q(domains__overlap=ArrayParam(_DOMAINS_MARKER, element="varchar")) | AnyOf(Lower("name"), _NAMES_MARKER)
    outlets = Outlet.objects.filter(nearby).order_by("pk").values(*_OUTLET_COLUMNS)
    return CompiledValues(outlets, using=using, markers=(_DOMAINS_MARKER, _NAMES_MARKER))


_OUTLET_COLUMNS = tuple(f.attname for f in Outlet._meta.concrete_fields)


def _outlets_near(domains: list[str], names: list[str]) -> list[Outlet]:
    """The outlets listing one of `domains` or named one of `names` (lower case)."""
    using = Outlet.objects.db
    rows = _outlets_query(using).rows((domains, names))
    return [Outlet.from_db(using, list(_OUTLET_COLUMNS), [row[c] for c in _OUTLET_COLUMNS]) for row in rows]


def publisher_recognise(
    *,
    url: str,
    site_name: str = "",
    jsonld_publisher: str = "",
    canonical: str = "",
    domain: str = "",
    create: bool = True,
) -> Recognised:
    """The outlet that published the page fetched from `url`, creating it if it is new
    to us (sources.publisher.identify_publisher decides; this maps its decision to rows).

    - The registrable domain of `url` listed by an outlet decides, whatever the page
      calls itself; `domain` (the publisher's address as a provider such as GDELT
      states it) is asked next.
    - A domain no outlet lists is a new outlet of unknown ownership, named from the page
      (og:site_name, the JSON-LD publisher) for an editor to complete; a page borrowing
      a known outlet's name gets an outlet named after its domain instead.
    - Only a host without a registrable domain (an IP address) or an outlet that lists
      no domains lets the page's own name decide. On an IP address a name nobody
      knows becomes a new outlet with no domains.
    - A canonical link to another site is recorded in the audit, never trusted.

    With `create=False` nothing is written: a publisher that would be a new outlet
    comes back as `to_create` (no outlet), for the caller to recognise again, creating,
    inside the transaction that stores what it published.
    """
    site_name = strip_html(site_name, max_length=200)
    jsonld_publisher = strip_html(jsonld_publisher, max_length=200)
    names = [n for n in (site_name, jsonld_publisher) if n]
    # A provider may state the publisher as a bare domain ("apnews.com"): read it as an address.
    address = url.strip() if "://" in url else f"https://{url.strip()}"
    own_domain = registrable_domain(address)
    host = _host_of(address).removeprefix("www.")
    if not host:
        return Recognised(None, {"reason": Reason.UNKNOWN, "notes": ["the page has no address"]})
    spellings = []
    for name in names:
        bare = name[4:] if name.lower().startswith("the ") else name
        spellings += [bare.lower(), f"the {bare}".lower()]
    found: dict[int | str, Outlet] = {o.pk: o for o in _outlets_near(sorted({own_domain, host} - {""}), spellings)}
    known = [KnownOutlet(id=o.pk, name=o.name, domains=o.domains) for o in found.values()]
    decision = identify_publisher(
        url=address,
        outlets=known,
        site_name=site_name,
        jsonld_publisher=jsonld_publisher,
        canonical=canonical,
    )
    audit: dict[str, Any] = {
        "reason": str(decision.reason),
        "domain": decision.domain,
        "site_name": site_name,
        "jsonld_publisher": jsonld_publisher,
    }
    if decision.canonical_domain:
        audit["canonical_link"] = clipped(canonical, 2048)
        audit["canonical_domain"] = decision.canonical_domain
    if decision.notes:
        audit["notes"] = list(decision.notes)
    if decision.outlet_id is not None:
        return Recognised(found[decision.outlet_id], audit)
    if decision.new_outlet is not None and domain and registrable_domain(domain):
        stated = Outlet.objects.filter(domains__overlap=[registrable_domain(domain)]).order_by("pk").first()
        if stated is not None:
            audit["reason"] = "provider_domain"
            return Recognised(stated, audit)
    by_name_only = _is_ip_address(host) and bool(names)
    if not create and (decision.new_outlet is not None or by_name_only):
        return Recognised(None, audit, to_create=True)
    if decision.new_outlet is not None:
        proposal = decision.new_outlet
        note = f"Recognised automatically from {clipped(url, 500)}. Check its name and ownership."
        if proposal.claimed_name:
            note += f" The page calls itself “{proposal.claimed_name}”, an outlet known by other domains."
        audit["reason"] = "new_outlet"
        return Recognised(_outlet_new([proposal.name, proposal.domain], [proposal.domain], note), audit)
    if by_name_only:
        # An address says nothing; the page's name is all there is, so the outlet is
        # known by its name alone (no domains) until an editor completes it.
        note = f"Recognised automatically by its name on {clipped(url, 500)}. Add its domains and ownership."
        audit["reason"] = "new_outlet_by_name"
        return Recognised(_outlet_new([names[0]], [], note), audit)
    return Recognised(None, audit)


def _outlet_new(names: list[str], domains: list[str], note: str) -> Outlet | None:
    for candidate in dict.fromkeys(n for n in names if n):
        try:
            with transaction.atomic():  # a savepoint: losing a race leaves the outer transaction usable
                return outlet_create(actor=None, name=candidate, domains=domains, notes=note)
        except (IntegrityError, ValidationError):
            # Someone created it at the same moment, or the name belongs to another
            # outlet: whoever lists this domain (or, without one, bears this name) is the one.
            if domains:
                found = Outlet.objects.filter(domains__overlap=domains).order_by("pk").first()
            else:
                found = Outlet.objects.filter(name__iexact=candidate, domains=[]).order_by("pk").first()
            if found is not None:
                return found
    return None


def outlet_recognise(
    *, url: str, site_name: str = "", domain: str = "", jsonld_publisher: str = "", canonical: str = ""
) -> Outlet | None:
    """The outlet that published `url` (see `publisher_recognise`), created if new."""
    return publisher_recognise(
        url=url, site_name=site_name, domain=domain, jsonld_publisher=jsonld_publisher, canonical=canonical
    ).outlet


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


P = ParamSpec("P")
R = TypeVar("R")


def article_store(
    *,
    provider: str,
    url: str,
    fetched: FetchResult | None = None,
    extracted: Extracted | None = None,
    raw_payload: Any = None,
    actor: Actor = None,
    outlet: Outlet | None = None,
    site_name: str = "",
    outlet_domain: str = "",
    title: str = "",
    byline: str = "",
    published_at: datetime | None = None,
    language: str = "",
    text: str = "",
    link_unresolved: bool = False,
) -> tuple[Article, bool]:
    """Store what a provider found at `url` once per canonical URL: (article, created).

    `fetched`/`extracted` are the page, when it was fetched; the keyword values are
    what the provider itself said (feed item, API record). The page wins where it
    speaks, the provider fills the gaps. The canonical URL is the page's own
    canonical link when extraction trusted it, else the address the page came from
    after redirects, else `url`.

    Concurrent calls for URL variants with one canonical form store one row: the
    slower insert finds the row there (`INSERT … ON CONFLICT DO NOTHING`, so a caller's
    transaction stays usable), and the winner's row is returned (created False). An
    existing article is never overwritten; if it has no text yet and this call brings
    some, its empty fields are filled in.
    ValueError/ValidationError when the URL cannot be stored (nothing is written).

    Atomic, but without a transaction of its own where none is needed: a page of a
    known outlet (or of none) is one INSERT, which PostgreSQL commits by itself, after
    reading the outlet; a page that brings a new outlet writes both in one transaction.
    (A transaction around the one INSERT would cost a BEGIN and a COMMIT, two round
    trips to the database, on every stored page.)"""
    payload: dict[str, Any] = {"provider": provider}
    if raw_payload is not None:
        payload["item"] = raw_payload
    if fetched is not None:
        payload["fetch"] = fetched.audit()
    if extracted is not None:
        payload["page"] = extracted.audit()
    extracted = extracted or Extracted()
    address = extracted.canonical_link or (fetched.url if fetched else url)
    canonical = canonical_url(address)
    try:
        # A link no fetch could ever follow (an internal address written as a number,
        # credentials, an odd port) is not kept as coverage.
        vet_url(canonical, parse_networks(settings.FETCH_ALLOWED_NETWORKS))
    except FetchError as exc:
        raise ValueError(exc.message) from None
    if link_unresolved:
        payload["link_unresolved"] = True
    values = {
        "title": clipped(extracted.title or strip_html(title), 1000),
        "byline": clipped(extracted.byline or strip_html(byline), 500),
        "published_at": extracted.published_at or published_at,
        "language": clipped(extracted.language or language_code(language), 16),
        "text": clipped(extracted.text or text, MAX_TEXT_CHARS),
    }
    article = Article(
        canonical_url=canonical,
        url=clipped(url.strip(), 2048),
        provider=provider,
        # "" when neither the page nor the provider says: unknown, not the model's "en".
        **values,
    )
    recognise: Callable[..., Recognised] | None = None
    if outlet is None and link_unresolved:
        # The link is an aggregator's, not the publisher's: only what the provider says
        # about the publisher identifies it.
        if outlet_domain:
            recognise = partial(publisher_recognise, url=outlet_domain, site_name=site_name)
    elif outlet is None:
        # The address the page came from (after redirects) decides, on every path.
        recognise = partial(
            publisher_recognise,
            url=fetched.url if fetched else url,
            site_name=extracted.site_name or site_name,
            jsonld_publisher=extracted.jsonld_publisher,
            canonical=extracted.declared_canonical,
            domain=outlet_domain,
        )
    # Inside a caller's transaction it is a savepoint, as any service is, so a failure
    # here leaves that transaction usable.
    nested = transaction.get_connection().in_atomic_block
    with acting_as(actor), transaction.atomic() if nested else nullcontext():
        if recognise is None:
            return _article_insert(article, outlet, payload, values)
        recognised = recognise(create=False)
        if recognised.to_create:
            with transaction.atomic():  # the new outlet and its first article, or neither
                recognised = recognise()
                return _article_insert(article, recognised.outlet, {**payload, "publisher": recognised.audit}, values)
        return _article_insert(article, recognised.outlet, {**payload, "publisher": recognised.audit}, values)


def _article_insert(
    article: Article, outlet: Outlet | None, payload: dict[str, Any], values: dict[str, Any]
) -> tuple[Article, bool]:
    """Check and insert the new `article`, published by `outlet`, unless its canonical
    URL is stored: then that row, filled in if it has no text yet."""
    article.outlet = outlet
    article.raw_payload = values["raw_payload"] = json_safe(payload)
    # The outlet was just found or created: checking that it exists would cost a query.
    article.full_clean(exclude=["outlet"], validate_unique=False, validate_constraints=False)
    if article.insert_unless_stored():
        return article, True
    existing = Article.objects.get(canonical_url=article.canonical_url)
    if not existing.text and article.text:
        _fill_in(existing, values, outlet)
        existing.refresh_from_db()
    return existing, False


def _fill_in(existing: Article, values: dict[str, Any], outlet: Outlet | None) -> bool:
    """Fill an article's empty fields from a fetch that found its text. Conditional on
    the text still being empty, so of two concurrent fill-ins only one applies."""
    changes: dict[str, Any] = {"text": values["text"]}
    for name in ("title", "byline", "published_at", "language"):
        if not getattr(existing, name) and values.get(name):
            changes[name] = values[name]
    if existing.outlet_id is None and outlet is not None:
        changes["outlet"] = outlet
    if set(changes) - {"text"}:
        # What pages show of the article changed (its title, date, outlet…), not only its text.
        changes["updated_at"] = timezone.now()
    previous = existing.raw_payload if isinstance(existing.raw_payload, dict) else {}
    added = {k: v for k, v in (values.get("raw_payload") or {}).items() if k in ("fetch", "page", "publisher")}
    if added:
        changes["raw_payload"] = {**previous, **added}
    return bool(Article.objects.filter(pk=existing.pk, text="").update(**changes))


@service
def article_fill_in(*, article: Article, fetched: FetchResult, extracted: Extracted, actor: Actor = None) -> bool:
    """Fill in an article's text (and empty metadata) from its fetched page, if it has
    none yet; True if it did. The article keeps its canonical URL."""
    if not extracted.text:
        return False
    values = {
        "text": clipped(extracted.text, MAX_TEXT_CHARS),
        "title": clipped(extracted.title, 1000),
        "byline": clipped(extracted.byline, 500),
        "published_at": extracted.published_at,
        "language": clipped(extracted.language, 16),
        "raw_payload": json_safe({"fetch": fetched.audit(), "page": extracted.audit()}),
    }
    outlet = None
    if article.outlet_id is None:
        recognised = publisher_recognise(
            url=fetched.url,
            site_name=extracted.site_name,
            jsonld_publisher=extracted.jsonld_publisher,
            canonical=extracted.declared_canonical,
        )
        outlet = recognised.outlet
        values["raw_payload"] = {**values["raw_payload"], "publisher": json_safe(recognised.audit)}
    filled = _fill_in(article, values, outlet)
    article.refresh_from_db()
    return filled


def article_store_candidate(candidate: Candidate, *, actor: Actor = None) -> tuple[Article, bool]:
    """Store what a search provider returned, without fetching the page (the text,
    unless the provider sent it, is filled in by a later fetch). Like `article_store`,
    ValueError/ValidationError for a URL that cannot be stored: skip that candidate."""
    return article_store(
        actor=actor,
        provider=candidate.provider,
        url=candidate.url,
        raw_payload=candidate.raw,
        site_name=candidate.outlet_name,
        outlet_domain=candidate.outlet_domain,
        title=candidate.title,
        published_at=candidate.published_at,
        language=candidate.language,
        text=candidate.text,
    )


# --- Feeds ---------------------------------------------------------------------------------------

FEED_FIELDS = frozenset({"name", "url", "outlet", "is_active", "poll_interval"})
# A poll that dies without recording its end frees the feed after this long.
FEED_LEASE = timedelta(minutes=10)
# However often a feed fails, it is tried again at least once a day.
MAX_FEED_BACKOFF = timedelta(hours=24)


def _checked_feed_url(url: str) -> str:
    """The feed URL, refused at once if it could never be fetched (scheme, form, an
    internal address written as a number). No network access here: a name's
    addresses are checked when the feed is polled."""
    url = (url or "").strip()
    try:
        vet_url(url, parse_networks(settings.FETCH_ALLOWED_NETWORKS))
    except FetchError as exc:
        raise ValidationError({"url": exc.message}) from None
    return url


@service
def feed_create(*, actor: Actor, name: str, url: str, **data: Any) -> Feed:
    feed = Feed(name=name, url=_checked_feed_url(url))
    model_update(feed, data, fields=FEED_FIELDS)
    feed.full_clean()
    feed.save()
    return feed


@service
def feed_update(*, actor: Actor, feed: Feed, **data: Any) -> Feed:
    if "url" in data:
        data["url"] = _checked_feed_url(data["url"])
    changed = model_update(feed, data, fields=FEED_FIELDS)
    if "url" in changed:
        # Another document: what the old server said about its copy means nothing now.
        feed.etag = feed.last_modified = ""
        feed.next_poll_at = None
        feed.consecutive_failures = 0
    if changed:
        feed.full_clean()
        feed.save()
    return feed


@service
def feed_poll_soon(*, actor: Actor, feeds: Iterable[Feed]) -> int:
    """Make feeds due now and queue a poll of each (after commit); the number queued."""
    ids = [feed.pk for feed in feeds if feed.is_active]
    Feed.objects.filter(pk__in=ids).update(next_poll_at=timezone.now())
    for feed_id in ids:
        transaction.on_commit(partial(task_send, "sources.poll_feed", feed_id))
    return len(ids)


@dataclass
class PollResult:
    """What one poll of one feed did."""

    feed_id: int
    outcome: str  # "ok", "not_modified", "failed", "busy" (another poll is running), "inactive"
    items: int = 0
    new_article_ids: list[int] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    error: str = ""
    transient: bool = False  # a failure worth retrying soon
    retry_after: float | None = None

    @property
    def new_articles(self) -> int:
        return len(self.new_article_ids)


def feed_poll(feed: Feed, *, fetcher: Fetcher | None = None) -> PollResult:
    """Poll one feed once: conditional GET, check, parse, store each item as an
    article; record the outcome on the feed. Never raises for anything the feed or
    its server does: every failure ends in `feed.last_error` (and the result).

    Not one transaction: the fetch holds no database lock, each article is stored in
    its own transaction, and the feed's state is written last in one UPDATE, so a
    poll killed half-way leaves complete articles and the old state (the next poll
    reads the feed again and stores nothing twice). Two polls of one feed never run
    at once: each first takes the feed's lease with a conditional UPDATE."""
    now = timezone.now()
    claimed = Lease("lease_until", FEED_LEASE).take(Feed.objects.filter(pk=feed.pk, is_active=True), now=now)
    if not claimed:
        feed.refresh_from_db()
        return PollResult(feed.pk, "busy" if feed.is_active else "inactive")
    feed.refresh_from_db()
    try:
        fetched = fetch_feed(feed.url, etag=feed.etag, last_modified=feed.last_modified, fetcher=fetcher)
        if fetched.not_modified:
            _feed_succeeded(feed, fetched, PollResult(feed.pk, "not_modified"))
            return PollResult(feed.pk, "not_modified")
        parsed = parse_feed(fetched.body, url=fetched.url, content_type=fetched.content_type, charset=fetched.charset)
    except (FetchError, ProviderError) as exc:
        return _feed_failed(feed, exc.code, exc.message, transient=exc.transient, retry_after=exc.retry_after)
    except Exception as exc:  # a parser bug on hostile input: recorded on the feed, not a crash loop
        logger.exception("polling feed %s failed", feed.pk)
        return _feed_failed(feed, "internal_error", f"The feed could not be read ({type(exc).__name__}).")
    result = PollResult(feed.pk, "ok", items=len(parsed.items))
    for number, item in enumerate(parsed.items, start=1):
        problem = _item_problem(item)
        if problem:
            result.skipped.append(f"item {number}: {problem}")
            continue
        try:
            article, created = article_store(
                provider=ArticleProvider.FEED,
                url=item.link,
                raw_payload={"feed_id": feed.pk, "feed_url": fetched.url, **item.raw},
                outlet=None if item.publisher else feed.outlet,
                site_name=item.publisher,
                outlet_domain=item.publisher_url,
                title=item.title,
                byline=item.author,
                published_at=item.published_at,
                link_unresolved=item.link_unresolved,
            )
        except (ValueError, ValidationError, DataError) as exc:
            result.skipped.append(f"item {number} ({item.link[:200]}): {_reason(exc)}")
            continue
        except Exception:  # one item our code cannot store must not cost the feed its other items
            logger.exception("storing item %s of feed %s failed", number, feed.pk)
            result.skipped.append(f"item {number} ({item.link[:200]}): it could not be stored (an internal error)")
            continue
        if created:
            result.new_article_ids.append(article.pk)
    if parsed.total_items > len(parsed.items):
        result.skipped.append(f"{parsed.total_items - len(parsed.items)} items beyond the first {len(parsed.items)}")
    _feed_succeeded(feed, fetched, result)
    return result


def _item_problem(item: FeedItem) -> str:
    if not item.link:
        return "it has no link"
    if not item.link.lower().startswith(("http://", "https://")):
        return f"its link is not a web address ({item.link[:100]})"
    return ""


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return str(exc)


def _feed_succeeded(feed: Feed, fetched: FetchResult, result: PollResult) -> None:
    now = timezone.now()
    changes: dict[str, Any] = {
        "last_polled_at": now,
        "last_success_at": now,
        "consecutive_failures": 0,
        "next_poll_at": now + timedelta(minutes=feed.poll_interval),
        "lease_until": None,
        "last_items": result.items,
        "last_new_articles": result.new_articles,
        "last_skipped": clipped("\n".join(result.skipped), 10_000),
        "items_seen": F("items_seen") + result.items,
        "articles_created": F("articles_created") + result.new_articles,
    }
    if not fetched.not_modified:
        # What the server says now, including nothing: a validator it stopped sending
        # must not be sent back to it.
        changes["etag"] = clipped(fetched.etag or "", 500)
        changes["last_modified"] = clipped(fetched.last_modified or "", 100)
    Feed.objects.filter(pk=feed.pk).update(**changes)


def _feed_failed(
    feed: Feed, code: str, message: str, *, transient: bool = False, retry_after: float | None = None
) -> PollResult:
    now = timezone.now()
    failures = feed.consecutive_failures + 1
    # Without jitter: a feed's schedule is its own, and an editor reads the next poll time.
    delay = timedelta(
        seconds=backoff(
            failures,
            base=feed.poll_interval * 60,
            cap=MAX_FEED_BACKOFF.total_seconds(),
            retry_after=retry_after,
            jitter=False,
        )
    )
    error = f"{message} [{code}]"
    Feed.objects.filter(pk=feed.pk).update(
        last_polled_at=now,
        last_error=clipped(error, 2000),
        last_error_at=now,
        consecutive_failures=F("consecutive_failures") + 1,
        next_poll_at=now + delay,
        lease_until=None,
    )
    return PollResult(feed.pk, "failed", error=error, transient=transient, retry_after=retry_after)


def article_record_fetch_error(*, article: Article, code: str, message: str) -> None:
    """Note on an article why its page could not be fetched (shown in the admin's raw
    payload); the article itself is left as it was."""
    payload = article.raw_payload if isinstance(article.raw_payload, dict) else {}
    payload = {**payload, "text_fetch_error": {"code": code, "message": message[:500], "at": timezone.now()}}
    Article.objects.filter(pk=article.pk, text="").update(raw_payload=json_safe(payload))
