"""F2: size, time and type limits, decoding, redirects, conditional GET and HTTP errors."""

from __future__ import annotations

import ctypes
import gc
import gzip
import struct
import threading
import time
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import brotli
import pytest

from sources import fetch as fetch_module
from sources.fetch import FEED_TYPES, FetchError, fetch
from tests.sources.conftest import LocalServer, html, static

pytestmark = pytest.mark.usefixtures("allow_loopback")

MiB = 1024 * 1024
PAGE = b"<html><body>" + b"Russia has provided Iran with information. " * 200 + b"</body></html>"


def refusal(url: str, **options: Any) -> FetchError:
    with pytest.raises(FetchError) as refused:
        fetch(url, **options)
    return refused.value


# --- memory ----------------------------------------------------------------------------------


def _rss_bytes() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * 4096


def _hwm_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


class PeakRSS:
    """Peak resident memory while the block runs: /proc/self/statm sampled every
    millisecond, and VmHWM after resetting it (where the kernel allows that)."""

    def __enter__(self) -> PeakRSS:
        # Hand memory freed by earlier tests back to the system, so it is not reused
        # unseen (which would understate the growth).
        gc.collect()
        ctypes.CDLL("libc.so.6").malloc_trim(0)
        try:
            Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
            self._hwm = True
        except OSError:
            self._hwm = False
        self.baseline = _rss_bytes()
        self.peak = self.baseline
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.001):
            self.peak = max(self.peak, _rss_bytes())

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._sampler.join()
        self.peak = max(self.peak, _rss_bytes(), _hwm_bytes() if self._hwm else 0)

    @property
    def growth(self) -> int:
        return self.peak - self.baseline


# --- bombs -------------------------------------------------------------------------------------

BOMB_SIZE = 1024 * MiB  # what each bomb would decode to


