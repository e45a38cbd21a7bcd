"""F4: robots.txt (RFC 9309) and the per-host pace, against local fake sites."""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any

import pytest

from sources.fetch import Fetcher, FetchError, fetch
from tests.sources.conftest import Handler, LocalServer, html, static

pytestmark = pytest.mark.usefixtures("allow_loopback")

ROBOTS = b"""# A newsroom's robots.txt
User-agent: *
Disallow: /private/
Allow: /private/press-release

User-agent: SomeOtherBot
Disallow: /
"""


def robots(body: bytes) -> Handler:
    return static(200, body, {"Content-Type": "text/plain"})


def refusal(url: str, **options: Any) -> FetchError:
    with pytest.raises(FetchError) as refused:
        fetch(url, **options)
    return refused.value


def pages(server: LocalServer) -> list[str]:
    return [path for path in server.paths() if path != "/robots.txt"]


@pytest.fixture
def site(server: LocalServer) -> LocalServer:
    for path in ("/", "/news/1", "/news/2", "/news/3", "/private/a", "/private/press-release", "/nocorr"):
        server.route(path, html())
    return server


def test_disallowed_paths_are_never_requested(site: LocalServer):
    site.route("/robots.txt", robots(ROBOTS))
    for path in ("/private/a", "/private/a?print=1"):
        error = refusal(site.url(path))
        assert error.code == "robots_disallowed"
        assert not error.transient
        assert "robots.txt" in error.message
    assert fetch(site.url("/news/1")).status == 200
    assert fetch(site.url("/private/press-release")).status == 200  # the longer Allow wins
    assert not [path for path in site.paths() if path.startswith("/private/a")]


def test_the_group_for_our_user_agent_token_is_the_one_obeyed(site: LocalServer):
    site.route(
        "/robots.txt",
        robots(b"User-agent: *\nDisallow: /\n\nUser-agent: corroborate\nDisallow: /nocorr\n"),
    )
    assert fetch(site.url("/news/1")).status == 200  # our group replaces "*"
    assert refusal(site.url("/nocorr")).code == "robots_disallowed"
    assert pages(site) == ["/news/1"]


def test_a_redirect_from_a_disallowed_path_is_not_followed_into_it(site: LocalServer):
    site.route("/robots.txt", robots(ROBOTS))
    site.route("/go", static(302, headers={"Location": "/private/a"}))
    assert refusal(site.url("/go")).code == "robots_disallowed"
    assert pages(site) == ["/go"]


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_a_robots_txt_server_error_means_no_fetch(status: int, site: LocalServer):
    site.route("/robots.txt", static(status, b"try later"))
    error = refusal(site.url("/news/1"))
    assert error.code == "robots_unreachable"
    assert error.transient
    assert pages(site) == []


def test_an_unreachable_robots_txt_means_no_fetch(make_server):
    gone = make_server()
    url = gone.url("/news/1")
    gone.close()
    assert refusal(url).code == "robots_unreachable"


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410])
def test_a_robots_txt_client_error_means_everything_is_allowed(status: int, site: LocalServer):
    site.route("/robots.txt", static(status, b"no"))
    assert fetch(site.url("/private/a")).status == 200


def test_robots_txt_is_fetched_once_for_many_fetches(site: LocalServer):
    site.route("/robots.txt", robots(ROBOTS))
    for path in ("/news/1", "/news/2", "/news/3", "/"):
        fetch(site.url(path))
    assert site.paths().count("/robots.txt") == 1


def test_robots_txt_is_fetched_again_once_the_copy_expires(site: LocalServer, fetch_settings):
    fetch_settings.FETCH_ROBOTS_CACHE_SECONDS = 0.5
    site.route("/robots.txt", robots(ROBOTS))
    fetch(site.url("/news/1"))
    fetch(site.url("/news/2"))
    assert site.paths().count("/robots.txt") == 1
    time.sleep(0.6)
    site.route("/robots.txt", robots(b"User-agent: *\nDisallow: /news/\n"))  # the site changed its mind
    assert refusal(site.url("/news/3")).code == "robots_disallowed"
    assert site.paths().count("/robots.txt") == 2


def test_a_robots_txt_copy_is_kept_for_at_most_a_day(fetch_settings):
    fetch_settings.FETCH_ROBOTS_CACHE_SECONDS = 7 * 24 * 3600  # even if someone configured more
    assert Fetcher()._robots._max_age == 24 * 3600


def test_a_redirected_robots_txt_is_followed(site: LocalServer):
    site.route("/robots.txt", static(301, headers={"Location": "/real-robots.txt"}))
    site.route("/real-robots.txt", robots(ROBOTS))
    assert refusal(site.url("/private/a")).code == "robots_disallowed"


