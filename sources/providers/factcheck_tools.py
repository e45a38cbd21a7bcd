"""Google Fact Check Tools, claims:search: fact-checks other organisations already
published about a claim like ours.

    FactCheckTools().search("Russia gave Iran intelligence on US warships", language="en")

These are someone else's verdicts, kept and shown as such (as prior checks), never
coverage that supports or disputes a claim. Off without FACTCHECK_TOOLS_API_KEY.
Quirks: `textualRating` is free text ("Pants on Fire"); `reviewDate` and `claimDate`
are sometimes missing (stored as unknown, never guessed); claimants are often generic
("Social media"). The key travels in the query string, as the API documents, so it
is removed from every error message before anyone can store or log it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings

from sources.extract import language_code, parse_datetime, strip_html
from sources.fetch import FetchError, FetchResult
from sources.providers.base import ApiProvider, ProviderError, parse_json

MAX_PAGE_SIZE = 50
MAX_PAGES = 5


@dataclass(frozen=True)
class FactCheckReview:
    """One published review of one claim."""

    url: str
    title: str
    publisher_name: str
    publisher_site: str
    textual_rating: str
    review_date: datetime | None
    claim_text: str
    claimant: str
    claim_date: datetime | None
    language: str
    raw: dict[str, Any]  # the provider's claim, with this review only


class FactCheckTools(ApiProvider):
    name = "factcheck_tools"
    label = "Google Fact Check Tools"
    interval_setting = "FACTCHECK_TOOLS_MIN_INTERVAL"

    @classmethod
    def missing_setting(cls) -> str:
        return "" if settings.FACTCHECK_TOOLS_API_KEY else "FACTCHECK_TOOLS_API_KEY"

    def search(
        self,
        query: str,
        *,
        language: str | None = None,
        max_age_days: int | None = None,
        publisher_site: str | None = None,
        limit: int = 10,
    ) -> list[FactCheckReview]:
        """Reviews of claims matching `query`, following nextPageToken until `limit`."""
        self.ensure_on()
        reviews: list[FactCheckReview] = []
        token = ""
        for _page in range(MAX_PAGES):
            params: dict[str, str] = {"query": query, "pageSize": str(max(1, min(limit, MAX_PAGE_SIZE)))}
            if language:
                params["languageCode"] = language
            if max_age_days:
                params["maxAgeDays"] = str(max_age_days)
            if publisher_site:
                params["reviewPublisherSiteFilter"] = publisher_site
            if token:
                params["pageToken"] = token
            data = self._request(params)
            reviews.extend(self.parse(data))
            next_token = data.get("nextPageToken")
            token = next_token if isinstance(next_token, str) else ""
            if not token or len(reviews) >= limit:
                break
        return reviews[:limit]

    def _request(self, params: dict[str, str]) -> dict[str, Any]:
        key = settings.FACTCHECK_TOOLS_API_KEY
        url = f"{settings.FACTCHECK_TOOLS_BASE_URL.rstrip('/')}/claims:search?{urlencode({**params, 'key': key})}"
        try:
            return self.call(url, parse=self._json_object)
        except FetchError as exc:
            raise _without_key(exc, key) from None

    def _json_object(self, result: FetchResult) -> dict[str, Any]:
        data = parse_json(result.body, provider=self.label)
        if not isinstance(data, dict):
            raise ProviderError("bad_response", f"{self.label} sent JSON that is not an object.")
        return data

    def parse(self, data: dict[str, Any]) -> list[FactCheckReview]:
        claims = data.get("claims", [])  # an empty result has no "claims" at all
        if not isinstance(claims, list):
            raise ProviderError("bad_response", f"{self.label}'s 'claims' is not a list.")
        reviews = []
        for claim in claims:
            if not isinstance(claim, dict):
                continue
            for review in claim.get("claimReview") or []:
                parsed = _review(claim, review)
                if parsed is not None:
                    reviews.append(parsed)
        return reviews


def _review(claim: dict[str, Any], review: object) -> FactCheckReview | None:
    if not isinstance(review, dict):
        return None
    url = review.get("url")
    if not isinstance(url, str) or not url.strip().lower().startswith(("http://", "https://")):
        return None
    publisher = review.get("publisher")
    if not isinstance(publisher, dict):
        publisher = {}
    return FactCheckReview(
        url=url.strip(),
        title=strip_html(review.get("title"), max_length=1000),
        publisher_name=strip_html(publisher.get("name"), max_length=300),
        publisher_site=strip_html(publisher.get("site"), max_length=253).lower(),
        textual_rating=strip_html(review.get("textualRating"), max_length=500),
        review_date=parse_datetime(review.get("reviewDate")),
        claim_text=strip_html(claim.get("text"), max_length=5000),
        claimant=strip_html(claim.get("claimant"), max_length=500),
        claim_date=parse_datetime(claim.get("claimDate")),
        language=language_code(review.get("languageCode")),
        raw={**{k: v for k, v in claim.items() if k != "claimReview"}, "claimReview": [review]},
    )


def _without_key(error: FetchError, key: str) -> FetchError:
    """The same error with the API key blanked out of its message and URL."""
    if key:
        error.message = error.message.replace(key, "REDACTED")
        error.args = (error.message,)
        error.url = error.url.replace(key, "REDACTED")
    return error
