"""Group republished copies of one story, so that forty outlets running one wire story
count as one source.

An article is compared with the grouped articles that share a band of its MinHash
fingerprint (`fingerprint.py`; the bands are stored in an indexed table, so finding
them is an equality lookup whatever the number of stored articles); if most of the
shorter text's five-word shingles appear in the other, the two are one story. The
group's origin is the wire service's own copy when present, otherwise the earliest one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Count, OuterRef, Q, Subquery

from corroboration.fingerprint import band_ids, signature
from corroboration.models import ArticleBand, Syndication
from corroboration.text import containment, shingles
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


def _when(article: Article) -> datetime:
    return article.published_at or article.seen_at


def _precedence(article: Article) -> tuple:
    """Which of two copies is the origin: the wire's own copy, then the earliest."""
    outlet_is_wire = bool(article.outlet and article.outlet.is_wire)
    return (not outlet_is_wire, _when(article), article.pk)


def store_bands(article: Article, bands: list[int]) -> None:
    """Keep the article's fingerprint bands (again: a changed text gets new ones), in
    one statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH gone AS (DELETE FROM corroboration_articleband "
            "WHERE article_id = %(article)s AND NOT band = ANY(%(bands)s)) "
            "INSERT INTO corroboration_articleband (article_id, band) "
            "SELECT %(article)s, b FROM unnest(%(bands)s::bigint[]) AS b ON CONFLICT (article_id, band) DO NOTHING",
            {"article": article.pk, "bands": sorted(set(bands))},
        )


def _candidates(article: Article, bands: list[int]) -> list[Article]:
    """Grouped articles near in time that share a fingerprint band with the article,
    the most shared bands (the most similar texts) first. The band index narrows
    first; the time window and "already grouped" are checked on those rows only."""
    if not bands:
        return []
    when = _when(article)
    nearby = Q(published_at__range=(when - WINDOW, when + WINDOW)) | Q(
        published_at__isnull=True, seen_at__range=(when - WINDOW, when + WINDOW)
    )
    sharing = (
        ArticleBand.objects.filter(band__in=bands, article=OuterRef("pk")).values("article").annotate(n=Count("pk"))
    )
    return list(
        Article.objects.filter(
            nearby,
            pk__in=ArticleBand.objects.filter(band__in=bands).exclude(article=article).values("article"),
            syndication__isnull=False,
        )
        .exclude(text="")
        .annotate(shared=Subquery(sharing.values("n")))
        .select_related("syndication")
        .order_by("-shared", "pk")[:CANDIDATES]
    )


@transaction.atomic
def group_article(article: Article) -> Syndication:
    """Place the article in its story's group (idempotent: grouping twice changes nothing).

    It is compared only with articles already grouped; when it is a copy of stories in
    more than one group, those groups are one story and are merged."""
    _lock()
    own = shingles(article.text)
    bands = band_ids(signature(article.text))
    store_bands(article, bands)
    twins: dict[int, float] = {}  # origin id -> best similarity with a member of its group
    if len(own) >= MIN_SHINGLES:
        for candidate in _candidates(article, bands):
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
