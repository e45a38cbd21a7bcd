"""Local servers, a stub resolver and a guard that keep every fetch test on loopback.

- `loopback_only` (automatic): any connection to a non-loopback address, or any DNS
  lookup of a real name, fails the test. Names resolve only through `dns`.
- `dns` (automatic): the resolver fetches use, a table the test fills in.
- `server` / `make_server`: small HTTP servers on 127.0.0.x recording every request.
- `canary`: a listener on 127.0.0.1 and ::1 that counts connections it should never get.
- `recorder`: a stand-in for the connection step, for names that must resolve to a
  public address: it records where a connection would go and answers itself.
- `turns`: every turn the per-host (and per-provider) pacer grants, as it decided them:
  pace tests check these times, not when a busy machine's server saw a request.
"""

from __future__ import annotations

import contextlib
import copy
import ipaddress
import itertools
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpcore
import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from sources import netguard
from sources.netguard import FetchError, IPAddress
from sources.robots import Turn, turn_granted

Handler = Callable[[BaseHTTPRequestHandler], None]
# What `socket.connect` takes: (host, port, …) for internet sockets, a path for a Unix one.
Address = tuple[Any, ...] | str


# --- nothing leaves loopback -------------------------------------------------------------


@dataclass
class ConnectionLog:
    off_loopback: list[object] = field(default_factory=list)
    lookups: list[str] = field(default_factory=list)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[ConnectionLog]:
    log = ConnectionLog()
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def check(sock: socket.socket, address: Address) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            host = str(address[0])
            if not _is_loopback(host):
                log.off_loopback.append(address)
                raise AssertionError(f"a test tried to connect off loopback: {address}")

    def connect(sock: socket.socket, address: Address) -> None:
        check(sock, address)
        real_connect(sock, address)

    def connect_ex(sock: socket.socket, address: Address) -> int:
        check(sock, address)
        return real_connect_ex(sock, address)

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        text = host.decode() if isinstance(host, bytes) else str(host)
        if host is not None and text != "localhost" and not _is_ip(text):
            log.lookups.append(text)
            raise AssertionError(f"a test tried a real DNS lookup of {text!r}")
        return real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield log
    assert log.off_loopback == [], "connections off loopback were attempted"
    assert log.lookups == [], "real DNS lookups were attempted"


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    return True


# --- names -------------------------------------------------------------------------------


class StubDNS:
    """name -> addresses, or a callable giving the addresses for each lookup in turn."""

    def __init__(self) -> None:
        self.table: dict[str, Callable[[], list[str]] | list[str]] = {"localhost": ["127.0.0.1", "::1"]}
        self.lookups: list[str] = []

    def __setitem__(self, name: str, answer: Callable[[], list[str]] | list[str]) -> None:
        self.table[name] = answer

    def sequence(self, name: str, *answers: list[str]) -> None:
        """Answer each lookup with the next list; the last one repeats (DNS rebinding)."""
        pending = list(answers)

        def answer() -> list[str]:
            return pending.pop(0) if len(pending) > 1 else pending[0]

        self.table[name] = answer

    def __call__(self, host: str, port: int) -> list[IPAddress]:
        self.lookups.append(host)
        entry = self.table.get(host.lower().rstrip("."))
        if entry is None:
            raise FetchError("dns_failure", f"{host} could not be resolved (not in the test's table).")
        answers = entry() if callable(entry) else entry
        return [ipaddress.ip_address(a) for a in answers]


@pytest.fixture(autouse=True)
def dns(monkeypatch: pytest.MonkeyPatch) -> StubDNS:
    stub = StubDNS()
    monkeypatch.setattr(netguard, "system_resolve", stub)
    return stub


# --- settings ----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def fetch_settings(settings: Any) -> Iterator[Any]:
    """Defaults for the fetch tests: nothing internal allowed, no per-host pause, and a
    cache namespace of the test's own, so no robots.txt copy or per-host turn leaks
    from one test to the next (ports get reused)."""
    settings.FETCH_ALLOWED_NETWORKS = []
    settings.FETCH_HOST_INTERVAL = 0
    cache_settings = copy.deepcopy(settings.CACHES)
    prefix = f"{cache_settings['default']['KEY_PREFIX']}-{uuid.uuid4().hex[:8]}"
    cache_settings["default"]["KEY_PREFIX"] = prefix
    settings.CACHES = cache_settings
    yield settings
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        # Django's Redis client is private (`_cache`), so the stubs do not declare it.
        client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)


@pytest.fixture
def allow_loopback(fetch_settings: Any) -> None:
    fetch_settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]


# --- the pacer's decisions ------------------------------------------------------------------


