"""The one HTTP client every fetch in the product goes through (product.md §4 step 2).

    result = fetch("https://apnews.com/article/…", accept=HTML_TYPES)
    result.body            # bytes, decoded from gzip/deflate/br, for the parsers
    result.not_modified    # a 304 answer to fetch(…, etag=…, last_modified=…)

    check_url(pasted_url)  # in a form: the same refusals, before anything is queued

Every failure is a `FetchError` with a machine `code` (see `netguard.ERROR_CODES`), a
message for a person, and `transient` telling a task whether a retry could help.

What each fetch guarantees (reliability.md F1, F2, F4):
- http and https only; every address a host resolves to, on every redirect hop, is
  checked against internal and reserved ranges (`sources.netguard`), and the
  connection goes to the address that was checked, so DNS cannot change between the
  check and the connect. TLS still verifies the real host name (SNI and Host header).
- redirects are followed here, one hop at a time (at most FETCH_MAX_REDIRECTS), each
  hop checked like the first; headers the caller added go to the first origin only.
- the Content-Type is checked before any of the body is read; the raw body and the
  decoded body each have a cap, and compressed bodies are decoded here in bounded
  steps, so a compression bomb stops at the cap; connect and read time-outs plus one
  deadline for the whole fetch, enforced at every socket read.
- robots.txt is obeyed and requests to one host are paced (`sources.robots`).

Parsers (feedparser, trafilatura) are given `result.body`, never a URL: they would
fetch it themselves, past every check above.
"""

from __future__ import annotations

import ssl
import time
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Protocol

import brotli
import httpcore
import httpx
from django.conf import settings
from django.core.cache import caches

from sources import netguard
from sources.netguard import FetchError, IPAddress, IPNetwork, Resolver, Target, vet_addresses, vet_url
from sources.robots import ROBOTS_MAX_BYTES, HostPacer, RobotsChecker

__all__ = [
    "ANY_TYPE",
    "FEED_TYPES",
    "HTML_TYPES",
    "JSON_TYPES",
    "TEXT_TYPES",
    "FetchConfig",
    "FetchError",
    "FetchResult",
    "Fetcher",
    "PostAnswer",
    "Redirect",
    "check_url",
    "fetch",
]

# Content types a caller may ask for (`accept=`); "type/*" matches a whole family.
HTML_TYPES: tuple[str, ...] = ("text/html", "application/xhtml+xml")
FEED_TYPES: tuple[str, ...] = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
)
JSON_TYPES: tuple[str, ...] = ("application/json",)
TEXT_TYPES: tuple[str, ...] = ("text/plain",)
ANY_TYPE = None  # accept whatever the server sends (robots.txt)

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_STEP = 64 * 1024  # the most any one decoding step may produce
_MAX_ENCODINGS = 2  # "gzip, br" is seen in the wild; more is an attack or a bug


@dataclass(frozen=True)
class FetchConfig:
    """The FETCH_* settings, read when a Fetcher is made (tests override them freely)."""

    user_agent: str
    allowed_networks: tuple[IPNetwork, ...] = ()
    max_bytes: int = 10 * 1024 * 1024
    max_decoded_bytes: int = 20 * 1024 * 1024
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    deadline: float = 30.0
    max_redirects: int = 5
    host_interval: float = 1.0
    robots_max_age: float = 24 * 60 * 60

    @classmethod
    def from_settings(cls) -> FetchConfig:
        return cls(
            user_agent=settings.FETCH_USER_AGENT,
            allowed_networks=netguard.parse_networks(settings.FETCH_ALLOWED_NETWORKS),
            max_bytes=settings.FETCH_MAX_BYTES,
            max_decoded_bytes=settings.FETCH_MAX_DECODED_BYTES,
            connect_timeout=settings.FETCH_CONNECT_TIMEOUT,
            read_timeout=settings.FETCH_READ_TIMEOUT,
            deadline=settings.FETCH_DEADLINE,
            max_redirects=settings.FETCH_MAX_REDIRECTS,
            host_interval=settings.FETCH_HOST_INTERVAL,
            robots_max_age=settings.FETCH_ROBOTS_CACHE_SECONDS,
        )

    @property
    def robots_token(self) -> str:
        """The product token robots.txt groups are matched against (RFC 9309 §2.2.1)."""
        token = self.user_agent.split("/", 1)[0].split()[0] if self.user_agent.strip() else ""
        return token or "Corroborate"


