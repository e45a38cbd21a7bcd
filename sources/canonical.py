"""One address per article: the canonical form of a URL (product.md §4 step 3).

    canonical_url("HTTPS://www.Example.com:443/World/Story?utm_source=x&b=2&a=1#top")
    == "https://www.example.com/World/Story?a=1&b=2"

The same page reaches us under many addresses: with campaign parameters from a
newsletter or a social network, with a #fragment, with the default port spelled out,
with the host in capitals, with the query in another order. Articles are stored once
per canonical URL (a unique constraint), so this function decides what "the same page"
means. It is deliberately conservative: it never changes the scheme, the `www.` or the
case of the path, because sites do serve different pages under those.

`canonical_url(canonical_url(u)) == canonical_url(u)` for every URL it accepts (a
property test checks it over many generated URLs).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from url_normalize import url_normalize
from w3lib.url import canonicalize_url

__all__ = ["TRACKING_PARAMETERS", "canonical_url", "is_tracking_parameter"]

# Parameters that say how a reader arrived, never which page they read. Matched
# without regard to case. Parameters that often do select content (id, p, page, ref
# on some sites) are left alone.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",  # Facebook
        "gclid",  # Google Ads
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",  # Microsoft Ads
        "yclid",  # Yandex
        "igshid",  # Instagram
        "mc_cid",  # Mailchimp
        "mc_eid",
        "_ga",  # Google Analytics cross-domain
        "_gl",
        "_hsenc",  # HubSpot
        "_hsmi",
        "mkt_tok",  # Marketo
        "oly_anon_id",  # Omeda
        "oly_enc_id",
        "vero_id",
        "smid",  # "share" links (NYT and others)
        "smtyp",
        "ocid",  # MSN
        "cmpid",
        "ncid",
        "sr_share",
        "spm",
    }
)
_TRACKING_PREFIXES = ("utm_", "at_", "pk_")  # UTM, AT Internet, Matomo campaigns

_SCHEMES = ("http", "https")
# Passes of the pipeline until it is at rest; one or two are normal (see below).
_MAX_PASSES = 4


def is_tracking_parameter(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The canonical form of an http(s) URL; ValueError if it is not one.

    w3lib sorts the query, percent-encodes consistently, lower-cases scheme and host
    and drops the fragment; url-normalize then drops default ports and empty
    userinfo and gives an empty path as "/". Each leaves a gap the other closes
    (dependencies.md). Their encodings can disagree on a rare character, so the two
    run until the result no longer changes, which makes the function idempotent."""
    text = _check(url)
    for _ in range(_MAX_PASSES):
        following = _one_pass(text)
        if following == text:
            return following
        text = following
    return text


def _check(url: str) -> str:
    if not isinstance(url, str):
        raise ValueError("a URL must be text")
    text = url.strip()
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise ValueError(f"{url!r} is not a valid URL ({exc})") from None
    if parts.scheme.lower() not in _SCHEMES:
        raise ValueError(f"{url!r} is not an http or https URL")
    if not parts.hostname:
        raise ValueError(f"{url!r} has no host")
    return text


def _one_pass(text: str) -> str:
    cleaned = canonicalize_url(text, keep_fragments=False)
    parts = urlsplit(cleaned)
    # Credentials are never part of a page's identity, and are not stored.
    netloc = parts.netloc.rpartition("@")[2]
    host, colon, port = netloc.rpartition(":") if _has_port(netloc) else (netloc, "", "")
    host = host.rstrip(".")  # "example.com." is the same host
    query = "&".join(
        piece for piece in parts.query.split("&") if piece and not is_tracking_parameter(piece.split("=", 1)[0])
    )
    rebuilt = urlunsplit((parts.scheme, host + colon + port, parts.path, query, ""))
    normalised = url_normalize(rebuilt)
    if not normalised:
        raise ValueError(f"{text!r} is not a valid URL")
    return normalised


_PORT = re.compile(r":[0-9]*$")


def _has_port(netloc: str) -> bool:
    # An IPv6 literal ends in "]" when it has no port.
    return bool(_PORT.search(netloc)) and not netloc.endswith("]")
