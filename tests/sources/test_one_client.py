"""Every fetch goes through sources/fetch.py: no other module opens URLs, and parsers
are never handed a URL (feedparser and trafilatura would fetch it themselves)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Every Django app (a folder with apps.py) and the project package, so new apps are covered.
APP_DIRS = sorted({path.parent.name for path in ROOT.glob("*/apps.py")} | {"config"})
THE_CLIENT = {ROOT / "sources" / "fetch.py", ROOT / "sources" / "netguard.py", ROOT / "sources" / "robots.py"}

FORBIDDEN = {
    "urllib.request": re.compile(r"\burllib\.request\b|\burlopen\("),
    "urllib3": re.compile(r"^\s*(import urllib3|from urllib3\b)|\burllib3\.", re.MULTILINE),
    "requests": re.compile(r"^\s*(import requests|from requests\b)", re.MULTILINE),
    "httpcore": re.compile(r"^\s*(import httpcore|from httpcore\b)|\bhttpcore\.", re.MULTILINE),
    "httpx outside the client": re.compile(r"\bhttpx\.(get|post|request|stream|Client|AsyncClient)\b"),
    "socket connections": re.compile(r"\bsocket\.(create_connection|socket)\("),
    "trafilatura.fetch_url": re.compile(r"\bfetch_url\s*\("),
    "feedparser given a URL": re.compile(r"feedparser\.parse\(\s*(f?['\"]https?:|url\b|\w*_url\b)"),
    "http.client": re.compile(r"\bhttp\.client\b"),
}


def application_modules() -> list[Path]:
    return [path for d in APP_DIRS for path in (ROOT / d).rglob("*.py") if "migrations" not in path.parts]


def test_no_module_but_the_client_opens_urls():
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in application_modules()
        if path not in THE_CLIENT
        for name, pattern in FORBIDDEN.items()
        if pattern.search(path.read_text())
    ]
    # Fetch with sources.fetch (extend it, e.g. for webhook POSTs, rather than go around it).
    assert offenders == []


@pytest.mark.parametrize(
    ("rule", "sample"),
    [
        ("feedparser given a URL", "import feedparser\nfeed = feedparser.parse(feed_url)\n"),
        ("trafilatura.fetch_url", "trafilatura.fetch_url(url)\n"),
        ("httpcore", "import httpcore\nconnection = httpcore.HTTPConnection(origin=o)\n"),
        ("httpcore", "from httpcore import HTTPConnection\n"),
        ("urllib3", "import urllib3\nurllib3.PoolManager().request('GET', url)\n"),
        ("requests", "import requests\nrequests.get(url)\n"),
        ("socket connections", "sock = socket.create_connection((host, 443))\n"),
        ("httpx outside the client", "with httpx.Client() as client:\n    client.get(url)\n"),
    ],
)
def test_the_scan_would_notice(rule: str, sample: str):
    assert FORBIDDEN[rule].search(sample)
