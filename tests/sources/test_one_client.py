"""Every outgoing connection goes through sources/fetch.py: no other module imports or
calls an HTTP client or opens a socket, and parsers are never handed a URL (feedparser
and trafilatura would fetch it themselves).

Imports and calls are read from the syntax tree, so `from socket import
create_connection`, `import httpx as h; h.Client()` and `from urllib import request`
are caught as surely as the plain spellings."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
THE_CLIENT = ROOT / "sources" / "fetch.py"
# Everything that runs in or beside the product; the tests start their own servers and clients.
NOT_SCANNED = {".venv", "tests", "migrations", "staticfiles", "node_modules"}
# The fault suite and the load run play the outside world against a product they start
# on loopback (API clients, browsers, a webhook receiver), as the tests do; with the
# module that starts the product's processes for both, they are no part of the product.
HARNESSES = {ROOT / "scripts" / "faults.py", ROOT / "bench" / "load.py", ROOT / "bench" / "processes.py"}

# Modules that open connections: importing any part of them is going round the client.
CLIENT_MODULES = ("requests", "urllib3", "httpcore", "http.client", "urllib.request", "aiohttp", "pycurl")
# Names in otherwise harmless modules (httpx's URL and errors, socket's resolver) that
# open connections.
CLIENT_NAMES = {
    "socket.create_connection",
    "socket.socket",
    "socket.socketpair",
    "httpx.Client",
    "httpx.AsyncClient",
    "httpx.HTTPTransport",
    "httpx.AsyncHTTPTransport",
    "httpx.get",
    "httpx.post",
    "httpx.put",
    "httpx.patch",
    "httpx.delete",
    "httpx.head",
    "httpx.options",
    "httpx.request",
    "httpx.stream",
    "asyncio.open_connection",
}
# Parsers that would fetch a URL themselves: they are given bytes or text, never a URL.
PARSER_FETCHES = {
    "trafilatura.fetch_url": re.compile(r"\bfetch_url\s*\("),
    "feedparser given a URL": re.compile(r"feedparser\.parse\(\s*(f?['\"]https?:|url\b|\w*_url\b)"),
}


def product_modules() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if not NOT_SCANNED.intersection(path.relative_to(ROOT).parts) and path not in HARNESSES
    )


def _is_client(name: str) -> bool:
    return name in CLIENT_NAMES or any(name == m or name.startswith(m + ".") for m in CLIENT_MODULES)


def client_uses(source: str) -> list[str]:
    """The HTTP clients and socket calls the source imports or uses, by their full names."""
    tree = ast.parse(source)
    aliases: dict[str, str] = {}  # a name in this module -> the module or object it is
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(alias.name)
                if alias.asname:  # import urllib.request as r: r is urllib.request
                    aliases[alias.asname] = alias.name
                else:  # import urllib.request: the name bound is urllib
                    top = alias.name.split(".")[0]
                    aliases[top] = top
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                found.append(f"{node.module}.{alias.name}")
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            dotted = _dotted(node)
            if dotted is not None:
                head, _, rest = dotted.partition(".")
                found.append(f"{aliases.get(head, head)}.{rest}")
    return sorted({name for name in found if _is_client(name)})


def _dotted(node: ast.expr) -> str | None:
    """`a.b.c` as text, when the expression is only names and attributes."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base is not None else None
    return None


def offences(source: str) -> list[str]:
    return client_uses(source) + [name for name, pattern in PARSER_FETCHES.items() if pattern.search(source)]


def test_no_module_but_the_client_opens_connections() -> None:
    scanned = product_modules()
    assert THE_CLIENT in scanned
    assert ROOT / "integrations" / "services.py" in scanned  # the webhook deliveries, too
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in scanned
        if path != THE_CLIENT
        for name in offences(path.read_text())
    ]
    # Fetch with sources.fetch (extend it, as for webhook POSTs, rather than go around it).
    assert offenders == []


def test_the_scan_sees_the_client_itself() -> None:
    # What the client really does, written as it is written there, is what the scan finds.
    uses = client_uses(THE_CLIENT.read_text())
    assert {"httpcore", "httpcore.HTTPConnection", "httpx.Client"} <= set(uses)


@pytest.mark.parametrize(
    ("sample", "caught"),
    [
        ("import feedparser\nfeed = feedparser.parse(feed_url)\n", "feedparser given a URL"),
        ("trafilatura.fetch_url(url)\n", "trafilatura.fetch_url"),
        ("import httpcore\nconnection = httpcore.HTTPConnection(origin=o)\n", "httpcore"),
        ("from httpcore import HTTPConnection\n", "httpcore.HTTPConnection"),
        ("import urllib3\nurllib3.PoolManager().request('GET', url)\n", "urllib3"),
        ("from urllib3.poolmanager import PoolManager\n", "urllib3.poolmanager.PoolManager"),
        ("import requests\nrequests.get(url)\n", "requests"),
        ("import requests as r\nr.post(url)\n", "requests.post"),
        ("import socket\nsock = socket.create_connection((host, 443))\n", "socket.create_connection"),
        ("from socket import create_connection\n", "socket.create_connection"),
        ("import socket as s\ns.socket()\n", "socket.socket"),
        ("import httpx\nwith httpx.Client() as client:\n    client.get(url)\n", "httpx.Client"),
        ("from httpx import Client\n", "httpx.Client"),
        ("import httpx as h\nh.get(url)\n", "httpx.get"),
        ("from urllib import request\n", "urllib.request"),
        ("import urllib.request\n", "urllib.request"),
        ("from http import client\n", "http.client"),
    ],
)
def test_the_scan_would_notice(sample: str, caught: str) -> None:
    assert caught in offences(sample)


@pytest.mark.parametrize(
    "sample",
    [
        "import httpx\nurl = httpx.URL(text)\nerror = httpx.TimeoutException\n",
        "import socket\ninfos = socket.getaddrinfo(host, 443)\n",
        "from urllib.parse import urlsplit\n",
        "from http import HTTPStatus\n",
        "feed = feedparser.parse(body)\n",
    ],
)
def test_the_scan_lets_harmless_uses_be(sample: str) -> None:
    assert offences(sample) == []
