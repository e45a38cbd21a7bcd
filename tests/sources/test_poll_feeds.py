"""Feeds end to end against local servers: a poll fills the articles list, a 304
changes nothing, failures back off, `poll_feeds` and the tasks, the beat schedule and
the admin (with the providers that are off, and why)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from config.celery import app as celery_app
from sources import tasks
from sources.models import Article, ArticleProvider, Feed
from sources.providers.pasted_url import fill_in_text
from sources.services import feed_create, feed_poll, feed_update, outlet_create
from tests.sources.conftest import LocalServer, html, static
from tests.sources.shapes import GOOGLE_NEWS, article_page, feed_route, rss, rss_item

pytestmark = pytest.mark.django_db

HOST = "www.meridianpost.com"


@pytest.fixture
def site(allow_loopback: None, server: LocalServer, dns) -> LocalServer:
    dns[HOST] = ["127.0.0.1"]
    return server


def address(server: LocalServer, path: str) -> str:
    return f"http://{HOST}:{server.port}{path}"


def world_feed(server: LocalServer, count: int = 3) -> bytes:
    items = "".join(
        rss_item(
            address(server, f"/world/{n}?utm_source=rss"),
            title=f"Story {n}",
            pub_date="Sun, 08 Mar 2026 1{n}:00:00 GMT",
        )
        for n in range(1, count + 1)
    )
    return rss(items)


@pytest.fixture
def feed(site: LocalServer) -> Feed:
    return feed_create(actor=None, name="Meridian Post — World", url=address(site, "/world/rss.xml"))


def test_a_poll_fills_the_articles_list_and_records_what_it_did(feed: Feed, site: LocalServer):
    site.route(
        "/world/rss.xml",
        feed_route(world_feed(site), ETag='"v1"', **{"Last-Modified": "Sun, 08 Mar 2026 20:00:00 GMT"}),
    )
    result = feed_poll(feed)
    assert (result.outcome, result.items, result.new_articles) == ("ok", 3, 3)
    titles = sorted(Article.objects.values_list("title", flat=True))
    assert titles == ["Story 1", "Story 2", "Story 3"]
    article = Article.objects.get(title="Story 1")
    assert article.canonical_url == address(site, "/world/1")
    assert article.provider == ArticleProvider.FEED
    assert article.raw_payload is not None
    assert article.raw_payload["item"]["feed_id"] == feed.pk
    assert article.outlet is not None
    assert article.outlet.domains == ["meridianpost.com"]
    feed.refresh_from_db()
    assert (feed.etag, feed.last_modified) == ('"v1"', "Sun, 08 Mar 2026 20:00:00 GMT")
    assert (feed.items_seen, feed.articles_created, feed.last_items, feed.last_new_articles) == (3, 3, 3, 3)
    assert feed.last_success_at is not None
    assert feed.next_poll_at is not None
    assert feed.state == "ok"
    assert feed.lease_until is None
    assert feed.next_poll_at - feed.last_success_at == timedelta(minutes=feed.poll_interval)


def test_polling_again_stores_nothing_twice(feed: Feed, site: LocalServer):
    site.route("/world/rss.xml", feed_route(world_feed(site)))
    feed_poll(feed)
    again = feed_poll(feed)
    assert (again.items, again.new_articles) == (3, 0)
    assert Article.objects.count() == 3
    feed.refresh_from_db()
    assert (feed.items_seen, feed.articles_created) == (6, 3)


def test_a_304_changes_nothing_and_counts_as_a_successful_poll(feed: Feed, site: LocalServer):
    site.route(
        "/world/rss.xml",
        feed_route(world_feed(site), ETag='"v1"', **{"Last-Modified": "Sun, 08 Mar 2026 20:00:00 GMT"}),
    )
    feed_poll(feed)
    feed.refresh_from_db()
    first_success = feed.last_success_at
    site.route("/world/rss.xml", static(304))
    result = feed_poll(feed)
    assert result.outcome == "not_modified"
    conditional = site.hits[-1].headers
    assert conditional["if-none-match"] == '"v1"'
    assert conditional["if-modified-since"] == "Sun, 08 Mar 2026 20:00:00 GMT"
    feed.refresh_from_db()
    assert Article.objects.count() == 3
    assert feed.last_success_at is not None
    assert first_success is not None
    assert feed.last_success_at > first_success
    assert (feed.etag, feed.items_seen, feed.articles_created, feed.last_items) == ('"v1"', 3, 3, 0)
    assert feed.consecutive_failures == 0


def test_a_feed_recovers_after_failures_which_back_off(feed: Feed, site: LocalServer):
    site.route("/world/rss.xml", static(500, b"down"))
    first = feed_poll(feed)
    feed.refresh_from_db()
    assert feed.next_poll_at is not None
    assert feed.last_error_at is not None
    first_wait = feed.next_poll_at - feed.last_error_at
    feed_poll(feed)
    feed.refresh_from_db()
    assert feed.next_poll_at is not None
    assert feed.last_error_at is not None
    assert first.transient
    assert feed.consecutive_failures == 2
    assert feed.state == "failing"
    assert feed.next_poll_at - feed.last_error_at == 2 * first_wait  # doubled
    site.route("/world/rss.xml", feed_route(world_feed(site, 1)))
    assert feed_poll(feed).outcome == "ok"
    feed.refresh_from_db()
    assert (feed.consecutive_failures, feed.state) == (0, "ok")
    assert "500" in feed.last_error  # the last error stays visible, with its time


def test_items_that_cannot_be_stored_are_skipped_with_reasons(feed: Feed, site: LocalServer):
    items = (
        "<item><title>No link at all</title></item>"
        + rss_item("javascript:alert(1)", title="Script link")
        + rss_item("http://169.254.169.254/latest/meta-data/", title="Metadata")
        + rss_item(address(site, "/world/ok"), title="Fine")
    )
    site.route("/world/rss.xml", feed_route(rss(items)))
    result = feed_poll(feed)
    assert result.new_articles == 1
    assert len(result.skipped) == 3
    feed.refresh_from_db()
    assert "item 1: it has no link" in feed.last_skipped
    assert "item 2: its link is not a web address (javascript:alert(1))" in feed.last_skipped
    assert "item 3 (http://169.254.169.254/latest/meta-data/): " in feed.last_skipped
    assert "cloud metadata" in feed.last_skipped
    assert feed.state == "ok"
    assert feed.status()["last_skipped"][0] == "item 1: it has no link"
    assert Article.objects.count() == 1


def test_google_news_items_keep_title_and_publisher_with_the_link_unresolved(allow_loopback, server, dns):
    dns["news.google.com"] = ["127.0.0.1"]
    reuters = outlet_create(actor=None, name="Reuters", domains=["reuters.com"], is_wire=True)
    feed = feed_create(
        actor=None, name="Google News: Russia Iran", url=f"http://news.google.com:{server.port}/rss/search"
    )
    server.route("/rss/search", feed_route(GOOGLE_NEWS))
    assert feed_poll(feed).new_articles == 1
    article = Article.objects.get()
    assert article.title == "Russia gave Iran intelligence to target US warships, officials say"
    assert article.outlet == reuters
    assert article.raw_payload["link_unresolved"] is True
    assert not fill_in_text(article)  # never fetched: the link is Google's, not Reuters'
    assert server.paths() == ["/robots.txt", "/rss/search"]


def test_an_unknown_google_news_publisher_is_recognised_by_its_own_address(allow_loopback, server, dns):
    dns["news.google.com"] = ["127.0.0.1"]
    feed = feed_create(actor=None, name="Google News", url=f"http://news.google.com:{server.port}/rss/search")
    server.route("/rss/search", feed_route(GOOGLE_NEWS))
    feed_poll(feed)
    outlet = Article.objects.get().outlet
    assert outlet is not None
    assert (outlet.name, outlet.domains) == ("Reuters", ["reuters.com"])  # never google.com


def test_the_feed_outlet_is_used_for_its_items(site: LocalServer):
    outlet = outlet_create(actor=None, name="Meridian Post", domains=["meridianpost.org"])
    feed = feed_create(actor=None, name="MP", url=address(site, "/world/rss.xml"), outlet=outlet)
    site.route("/world/rss.xml", feed_route(world_feed(site, 1)))
    feed_poll(feed)
    assert Article.objects.get().outlet == outlet


def test_a_poll_already_running_is_not_started_twice(feed: Feed, site: LocalServer):
    Feed.objects.filter(pk=feed.pk).update(lease_until=timezone.now() + timedelta(minutes=5))
    assert feed_poll(feed).outcome == "busy"
    assert site.hits == []
    Feed.objects.filter(pk=feed.pk).update(lease_until=timezone.now() - timedelta(seconds=1))  # its poller died
    site.route("/world/rss.xml", feed_route(world_feed(site, 1)))
    assert feed_poll(feed).outcome == "ok"


def test_changing_the_url_forgets_the_old_validators(feed: Feed, site: LocalServer):
    Feed.objects.filter(pk=feed.pk).update(etag='"old"', last_modified="x", consecutive_failures=3)
    feed.refresh_from_db()
    feed_update(actor=None, feed=feed, url=address(site, "/new.xml"))
    feed.refresh_from_db()
    assert (feed.etag, feed.last_modified, feed.consecutive_failures, feed.next_poll_at) == ("", "", 0, None)


@pytest.mark.parametrize(
    "url", ["ftp://x.example/feed", "javascript:alert(1)", "http://169.254.169.254/latest", "feed"]
)
def test_a_feed_url_that_could_never_be_fetched_is_refused_at_once(url: str, db: None):
    with pytest.raises(ValidationError) as refused:
        feed_create(actor=None, name="Bad", url=url)
    assert "url" in refused.value.message_dict


def test_feed_settings_are_in_the_change_history_and_poll_state_is_not(feed: Feed, site: LocalServer):
    from core.history import history_of

    site.route("/world/rss.xml", feed_route(world_feed(site, 1)))
    feed_poll(feed)
    feed_update(actor=None, feed=feed, poll_interval=60)
    actions = [(entry.action, sorted(entry.changes)) for entry in history_of(feed)]
    assert actions == [("changed", ["poll_interval"]), ("created", [])]


# --- the command --------------------------------------------------------------------------------------------


def test_poll_feeds_polls_every_due_feed_once_and_says_what_it_did(site: LocalServer, capsys):
    good = feed_create(actor=None, name="World", url=address(site, "/world/rss.xml"))
    broken = feed_create(actor=None, name="Broken", url=address(site, "/broken.xml"))
    later = feed_create(actor=None, name="Not due", url=address(site, "/later.xml"))
    Feed.objects.filter(pk=later.pk).update(next_poll_at=timezone.now() + timedelta(hours=1))
    feed_create(actor=None, name="Switched off", url=address(site, "/off.xml"), is_active=False)
    site.route("/world/rss.xml", feed_route(world_feed(site, 2)))
    site.route("/broken.xml", static(200, b"<html>moved</html>", {"Content-Type": "text/html"}))
    for n in (1, 2):
        site.route(f"/world/{n}", html(article_page(title=f"Story {n} in full")))
    call_command("poll_feeds")
    out, err = capsys.readouterr()
    assert f"World (#{good.pk}): 2 items, 2 new articles; 2 texts fetched" in out
    assert re.search(rf"Broken \(#{broken.pk}\): FAILED: .*text/html.*\[bad_content_type\]", err)
    assert "Not due" not in out + err
    assert "Switched off" not in out + err
    assert "2 feeds polled, 1 failed; 2 items read, 2 new articles." in out
    assert Article.objects.exclude(text="").count() == 2
    assert "/later.xml" not in site.paths()


def test_poll_feeds_reports_a_304(feed: Feed, site: LocalServer, capsys):
    site.route("/world/rss.xml", static(304))
    call_command("poll_feeds", "--all", "--no-text")
    assert "not modified since the last poll" in capsys.readouterr().out


# --- tasks and the beat schedule -------------------------------------------------------------------------------


@pytest.fixture
def eager_tasks(monkeypatch):
    # Inside the test's transaction the tasks must keep the test's connection.
    monkeypatch.setattr(tasks, "close_old_connections", lambda: None)


def test_the_task_retries_a_transient_failure_with_a_cap(feed: Feed, site: LocalServer, eager_tasks, monkeypatch):
    monkeypatch.setattr(tasks.fetch_article_text, "delay", lambda *a: None)
    site.route("/world/rss.xml", static(503, b"busy"))
    result = tasks.poll_feed.apply(args=(feed.pk,))
    polls = [p for p in site.paths() if p == "/world/rss.xml"]
    assert len(polls) == 1 + tasks.MAX_RETRIES  # eager retries run at once
    assert result.get()["outcome"] == "failed"
    feed.refresh_from_db()
    assert feed.consecutive_failures == 1 + tasks.MAX_RETRIES


def test_the_task_does_not_retry_a_permanent_failure(feed: Feed, site: LocalServer, eager_tasks):
    site.route("/world/rss.xml", static(404, b"no"))
    tasks.poll_feed.apply(args=(feed.pk,))
    assert site.paths().count("/world/rss.xml") == 1


def test_the_task_queues_a_page_fetch_for_each_new_article(feed: Feed, site: LocalServer, eager_tasks, monkeypatch):
    queued: list[int] = []
    monkeypatch.setattr(tasks.fetch_article_text, "delay", queued.append)
    site.route("/world/rss.xml", feed_route(world_feed(site, 2)))
    assert tasks.poll_feed.apply(args=(feed.pk,)).get()["new_articles"] == 2
    assert sorted(queued) == sorted(Article.objects.values_list("pk", flat=True))


def test_due_feeds_are_queued_once_however_often_the_schedule_runs(site: LocalServer, eager_tasks, monkeypatch):
    queued: list[int] = []
    monkeypatch.setattr(tasks.poll_feed, "delay", queued.append)
    due = feed_create(actor=None, name="Due", url=address(site, "/a.xml"))
    feed_create(actor=None, name="Off", url=address(site, "/b.xml"), is_active=False)
    assert tasks.poll_due_feeds() == 1
    assert tasks.poll_due_feeds() == 0
    assert queued == [due.pk]


def test_backoff_grows_with_jitter_and_a_cap():
    for retries in range(8):
        delays = [tasks.retry_in(retries) for _ in range(50)]
        top = min(tasks.MAX_COUNTDOWN, 30 * 2**retries)
        assert all(top / 2 <= d <= top for d in delays)
    assert len({round(tasks.retry_in(3), 3) for _ in range(20)}) > 1
    assert tasks.retry_in(0, retry_after=10_000) == tasks.MAX_COUNTDOWN


def test_the_beat_schedule_polls_due_feeds_and_every_task_is_bounded():
    entry = django_settings.CELERY_BEAT_SCHEDULE["sources.poll_due_feeds"]
    assert entry["task"] == "sources.poll_due_feeds"
    assert entry["schedule"] <= 300
    for name in ("sources.poll_feed", "sources.poll_due_feeds", "sources.fetch_article_text"):
        task = celery_app.tasks[name]
        assert task.max_retries is not None
        assert task.max_retries <= 5
        assert task.soft_time_limit < task.time_limit
    visibility = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility / 2 >= tasks.MAX_COUNTDOWN


# --- the admin ------------------------------------------------------------------------------------------------------


def test_the_feed_list_shows_polls_and_which_providers_are_off(feed: Feed, site: LocalServer, client, editor, settings):
    settings.FACTCHECK_TOOLS_API_KEY = ""
    settings.MEDIACLOUD_API_KEY = "set"
    site.route("/world/rss.xml", static(500, b"down"))
    feed_poll(feed)
    client.force_login(editor)
    page = client.get("/admin/sources/feed/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Coverage providers" in text
    assert "needs FACTCHECK_TOOLS_API_KEY" in text
    assert "needs MEDIACLOUD_API_KEY" not in text
    assert "answered 500" in text  # the last error
    assert "failing" in text


def test_poll_now_in_the_admin_queues_the_feeds(
    feed: Feed, client, editor, monkeypatch, django_capture_on_commit_callbacks
):
    queued: list[tuple] = []
    monkeypatch.setattr(tasks.poll_feed, "apply_async", lambda args, **options: queued.append(tuple(args)))
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post("/admin/sources/feed/", {"action": "poll_now", "_selected_action": [feed.pk]}, follow=True)
    assert "1 feeds queued for polling." in page.content.decode()
    assert queued == [(feed.pk,)]
    feed.refresh_from_db()
    assert feed.next_poll_at is not None
    assert feed.next_poll_at <= timezone.now()


def test_an_editor_adds_a_feed_in_the_admin(site: LocalServer, client, editor):
    client.force_login(editor)
    page = client.post(
        "/admin/sources/feed/add/",
        {"name": "Harbor City Times", "url": address(site, "/rss"), "is_active": "on", "poll_interval": "15"},
        follow=True,
    )
    assert page.status_code == 200
    feed = Feed.objects.get()
    assert (feed.name, feed.poll_interval) == ("Harbor City Times", 15)
    site.route("/rss", feed_route(world_feed(site, 2)))
    call_command("poll_feeds", "--no-text")
    assert Article.objects.count() == 2
