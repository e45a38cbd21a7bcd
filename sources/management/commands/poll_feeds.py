"""`python manage.py poll_feeds`: poll every due feed once, here and now, and say what happened."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sources.fetch import FetchError
from sources.models import Article, Feed
from sources.providers.pasted_url import fill_in_text
from sources.services import PollResult, article_record_fetch_error, feed_poll


class Command(BaseCommand):
    help = (
        "Poll every due feed once, synchronously (the same service the beat schedule's tasks use), "
        "fetch the pages of the new articles for their text, and print what was done per feed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="Poll every active feed, due or not.")
        parser.add_argument("--feed", type=int, action="append", default=[], help="Poll this feed (id); repeatable.")
        parser.add_argument(
            "--no-text", action="store_true", help="Store the items only; do not fetch the new articles' pages."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        feeds = Feed.objects.filter(is_active=True)
        if options["feed"]:
            feeds = Feed.objects.filter(pk__in=options["feed"])
        elif not options["all"]:
            feeds = feeds.due()
        feeds = feeds.order_by("name", "pk")
        if not feeds.exists():
            self.stdout.write("No feeds are due.")
            return
        totals = {"feeds": 0, "failed": 0, "items": 0, "new": 0}
        for feed in feeds:
            result = feed_poll(feed)
            totals["feeds"] += 1
            totals["items"] += result.items
            totals["new"] += result.new_articles
            texts = "" if options["no_text"] else self._texts(result)
            line = f"{feed.name} (#{feed.pk}): {self._describe(result)}{texts}"
            if result.outcome == "failed":
                totals["failed"] += 1
                self.stderr.write(line)
            else:
                self.stdout.write(line)
            for skipped in result.skipped:
                self.stdout.write(f"    skipped {skipped}")
        self.stdout.write(
            f"{totals['feeds']} feeds polled, {totals['failed']} failed; "
            f"{totals['items']} items read, {totals['new']} new articles."
        )

    @staticmethod
    def _describe(result: PollResult) -> str:
        if result.outcome == "ok":
            skipped = f", {len(result.skipped)} skipped" if result.skipped else ""
            return f"{result.items} items, {result.new_articles} new articles{skipped}"
        if result.outcome == "not_modified":
            return "not modified since the last poll"
        if result.outcome == "failed":
            return f"FAILED: {result.error}"
        if result.outcome == "busy":
            return "skipped: another poll of this feed is running"
        return "skipped: the feed is not active"

    @staticmethod
    def _texts(result: PollResult) -> str:
        filled = failed = 0
        for article in Article.objects.filter(pk__in=result.new_article_ids):
            try:
                filled += fill_in_text(article)
            except FetchError as exc:
                failed += 1
                article_record_fetch_error(article=article, code=exc.code, message=exc.message)
        if not filled and not failed:
            return ""
        return f"; {filled} texts fetched" + (f", {failed} pages could not be fetched" if failed else "")
