"""Group republished copies of one story, so that forty outlets running one wire story
count as one source.

An article is compared with earlier articles that share its vocabulary (PostgreSQL
full-text search picks them); if most of the shorter text's five-word shingles appear
in the other, the two are one story. The group's origin is the wire service's own copy
when present, otherwise the earliest one.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, transaction
from django.db.models import F, Q

from corroboration.models import Syndication
from corroboration.text import STOPWORDS, containment, shingles, words
from sources.models import Article

# Share of the shorter text that must appear in the other for two articles to be copies.
SAME_STORY = 0.6
# Texts shorter than this many shingles are too short to call copies with confidence.
MIN_SHINGLES = 20
CANDIDATES = 30
WINDOW = timedelta(days=14)


def _lock() -> None:
    # One grouping at a time: two copies grouped concurrently must not found two groups.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('corroboration.syndication'))")


def _query(text: str) -> SearchQuery | None:
    common = [w for w, _ in Counter(w for w in words(text) if len(w) > 3 and w not in STOPWORDS).most_common(15)]
    if not common:
        return None
    return SearchQuery(" or ".join(common), config="english", search_type="websearch")


def _when(article: Article) -> datetime:
    return article.published_at or article.seen_at


def _precedence(article: Article) -> tuple:
    """Which of two copies is the origin: the wire's own copy, then the earliest."""
    outlet_is_wire = bool(article.outlet and article.outlet.is_wire)
    return (not outlet_is_wire, _when(article), article.pk)


def _candidates(article: Article, query: SearchQuery) -> list[Article]:
    """Grouped articles near in time that share the article's vocabulary, best first."""
    when = _when(article)
    nearby = Q(published_at__range=(when - WINDOW, when + WINDOW)) | Q(
        published_at__isnull=True, seen_at__range=(when - WINDOW, when + WINDOW)
    )
    return list(
        Article.objects.exclude(pk=article.pk)
        .exclude(text="")
        .filter(nearby, search_vector=query, syndication__isnull=False)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .select_related("syndication")
        .order_by("-rank")[:CANDIDATES]
    )


@transaction.atomic
def group_article(article: Article) -> Syndication:
    """Place the article in its story's group (idempotent: grouping twice changes nothing).

    It is compared only with articles already grouped; when it is a copy of stories in
    more than one group, those groups are one story and are merged."""
    _lock()
    own = shingles(article.text)
    query = _query(article.text)
    twins: dict[int, float] = {}  # origin id -> best similarity with a member of its group
    if len(own) >= MIN_SHINGLES and query is not None:
        for candidate in _candidates(article, query):
            similarity = containment(own, shingles(candidate.text))
            if similarity >= SAME_STORY:
                origin_pk = candidate.syndication.origin_id
                twins[origin_pk] = max(similarity, twins.get(origin_pk, 0.0))
    if not twins:
        syndication, _ = Syndication.objects.update_or_create(
            article=article, defaults={"origin": article, "similarity": 1.0}
        )
        return syndication

    contenders = [article, *Article.objects.select_related("outlet").filter(pk__in=twins)]
    origin = min(contenders, key=_precedence)
    # Every member of every group this article joins now shares one origin.
    Syndication.objects.filter(origin_id__in=twins).exclude(origin=origin).update(origin=origin)
    similarity = 1.0 if origin.pk == article.pk else twins.get(origin.pk, max(twins.values()))
    syndication, _ = Syndication.objects.update_or_create(
        article=article,
        defaults={"origin": origin, "similarity": round(min(similarity, 1.0), 3)},
    )
    return syndication


def origin_id(article: Article) -> int:
    """The id shared by an origin and its copies (the API's `origin_group`)."""
    syndication = getattr(article, "syndication", None)
    return syndication.origin_id if syndication is not None else article.pk