def test_a_huge_robots_txt_is_read_up_to_500_kib(site: LocalServer):
    filler = b"# " + b"x" * 78 + b"\n"
    body = b"User-agent: *\nDisallow: /private/\n" + filler * 20_000  # 1.6 MB
    site.route("/robots.txt", robots(body))
    assert refusal(site.url("/private/a")).code == "robots_disallowed"
    assert fetch(site.url("/news/1")).status == 200


def test_every_request_carries_our_user_agent(site: LocalServer, settings):
    site.route("/robots.txt", robots(ROBOTS))
    fetch(site.url("/news/1"))
    assert [hit.path for hit in site.hits] == ["/robots.txt", "/news/1"]
    assert {hit.headers["user-agent"] for hit in site.hits} == {settings.FETCH_USER_AGENT}


def test_robots_can_be_skipped_by_the_caller(site: LocalServer):
    site.route("/robots.txt", robots(b"User-agent: *\nDisallow: /\n"))
    assert fetch(site.url("/news/1"), check_robots=False).status == 200
    assert site.paths() == ["/news/1"]


# --- per-host pace -------------------------------------------------------------------------


# Turns are reserved on Redis's clock; the server sees arrivals, which scheduling can
# shift by a few milliseconds either way; gaps and the span of a burst get that much
# slack (without pacing the gaps would be about a millisecond).
SLACK = 0.03


def gaps(server: LocalServer) -> list[float]:
    times = sorted(hit.at for hit in server.hits)
    return [later - earlier for earlier, later in itertools.pairwise(times)]


def test_requests_to_one_host_are_spaced_by_the_interval(site: LocalServer, fetch_settings):
    fetch_settings.FETCH_HOST_INTERVAL = 0.25
    site.route("/robots.txt", robots(ROBOTS))
    for path in ("/news/1", "/news/2", "/news/3"):
        fetch(site.url(path))
    assert len(site.hits) == 4
    assert min(gaps(site)) >= 0.25 - SLACK


def test_the_pace_holds_across_concurrent_workers(site: LocalServer, fetch_settings):
    # Each thread has its own cache connection, as separate worker processes would.
    fetch_settings.FETCH_HOST_INTERVAL = 0.2
    site.route("/robots.txt", robots(ROBOTS))
    errors: list[BaseException] = []

    def worker(path: str) -> None:
        try:
            fetch(site.url(path))
        except BaseException as exc:  # collected and re-raised by the test
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(f"/news/{n % 3 + 1}",)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    requests = len(site.hits)
    spread = max(hit.at for hit in site.hits) - min(hit.at for hit in site.hits)
    print(f"\n{requests} requests from 6 workers to one host, closest two {min(gaps(site)):.3f} s apart")
    assert min(gaps(site)) >= 0.2 - SLACK
    assert spread >= (requests - 1) * 0.2 - SLACK


def test_the_default_is_at_most_one_request_a_second(site: LocalServer, fetch_settings):
    fetch_settings.FETCH_HOST_INTERVAL = 1  # the default in config/settings.py
    site.route("/robots.txt", robots(ROBOTS))
    fetch(site.url("/news/1"))
    fetch(site.url("/news/2"))
    print(f"\ndefault pace: requests {', '.join(f'{g:.3f}' for g in gaps(site))} s apart")
    assert min(gaps(site)) >= 1 - SLACK
    assert max(hit.at for hit in site.hits) - min(hit.at for hit in site.hits) >= 2 - SLACK


def test_other_hosts_are_not_held_up(site: LocalServer, make_server, fetch_settings):
    fetch_settings.FETCH_HOST_INTERVAL = 0.5
    other = make_server("127.0.0.2")
    other.route("/", html())
    fetch(site.url("/news/1"), check_robots=False)
    started = time.monotonic()
    fetch(other.url("/"), check_robots=False)
    assert time.monotonic() - started < 0.3


def test_a_turn_after_the_deadline_is_refused_at_once(site: LocalServer, fetch_settings):
    fetch_settings.FETCH_HOST_INTERVAL = 10
    fetch(site.url("/news/1"), check_robots=False)
    started = time.monotonic()
    error = refusal(site.url("/news/2"), check_robots=False, deadline=2)
    assert (error.code, error.transient) == ("rate_limited", True)
    assert error.retry_after is not None
    assert error.retry_after > 5
    assert time.monotonic() - started < 0.5
    assert pages(site) == ["/news/1"]
