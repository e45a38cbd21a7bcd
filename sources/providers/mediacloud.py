"""Media Cloud (v4 search API), story-list: coverage from curated collections of outlets.

    MediaCloud().search('Russia AND Iran AND warships', since=date(2026, 3, 1), collections=[34412234])

Off without MEDIACLOUD_API_KEY (sent as `Authorization: Token <key>`). The official
client keeps to two requests a minute; so do we (MEDIACLOUD_MIN_INTERVAL, shared by
every worker), which makes each further page cost half a minute: `max_pages` bounds it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings

from sources.extract import language_code, parse_datetime, plain_text, strip_html
from sources.fetch import FetchResult
from sources.models import ArticleProvider
from sources.providers.base import ApiProvider, Candidate, ProviderError, parse_json

MAX_PAGE_SIZE = 1000
DEFAULT_DAYS = 30


class MediaCloud(ApiProvider):
    name = "mediacloud"
    label = "Media Cloud"
    interval_setting = "MEDIACLOUD_MIN_INTERVAL"

    @classmethod
    def missing_setting(cls) -> str:
        return "" if settings.MEDIACLOUD_API_KEY else "MEDIACLOUD_API_KEY"

    def search(
        self,
        query: str,
        *,
        since: date | datetime | None = None,
        until: date | datetime | None = None,
        limit: int = 100,
        collections: Sequence[int] = (),
        sources: Sequence[int] = (),
        expanded: bool = False,
        max_pages: int = 3,
    ) -> list[Candidate]:
        """Stories matching `query` (Media Cloud boolean syntax) published between
        `since` (default: 30 days ago) and `until` (default: today), following
        pagination_token until `limit` stories or `max_pages` requests."""
        self.ensure_on()
        end = _day(until) if until else datetime.now(UTC).date()
        start = _day(since) if since else end - timedelta(days=DEFAULT_DAYS)
        page_size = max(1, min(limit, MAX_PAGE_SIZE))
        params: dict[str, str] = {
            "q": query,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "platform": "online_news",
            "page_size": str(page_size),
        }
        if collections:
            params["cs"] = ",".join(str(int(c)) for c in collections)
        if sources:
            params["ss"] = ",".join(str(int(s)) for s in sources)
        if expanded:
            params["expanded"] = "1"
        stories: list[Candidate] = []
        token = ""
        for _page in range(max(1, max_pages)):
            data = self._request({**params, **({"pagination_token": token} if token else {})})
            stories.extend(self.parse(data))
            next_token = data.get("pagination_token")
            token = next_token if isinstance(next_token, str) else ""
            if not token or len(stories) >= limit:
                break
        return stories[:limit]

    def _request(self, params: dict[str, str]) -> dict[str, Any]:
        url = f"{settings.MEDIACLOUD_BASE_URL.rstrip('/')}/search/story-list?{urlencode(params)}"
        return self.call(
            url, parse=self._json_object, headers={"Authorization": f"Token {settings.MEDIACLOUD_API_KEY}"}
        )

    def _json_object(self, result: FetchResult) -> dict[str, Any]:
        data = parse_json(result.body, provider=self.label)
        if not isinstance(data, dict):
            raise ProviderError("bad_response", f"{self.label} sent JSON that is not an object.")
        return data

    def parse(self, data: dict[str, Any]) -> list[Candidate]:
        stories = data.get("stories") or []
        if not isinstance(stories, list):
            raise ProviderError("bad_response", f"{self.label}'s 'stories' is not a list.")
        return [candidate for story in stories if (candidate := _candidate(story)) is not None]


def _candidate(story: object) -> Candidate | None:
    if not isinstance(story, dict):
        return None
    url = story.get("url")
    if not isinstance(url, str) or not url.strip():
        return None
    media_url = story.get("media_url") if isinstance(story.get("media_url"), str) else ""
    raw = {key: value for key, value in story.items() if key != "text"}  # the text is stored as the text
    return Candidate(
        provider=ArticleProvider.MEDIACLOUD,
        url=url.strip(),
        title=strip_html(story.get("title"), max_length=1000),
        outlet_name=strip_html(story.get("media_name"), max_length=200),
        outlet_domain=(media_url or "").strip().lower(),
        published_at=parse_datetime(story.get("publish_date")),
        language=language_code(story.get("language")),
        text=plain_text(text) if isinstance(text := story.get("text"), str) else "",
        raw=raw,
    )


def _day(value: date | datetime) -> date:
    return value.astimezone(UTC).date() if isinstance(value, datetime) else value