def gzip_bomb() -> bytes:
    """1 GiB of zeros as gzip (~1 MB), built without holding the gigabyte: after a full
    flush, each further MiB of zeros compresses to the same bytes."""
    block = bytes(MiB)
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    first = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    repeat = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(BOMB_SIZE // MiB):
        crc = zlib.crc32(block, crc)
    end = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS).flush(zlib.Z_FINISH)
    return first + repeat * (BOMB_SIZE // MiB - 1) + end + struct.pack("<II", crc, BOMB_SIZE & 0xFFFFFFFF)


def deflate_bomb() -> bytes:
    """The same as zlib-wrapped deflate (checksum left out: it is never reached)."""
    block = bytes(MiB)
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS)
    first = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    repeat = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    return first + repeat * (BOMB_SIZE // MiB - 1)


def brotli_bomb() -> bytes:
    packer = brotli.Compressor(quality=5)
    block = bytes(MiB)
    return b"".join(packer.process(block) for _ in range(BOMB_SIZE // MiB)) + packer.finish()


@pytest.fixture(scope="module")
def bombs() -> dict[str, bytes]:
    return {"gzip": gzip_bomb(), "deflate": deflate_bomb(), "br": brotli_bomb()}


def test_the_gzip_bomb_really_is_one(bombs: dict[str, bytes]):
    reader = zlib.decompressobj(zlib.MAX_WBITS | 16)
    assert len(reader.decompress(bombs["gzip"][: 64 * 1024], 64 * MiB)) > 50 * MiB


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_a_compression_bomb_stops_at_the_decoded_cap_with_little_memory(
    encoding: str, bombs: dict[str, bytes], server: LocalServer, settings
):
    bomb = bombs[encoding]
    server.route("/bomb", static(200, bomb, {"Content-Type": "text/html", "Content-Encoding": encoding}))
    # One ordinary compressed fetch first, so one-time allocations are not counted.
    server.route("/warm", html(gzip.compress(PAGE), **{"Content-Encoding": "gzip"}))
    fetch(server.url("/warm"), check_robots=False)
    with PeakRSS() as memory:
        started = time.monotonic()
        error = refusal(server.url("/bomb"), check_robots=False)
        took = time.monotonic() - started
    print(
        f"\n{encoding} bomb: {len(bomb):,} bytes sent, would decode to {BOMB_SIZE:,}; stopped at the "
        f"{settings.FETCH_MAX_DECODED_BYTES:,}-byte cap in {took:.2f} s; RSS growth {memory.growth / MiB:.1f} MiB"
    )
    assert error.code == "decompression_limit"
    assert not error.transient
    assert memory.growth < 50 * MiB


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_the_decoded_cap_is_exact(encoding: str, server: LocalServer):
    body = bytes(300_000)
    packed = gzip.compress(body) if encoding == "gzip" else brotli.compress(body)
    server.route("/z", static(200, packed, {"Content-Type": "text/html", "Content-Encoding": encoding}))
    assert refusal(server.url("/z"), check_robots=False, max_decoded_bytes=299_999).code == "decompression_limit"
    assert fetch(server.url("/z"), check_robots=False, max_decoded_bytes=300_000).body == body


# --- decoding ------------------------------------------------------------------------------------


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize(
    ("encoding", "pack"),
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", _raw_deflate),
        ("br", brotli.compress),
        ("gzip, br", lambda data: brotli.compress(gzip.compress(data))),
        ("identity", lambda data: data),
    ],
    ids=["gzip", "x-gzip", "deflate-zlib", "deflate-raw", "br", "gzip-then-br", "identity"],
)
def test_compressed_bodies_are_decoded(encoding: str, pack: Callable[[bytes], bytes], server: LocalServer):
    server.route("/p", html(pack(PAGE), **{"Content-Encoding": encoding}))
    result = fetch(server.url("/p"), check_robots=False)
    assert result.body == PAGE
    assert (result.content_type, result.charset) == ("text/html", "utf-8")


def test_we_ask_for_the_encodings_we_can_decode(server: LocalServer):
    server.route("/p", html())
    fetch(server.url("/p"), check_robots=False)
    assert server.hits[0].headers["accept-encoding"] == "gzip, deflate, br"


@pytest.mark.parametrize(
    ("encoding", "body"),
    [
        ("gzip", gzip.compress(PAGE)[:-20]),
        ("gzip", b"this is not gzip at all"),
        ("br", brotli.compress(PAGE)[:-5]),
        ("zstd", b"(\xb5/\xfd"),
        ("gzip, gzip, gzip", gzip.compress(gzip.compress(gzip.compress(PAGE)))),
    ],
    ids=["truncated-gzip", "not-gzip", "truncated-br", "unknown", "three-layers"],
)
def test_a_body_we_cannot_decode_is_refused(encoding: str, body: bytes, server: LocalServer):
    server.route("/p", html(body, **{"Content-Encoding": encoding}))
    assert refusal(server.url("/p"), check_robots=False).code == "bad_encoding"


# --- size --------------------------------------------------------------------------------------


def test_a_declared_length_over_the_cap_is_refused_before_reading(server: LocalServer):
    release, body_sent = threading.Event(), threading.Event()

    def promise_a_lot(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.send_header("Content-Length", str(50 * MiB))
        request.end_headers()
        request.wfile.flush()
        release.wait(30)  # the body comes only after the client has decided
        body_sent.set()
        request.wfile.write(bytes(MiB))

    server.route("/big", promise_a_lot)
    try:
        error = refusal(server.url("/big"), check_robots=False, max_bytes=MiB, deadline=20)
        # Refused on the headers alone: a client that waited for the body would still be
        # waiting (and end with a time-out, not this).
        assert not body_sent.is_set()
    finally:
        release.set()
    assert error.code == "too_large"


def test_a_streamed_body_over_the_cap_is_cut_off(server: LocalServer):
    total = 200 * MiB
    sent = 0
    finished = threading.Event()

    def endless(request: BaseHTTPRequestHandler) -> None:
        nonlocal sent
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.end_headers()  # no Content-Length: the body ends when the connection does
        chunk = b"x" * 65536
        try:
            while sent < total:
                request.wfile.write(chunk)
                sent += len(chunk)
        finally:
            finished.set()

    server.route("/stream", endless)
    error = refusal(server.url("/stream"), check_robots=False, max_bytes=256 * 1024)
    assert error.code == "too_large"
    assert finished.wait(5)
    assert sent < 32 * MiB  # what the sockets' buffers held, not the 200 MiB


def test_a_body_at_the_cap_is_accepted(server: LocalServer):
    server.route("/p", html(b"a" * 4096))
    assert len(fetch(server.url("/p"), check_robots=False, max_bytes=4096).body) == 4096


# --- time --------------------------------------------------------------------------------------


def _trickle(status_line_first: bool) -> Callable[[BaseHTTPRequestHandler], None]:
    """One byte a second: of the body, or of the headers themselves."""

    def handle(request: BaseHTTPRequestHandler) -> None:
        if status_line_first:
            request.send_response(200)
            request.send_header("Content-Type", "text/html")
            request.end_headers()
            payload = b"<html>" + b"x" * 100
        else:
            payload = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nX-Slow: " + b"y" * 100
        for byte in payload:
            request.wfile.write(bytes([byte]))
            request.wfile.flush()
            time.sleep(1.0)

    return handle


@pytest.mark.parametrize("where", ["body", "headers"])
def test_a_one_byte_a_second_trickle_is_stopped_by_the_deadline(where: str, server: LocalServer, settings):
    assert settings.FETCH_READ_TIMEOUT > 5  # so only the deadline can stop it
    server.route("/slow", _trickle(status_line_first=where == "body"))
    started = time.monotonic()
    error = refusal(server.url("/slow"), check_robots=False, deadline=2.0)
    took = time.monotonic() - started
    print(f"\n1 byte/s trickle in the {where} stopped after {took:.2f} s (deadline 2.0 s)")
    assert error.code == "timeout"
    assert error.transient
    assert "allowed" in error.message  # the deadline's words, not the read time-out's
    # The trickle lasts over 100 s; only a missing deadline comes near this bound.
    assert took < 20


def test_a_silent_server_hits_the_read_timeout(server: LocalServer, settings):
    settings.FETCH_READ_TIMEOUT = 1
    assert settings.FETCH_DEADLINE >= 30  # so only the read time-out can stop it early
    release = threading.Event()

    def silent(request: BaseHTTPRequestHandler) -> None:
        release.wait(60)  # answers nothing until the test ends

    server.route("/silent", silent)
    started = time.monotonic()
    try:
        error = refusal(server.url("/silent"), check_robots=False)
    finally:
        release.set()
    took = time.monotonic() - started
    assert error.code == "timeout"
    assert "read time-out" in error.message
    # The server would stay silent for a minute and the deadline is 30 s away.
    assert took < 20


def test_a_closed_port_is_a_transient_connection_error(make_server):
    gone = make_server()
    url = gone.url("/")
    gone.close()
    error = refusal(url, check_robots=False)
    assert (error.code, error.transient) == ("connection_error", True)


# --- redirects -----------------------------------------------------------------------------------


@pytest.fixture
def ladder(server: LocalServer) -> LocalServer:
    """/r/N redirects to /r/N-1; /r/0 is the page."""
    for n in range(1, 10):
        server.route(f"/r/{n}", static(302, headers={"Location": f"/r/{n - 1}"}))
    server.route("/r/0", html(b"<p>arrived</p>"))
    return server


def test_five_redirects_are_followed_and_recorded(ladder: LocalServer):
    result = fetch(ladder.url("/r/5"), check_robots=False)
    assert result.body == b"<p>arrived</p>"
    assert result.url == ladder.url("/r/0")
    assert result.requested_url == ladder.url("/r/5")
    assert [hop.url for hop in result.redirects] == [ladder.url(f"/r/{n}") for n in range(5, 0, -1)]
    assert {hop.status for hop in result.redirects} == {302}


def test_a_sixth_redirect_is_refused(ladder: LocalServer):
    error = refusal(ladder.url("/r/6"), check_robots=False)
    assert error.code == "too_many_redirects"
    assert ladder.paths() == [f"/r/{n}" for n in range(6, 0, -1)]  # /r/0 never asked for


def test_a_redirect_loop_is_refused(server: LocalServer):
    server.route("/loop", static(301, headers={"Location": "/loop"}))
    assert refusal(server.url("/loop"), check_robots=False).code == "too_many_redirects"
    assert len(server.hits) == 6


def test_headers_the_caller_adds_are_not_sent_to_another_host(server: LocalServer, make_server):
    other = make_server("127.0.0.2")
    other.route("/", html())
    server.route("/away", static(302, headers={"Location": other.url("/")}))
    fetch(server.url("/away"), check_robots=False, headers={"X-Api-Key": "secret"})
    assert server.hits[0].headers["x-api-key"] == "secret"
    assert "x-api-key" not in other.hits[0].headers


# --- content type ----------------------------------------------------------------------------------


def test_a_disallowed_content_type_is_refused_without_reading_the_body(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
):
    release, body_sent = threading.Event(), threading.Event()

    def binary_later(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "application/octet-stream")
        request.send_header("Content-Length", str(10 * MiB))
        request.end_headers()
        request.wfile.flush()
        release.wait(30)  # the body comes only after the client has decided
        body_sent.set()
        request.wfile.write(bytes(10 * MiB))

    reads: list[str] = []
    real_read_body = fetch_module._read_body

    def read_body(*args: Any) -> Any:
        reads.append("read")
        return real_read_body(*args)

    monkeypatch.setattr(fetch_module, "_read_body", read_body)
    server.route("/file.bin", binary_later)
    try:
        error = refusal(server.url("/file.bin"), check_robots=False, deadline=20)
        assert not body_sent.is_set()  # refused on the headers, with the body still to come
    finally:
        release.set()
    assert error.code == "bad_content_type"
    assert "application/octet-stream" in error.message
    assert reads == []


@pytest.mark.parametrize(
    ("sent", "accept", "ok"),
    [
        ("application/rss+xml; charset=utf-8", FEED_TYPES, True),
        ("text/html", FEED_TYPES, False),
        ("TEXT/HTML; Charset=ISO-8859-1", ("text/html",), True),
        ("text/plain", ("text/*",), True),
        ("image/png", ("text/*",), False),
        ("", ("text/html",), False),
        ("", None, True),
    ],
)
def test_the_content_type_must_be_one_the_caller_accepts(sent, accept, ok, server: LocalServer):
    server.route("/x", static(200, b"<x/>", {"Content-Type": sent} if sent else {}))
    if ok:
        assert fetch(server.url("/x"), accept=accept, check_robots=False).body == b"<x/>"
    else:
        assert refusal(server.url("/x"), accept=accept, check_robots=False).code == "bad_content_type"


def test_the_charset_is_reported(server: LocalServer):
    server.route("/x", static(200, b"<p/>", {"Content-Type": 'text/html; charset="ISO-8859-1"'}))
    assert fetch(server.url("/x"), check_robots=False).charset == "iso-8859-1"


# --- conditional GET -------------------------------------------------------------------------------


@pytest.fixture
def feed(server: LocalServer) -> LocalServer:
    etag, modified = '"v42"', "Sun, 08 Mar 2026 14:00:00 GMT"

    def handle(request: BaseHTTPRequestHandler) -> None:
        if request.headers.get("If-None-Match") == etag or request.headers.get("If-Modified-Since") == modified:
            request.send_response(304)
            request.send_header("ETag", etag)
            request.end_headers()
            return
        static(200, b"<rss/>", {"Content-Type": "application/rss+xml", "ETag": etag, "Last-Modified": modified})(
            request
        )

    server.route("/feed.xml", handle)
    return server


def test_validators_are_returned_and_sent_back(feed: LocalServer):
    first = fetch(feed.url("/feed.xml"), accept=FEED_TYPES, check_robots=False)
    assert (first.status, first.body, first.not_modified) == (200, b"<rss/>", False)
    assert (first.etag, first.last_modified) == ('"v42"', "Sun, 08 Mar 2026 14:00:00 GMT")

    again = fetch(
        feed.url("/feed.xml"), accept=FEED_TYPES, check_robots=False, etag=first.etag, last_modified=first.last_modified
    )
    assert feed.hits[1].headers["if-none-match"] == '"v42"'
    assert feed.hits[1].headers["if-modified-since"] == "Sun, 08 Mar 2026 14:00:00 GMT"
    assert (again.status, again.not_modified, again.body) == (304, True, b"")


def test_last_modified_alone_is_enough(feed: LocalServer):
    again = fetch(
        feed.url("/feed.xml"), accept=FEED_TYPES, check_robots=False, last_modified="Sun, 08 Mar 2026 14:00:00 GMT"
    )
    assert "if-none-match" not in feed.hits[0].headers
    assert again.not_modified


# --- HTTP errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "headers", "transient", "retry_after"),
    [
        (404, {}, False, None),
        (410, {}, False, None),
        (403, {}, False, None),
        (429, {"Retry-After": "120"}, True, 120.0),
        (503, {"Retry-After": "30"}, True, 30.0),
        (500, {}, True, None),
    ],
)
def test_an_http_error_says_whether_to_retry(status, headers, transient, retry_after, server: LocalServer):
    server.route("/e", static(status, b"no", headers))
    error = refusal(server.url("/e"), check_robots=False)
    assert (error.code, error.status, error.transient, error.retry_after) == (
        "http_error",
        status,
        transient,
        retry_after,
    )
    assert str(status) in error.message


def test_every_request_names_the_product(server: LocalServer, settings):
    server.route("/p", html())
    fetch(server.url("/p"), check_robots=False)
    assert server.hits[0].headers["user-agent"] == settings.FETCH_USER_AGENT
    assert settings.FETCH_USER_AGENT.startswith("Corroborate/")
