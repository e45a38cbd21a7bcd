"""F4: robots.txt (RFC 9309) and the per-host pace, against local fake sites."""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches

from sources.fetch import Fetcher, FetchError, fetch
from sources.providers.base import ProviderPace
from sources.robots import CACHE_DOWN_RETRY_SECONDS, HostPacer
from tests.sources.conftest import Handler, LocalServer, Turns, html, static

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
    fetch_settings.FETCH_ROBOTS_CACHE_SECONDS = 600
    site.route("/robots.txt", robots(ROBOTS))
    fetch(site.url("/news/1"))
    fetch(site.url("/news/2"))
    assert site.paths().count("/robots.txt") == 1
    # Ten minutes pass for the stored copy (its fetch time is what the age is read from).
    key = f"fetch:robots:{site.url('/robots.txt')}"
    copy_ = caches["default"].get(key)
    caches["default"].set(key, {**copy_, "fetched_at": copy_["fetched_at"] - 601})
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

# These check the turns the pacer granted (on Redis's clock), not when the server saw
# each request: a busy machine can delay a request past its turn, but the pacer's
# decisions are what keeps a site from being hammered, and they do not depend on load.


def test_requests_to_one_host_are_spaced_by_the_interval(site: LocalServer, fetch_settings, turns: Turns):
    fetch_settings.FETCH_HOST_INTERVAL = 0.25
    site.route("/robots.txt", robots(ROBOTS))
    for path in ("/news/1", "/news/2", "/news/3"):
        fetch(site.url(path))
    assert len(site.hits) == 4
    assert len(turns.of(site.host)) == 4  # robots.txt takes a turn too
    assert min(turns.gaps(site.host)) >= 250


def test_the_pace_holds_across_concurrent_workers(site: LocalServer, fetch_settings, turns: Turns):
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
    granted = turns.of(site.host)
    print(f"\n{len(site.hits)} requests from 6 workers to one host; turns {turns.gaps(site.host)} ms apart")
    assert len(granted) == len(site.hits)  # every request waited for a turn
    assert min(turns.gaps(site.host)) >= 200
    # Six workers asking at once: all but the first were told to wait.
    assert sum(turn.wait > 0 for turn in granted) >= len(granted) - 1


def test_the_default_is_at_most_one_request_a_second(site: LocalServer, fetch_settings, turns: Turns):
    fetch_settings.FETCH_HOST_INTERVAL = 1  # the default in config/settings.py
    site.route("/robots.txt", robots(ROBOTS))
    fetch(site.url("/news/1"))
    fetch(site.url("/news/2"))
    assert len(site.hits) == 3
    assert len(turns.gaps(site.host)) == 2
    assert min(turns.gaps(site.host)) >= 1000


def test_a_turn_is_waited_for_before_the_request_is_sent(fetch_settings: Any) -> None:
    """The pacer sleeps exactly the wait it granted (an injected sleep records it)."""
    slept: list[float] = []
    pacer = HostPacer(cache=caches["default"], interval=5, sleep=slept.append)
    deadline_at = time.monotonic() + 60
    first = pacer.wait_turn("news.example", deadline_at)
    second = pacer.wait_turn("News.Example", deadline_at)  # host names are case-blind
    assert first is not None
    assert second is not None
    assert first.wait == 0
    assert round((second.at - first.at) * 1000) == 5000
    assert 0 < second.wait <= 5
    assert slept == [second.wait]


def test_other_hosts_are_not_held_up(site: LocalServer, make_server, fetch_settings, turns: Turns):
    fetch_settings.FETCH_HOST_INTERVAL = 0.5
    other = make_server("127.0.0.2")
    other.route("/", html())
    fetch(site.url("/news/1"), check_robots=False)
    fetch(other.url("/"), check_robots=False)
    (turn,) = turns.of(other.host)
    assert turn.wait == 0  # no wait for the first site's clock


def test_a_turn_after_the_deadline_is_refused_at_once(site: LocalServer, fetch_settings, turns: Turns):
    fetch_settings.FETCH_HOST_INTERVAL = 10
    fetch(site.url("/news/1"), check_robots=False)
    error = refusal(site.url("/news/2"), check_robots=False, deadline=2)
    assert (error.code, error.transient) == ("rate_limited", True)
    assert error.retry_after is not None
    assert error.retry_after > 5
    assert len(turns.of(site.host)) == 1  # no turn was taken (or slept for) for the second
    assert pages(site) == ["/news/1"]


# --- when the shared cache is down, fetching stops ---------------------------------------------


@pytest.fixture
def cache_down(fetch_settings, closed_port: int) -> Iterator[None]:
    """The shared cache (robots.txt copies, per-host turns) at a port nothing listens on."""
    working = fetch_settings.CACHES
    caches_setting = copy.deepcopy(working)
    caches_setting["default"]["LOCATION"] = f"redis://127.0.0.1:{closed_port}/0"
    fetch_settings.CACHES = caches_setting
    yield
    fetch_settings.CACHES = working  # so the clean-up can reach the working cache


def test_without_the_shared_pace_nothing_is_sent_and_the_fetch_is_retried_later(
    site: LocalServer, fetch_settings, cache_down: None, turns: Turns
):
    fetch_settings.FETCH_HOST_INTERVAL = 1
    error = refusal(site.url("/news/1"), check_robots=False)
    assert (error.code, error.transient) == ("rate_limited", True)
    assert error.retry_after == CACHE_DOWN_RETRY_SECONDS
    assert "unreachable" in error.message
    assert site.hits == []
    assert turns == []


def test_without_the_shared_robots_copy_nothing_is_sent_either(site: LocalServer, fetch_settings, cache_down: None):
    fetch_settings.FETCH_HOST_INTERVAL = 0  # even with no pace, robots.txt would be fetched every time
    site.route("/robots.txt", robots(ROBOTS))
    for _ in range(3):
        error = refusal(site.url("/news/1"))
        assert (error.code, error.transient) == ("rate_limited", True)
    assert site.hits == []


def test_a_provider_waits_its_turn_or_fails_closed_too(fetch_settings, cache_down: None):
    with pytest.raises(FetchError) as refused:
        ProviderPace("gdelt", 5).wait(60)
    assert (refused.value.code, refused.value.transient) == ("rate_limited", True)
