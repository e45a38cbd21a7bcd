"""Which URLs and network addresses the product may fetch from, and why not.

Fetched URLs come from feeds, provider responses and reviewers' pastes, so each is
untrusted: a URL naming (or resolving to, or redirecting to) an address inside our own
network would let an outsider read our metadata service, Redis or admin pages (SSRF).
This module decides, without any I/O of its own except the DNS lookup in
`system_resolve`:

- `vet_url` — is the URL itself acceptable (scheme, host, port, no credentials)?
- `blocked_reason` — is this IP address off limits, and in words a person can read, why?
- `vet_addresses` — every address a name resolved to must pass, or the name is refused.

`FetchError` lives here because every layer of fetching raises it; `sources.fetch`
re-exports it together with `check_url`, which forms use to refuse a pasted URL early.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Sequence[IPAddress]]

logger = logging.getLogger(__name__)


# --- Errors ------------------------------------------------------------------------------

# Machine codes, and whether trying again later could succeed. A Celery task retries
# only transient failures; a permanent one is recorded and shown to a person.
ERROR_CODES: dict[str, bool] = {
    "bad_url": False,  # not a URL we can fetch (no host, bad port, credentials, odd IP notation)
    "bad_scheme": False,  # not http or https
    "blocked_address": False,  # the host is (or resolves to) an internal or reserved address
    "dns_failure": False,  # the name does not exist (a temporary DNS failure is marked transient)
    "too_many_redirects": False,
    "too_large": False,  # the body is over the size cap
    "decompression_limit": False,  # the decoded body is over its cap (a compression bomb, or just huge)
    "bad_encoding": False,  # a Content-Encoding we cannot decode, or a corrupt compressed body
    "bad_content_type": False,  # a Content-Type the caller did not ask for
    "tls_error": False,  # certificate or TLS handshake failure
    "robots_disallowed": False,  # the site's robots.txt asks us not to fetch this path
    "http_error": False,  # 4xx/5xx; transient for 5xx, 408, 425 and 429 (see FetchError.transient)
    "timeout": True,  # connect/read time-out or the overall deadline
    "connection_error": True,  # refused, reset, or the server broke the protocol
    "robots_unreachable": True,  # robots.txt answered 5xx/429 or could not be reached: do not fetch yet
    "rate_limited": True,  # our own per-host politeness interval would overrun the deadline
}
_TRANSIENT_HTTP_STATUSES = frozenset({408, 425, 429})


class FetchError(Exception):
    """A fetch that was refused or failed, with a machine `code` and a message for a person."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        url: str = "",
        status: int | None = None,
        retry_after: float | None = None,
        transient: bool | None = None,
    ) -> None:
        if code not in ERROR_CODES:
            raise ValueError(f"unknown fetch error code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message
        self.url = url
        self.status = status
        self.retry_after = retry_after
        self._transient = transient

    @property
    def transient(self) -> bool:
        """True if the same fetch may succeed later (retry with backoff); False if not."""
        if self._transient is not None:
            return self._transient
        if self.code == "http_error" and self.status is not None:
            return self.status >= 500 or self.status in _TRANSIENT_HTTP_STATUSES
        return ERROR_CODES[self.code]

    def __repr__(self) -> str:
        return f"FetchError({self.code!r}, {self.message!r})"


# --- Which addresses are off limits ------------------------------------------------------

# Order matters: the first matching range names the reason. `is_global` backs these up
# for anything not listed, but Python's idea of "global" has changed between releases
# (and calls 192.0.0.192 or ::ffff:127.0.0.1 global on 3.11), so every range we care
# about is listed explicitly.
_V4_BLOCKS: tuple[tuple[str, str], ...] = (
    ("0.0.0.0/8", "a 'this network' address (0.0.0.0/8)"),
    ("127.0.0.0/8", "a loopback address"),
    ("10.0.0.0/8", "a private address (RFC 1918)"),
    ("172.16.0.0/12", "a private address (RFC 1918)"),
    ("192.168.0.0/16", "a private address (RFC 1918)"),
    ("100.64.0.0/10", "a carrier-grade NAT address (100.64.0.0/10)"),
    ("169.254.0.0/16", "a link-local address (169.254.0.0/16)"),
    ("192.0.0.0/24", "an IETF protocol assignment address (192.0.0.0/24)"),
    ("192.0.2.0/24", "a documentation address (192.0.2.0/24)"),
    ("198.51.100.0/24", "a documentation address (198.51.100.0/24)"),
    ("203.0.113.0/24", "a documentation address (203.0.113.0/24)"),
    ("192.88.99.0/24", "a 6to4 relay address (192.88.99.0/24)"),
    ("198.18.0.0/15", "a benchmarking address (198.18.0.0/15)"),
    ("224.0.0.0/4", "a multicast address"),
    ("255.255.255.255/32", "the broadcast address"),
    ("240.0.0.0/4", "a reserved address (240.0.0.0/4)"),
)
_V6_BLOCKS: tuple[tuple[str, str], ...] = (
    ("::1/128", "the IPv6 loopback address"),
    ("::/128", "the unspecified IPv6 address"),
    ("fc00::/7", "a unique local IPv6 address (fc00::/7)"),
    ("fe80::/10", "a link-local IPv6 address (fe80::/10)"),
    ("fec0::/10", "a site-local IPv6 address (fec0::/10)"),
    ("ff00::/8", "a multicast IPv6 address"),
    ("2001:db8::/32", "a documentation IPv6 address (2001:db8::/32)"),
    ("3fff::/20", "a documentation IPv6 address (3fff::/20)"),
    ("100::/64", "a discard-only IPv6 address (100::/64)"),
    ("2001:2::/48", "a benchmarking IPv6 address (2001:2::/48)"),
    ("64:ff9b:1::/48", "a local-use NAT64 address (64:ff9b:1::/48)"),
    ("2001::/23", "an IETF protocol assignment IPv6 address (2001::/23)"),
)
# Cloud metadata services hand out credentials: refused even inside FETCH_ALLOWED_NETWORKS,
# so a broad allowance for an intranet can never expose them.
_METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200", "192.0.0.192")
)
_V4_NETS = tuple((ipaddress.IPv4Network(net), why) for net, why in _V4_BLOCKS)
_V6_NETS = tuple((ipaddress.IPv6Network(net), why) for net, why in _V6_BLOCKS)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
_IPV4_TRANSLATED = ipaddress.IPv6Network("::ffff:0:0:0/96")  # SIIT, RFC 2765