class Turns(list[Turn]):
    """The turns the pacer granted during a test, in the order it granted them."""

    def of(self, host: str) -> list[Turn]:
        return [turn for turn in self if turn.host == host.lower()]

    def gaps(self, host: str) -> list[float]:
        """Milliseconds between consecutive turns at `host`, in the pacer's own time
        (whole milliseconds: Redis's clock is read in them)."""
        times = sorted(turn.at for turn in self.of(host))
        return [round((later - earlier) * 1000) for earlier, later in itertools.pairwise(times)]


@pytest.fixture
def turns() -> Iterator[Turns]:
    granted = Turns()

    def record(sender: object, turn: Turn, **kwargs: object) -> None:
        granted.append(turn)  # list.append is atomic: workers may be threads

    turn_granted.connect(record, weak=False, dispatch_uid="tests.turns")
    yield granted
    turn_granted.disconnect(dispatch_uid="tests.turns")


# --- servers -----------------------------------------------------------------------------


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    at: float


class LocalServer:
    """An HTTP server on a loopback address whose routes are functions of the request
    handler, so a test can send anything (slowly, endlessly, malformed)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Handler] = {}
        self.hits: list[Hit] = []
        # The server names TLS clients asked for, when a test serves this over TLS.
        self.sni_names: list[str | None] = []
        owner = self

        class RequestHandler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.hits.append(Hit(self.path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic()))
                route = owner.routes.get(self.path) or owner.routes.get(self.path.split("?", 1)[0])
                # The client hanging up early is often what a test expects.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    (route or static(404, b"not found"))(self)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer((host, 0), RequestHandler)
        self.httpd.daemon_threads = True
        self.host = host
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"

    def route(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    def paths(self) -> list[str]:
        return [hit.path for hit in self.hits]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def static(status: int = 200, body: bytes = b"", headers: dict[str, str] | None = None) -> Handler:
    """A route answering `status` with `body` and a Content-Length."""

    def handle(request: BaseHTTPRequestHandler) -> None:
        request.send_response(status)
        for name, value in (headers or {}).items():
            request.send_header(name, value)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    return handle


def html(body: bytes = b"<html><body>ok</body></html>", **headers: str) -> Handler:
    return static(200, body, {"Content-Type": "text/html; charset=utf-8", **headers})


@pytest.fixture
def make_server() -> Iterator[Callable[..., LocalServer]]:
    servers: list[LocalServer] = []

    def make(host: str = "127.0.0.1") -> LocalServer:
        server = LocalServer(host)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.close()


@pytest.fixture
def server(make_server: Callable[..., LocalServer]) -> LocalServer:
    """A server on 127.0.0.1 answering robots.txt with 404 (everything allowed)."""
    return make_server()


# --- the canary ----------------------------------------------------------------------------


class Canary:
    """Listens on 127.0.0.1 and ::1 (same port) and counts every connection."""

    def __init__(self) -> None:
        self.connections = 0
        self._sockets: list[socket.socket] = []
        for _attempt in range(20):
            v4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            v4.bind(("127.0.0.1", 0))
            self.port = v4.getsockname()[1]
            v6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
            try:
                v6.bind(("::1", self.port))
            except OSError:
                v4.close()
                v6.close()
                continue
            self._sockets = [v4, v6]
            break
        self._stop = threading.Event()
        for sock in self._sockets:
            sock.listen(16)
            sock.settimeout(0.05)
            threading.Thread(target=self._accept, args=(sock,), daemon=True).start()

    def _accept(self, sock: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        for sock in self._sockets:
            sock.close()


@pytest.fixture(scope="module")
def canary() -> Iterator[Canary]:
    listener = Canary()
    yield listener
    listener.close()


# --- a stub for the connection step ----------------------------------------------------------


class RecordingStream(httpcore.NetworkStream):
    def __init__(self, backend: RecordingBackend, answer: bytes) -> None:
        self._backend = backend
        self._pending = [answer]

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        if not self._pending:
            return b""
        data = self._pending.pop(0)
        if len(data) > max_bytes:
            self._pending.insert(0, data[max_bytes:])
            data = data[:max_bytes]
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._backend.written.append(buffer)

    def close(self) -> None:
        pass

    def start_tls(
        self, ssl_context: object, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        self._backend.tls_server_names.append(server_hostname)
        return self

    def get_extra_info(self, info: str) -> object:
        return None


class RecordingBackend(httpcore.NetworkBackend):
    """Stands in for the network when a name must resolve to a public address: records
    where a connection would go and what would be sent, and answers `answer`."""

    def __init__(self, answer: bytes = b"") -> None:
        self.answer = answer or (
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 13\r\n\r\n<p>public</p>"
        )
        self.connections: list[tuple[str, int]] = []
        self.tls_server_names: list[str | None] = []
        self.written: list[bytes] = []

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: object = None,
    ) -> httpcore.NetworkStream:
        self.connections.append((host, port))
        return RecordingStream(self, self.answer)

    def requests(self) -> bytes:
        return b"".join(self.written)


@pytest.fixture
def recorder() -> RecordingBackend:
    return RecordingBackend()
