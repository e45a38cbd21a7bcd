"""The coverage providers (product.md §4 step 1), one small module each, and which are on.

    for info in registry():          # the admin lists these
        info.name, info.enabled, info.reason   # "factcheck_tools", False, "needs FACTCHECK_TOOLS_API_KEY"

    for provider in search_providers():       # the coverage pipeline asks each one that is on
        candidates = provider.search(query, since=…, limit=50)

| module             | what it gives                                  | credentials               |
|--------------------|------------------------------------------------|---------------------------|
| `feeds`            | items of RSS/Atom feeds (`Feed` rows)          | none                      |
| `gdelt`            | `search()` → Candidates                        | none                      |
| `mediacloud`       | `search()` → Candidates                        | MEDIACLOUD_API_KEY        |
| `factcheck_tools`  | `search()` → FactCheckReviews (others' verdicts) | FACTCHECK_TOOLS_API_KEY |
| `pasted_url`       | `store_url()` → Article                        | none                      |

A provider without its credentials is off: calling it raises `ProviderOff` with the
reason, and the admin shows the reason on the feed list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from django.conf import settings

from sources.providers.base import ApiProvider, Candidate, ProviderError, ProviderOff, RetryPolicy
from sources.providers.factcheck_tools import FactCheckTools
from sources.providers.gdelt import Gdelt
from sources.providers.mediacloud import MediaCloud

__all__ = [
    "Candidate",
    "ProviderError",
    "ProviderInfo",
    "ProviderOff",
    "RetryPolicy",
    "SearchProvider",
    "registry",
    "search_providers",
]


class SearchProvider(Protocol):
    """What the coverage pipeline may call on a search provider."""

    name: str
    label: str

    def search(self, query: str, *, since: date | datetime | None = None, limit: int = ...) -> list[Candidate]: ...


@dataclass(frozen=True)
class ProviderInfo:
    name: str
    label: str
    kind: str  # "feeds", "search", "fact checks", "page"
    enabled: bool
    reason: str  # why it is off; "" when on
    base_url: str
    pace: str  # for people: "1 request / 5 s, shared by all workers"


def _pace(seconds: float) -> str:
    if seconds >= 60:
        return f"1 request / {seconds / 60:g} min, shared by all workers"
    return f"1 request / {seconds:g} s, shared by all workers"


def registry() -> list[ProviderInfo]:
    """Every provider, on or off, with what an editor needs to know about it."""
    host_pace = f"1 request / {settings.FETCH_HOST_INTERVAL:g} s per site"
    api: list[tuple[type[ApiProvider], str, str]] = [
        (Gdelt, "search", settings.GDELT_BASE_URL),
        (MediaCloud, "search", settings.MEDIACLOUD_BASE_URL),
        (FactCheckTools, "fact checks", settings.FACTCHECK_TOOLS_BASE_URL),
    ]
    return [
        ProviderInfo("feeds", "RSS/Atom feeds", "feeds", True, "", "", host_pace),
        *(
            ProviderInfo(
                cls.name,
                cls.label,
                kind,
                not cls.off_reason(),
                cls.off_reason(),
                base_url,
                _pace(float(getattr(settings, cls.interval_setting))),
            )
            for cls, kind, base_url in api
        ),
        ProviderInfo("url", "URL pasted by a reviewer", "page", True, "", "", host_pace),
    ]


def search_providers() -> list[SearchProvider]:
    """The article search providers that are on, ready to call."""
    return [cls() for cls in (Gdelt, MediaCloud) if not cls.off_reason()]