def parse_networks(values: Iterable[str]) -> tuple[IPNetwork, ...]:
    """FETCH_ALLOWED_NETWORKS as network objects (settings already checked the syntax)."""
    return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values if value.strip())


def embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address, str] | None:
    """The IPv4 address an IPv6 address carries, if it is one of the forms that route to
    it (IPv4-mapped, IPv4-compatible, IPv4-translated, NAT64, 6to4, Teredo), with its name."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped, "IPv4-mapped"
    low32 = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _IPV4_TRANSLATED:
        return low32, "IPv4-translated"
    if ip in _IPV4_COMPATIBLE and int(ip) > 1:  # :: and ::1 are themselves, not IPv4
        return low32, "IPv4-compatible"
    if ip in _NAT64:
        return low32, "NAT64"
    if ip.sixtofour is not None:
        return ip.sixtofour, "6to4"
    if ip.teredo is not None:
        return ip.teredo[1], "Teredo"
    return None


def blocked_reason(ip: IPAddress, allowed: Sequence[IPNetwork] = ()) -> str | None:
    """What kind of address `ip` is, if it must not be fetched from ("a loopback
    address"); None if it may be.

    `allowed` (FETCH_ALLOWED_NETWORKS) opens named ranges for tests, the demo and
    intranet deployments; metadata addresses stay closed whatever it says."""
    if ip in _METADATA:
        return "a cloud metadata service address"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            ip = ipaddress.IPv6Address(ip.compressed.split("%", 1)[0])
        embedded = embedded_ipv4(ip)
        if embedded is not None:
            inner, form = embedded
            inner_reason = blocked_reason(inner, allowed)
            if inner_reason is not None:
                return f"the {form} form of {inner}, {inner_reason}"
            if form in ("IPv4-mapped", "IPv4-translated", "IPv4-compatible"):
                return None  # the same host as the (acceptable) IPv4 address
    if any(ip in network for network in allowed):
        return None
    for network, why in _V4_NETS if isinstance(ip, ipaddress.IPv4Address) else _V6_NETS:
        if ip in network:
            return why
    if not ip.is_global:
        return "not a public internet address"
    return None


# --- URLs ----------------------------------------------------------------------------------

ALLOWED_SCHEMES = ("http", "https")
_HOST_NAME = re.compile(
    r"^(?=.{1,253}\.?$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.?$"
)
_DECIMAL = re.compile(r"^[0-9]+$")
_OCTAL = re.compile(r"^0[0-7]*$")
_HEX = re.compile(r"^0[xX][0-9a-fA-F]*$")


@dataclass(frozen=True)
class Target:
    """Where a URL points: scheme, host as written (lower-case, IDNA-encoded), port, and
    the IP address if the host is one."""

    url: httpx.URL
    scheme: str
    host: str
    port: int
    ip: IPAddress | None

    @property
    def is_name(self) -> bool:
        return self.ip is None

    @property
    def server_name(self) -> str:
        """The name TLS verifies (SNI) and politeness is counted by."""
        return self.host.rstrip(".")


def _ipv4_number(part: str) -> int | None:
    """One dot-separated part of an IPv4 address in the notations browsers and
    inet_aton() accept: decimal, octal (leading 0) or hex (0x)."""
    if _HEX.match(part):
        return int(part[2:] or "0", 16)
    if len(part) > 1 and part.startswith("0"):
        return int(part, 8) if _OCTAL.match(part) else None  # "08" is no number at all
    if _DECIMAL.match(part):
        return int(part)
    return None


def loose_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The address a host like 2130706433, 0x7f.1, 0177.0.0.1 or 127.1 means to a browser
    or to inet_aton() (WHATWG URL "IPv4 parser"); None if the host is not written as a
    number. Raises ValueError for hosts that end in a number but are no valid address."""
    parts = host.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()
    if not parts or _ipv4_number(parts[-1]) is None:
        return None
    numbers = [_ipv4_number(part) for part in parts]
    if len(numbers) > 4 or any(n is None for n in numbers):
        raise ValueError(f"{host!r} is not a valid IPv4 address")
    values = [n for n in numbers if n is not None]
    if any(n > 255 for n in values[:-1]) or values[-1] >= 256 ** (5 - len(values)):
        raise ValueError(f"{host!r} is not a valid IPv4 address")
    address = values[-1]
    for index, number in enumerate(values[:-1]):
        address += number * 256 ** (3 - index)
    return ipaddress.IPv4Address(address)


def _refuse_invalid(url: str, problem: str) -> FetchError:
    """An InvalidURL from httpx, explained better when the host is an IP address written
    in a notation httpx will not parse (0177.0.0.1, 127.000.000.001)."""
    try:
        host = urlsplit(url).hostname or ""
        ip = loose_ipv4(host)
    except ValueError:
        ip = None
    if ip is not None:
        reason = blocked_reason(ip)
        if reason:
            return FetchError("blocked_address", f"{url} points at {ip}, {reason}.", url=url)
    return FetchError("bad_url", f"{url!r} is not a web address we can fetch: {problem}.", url=url)


def vet_url(url: str | httpx.URL, allowed: Sequence[IPNetwork] = ()) -> Target:
    """Check a URL's form without any network access: http(s), a host, a valid port, no
    credentials, and, if the host is an IP address, one that is not off limits."""
    text = str(url)
    if isinstance(url, httpx.URL):
        parsed = url
    else:
        try:
            parsed = httpx.URL(text.strip())
        except (httpx.InvalidURL, UnicodeError, ValueError) as exc:
            raise _refuse_invalid(text, str(exc)) from None
    scheme = parsed.scheme
    if scheme not in ALLOWED_SCHEMES:
        problem = f"not {scheme}: ({text})" if scheme else f"and {text} does not start with http:// or https://"
        raise FetchError("bad_scheme", f"Only http and https addresses can be fetched, {problem}.", url=text)
    if parsed.userinfo:
        # Never useful for coverage, and a classic way to disguise the real host
        # (http://trusted.example@127.0.0.1/).
        # The message leaves the address out: it would repeat the password.
        redacted = parsed.copy_with(username=None, password=None)
        raise FetchError(
            "bad_url", f"The address of {redacted.host} contains a user name or password; remove it.", url=str(redacted)
        )
    host = parsed.host
    if not host:
        raise FetchError("bad_url", f"{text} has no host name.", url=text)
    port = parsed.port if parsed.port is not None else (443 if scheme == "https" else 80)
    if not 0 < port < 65536:
        raise FetchError("bad_url", f"{text} has an invalid port ({port}).", url=text)
    ip = _host_ip(host, text, allowed)
    return Target(url=parsed, scheme=scheme, host=host, port=port, ip=ip)


def _host_ip(host: str, text: str, allowed: Sequence[IPNetwork]) -> IPAddress | None:
    """The IP address a host is written as (checked), or None for a host name."""
    if ":" in host:  # httpx gives IPv6 literals without brackets
        address, _, zone = host.partition("%")
        try:
            ip: IPAddress = ipaddress.IPv6Address(address)
        except ValueError:
            raise FetchError("bad_url", f"{text} has an invalid IPv6 address.", url=text) from None
        _refuse_blocked(ip, text, allowed)
        if zone:
            raise FetchError("bad_url", f"{text} names a network interface (%{zone}); remove it.", url=text)
        return ip
    try:
        loose = loose_ipv4(host)
    except ValueError as exc:
        raise FetchError("bad_url", f"{text}: {exc}.", url=text) from None
    if loose is not None:
        _refuse_blocked(loose, text, allowed)
        if host != str(loose):
            raise FetchError(
                "bad_url",
                f"{text} writes the IP address {loose} in a non-standard form; write it as {loose}.",
                url=text,
            )
        return loose
    if not _HOST_NAME.match(host):
        raise FetchError("bad_url", f"{text} has an invalid host name ({host}).", url=text)
    return None


def _refuse_blocked(ip: IPAddress, text: str, allowed: Sequence[IPNetwork]) -> None:
    reason = blocked_reason(ip, allowed)
    if reason is not None:
        raise FetchError("blocked_address", f"{text} points at {ip}, {reason}.", url=text)


# --- Names ---------------------------------------------------------------------------------


def system_resolve(host: str, port: int) -> list[IPAddress]:
    """Every address the system resolver gives for `host` (A and AAAA), in its order."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        # EAI_AGAIN is a resolver hiccup worth retrying; NXDOMAIN and friends are not.
        transient = exc.errno in (socket.EAI_AGAIN, getattr(socket, "EAI_SYSTEM", None))
        raise FetchError(
            "dns_failure", f"{host} could not be resolved ({exc.strerror}).", transient=transient
        ) from None
    except UnicodeError:
        raise FetchError("bad_url", f"{host} is not a valid host name.") from None
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if ip not in addresses:
            addresses.append(ip)
    return addresses


def vet_addresses(target: Target, resolver: Resolver, allowed: Sequence[IPNetwork]) -> list[IPAddress]:
    """The addresses to connect to for `target`, each checked. A name is refused if any
    of its addresses is off limits: which one a connection would use is not ours to pick."""
    if target.ip is not None:
        return [target.ip]
    try:
        addresses = list(resolver(target.server_name, target.port))
    except FetchError as exc:
        exc.url = exc.url or str(target.url)
        raise
    if not addresses:
        raise FetchError("dns_failure", f"{target.host} has no addresses.", url=str(target.url))
    for ip in addresses:
        reason = blocked_reason(ip, allowed)
        if reason is not None:
            # The refusal reaches whoever sent the URL (a form, an API answer, a job's
            # error): it says what kind of address, never which one our internal names
            # resolve to. The address itself is logged for the operators.
            logger.warning("Refused %s: %s resolves to %s, %s.", target.url, target.host, ip, reason)
            raise FetchError(
                "blocked_address",
                f"{target.host} resolves to {reason}; nothing is fetched from it.",
                url=str(target.url),
            )
    return addresses


def check_url(url: str, *, resolver: Resolver | None = None, allowed: Sequence[IPNetwork] = ()) -> Target:
    """Everything `fetch` checks before connecting, for forms that want to refuse a
    pasted URL at once: its form, then every address its host resolves to."""
    target = vet_url(url, allowed)
    vet_addresses(target, resolver or system_resolve, allowed)
    return target
