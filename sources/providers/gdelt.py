"""GDELT DOC 2.0, article list mode: recent coverage matching a query, worldwide.

    Gdelt().search('"Russia" "Iran" warships', since=now - timedelta(days=3), limit=50)

The API needs no key but wants about one request per 5 s (GDELT_MIN_INTERVAL, shared
by every worker) and a real User-Agent (the safe client always sends ours). Its
quirks, each handled here:
- a throttle message or a query error comes back as plain text with HTTP 200;
- no results is `{}`, not `{"articles": []}`;
- 429s are common: transient, retried after Retry-After with backoff;
- items carry no text, author or id: the page itself is fetched later for the text.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from urllib.parse import urlencode

from django.conf import settings

from sources.extract import language_code, parse_datetime, strip_html
from sources.fetch import HTML_TYPES, JSON_TYPES, TEXT_TYPES
from sources.models import ArticleProvider
from sources.providers.base import ApiProvider, Candidate, ProviderError, parse_json

MAX_RECORDS = 250  # the API's own maximum
# GDELT's throttle message ("Please limit requests to one every 5 seconds…").
_THROTTLED = re.compile(r"limit requests|too many requests|rate limit", re.IGNORECASE)


class Gdelt(ApiProvider):
    name = "gdelt"
    label = "GDELT DOC 2.0"
    interval_setting = "GDELT_MIN_INTERVAL"

    @classmethod
    def off_reason(cls) -> str:
        # GDELT needs no key, so it is on unless a deployment switches it off.
        return "" if settings.GDELT_ENABLED else "is switched off (GDELT_ENABLED=false)"

    def search(
        self,
        query: str,
        *,
        since: date | datetime | None = None,
        until: date | datetime | None = None,
        limit: int = 75,
        timespan: str | None = None,
        sort: str = "datedesc",
    ) -> list[Candidate]:
        """Articles matching `query` (GDELT query syntax), newest first. `since`/`until`
        bound the time (a date means its midnight, UTC); otherwise `timespan` ("24h",
        "7d"), or GDELT's default of three months."""
        self.ensure_on()
        params = {
            "query": query,
            "mode": "artlist",
            "format": "json",
            "maxrecords": str(max(1, min(limit, MAX_RECORDS))),
            "sort": sort,
        }
        if since is not None:
            params["startdatetime"] = _gdelt_time(since)
            params["enddatetime"] = _gdelt_time(until or datetime.now(UTC))
        elif timespan:
            params["timespan"] = timespan
        candidates = self.call(
            f"{settings.GDELT_BASE_URL}?{urlencode(params)}",
            parse=lambda result: self.parse(result.body),
            # Errors arrive as text/plain or text/html; they are read to say what went wrong.
            accept=(*JSON_TYPES, *TEXT_TYPES, *HTML_TYPES),
        )
        return candidates[:limit]

    def parse(self, body: bytes) -> list[Candidate]:
        """Candidates from an artlist response body, or ProviderError for GDELT's
        plain-text answers."""
        text = body.decode("utf-8", errors="replace").strip()
        if not text.startswith(("{", "[")):
            message = strip_html(text, max_length=300) or "an empty response"
            if _THROTTLED.search(text):
                raise ProviderError(
                    "throttled", f"GDELT asked us to slow down: {message}", transient=True, retry_after=5
                )
            raise ProviderError("query_error", f"GDELT refused the query: {message}")
        data = parse_json(text, provider="GDELT")
        if not isinstance(data, dict):
            raise ProviderError("bad_response", "GDELT sent JSON that is not an object.")
        articles = data.get("articles", [])  # {} means no results
        if not isinstance(articles, list):
            raise ProviderError("bad_response", "GDELT's 'articles' is not a list.")
        return [candidate for item in articles if (candidate := _candidate(item)) is not None]


def _candidate(item: object) -> Candidate | None:
    if not isinstance(item, dict):
        return None
    url = item.get("url")
    if not isinstance(url, str) or not url.strip():
        return None
    domain = item.get("domain") if isinstance(item.get("domain"), str) else ""
    return Candidate(
        provider=ArticleProvider.GDELT,
        url=url.strip(),
        title=strip_html(item.get("title"), max_length=1000),
        outlet_name="",  # GDELT names only the domain
        outlet_domain=(domain or "").strip().lower(),
        published_at=parse_datetime(item.get("seendate")),  # when GDELT saw it: the nearest it has
        language=language_code(item.get("language")),
        raw=item,
    )


def _gdelt_time(moment: date | datetime) -> str:
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day, tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M%S")
