"""F1: no fetch reaches an internal address, however the URL, DNS or a redirect dresses it up.

Loopback targets use the canary's port, so a fetch that got through would show up as a
connection on the canary; everything else is caught by the loopback-only guard."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sources.fetch import Fetcher, FetchError, check_url, fetch
from tests.sources.conftest import Canary, LocalServer, RecordingBackend, StubDNS, html, static

LOOPBACK = "loopback"
PRIVATE = "private address (RFC 1918)"
METADATA = "cloud metadata"
SCHEME = "Only http and https"

# (URL with {P} for the canary's port, expected code, words the message must contain)
CORPUS: list[tuple[str, str, str]] = [
    # IPv4 loopback, in every notation browsers and inet_aton() accept
    ("http://127.0.0.1:{P}/", "blocked_address", LOOPBACK),
    ("https://127.0.0.1:{P}/", "blocked_address", LOOPBACK),
    ("HTTP://127.0.0.1:{P}/admin", "blocked_address", LOOPBACK),
    ("http://127.1:{P}/", "blocked_address", LOOPBACK),
    ("http://127.0.1:{P}/", "blocked_address", LOOPBACK),
    ("http://2130706433:{P}/", "blocked_address", LOOPBACK),
    ("http://0177.0.0.1:{P}/", "blocked_address", LOOPBACK),
    ("http://0177.1:{P}/", "blocked_address", LOOPBACK),
    ("http://017700000001:{P}/", "blocked_address", LOOPBACK),
    ("http://0x7f.1:{P}/", "blocked_address", LOOPBACK),
    ("http://0x7f000001:{P}/", "blocked_address", LOOPBACK),
    ("http://0x7f.0x0.0x0.0x1:{P}/", "blocked_address", LOOPBACK),
    ("http://127.000.000.001:{P}/", "blocked_address", LOOPBACK),
    ("http://127.0.0.1.:{P}/", "blocked_address", LOOPBACK),
    ("http://127.255.255.254:{P}/", "blocked_address", LOOPBACK),
    ("http://127。0。0。1:{P}/", "blocked_address", LOOPBACK),
    # IPv6 loopback and IPv4 loopback wrapped in IPv6
    ("http://[::1]:{P}/", "blocked_address", LOOPBACK),
    ("http://[0:0:0:0:0:0:0:1]:{P}/", "blocked_address", LOOPBACK),
    ("http://[::ffff:127.0.0.1]:{P}/", "blocked_address", "IPv4-mapped"),
    ("http://[::ffff:7f00:1]:{P}/", "blocked_address", "IPv4-mapped"),
    ("http://[0:0:0:0:0:ffff:127.0.0.1]:{P}/", "blocked_address", "IPv4-mapped"),
    ("http://[::127.0.0.1]:{P}/", "blocked_address", "IPv4-compatible"),
    ("http://[::ffff:0:7f00:1]:{P}/", "blocked_address", "IPv4-translated"),
    ("http://[64:ff9b::127.0.0.1]:{P}/", "blocked_address", "NAT64"),
    ("http://[64:ff9b::7f00:1]:{P}/", "blocked_address", "NAT64"),
    ("http://[2002:7f00:1::]:{P}/", "blocked_address", "6to4"),
    ("http://[2002:7f00:0001:0:0:0:0:1]:{P}/", "blocked_address", "6to4"),
    ("http://[2001:0:4136:e378:8000:63bf:80ff:fffe]:{P}/", "blocked_address", "Teredo"),
    # "this network"
    ("http://0.0.0.0:{P}/", "blocked_address", "this network"),
    ("http://0:{P}/", "blocked_address", "this network"),
    ("http://[::]:{P}/", "blocked_address", "unspecified"),
    # cloud metadata
    ("http://169.254.169.254/latest/meta-data/", "blocked_address", METADATA),
    ("http://169.254.170.2/v2/credentials", "blocked_address", METADATA),
    ("http://[fd00:ec2::254]/latest/meta-data/", "blocked_address", METADATA),
    ("http://100.100.100.200/latest/meta-data/", "blocked_address", METADATA),
    ("http://192.0.0.192/opc/v2/instance/", "blocked_address", METADATA),
    ("http://2852039166/latest/meta-data/", "blocked_address", METADATA),
    ("http://0xa9fea9fe/", "blocked_address", METADATA),
    ("http://[::ffff:169.254.169.254]/", "blocked_address", METADATA),
    ("http://[::ffff:a9fe:a9fe]/", "blocked_address", METADATA),
    ("http://[64:ff9b::a9fe:a9fe]/", "blocked_address", METADATA),
    ("http://[2002:a9fe:a9fe::1]/", "blocked_address", METADATA),
    # link-local, CGNAT, RFC 1918
    ("http://169.254.1.1/", "blocked_address", "link-local"),
    ("http://100.64.0.1/", "blocked_address", "carrier-grade NAT"),
    ("http://100.127.255.254/", "blocked_address", "carrier-grade NAT"),
    ("http://10.0.0.1/", "blocked_address", PRIVATE),
    ("http://10.255.255.255:8080/", "blocked_address", PRIVATE),
    ("http://172.16.0.1/", "blocked_address", PRIVATE),
    ("http://172.31.255.254/", "blocked_address", PRIVATE),
    ("http://192.168.0.1/", "blocked_address", PRIVATE),
    ("http://192.168.1.1:8443/", "blocked_address", PRIVATE),
    ("http://012.0.0.1/", "blocked_address", PRIVATE),
    ("http://0xc0a80001/", "blocked_address", PRIVATE),
    ("http://[::ffff:10.0.0.1]/", "blocked_address", PRIVATE),
    ("http://[2002:c0a8:101::1]/", "blocked_address", PRIVATE),
    # IPv6 local ranges
    ("http://[fc00::1]/", "blocked_address", "unique local"),
    ("http://[fd12:3456:789a::1]/", "blocked_address", "unique local"),
    ("http://[fe80::1]/", "blocked_address", "link-local"),
    ("http://[fe80::1%25eth0]/", "blocked_address", "link-local"),
    ("http://[fec0::1]/", "blocked_address", "site-local"),
    ("http://[64:ff9b:1::a00:1]/", "blocked_address", "local-use NAT64"),
    # multicast, broadcast, reserved, documentation, benchmarking
    ("http://224.0.0.1/", "blocked_address", "multicast"),
    ("http://239.255.255.250:1900/", "blocked_address", "multicast"),
    ("http://[ff02::1]/", "blocked_address", "multicast"),
    ("http://255.255.255.255/", "blocked_address", "broadcast"),
    ("http://240.0.0.1/", "blocked_address", "reserved"),
    ("http://192.0.2.1/", "blocked_address", "documentation"),
    ("http://198.51.100.7/", "blocked_address", "documentation"),
    ("http://203.0.113.9/", "blocked_address", "documentation"),
    ("http://[2001:db8::1]/", "blocked_address", "documentation"),
    ("http://198.18.0.1/", "blocked_address", "benchmarking"),
    ("http://198.19.255.1/", "blocked_address", "benchmarking"),
    ("http://[2001:2::1]/", "blocked_address", "benchmarking"),
    # names that resolve inside (the stub resolver answers; see NAMES below)
    ("http://localhost:{P}/", "blocked_address", LOOPBACK),
    ("http://LOCALHOST:{P}/", "blocked_address", LOOPBACK),
    ("http://localhost.:{P}/", "blocked_address", LOOPBACK),
    ("http://app.localhost:{P}/", "blocked_address", LOOPBACK),
    ("http://127.0.0.1.nip.io:{P}/", "blocked_address", LOOPBACK),
    ("http://metadata.google.internal/computeMetadata/v1/", "blocked_address", METADATA),
    ("http://intranet.example/", "blocked_address", PRIVATE),
    ("http://cgnat.example/", "blocked_address", "carrier-grade NAT"),
    ("http://mapped.example:{P}/", "blocked_address", "IPv4-mapped"),
    # mixed A/AAAA: one bad address is enough
    ("http://public-a-loopback-aaaa.example:{P}/", "blocked_address", LOOPBACK),
    ("http://public-aaaa-private-a.example/", "blocked_address", PRIVATE),
    ("http://ula-aaaa-public-a.example/", "blocked_address", "unique local"),
    # user-info and fragment tricks
    ("http://public.example@127.0.0.1:{P}/", "bad_url", "user name or password"),
    ("http://user:secret@127.0.0.1:{P}/", "bad_url", "user name or password"),
    ("http://127.0.0.1:{P}\\@public.example/", "bad_url", "user name or password"),
    ("http://127.0.0.1:{P}#@public.example/", "blocked_address", LOOPBACK),
    ("http://127.0.0.1:{P}?@public.example/", "blocked_address", LOOPBACK),
    # malformed hosts and ports
    ("http://%31%32%37.0.0.1:{P}/", "bad_url", "not a valid IPv4"),
    ("http://①②⑦.0.0.1:{P}/", "bad_url", "not a web address"),
    ("http://127.0.0.1.1:{P}/", "bad_url", "not a valid IPv4"),
    ("http://256.0.0.1/", "bad_url", "not a web address"),
    ("http://127.0.0.1:0/", "bad_url", "invalid port"),
    ("http:/127.0.0.1:{P}/", "bad_url", "no host"),
    # other schemes
    ("file:///etc/passwd", "bad_scheme", SCHEME),
    ("file://127.0.0.1/etc/passwd", "bad_scheme", SCHEME),
    ("gopher://127.0.0.1:{P}/_GET%20/", "bad_scheme", SCHEME),
    ("ftp://127.0.0.1/", "bad_scheme", SCHEME),
    ("dict://127.0.0.1:11211/stat", "bad_scheme", SCHEME),
    ("ldap://127.0.0.1/", "bad_scheme", SCHEME),
    ("sftp://127.0.0.1/", "bad_scheme", SCHEME),
    ("tftp://127.0.0.1/", "bad_scheme", SCHEME),
    ("ws://127.0.0.1:{P}/", "bad_scheme", SCHEME),
    ("jar:http://127.0.0.1!/", "bad_scheme", SCHEME),
    ("data:text/html,<script>alert(1)</script>", "bad_scheme", SCHEME),
    ("javascript:alert(document.domain)", "bad_scheme", SCHEME),
    ("//127.0.0.1:{P}/", "bad_scheme", SCHEME),
]

NAMES = {
    "app.localhost": ["127.0.0.1"],
    "127.0.0.1.nip.io": ["127.0.0.1"],
    "metadata.google.internal": ["169.254.169.254"],
    "intranet.example": ["10.20.30.40"],
    "cgnat.example": ["100.64.12.34"],
    "mapped.example": ["::ffff:127.0.0.1"],
    "public-a-loopback-aaaa.example": ["93.184.216.34", "::1"],
    "public-aaaa-private-a.example": ["2606:2800:220:1::1", "192.168.7.7"],
    "ula-aaaa-public-a.example": ["fd00:1234::1", "1.1.1.1"],
    "public.example": ["93.184.216.34"],
}


@pytest.fixture
def names(dns: StubDNS) -> StubDNS:
    for name, answers in NAMES.items():
        dns[name] = answers
    return dns


def refusal(call: Callable[[str], object], url: str) -> FetchError:
    with pytest.raises(FetchError) as refused:
        call(url)
    return refused.value


@pytest.mark.parametrize(("template", "code", "words"), CORPUS, ids=[entry[0] for entry in CORPUS])
def test_a_dangerous_url_is_refused_with_its_reason(template, code, words, canary: Canary, names: StubDNS):
    url = template.format(P=canary.port)
    fetched = refusal(fetch, url)
    early = refusal(check_url, url)
    assert (fetched.code, early.code) == (code, code), fetched.message
    assert words in fetched.message
    assert fetched.message == early.message
    assert not fetched.transient
    assert canary.connections == 0


def test_the_corpus_is_large_and_entirely_refused(canary: Canary, names: StubDNS):
    refused = 0
    for template, _code, _words in CORPUS:
        try:
            fetch(template.format(P=canary.port))
        except FetchError:
            refused += 1
    print(f"\nSSRF corpus: {refused}/{len(CORPUS)} refused; canary connections: {canary.connections}")
    assert len(CORPUS) >= 60
    assert refused == len(CORPUS)
    assert canary.connections == 0


# --- loopback is refused unless allowed --------------------------------------------------


def test_loopback_is_refused_by_default(server: LocalServer):
    server.route("/", html())
    assert refusal(fetch, server.url("/")).code == "blocked_address"
    assert server.hits == []


def test_an_allowed_network_can_be_reached(server: LocalServer, allow_loopback: None):
    server.route("/", html(b"<p>local</p>"))
    assert fetch(server.url("/")).body == b"<p>local</p>"


def test_an_allowed_network_opens_only_itself(make_server, fetch_settings, canary: Canary):
    fetch_settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    allowed = make_server("127.0.0.2")
    allowed.route("/", html())
    assert fetch(allowed.url("/")).status == 200
    assert refusal(fetch, f"http://127.0.0.1:{canary.port}/").code == "blocked_address"
    assert canary.connections == 0


def test_metadata_stays_closed_even_inside_an_allowed_network(fetch_settings):
    fetch_settings.FETCH_ALLOWED_NETWORKS = ["0.0.0.0/0", "::/0"]
    for url in ("http://169.254.169.254/", "http://[fd00:ec2::254]/", "http://[::ffff:169.254.169.254]/"):
        assert refusal(check_url, url).code == "blocked_address"


# --- redirects to internal addresses -------------------------------------------------------

REDIRECT_TARGETS = [
    ("http://127.0.0.1:{P}/", "blocked_address"),
    ("http://[::1]:{P}/", "blocked_address"),
    ("http://localhost:{P}/", "blocked_address"),
    ("http://2130706433:{P}/", "blocked_address"),
    ("http://[::ffff:127.0.0.1]:{P}/", "blocked_address"),
    ("//127.0.0.1:{P}/scheme-relative", "blocked_address"),
    ("http://169.254.169.254/latest/meta-data/iam/", "blocked_address"),
    ("http://10.0.0.1/", "blocked_address"),
    ("http://192.168.1.1/", "blocked_address"),
    ("http://public.example@127.0.0.1:{P}/", "bad_url"),
    ("file:///etc/passwd", "bad_scheme"),
    ("gopher://127.0.0.1:{P}/_INFO", "bad_scheme"),
]


@pytest.fixture
def relay(make_server, fetch_settings, names: StubDNS) -> LocalServer:
    """An allowed server (127.0.0.2 only) that redirects wherever a test says."""
    fetch_settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    return make_server("127.0.0.2")


@pytest.mark.parametrize(("target", "code"), REDIRECT_TARGETS, ids=[t for t, _ in REDIRECT_TARGETS])
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_to_an_internal_address_is_refused(relay: LocalServer, canary: Canary, target, code, status):
    relay.route("/go", static(status, headers={"Location": target.format(P=canary.port)}))
    error = refusal(fetch, relay.url("/go"))
    assert error.code == code
    assert "/go" in relay.paths()  # the allowed server was reached; the next hop was not
    assert canary.connections == 0


def test_a_redirect_chain_is_checked_at_every_hop(relay: LocalServer, canary: Canary):
    relay.route("/one", static(302, headers={"Location": "/two"}))
    relay.route("/two", static(302, headers={"Location": relay.url("/three")}))
    relay.route("/three", static(302, headers={"Location": f"http://127.1:{canary.port}/"}))
    assert refusal(fetch, relay.url("/one")).code == "blocked_address"
    assert [p for p in relay.paths() if p != "/robots.txt"] == ["/one", "/two", "/three"]
    assert canary.connections == 0


# --- DNS: rebinding, and connecting to the address that was checked ---------------------


def test_a_name_that_rebinds_after_the_form_check_is_refused_at_fetch(dns: StubDNS, canary: Canary):
    dns.sequence("rebind.example", ["93.184.216.34"], ["127.0.0.1"])
    url = f"http://rebind.example:{canary.port}/"
    check_url(url)  # the first lookup is public: the pasted URL is accepted
    assert refusal(fetch, url).code == "blocked_address"  # the second is not
    assert canary.connections == 0


def test_a_name_that_rebinds_between_robots_and_page_is_refused(dns: StubDNS, canary: Canary):
    dns.sequence("rebind.example", ["93.184.216.34"], ["127.0.0.1"])
    recorder = RecordingBackend(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
    error = refusal(Fetcher(network_backend=recorder).fetch, f"http://rebind.example:{canary.port}/")
    assert error.code == "blocked_address"
    assert recorder.connections == [("93.184.216.34", canary.port)]  # robots.txt only
    assert canary.connections == 0


def test_the_connection_goes_to_the_address_checked_with_one_lookup_per_request(dns: StubDNS):
    # Whatever the name resolves to later, the socket is opened to the vetted number.
    dns.sequence("news.example", ["93.184.216.34"], ["127.0.0.1"])
    recorder = RecordingBackend()
    result = Fetcher(network_backend=recorder).fetch("http://news.example/story", check_robots=False)
    assert result.body == b"<p>public</p>"
    assert recorder.connections == [("93.184.216.34", 80)]
    assert result.server_address == "93.184.216.34"
    assert dns.lookups == ["news.example"]


def test_a_refused_connection_falls_back_to_the_next_vetted_address(dns: StubDNS, make_server, fetch_settings):
    fetch_settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    live = make_server("127.0.0.3")
    live.route("/", html())
    dns["twohomes.example"] = ["127.0.0.4", "127.0.0.3"]  # nothing listens on 127.0.0.4
    result = Fetcher().fetch(f"http://twohomes.example:{live.port}/", check_robots=False)
    assert result.server_address == "127.0.0.3"


def test_a_name_that_does_not_resolve_is_reported(dns: StubDNS):
    error = refusal(fetch, "http://no-such-host.example/")
    assert error.code == "dns_failure"
    assert "no-such-host.example" in error.message