@dataclass(frozen=True)
class Redirect:
    """One hop that answered with a redirect."""

    url: str
    status: int
    location: str


@dataclass(frozen=True)
class FetchResult:
    url: str  # where the body came from, after redirects
    requested_url: str
    status: int
    headers: httpx.Headers
    body: bytes  # decoded (Content-Encoding removed); b"" for a 304
    content_type: str  # media type, lower case, without parameters ("" if none was sent)
    charset: str | None
    redirects: tuple[Redirect, ...] = ()
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    server_address: str = ""  # the IP address the body came from (for the audit trail)
    elapsed: float = 0.0

    def audit(self) -> dict[str, object]:
        """How the page was fetched, for an article's raw payload (never the body itself)."""
        return {
            "requested_url": self.requested_url,
            "final_url": self.url,
            "status": self.status,
            "content_type": self.content_type,
            "charset": self.charset,
            "bytes": len(self.body),
            "redirects": [{"from": r.url, "status": r.status, "to": r.location} for r in self.redirects],
            "server_address": self.server_address,
            "etag": self.etag,
            "last_modified": self.last_modified,
        }


@dataclass(frozen=True)
class PostAnswer:
    """What a receiver answered to `Fetcher.post`: any status, and the start of its body."""

    url: str
    status: int
    reason: str
    headers: httpx.Headers
    body: bytes  # at most the `max_answer_bytes` asked for, decoded
    server_address: str = ""


@dataclass
class _Limits:
    """What one call may use: its deadline (a time.monotonic() value) and its caps."""

    deadline_at: float
    max_bytes: int
    max_decoded_bytes: int
    max_redirects: int
    truncate: bool = False  # stop at the cap and keep what was read (robots.txt), instead of failing
    _started: float = field(default_factory=time.monotonic)

    def remaining(self) -> float:
        return self.deadline_at - time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self._started


