"""Connecting to the vetted address by number must not weaken TLS: the certificate is
still checked against the host name in the URL, which also goes out as SNI and Host."""

from __future__ import annotations

import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from sources.fetch import Fetcher, FetchError
from tests.sources.conftest import LocalServer, RecordingBackend, StubDNS, html


def test_https_connects_to_the_vetted_address_with_the_real_name_for_tls(dns: StubDNS, recorder: RecordingBackend):
    dns["news.example"] = ["93.184.216.34"]
    result = Fetcher(network_backend=recorder).fetch("https://news.example/world/story?id=7", check_robots=False)
    assert recorder.connections == [("93.184.216.34", 443)]
    assert recorder.tls_server_names == ["news.example"]
    sent = recorder.requests()
    assert sent.startswith(b"GET /world/story?id=7 HTTP/1.1\r\n")
    assert b"\r\nHost: news.example\r\n" in sent
    assert result.url == "https://news.example/world/story?id=7"
    assert result.server_address == "93.184.216.34"


def test_a_port_in_the_url_goes_to_the_connection_and_the_host_header(dns: StubDNS, recorder: RecordingBackend):
    dns["news.example"] = ["2606:2800:220:1::1"]
    Fetcher(network_backend=recorder).fetch("https://news.example:8443/", check_robots=False)
    assert recorder.connections == [("2606:2800:220:1::1", 8443)]
    assert b"\r\nHost: news.example:8443\r\n" in recorder.requests()


def test_plain_http_does_no_tls(dns: StubDNS, recorder: RecordingBackend):
    dns["news.example"] = ["93.184.216.34"]
    Fetcher(network_backend=recorder).fetch("http://news.example/", check_robots=False)
    assert recorder.tls_server_names == []


# --- a real TLS server on loopback, with a certificate for news.example ------------------


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A throw-away CA and a certificate it signed for news.example only."""
    folder = tmp_path_factory.mktemp("tls")

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True, timeout=60)

    key = ["-newkey", "rsa:2048", "-nodes", "-days", "2"]
    openssl("req", "-x509", *key, "-subj", "/CN=Test CA", "-keyout", "ca.key", "-out", "ca.pem",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign")  # fmt: skip
    openssl("req", *key, "-subj", "/CN=news.example", "-keyout", "news.key", "-out", "news.csr")
    (folder / "ext.cnf").write_text("subjectAltName=DNS:news.example\nextendedKeyUsage=serverAuth\n")
    openssl("x509", "-req", "-in", "news.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-days", "2", "-extfile", "ext.cnf", "-out", "news.pem")  # fmt: skip
    return {"ca": folder / "ca.pem", "cert": folder / "news.pem", "key": folder / "news.key"}


@pytest.fixture
def tls_server(make_server: Callable[..., LocalServer], certificates: dict[str, Path]) -> LocalServer:
    server = make_server()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificates["cert"], certificates["key"])
    context.sni_callback = lambda sock, name, ctx: server.sni_names.append(name)
    server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True)
    server.route("/", html(b"<p>over tls</p>"))
    return server


@pytest.fixture
def trusting(certificates: dict[str, Path]) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(certificates["ca"]))


def test_the_certificate_is_verified_for_the_name_while_connecting_by_number(
    tls_server: LocalServer, trusting: ssl.SSLContext, dns: StubDNS, allow_loopback: None
):
    dns["news.example"] = ["127.0.0.1"]
    result = Fetcher(ssl_context=trusting).fetch(f"https://news.example:{tls_server.port}/", check_robots=False)
    assert result.body == b"<p>over tls</p>"
    assert result.server_address == "127.0.0.1"
    assert tls_server.sni_names == ["news.example"]
    assert tls_server.hits[0].headers["host"] == f"news.example:{tls_server.port}"


@pytest.mark.parametrize("host", ["impostor.example", "127.0.0.1"])
def test_a_certificate_for_another_name_is_refused(
    host: str, tls_server: LocalServer, trusting: ssl.SSLContext, dns: StubDNS, allow_loopback: None
):
    # Same address, same certificate: only the name in the URL differs.
    dns["impostor.example"] = ["127.0.0.1"]
    with pytest.raises(FetchError) as refused:
        Fetcher(ssl_context=trusting).fetch(f"https://{host}:{tls_server.port}/", check_robots=False)
    assert refused.value.code == "tls_error"
    assert "certificate" in refused.value.message
    assert not refused.value.transient
    assert tls_server.hits == []


def test_an_untrusted_certificate_is_refused_with_the_default_roots(
    tls_server: LocalServer, dns: StubDNS, allow_loopback: None
):
    dns["news.example"] = ["127.0.0.1"]
    with pytest.raises(FetchError) as refused:
        Fetcher().fetch(f"https://news.example:{tls_server.port}/", check_robots=False)
    assert refused.value.code == "tls_error"
    assert tls_server.hits == []


def test_environment_proxies_are_not_used(monkeypatch: pytest.MonkeyPatch, dns: StubDNS, recorder: RecordingBackend):
    # A proxy would connect to an address we never checked.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(name, "http://10.9.9.9:3128")
    dns["news.example"] = ["93.184.216.34"]
    Fetcher(network_backend=recorder).fetch("https://news.example/", check_robots=False)
    assert recorder.connections == [("93.184.216.34", 443)]


def test_the_tls_handshake_counts_against_the_deadline(dns: StubDNS, allow_loopback: None):
    # A server that starts a TLS record and then sends one byte a second: each read
    # succeeds, so only the deadline can end it.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    stop = threading.Event()

    def trickle() -> None:
        conn, _ = listener.accept()
        conn.recv(4096)  # the ClientHello
        conn.sendall(b"\x16\x03\x03\x40\x00")  # a 16 KiB handshake record follows…
        while not stop.is_set():
            try:
                conn.sendall(b"\x02")
            except OSError:
                break
            stop.wait(1.0)
        conn.close()

    threading.Thread(target=trickle, daemon=True).start()
    started = time.monotonic()
    try:
        with pytest.raises(FetchError) as stopped:
            Fetcher().fetch(f"https://127.0.0.1:{listener.getsockname()[1]}/", check_robots=False, deadline=1.5)
    finally:
        stop.set()
        listener.close()
    took = time.monotonic() - started
    print(f"\nTLS handshake trickle stopped after {took:.2f} s (deadline 1.5 s)")
    assert stopped.value.code == "timeout"
    assert stopped.value.transient
    assert "allowed" in stopped.value.message  # the deadline's words
    # The handshake record would take hours at this pace; only a missing deadline (the
    # connect time-out is 10 s, and every read succeeds) comes near this bound.
    assert took < 20
