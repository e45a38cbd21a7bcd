"""Asking the providers for candidate coverage of a claim and storing what they find.

Each provider that is on is asked once; one that fails is recorded and skipped, and
each page that cannot be fetched is skipped with its reason — the job still counts
what the others found. Only when every provider failed for a reason that may pass
(a 429, a time-out) is the whole attempt worth retrying later.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError

from claims.models import Claim
from corroboration.services import prior_check_matches_find, prior_checks_search
from corroboration.text import STOPWORDS, proper_names, words
from sources.netguard import FetchError
from sources.providers import ProviderError, ProviderOff, search_providers
from sources.providers.pasted_url import fill_in_text
from sources.services import article_record_fetch_error, article_store_candidate

Progress = Callable[[int, int, str], None]

SEARCH_LIMIT = 50
MAX_FETCHES = 100


class TransientGatherError(Exception):
    """No provider answered, for reasons that may pass: try the job again later."""


def search_query(claim: Claim) -> str:
    """A provider query: the names the claim is about and its most telling words."""
    names = [w for w in words(claim.statement) if w in {n.replace(".", "") for n in proper_names(claim.statement)}]
    others = [w for w in words(claim.statement) if w not in STOPWORDS and len(w) > 4 and w not in names]
    chosen = list(dict.fromkeys(names + others))[:6]
    return " ".join(chosen)


def gather_for_claim(claim: Claim, *, progress: Progress) -> dict[str, Any]:
    query = search_query(claim)
    counts: dict[str, Any] = {"query": query, "providers": {}, "found": 0, "new": 0, "fetched": 0, "skipped": 0}
    reasons: list[dict[str, str]] = []
    candidates = []
    transient_failures = 0
    providers = search_providers()
    since = (claim.made_on - timedelta(days=30)) if claim.made_on else None
    for provider in providers:
        try:
            found = provider.search(query, since=since, limit=SEARCH_LIMIT)
        except (ProviderError, FetchError) as exc:
            counts["providers"][provider.name] = f"failed: {exc}"
            transient_failures += int(bool(getattr(exc, "transient", False)))
            continue
        counts["providers"][provider.name] = len(found)
        candidates.extend(found)
    try:
        counts["prior_checks"] = prior_checks_search(claim=claim)
    except ProviderOff:
        pass
    except (ProviderError, FetchError) as exc:
        counts["prior_checks"] = f"failed: {exc}"
    # Prior checks imported earlier (ClaimReview feeds) are matched to the claim as well.
    counts["prior_check_matches"] = prior_check_matches_find(claims=[claim])["new"]
    if providers and transient_failures == len(providers):
        raise TransientGatherError("Every search provider failed for now: " + "; ".join(counts["providers"].values()))

    unique = list({c.url: c for c in candidates}.values())[:MAX_FETCHES]
    counts["found"] = len(unique)
    for n, candidate in enumerate(unique, start=1):
        progress(n, len(unique), f"Fetching {n} of {len(unique)} pages")
        try:
            article, created = article_store_candidate(candidate)
        except (ValueError, ValidationError) as exc:
            # An address we will not store (another scheme, credentials, an internal IP).
            counts["skipped"] += 1
            reasons.append({"url": candidate.url, "reason": f"not stored: {exc}"})
            continue
        counts["new"] += int(created)
        if article.text:
            continue
        try:
            if fill_in_text(article):
                counts["fetched"] += 1
        except FetchError as exc:
            counts["skipped"] += 1
            reasons.append({"url": candidate.url, "reason": str(exc)})
            article_record_fetch_error(article=article, code=exc.code, message=str(exc))
    if reasons:
        counts["skipped_pages"] = reasons[:20]
    return counts