class Fetcher:
    """The safe client. `fetch()` and `check_url()` below make one from the settings;
    tests (and nothing else) pass a stub `resolver` or `network_backend` — the two
    steps that would otherwise touch the network — or a private `ssl_context`."""

    def __init__(
        self,
        config: FetchConfig | None = None,
        *,
        resolver: Resolver | None = None,
        network_backend: httpcore.NetworkBackend | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.config = config or FetchConfig.from_settings()
        self._resolver = resolver
        self._backend = network_backend or httpcore.SyncBackend()
        self._ssl_context = ssl_context
        cache = caches["default"]
        self._pacer = HostPacer(cache=cache, interval=self.config.host_interval)
        self._robots = RobotsChecker(
            download=self._download_robots,
            cache=cache,
            max_age=self.config.robots_max_age,
            token=self.config.robots_token,
        )

    # --- public ------------------------------------------------------------------------

    def fetch(
        self,
        url: str,
        *,
        accept: Sequence[str] | None = HTML_TYPES,
        headers: Mapping[str, str] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        check_robots: bool = True,
        deadline: float | None = None,
        max_bytes: int | None = None,
        max_decoded_bytes: int | None = None,
    ) -> FetchResult:
        """GET `url` with every check in this module's docstring; raise FetchError on
        any refusal or failure (including 4xx/5xx answers)."""
        limits = _Limits(
            deadline_at=time.monotonic() + (self.config.deadline if deadline is None else deadline),
            max_bytes=self.config.max_bytes if max_bytes is None else max_bytes,
            max_decoded_bytes=self.config.max_decoded_bytes if max_decoded_bytes is None else max_decoded_bytes,
            max_redirects=self.config.max_redirects,
        )
        conditional = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        return self._fetch(url, accept, dict(headers or {}), conditional, check_robots, limits)

    def check_url(self, url: str) -> None:
        """Refuse a URL that `fetch` would refuse before connecting (form, scheme,
        addresses); for forms, so a reviewer hears about a bad URL at once."""
        netguard.check_url(url, resolver=self._resolve, allowed=self.config.allowed_networks)

    def post(
        self,
        url: str,
        *,
        body: bytes,
        headers: Mapping[str, str],
        deadline: float | None = None,
        max_answer_bytes: int = 1024,
    ) -> PostAnswer:
        """POST `body` to `url` once (webhooks), with a fetch's guarantees: the address is
        vetted on every call and connected to by number, and one deadline covers the
        whole exchange, enforced at every socket operation. Redirects are not followed
        (the answer says where), robots.txt does not apply (the receiver asked for these
        requests) and the host is not paced. Any HTTP status is an answer; FetchError
        when the request is refused or cannot be made."""
        limits = _Limits(
            deadline_at=time.monotonic() + (self.config.deadline if deadline is None else deadline),
            max_bytes=max_answer_bytes,
            max_decoded_bytes=max_answer_bytes,
            max_redirects=0,
            truncate=True,  # an answer's body is only for the log: keep its start
        )
        target = vet_url(url, self.config.allowed_networks)
        with self._client(limits, paced=False) as client:
            request = client.build_request("POST", target.url, headers={**headers, "Connection": "close"}, content=body)
            response = self._send(client, request)
            try:
                answer = _read_body(response, limits, url)
            except FetchError:
                answer = b""  # the status is what counts; the body is a courtesy
            finally:
                response.close()
        return PostAnswer(
            url=url,
            status=response.status_code,
            reason=response.reason_phrase,
            headers=response.headers,
            body=answer,
            server_address=str(response.extensions.get("server_address", "")),
        )

    # --- one fetch, hop by hop ---------------------------------------------------------

    def _fetch(
        self,
        url: str,
        accept: Sequence[str] | None,
        extra_headers: dict[str, str],
        conditional: dict[str, str],
        check_robots: bool,
        limits: _Limits,
    ) -> FetchResult:
        first = vet_url(url, self.config.allowed_networks)
        redirects: list[Redirect] = []
        current = first.url
        with self._client(limits) as client:
            while True:
                if check_robots:
                    self._robots.check(current, limits.deadline_at)
                headers = {**self._base_headers(accept), **conditional}
                if current.scheme == first.url.scheme and current.netloc == first.url.netloc:
                    headers.update(extra_headers)  # e.g. an API key: never sent to another origin
                response = self._send(client, client.build_request("GET", current, headers=headers))
                location = response.headers.get("location")
                if response.status_code not in _REDIRECTS or not location:
                    try:
                        return self._result(response, accept, url, tuple(redirects), limits)
                    finally:
                        response.close()
                response.close()
                if len(redirects) >= limits.max_redirects:
                    raise FetchError(
                        "too_many_redirects",
                        f"{url} redirected more than {limits.max_redirects} times.",
                        url=str(current),
                    )
                redirects.append(Redirect(str(current), response.status_code, location))
                current = self._next_hop(current, location)

    def _client(self, limits: _Limits, *, paced: bool = True) -> httpx.Client:
        transport = _GuardedTransport(
            resolver=self._resolve,
            allowed=self.config.allowed_networks,
            backend=self._backend,
            ssl_context=self._ssl_context or _default_ssl_context(),
            pacer=self._pacer if paced else None,
            deadline_at=limits.deadline_at,
        )
        timeout = httpx.Timeout(
            connect=self.config.connect_timeout,
            read=self.config.read_timeout,
            write=self.config.read_timeout,
            pool=self.config.connect_timeout,
        )
        # Passing a transport also keeps httpx from using proxies from the environment.
        return httpx.Client(transport=transport, timeout=timeout, follow_redirects=False, trust_env=False)

    def _base_headers(self, accept: Sequence[str] | None) -> dict[str, str]:
        return {
            "User-Agent": self.config.user_agent,
            "Accept": ", ".join([*accept, "*/*;q=0.1"]) if accept else "*/*",
            # Decoded by _Decoder below, with a cap; never by httpx.
            "Accept-Encoding": "gzip, deflate, br",
            # Every request gets a connection of its own (_GuardedTransport): a pooled one
            # could carry a request for another host on the same address past that
            # host's TLS check. Tell the server so.
            "Connection": "close",
        }

    def _send(self, client: httpx.Client, request: httpx.Request) -> httpx.Response:
        try:
            return client.send(request, stream=True)
        except httpx.HTTPError as exc:  # anything httpx itself refuses (our transport raises FetchError)
            url = str(request.url)
            raise FetchError("connection_error", f"{url} could not be fetched: {exc}.", url=url) from exc

    def _next_hop(self, current: httpx.URL, location: str) -> httpx.URL:
        try:
            joined = current.join(location.strip())
        except (httpx.InvalidURL, UnicodeError, ValueError):
            raise FetchError(
                "bad_url", f"{current} redirected to an invalid address ({location!r}).", url=str(current)
            ) from None
        return vet_url(joined, self.config.allowed_networks).url

    def _result(
        self,
        response: httpx.Response,
        accept: Sequence[str] | None,
        requested: str,
        redirects: tuple[Redirect, ...],
        limits: _Limits,
    ) -> FetchResult:
        status = response.status_code
        url = str(response.request.url)
        if status >= 300 and status != 304:
            raise FetchError(
                "http_error",
                f"{url} answered {status} {response.reason_phrase}.",
                url=url,
                status=status,
                retry_after=_retry_after(response.headers.get("retry-after")),
            )
        content_type, charset = _parse_content_type(response.headers.get("content-type", ""))
        body = b""
        if status not in (204, 304):
            if accept is not None and not _type_allowed(content_type, accept):
                # Refused before a byte of the body is read.
                raise FetchError(
                    "bad_content_type",
                    f"{url} is {content_type or 'of no stated type'}, not {' or '.join(accept)}.",
                    url=url,
                )
            body = _read_body(response, limits, url)
        return FetchResult(
            url=url,
            requested_url=requested,
            status=status,
            headers=response.headers,
            body=body,
            content_type=content_type,
            charset=charset,
            redirects=redirects,
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            not_modified=status == 304,
            server_address=str(response.extensions.get("server_address", "")),
            elapsed=limits.elapsed(),
        )

    # --- collaborators -----------------------------------------------------------------

    def _resolve(self, host: str, port: int) -> Sequence[IPAddress]:
        # Looked up at call time, so a test can patch netguard.system_resolve too.
        return (self._resolver or netguard.system_resolve)(host, port)

    def _download_robots(self, url: httpx.URL, deadline_at: float) -> bytes:
        limits = _Limits(
            deadline_at=deadline_at,
            max_bytes=ROBOTS_MAX_BYTES,
            max_decoded_bytes=ROBOTS_MAX_BYTES,
            max_redirects=5,  # RFC 9309 §2.3.1.2
            truncate=True,
        )
        return self._fetch(str(url), ANY_TYPE, {}, {}, False, limits).body


def fetch(
    url: str,
    *,
    accept: Sequence[str] | None = HTML_TYPES,
    headers: Mapping[str, str] | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    check_robots: bool = True,
    deadline: float | None = None,
    max_bytes: int | None = None,
    max_decoded_bytes: int | None = None,
) -> FetchResult:
    """Fetch `url` with the FETCH_* settings; see `Fetcher.fetch`."""
    return Fetcher().fetch(
        url,
        accept=accept,
        headers=headers,
        etag=etag,
        last_modified=last_modified,
        check_robots=check_robots,
        deadline=deadline,
        max_bytes=max_bytes,
        max_decoded_bytes=max_decoded_bytes,
    )


def check_url(url: str) -> None:
    """Raise FetchError if `url` would be refused before any connection is made."""
    Fetcher().check_url(url)


def post(
    url: str, *, body: bytes, headers: Mapping[str, str], deadline: float, max_answer_bytes: int = 1024
) -> PostAnswer:
    """POST with the FETCH_* settings; see `Fetcher.post`."""
    return Fetcher().post(url, body=body, headers=headers, deadline=deadline, max_answer_bytes=max_answer_bytes)


@lru_cache(maxsize=1)
def _default_ssl_context() -> ssl.SSLContext:
    # certifi's roots (or SSL_CERT_FILE / SSL_CERT_DIR); loading them costs ~20 ms, once.
    return httpx.create_ssl_context()


# --- headers -------------------------------------------------------------------------------


def _parse_content_type(value: str) -> tuple[str, str | None]:
    media_type, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, val = param.partition("=")
        if name.strip().lower() == "charset" and val.strip():
            charset = val.strip().strip("\"'").lower()
    return media_type.strip().lower(), charset


def _type_allowed(content_type: str, accept: Sequence[str]) -> bool:
    for allowed in accept:
        allowed = allowed.lower()
        if allowed in ("*/*", content_type):
            return True
        if allowed.endswith("/*") and content_type.startswith(allowed[:-1]):
            return True
    return False


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds from now (it may be a number of seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


# --- the body: size caps and bounded decoding ---------------------------------------------


class _Decoder(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]: ...
    def finish(self) -> Iterator[bytes]: ...


class _ZlibDecoder:
    """gzip or deflate, producing at most _STEP bytes per step however small the input."""

    def __init__(self, encoding: str) -> None:
        self._encoding = encoding
        self._inflate = zlib.decompressobj(zlib.MAX_WBITS | 16 if encoding == "gzip" else zlib.MAX_WBITS)
        # "deflate" should carry a zlib header, but some servers send raw deflate; the
        # first two bytes tell which.
        self._head: bytes | None = b"" if encoding == "deflate" else None

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._head is not None:
            self._head += data
            if len(self._head) < 2:
                return
            data, self._head = self._head, None
            if (data[0] & 0x0F) != 8 or int.from_bytes(data[:2], "big") % 31:
                self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
        pending = data
        while not self._inflate.eof:
            try:
                out = self._inflate.decompress(pending, _STEP)
            except zlib.error as exc:
                raise FetchError("bad_encoding", f"the {self._encoding} body is corrupt ({exc}).") from None
            consumed = len(pending) - len(self._inflate.unconsumed_tail)
            pending = self._inflate.unconsumed_tail
            if out:
                yield out
            # This input is done once it is consumed and zlib had room to spare.
            if (not pending and len(out) < _STEP) or (not out and not consumed):
                return

    def finish(self) -> Iterator[bytes]:
        if self._head is not None:
            raise FetchError("bad_encoding", f"the {self._encoding} body is too short.")
        yield from self.feed(b"")
        if not self._inflate.eof:
            raise FetchError("bad_encoding", f"the {self._encoding} body ends early.")


class _BrotliDecoder:
    """br, with brotli's output_buffer_limit keeping every step near _STEP bytes."""

    def __init__(self) -> None:
        self._brotli = brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        try:
            yield self._brotli.process(data, output_buffer_limit=_STEP)
            # Until it can take more input, it must be drained with empty input.
            while not self._brotli.can_accept_more_data():
                yield self._brotli.process(b"", output_buffer_limit=_STEP)
        except brotli.error as exc:
            raise FetchError("bad_encoding", f"the br body is corrupt ({exc}).") from None

    def finish(self) -> Iterator[bytes]:
        try:
            while not self._brotli.is_finished():
                out = self._brotli.process(b"", output_buffer_limit=_STEP)
                if not out:
                    raise FetchError("bad_encoding", "the br body ends early.")
                yield out
        except brotli.error as exc:
            raise FetchError("bad_encoding", f"the br body is corrupt ({exc}).") from None


class _Identity:
    def feed(self, data: bytes) -> Iterator[bytes]:
        yield data

    def finish(self) -> Iterator[bytes]:
        return iter(())


class _Chain:
    """Content-Encoding: gzip, br means br(gzip(body)): undo them last-first."""

    def __init__(self, decoders: list[_Decoder]) -> None:
        self._decoders = decoders

    def feed(self, data: bytes) -> Iterator[bytes]:
        yield from self._through(0, data)

    def _through(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self._decoders):
            yield data
            return
        for piece in self._decoders[index].feed(data):
            if piece:
                yield from self._through(index + 1, piece)

    def finish(self) -> Iterator[bytes]:
        # Each decoder's tail passes through the later ones before they finish in turn.
        for index, decoder in enumerate(self._decoders):
            for piece in decoder.finish():
                if piece:
                    yield from self._through(index + 1, piece)


def _decoder_for(headers: httpx.Headers, url: str) -> tuple[_Decoder, bool]:
    """The decoder for the Content-Encoding, and whether the body is compressed."""
    names = [n.strip().lower() for n in headers.get("content-encoding", "").split(",")]
    names = [n for n in names if n and n != "identity"]
    if not names:
        return _Identity(), False
    if len(names) > _MAX_ENCODINGS:
        raise FetchError("bad_encoding", f"{url} is encoded {len(names)} times over; refused.", url=url)
    decoders: list[_Decoder] = []
    for name in reversed(names):
        if name in ("gzip", "x-gzip"):
            decoders.append(_ZlibDecoder("gzip"))
        elif name == "deflate":
            decoders.append(_ZlibDecoder("deflate"))
        elif name == "br":
            decoders.append(_BrotliDecoder())
        else:
            raise FetchError("bad_encoding", f"{url} uses a Content-Encoding we cannot decode ({name}).", url=url)
    return (decoders[0] if len(decoders) == 1 else _Chain(decoders)), True


class _CapReached(Exception):
    """Internal: the truncating reader has all it wants."""


class _Body:
    """Decoded pieces, kept as a list: growing one buffer would copy it on every
    resize, briefly holding twice the cap; a list never holds more than the cap."""

    def __init__(self, limits: _Limits, url: str, compressed: bool) -> None:
        self._limits = limits
        self._url = url
        self._compressed = compressed
        self._pieces: list[bytes] = []
        self._size = 0

    def keep(self, piece: bytes) -> None:
        room = self._limits.max_decoded_bytes - self._size
        if len(piece) > room:
            if self._limits.truncate:
                self._pieces.append(piece[:room])
                raise _CapReached
            raise FetchError(
                "decompression_limit" if self._compressed else "too_large",
                f"{self._url} decodes to more than the {self._limits.max_decoded_bytes:,}-byte limit"
                + (" (a compression bomb, or an unusually large page)." if self._compressed else "."),
                url=self._url,
            )
        self._pieces.append(piece)
        self._size += len(piece)

    def value(self) -> bytes:
        return b"".join(self._pieces)


def _read_body(response: httpx.Response, limits: _Limits, url: str) -> bytes:
    """The body, decoded, within the caps; FetchError when a cap or the deadline is hit."""
    declared = response.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > limits.max_bytes and not limits.truncate:
        raise FetchError(
            "too_large", f"{url} is {int(declared):,} bytes, over the {limits.max_bytes:,}-byte limit.", url=url
        )
    decoder, compressed = _decoder_for(response.headers, url)
    body = _Body(limits, url, compressed)
    raw = 0
    try:
        for chunk in response.iter_raw():
            if limits.remaining() <= 0:
                raise _deadline_error(url, limits)
            raw += len(chunk)
            over = raw - limits.max_bytes
            if over > 0 and not limits.truncate:
                raise FetchError(
                    "too_large", f"{url} sent more than the {limits.max_bytes:,}-byte limit; stopped reading.", url=url
                )
            for piece in decoder.feed(chunk[: len(chunk) - over] if over > 0 else chunk):
                body.keep(piece)
            if over >= 0 and limits.truncate:
                raise _CapReached
        for piece in decoder.finish():
            body.keep(piece)
    except _CapReached:
        pass  # truncating (robots.txt): what was read is what is used
    except FetchError as exc:
        exc.url = exc.url or url
        raise
    return body.value()


def _deadline_error(url: str, limits: _Limits) -> FetchError:
    return FetchError(
        "timeout", f"{url} took longer than the {limits.elapsed():.0f} s this fetch was allowed; gave up.", url=url
    )


# --- the transport: resolve, vet, pace, connect to the vetted address ---------------------


class _GuardedTransport(httpx.BaseTransport):
    """Sends one request: resolves the host, refuses it if any address is off limits,
    waits for the host's turn, and connects to a vetted address by number, passing the
    real host name for TLS (SNI and certificate check) and in the Host header."""

    def __init__(
        self,
        *,
        resolver: Resolver,
        allowed: Sequence[IPNetwork],
        backend: httpcore.NetworkBackend,
        ssl_context: ssl.SSLContext,
        pacer: HostPacer | None,
        deadline_at: float,
    ) -> None:
        self._resolver = resolver
        self._allowed = allowed
        self._backend = backend
        self._ssl_context = ssl_context
        self._pacer = pacer
        self._deadline_at = deadline_at

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        target = vet_url(request.url, self._allowed)
        addresses = vet_addresses(target, self._resolver, self._allowed)
        if self._pacer is not None:
            try:
                self._pacer.wait_turn(target.server_name, self._deadline_at)
            except FetchError as exc:
                exc.url = url
                raise
        failure: FetchError | None = None
        for ip in addresses:
            try:
                return self._send_to(ip, target, request)
            except _ConnectFailed as failed:
                # Another vetted address of the same name may answer (no IPv6 route, one
                # server down); any other failure ends the attempt.
                failure = failed.error
        assert failure is not None
        raise failure

    def _send_to(self, ip: IPAddress, target: Target, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        extensions = {"timeout": request.extensions.get("timeout", {})}
        if target.is_name and target.scheme == "https":
            extensions["sni_hostname"] = target.server_name
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(scheme=target.scheme, host=str(ip), port=target.port, target=request.url.raw_path),
            headers=request.headers.raw,  # includes Host: <the real name>
            content=request.stream,  # type: ignore[arg-type]
            extensions=extensions,
        )
        connection = httpcore.HTTPConnection(
            origin=core_request.url.origin,
            ssl_context=self._ssl_context,
            network_backend=_DeadlineBackend(self._backend, self._deadline_at, str(ip)),
        )
        try:
            core_response = connection.handle_request(core_request)
        except Exception as exc:
            connection.close()
            error = _translate(exc, url, target, self._deadline_at)
            if isinstance(exc, httpcore.ConnectError) and error.code == "connection_error":
                raise _ConnectFailed(error) from exc
            raise error from exc
        return httpx.Response(
            status_code=core_response.status,
            headers=core_response.headers,
            stream=_ResponseStream(core_response, connection, url, target, self._deadline_at),
            extensions={**core_response.extensions, "server_address": str(ip)},
        )


class _ConnectFailed(Exception):
    """Internal: no connection to this address; the caller may try the next one."""

    def __init__(self, error: FetchError) -> None:
        super().__init__(error.message)
        self.error = error


class _ResponseStream(httpx.SyncByteStream):
    def __init__(
        self,
        response: httpcore.Response,
        connection: httpcore.HTTPConnection,
        url: str,
        target: Target,
        deadline_at: float,
    ) -> None:
        self._response = response
        self._connection = connection
        self._url = url
        self._target = target
        self._deadline_at = deadline_at

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._response.iter_stream()
        except FetchError:
            raise
        except Exception as exc:
            raise _translate(exc, self._url, self._target, self._deadline_at) from exc

    def close(self) -> None:
        self._response.close()
        self._connection.close()


def _translate(exc: Exception, url: str, target: Target, deadline_at: float) -> FetchError:
    """An httpcore/OS error as a FetchError a person (and a retry policy) understands."""
    if isinstance(exc, FetchError):
        return exc
    if time.monotonic() >= deadline_at - 0.01:
        return FetchError("timeout", f"{url} did not finish within the time allowed for one fetch.", url=url)
    if isinstance(exc, httpcore.ConnectTimeout):
        return FetchError("timeout", f"{target.host} did not accept a connection in time.", url=url)
    if isinstance(exc, httpcore.TimeoutException):
        return FetchError("timeout", f"{target.host} stopped sending data (read time-out).", url=url)
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return FetchError(
                "tls_error", f"{target.host}'s certificate could not be verified ({cause.verify_message}).", url=url
            )
        if isinstance(cause, ssl.SSLError):
            return FetchError("tls_error", f"TLS with {target.host} failed ({cause.reason or cause}).", url=url)
        cause = cause.__cause__ or cause.__context__
    if isinstance(exc, httpcore.ConnectError):
        return FetchError("connection_error", f"could not connect to {target.host} ({exc}).", url=url)
    return FetchError(
        "connection_error", f"the connection to {target.host} failed ({type(exc).__name__}: {exc}).", url=url
    )


class _DeadlineBackend(httpcore.NetworkBackend):
    """Connects only to the vetted address, and caps every socket operation's time-out
    at what is left of the fetch's deadline, so a server trickling one byte a second
    (in headers, body or TLS handshake) is cut off when the deadline comes."""

    def __init__(self, inner: httpcore.NetworkBackend, deadline_at: float, address: str) -> None:
        self._inner = inner
        self._deadline_at = deadline_at
        self._address = address

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: object = None,
    ) -> httpcore.NetworkStream:
        if host != self._address:  # cannot happen: the URL was rewritten to the address
            raise httpcore.ConnectError(f"refusing to connect to {host}, which was not checked")
        stream = self._inner.connect_tcp(
            host,
            port,
            timeout=_clamp(timeout, self._deadline_at, httpcore.ConnectTimeout),
            local_address=local_address,
            socket_options=socket_options,  # type: ignore[arg-type]
        )
        return _DeadlineStream(stream, self._deadline_at)

    def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options: object = None) -> None:  # type: ignore[override]
        raise httpcore.ConnectError("unix sockets are never fetched from")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, deadline_at: float) -> None:
        self._inner = inner
        self._deadline_at = deadline_at

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamp(timeout, self._deadline_at, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamp(timeout, self._deadline_at, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        # Python bounds the whole handshake by this one time-out (not per read).
        stream = self._inner.start_tls(
            ssl_context, server_hostname, _clamp(timeout, self._deadline_at, httpcore.ConnectTimeout)
        )
        return _DeadlineStream(stream, self._deadline_at)

    def get_extra_info(self, info: str) -> object:
        return self._inner.get_extra_info(info)


def _clamp(timeout: float | None, deadline_at: float, error: type[Exception]) -> float:
    remaining = deadline_at - time.monotonic()
    if remaining <= 0:
        raise error("the fetch deadline has passed")
    return remaining if timeout is None else min(timeout, remaining)
