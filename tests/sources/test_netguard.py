"""The address policy on its own: what is refused, what is not, and how numbers are read."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from sources import netguard
from sources.fetch import FetchError, check_url

# Bound at import, before the automatic stub replaces the module attribute.
from sources.netguard import blocked_reason, loose_ipv4, parse_networks, system_resolve
from tests.sources.conftest import StubDNS

PUBLIC = [
    "93.184.216.34",
    "1.1.1.1",
    "8.8.8.8",
    "151.101.1.195",
    "2606:4700::6810:84e5",
    "2a00:1450:4001:82a::200e",
    "64:ff9b::5db8:d822",  # NAT64 of 93.184.216.34
    "2002:5db8:d822::1",  # 6to4 of 93.184.216.34
]


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address: str):
    assert blocked_reason(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "a loopback address"),
        ("10.1.2.3", "a private address (RFC 1918)"),
        ("100.64.0.1", "a carrier-grade NAT address (100.64.0.0/10)"),
        ("169.254.169.254", "a cloud metadata service address"),
        ("0.1.2.3", "a 'this network' address (0.0.0.0/8)"),
        ("::1", "the IPv6 loopback address"),
        ("fd00::1", "a unique local IPv6 address (fc00::/7)"),
        ("::ffff:192.168.0.1", "the IPv4-mapped form of 192.168.0.1, a private address (RFC 1918)"),
        ("2002:0a00:0001::", "the 6to4 form of 10.0.0.1, a private address (RFC 1918)"),
        ("64:ff9b::100.64.0.1", "the NAT64 form of 100.64.0.1, a carrier-grade NAT address (100.64.0.0/10)"),
        # Teredo whose (obfuscated) client is the public 93.184.216.34: refused all the same
        ("2001:0:4136:e378:8000:63bf:a247:27dd", "an IETF protocol assignment IPv6 address (2001::/23)"),
    ],
)
def test_each_refusal_says_what_kind_of_address_it_is(address: str, reason: str):
    assert blocked_reason(ipaddress.ip_address(address)) == reason


def test_allowed_networks_open_exactly_what_they_name():
    allowed = parse_networks(["127.0.0.0/8", "10.20.0.0/16"])
    assert blocked_reason(ipaddress.ip_address("127.0.0.1"), allowed) is None
    assert blocked_reason(ipaddress.ip_address("::ffff:127.0.0.1"), allowed) is None  # the same host
    assert blocked_reason(ipaddress.ip_address("10.20.3.4"), allowed) is None
    assert blocked_reason(ipaddress.ip_address("10.21.0.1"), allowed) is not None
    assert blocked_reason(ipaddress.ip_address("::1"), allowed) is not None  # IPv6 loopback was not named
    assert blocked_reason(ipaddress.ip_address("169.254.169.254"), parse_networks(["0.0.0.0/0"])) is not None


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("0", "0.0.0.0"),  # noqa: S104 - an address to refuse, not to bind
        ("0x0a.0x14.0x1e.0x28", "10.20.30.40"),
        ("1.2.3.4.", "1.2.3.4"),
        ("example.com", None),
        ("1a.example", None),
    ],
)
def test_numeric_hosts_are_read_as_browsers_read_them(host: str, address: str | None):
    expected = ipaddress.IPv4Address(address) if address else None
    assert loose_ipv4(host) == expected


@pytest.mark.parametrize("host", ["1.2.3.4.5", "256.1.1.1", "1.16777216", "0x100000000", "08.1.1.1", "example.1"])
def test_hosts_that_end_in_a_number_but_are_no_address_are_invalid(host: str):
    with pytest.raises(ValueError, match="not a valid IPv4 address"):
        loose_ipv4(host)


def test_ordinary_news_urls_pass(dns: StubDNS):
    dns["apnews.com"] = ["23.185.0.4"]
    dns["www.reuters.com"] = ["2a00:1450:4001:82a::200e", "151.101.1.195"]
    check_url("https://apnews.com/article/russia-iran-intelligence-warships")
    check_url("http://www.reuters.com:8080/world/?ref=feed#top")


def test_a_public_address_written_oddly_is_refused_with_its_proper_form():
    with pytest.raises(FetchError) as refused:
        check_url("http://1572395042/")  # 93.184.216.34
    assert refused.value.code == "bad_url"
    assert "93.184.216.34" in refused.value.message


def test_the_system_resolver_returns_every_address_once(monkeypatch: pytest.MonkeyPatch):
    answers = [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 80)),
        (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("fe80::1%eth0", 80, 0, 2)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 80)),
    ]
    with monkeypatch.context() as patch:  # undone before the fixtures' own connections
        patch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: answers)
        addresses = system_resolve("news.example", 80)
    assert [str(a) for a in addresses] == ["93.184.216.34", "fe80::1"]


@pytest.mark.parametrize(("errno", "transient"), [(socket.EAI_NONAME, False), (socket.EAI_AGAIN, True)])
def test_a_failed_lookup_says_whether_to_retry(monkeypatch: pytest.MonkeyPatch, errno: int, transient: bool):
    def fail(*args: object, **kwargs: object) -> None:
        raise socket.gaierror(errno, "lookup failed")

    with monkeypatch.context() as patch:  # undone before the fixtures' own connections
        patch.setattr(socket, "getaddrinfo", fail)
        with pytest.raises(FetchError) as failed:
            system_resolve("news.example", 80)
    assert (failed.value.code, failed.value.transient) == ("dns_failure", transient)


def test_localhost_through_the_real_resolver_is_refused(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(netguard, "system_resolve", system_resolve)  # /etc/hosts, no DNS traffic
    with pytest.raises(FetchError) as refused:
        check_url("http://localhost/")
    assert refused.value.code == "blocked_address"
    assert "loopback" in refused.value.message
