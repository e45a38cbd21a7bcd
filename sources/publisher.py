"""Who published a fetched page: a pure decision over the page's address, what the page
says about itself and the outlets the tracker already knows.

    identify_publisher(url=..., site_name=..., jsonld_publisher=..., canonical=..., outlets=[...])

The address decides. A page's own words about itself (og:site_name, the JSON-LD
publisher, its canonical link) are written by whoever runs the site, so they may name a
*new* outlet but can never claim the identity of one whose domains we know: a copy on
some content farm that calls itself "The Associated Press" and points its canonical link
at apnews.com is not AP. The name is trusted for identity only where the address says
nothing (an IP address, a host without a public suffix) or where the named outlet has
no domains on record, so the name is all we ever had to recognise it by.

No Django here: the service layer maps `Publisher` to an `Outlet` row (or creates the
proposed one, ownership unknown, for an editor to complete).
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlsplit

import tldextract

__all__ = ["KnownOutlet", "NewOutlet", "Publisher", "Reason", "identify_publisher", "registrable_domain"]

# The public suffix list bundled with tldextract; never fetched.
_TLD = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


@dataclass(frozen=True)
class KnownOutlet:
    """An outlet as the tracker knows it. `domains` are registrable domains
    ("apnews.com"); `aliases` other names copy uses for it ("AP")."""

    id: int | str
    name: str
    domains: Sequence[str] = ()
    aliases: Sequence[str] = ()


@dataclass(frozen=True)
class NewOutlet:
    """An outlet the tracker has not met: to be created with ownership unknown."""

    name: str
    domain: str  # the registrable domain to list on it; "" when the host has none
    claimed_name: str = ""  # what the page called itself when that name was not usable


class Reason(StrEnum):
    DOMAIN = "domain"  # an outlet lists the page's registrable domain
    NEW_DOMAIN = "new_domain"  # no outlet lists it: a new outlet, named from the page
    NAME_WITHOUT_DOMAIN = "name_without_domain"  # the host has no registrable domain; the page's name matched
    NAME_OF_DOMAINLESS_OUTLET = "name_of_domainless_outlet"  # the named outlet lists no domains
    UNKNOWN = "unknown"  # no usable address and no recognisable name


@dataclass(frozen=True)
class Publisher:
    """The decision. Exactly one of `outlet_id` / `new_outlet` is set, unless the
    reason is UNKNOWN (neither). `canonical_domain` records where the page's canonical
    link points when that is another site, for the audit; it never decided anything."""

    reason: Reason
    outlet_id: int | str | None = None
    new_outlet: NewOutlet | None = None
    domain: str = ""
    canonical_domain: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def known(self) -> bool:
        return self.outlet_id is not None


def registrable_domain(url_or_host: str) -> str:
    """The domain registered under a public suffix (news.bbc.co.uk → bbc.co.uk); ""
    for IP addresses, bare intranet names and anything unparsable."""
    host = _host(url_or_host)
    if not host or _is_ip(host):
        return ""
    return _TLD(host).top_domain_under_public_suffix or ""


def identify_publisher(
    *,
    url: str,
    outlets: Iterable[KnownOutlet],
    site_name: str = "",
    jsonld_publisher: str = "",
    canonical: str = "",
) -> Publisher:
    """Decide who published the page fetched from `url`.

    1. The URL's registrable domain listed by an outlet → that outlet.
    2. A registrable domain no outlet lists → a new outlet named from the page
       (og:site_name, else the JSON-LD publisher, else the domain). If that name is
       already another outlet's, the page is borrowing it: the new outlet is named
       after the domain and the borrowed name is kept as `claimed_name`.
    3. No registrable domain (an IP address, an intranet host) → the outlet the page
       names, by name or alias; else nothing can be said.
    A page naming an outlet that lists no domains is that outlet in case 2 too, since
    a name is all that outlet could ever be recognised by.
    """
    known = list(outlets)
    domain = registrable_domain(url)
    canonical_domain = registrable_domain(canonical) if canonical else ""
    if canonical_domain == domain:
        canonical_domain = ""
    notes: list[str] = []
    if canonical_domain:
        notes.append(f"canonical link points at {canonical_domain}; not used to decide the publisher")
    names = [n for n in (_clean(site_name), _clean(jsonld_publisher)) if n]

    if domain:
        for outlet in known:
            if domain in {registrable_domain(d) or d.lower() for d in outlet.domains}:
                return Publisher(
                    Reason.DOMAIN,
                    outlet_id=outlet.id,
                    domain=domain,
                    canonical_domain=canonical_domain,
                    notes=tuple(notes),
                )
        for name in names:
            named = _named(known, name, domainless_only=True)
            if named is not None:
                return Publisher(
                    Reason.NAME_OF_DOMAINLESS_OUTLET,
                    outlet_id=named.id,
                    domain=domain,
                    canonical_domain=canonical_domain,
                    notes=tuple(notes),
                )
        name = names[0] if names else ""
        if name and _named(known, name, domainless_only=False) is not None:
            notes.append(f"the page calls itself {name!r}, an outlet known by other domains")
            proposal = NewOutlet(name=domain, domain=domain, claimed_name=name)
        else:
            proposal = NewOutlet(name=name or domain, domain=domain)
        return Publisher(
            Reason.NEW_DOMAIN, new_outlet=proposal, domain=domain, canonical_domain=canonical_domain, notes=tuple(notes)
        )

    # No registrable domain: the address says nothing, the page's name is all there is.
    for name in names:
        named = _named(known, name, domainless_only=False)
        if named is not None:
            return Publisher(
                Reason.NAME_WITHOUT_DOMAIN, outlet_id=named.id, canonical_domain=canonical_domain, notes=tuple(notes)
            )
    return Publisher(Reason.UNKNOWN, canonical_domain=canonical_domain, notes=tuple(notes))


def _named(outlets: Sequence[KnownOutlet], name: str, *, domainless_only: bool) -> KnownOutlet | None:
    wanted = _key(name)
    if not wanted:
        return None
    for outlet in outlets:
        if domainless_only and any(d.strip() for d in outlet.domains):
            continue
        if wanted in {_key(n) for n in (outlet.name, *outlet.aliases)}:
            return outlet
    return None


def _key(name: str) -> str:
    """Names compared without case, accents, punctuation or a leading "The"."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


def _clean(value: str) -> str:
    return " ".join((value or "").split())[:200]


def _host(url_or_host: str) -> str:
    value = (url_or_host or "").strip()
    if "://" in value:
        try:
            value = urlsplit(value).hostname or ""
        except ValueError:
            return ""
    return value.lower().rstrip(".").strip("[]")


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
