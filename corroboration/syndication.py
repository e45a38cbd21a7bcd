"""Group republished copies of one story, so that forty outlets running one wire story
count as one source.

An article is compared with the grouped articles that share a band of its MinHash
fingerprint (`fingerprint.py`; the bands are stored in an indexed table, so finding
them is an equality lookup whatever the number of stored articles); if most of the
shorter text's five-word shingles appear in the other, the two are one story. The
group's origin is the wire service's own copy when present, otherwise the earliest one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction

from corroboration.fingerprint import band_ids, signature
from corroboration.models import Syndication
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


# Grouped articles with text near in time that share a band with the article, the most
# shared bands (the most similar texts) first, in one statement: the band index
# narrows first; the time window and "already grouped" are checked on those rows only.
_CANDIDATES_SQL = """
SELECT a.id, a.text, s.origin_id
FROM corroboration_articleband b
JOIN sources_article a ON a.id = b.article_id
JOIN corroboration_syndication s ON s.article_id = a.id
WHERE b.band = ANY(%(bands)s) AND b.article_id <> %(article)s AND a.text <> ''
  AND (a.published_at BETWEEN %(since)s AND %(until)s
       OR (a.published_at IS NULL AND a.seen_at BETWEEN %(since)s AND %(until)s))
GROUP BY a.id, s.origin_id
ORDER BY count(*) DESC, a.id
LIMIT %(limit)s
"""


@dataclass(frozen=True)
class Candidate:
    """A grouped article that may be a copy: its text and its group's origin."""

    pk: int
    text: str
    origin_id: int


def _candidates(article: Article, bands: list[int]) -> list[Candidate]:
    """Grouped articles near in time that share a fingerprint band with the article,
    the most shared bands (the most similar texts) first."""
    if not bands:
        return []
    when = _when(article)
    with connection.cursor() as cursor:
        cursor.execute(
            _CANDIDATES_SQL,
            {
                "bands": sorted(set(bands)),
                "article": article.pk,
                "since": when - WINDOW,
                "until": when + WINDOW,
                "limit": CANDIDATES,
            },
        )
        return [Candidate(pk, text, origin) for pk, text, origin in cursor.fetchall()]


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
                origin_pk = candidate.origin_id
                twins[origin_pk] = max(similarity, twins.get(origin_pk, 0.0))
    if not twins:
        return _keep(article, origin=article, similarity=1.0)

    # Which copy is the origin is decided by outlet and dates: the texts stay in the database.
    contenders = [
        article,
        *Article.objects.select_related("outlet")
        .filter(pk__in=twins)
        .defer("text", "summary", "raw_payload", "search_vector"),
    ]
    origin = min(contenders, key=_precedence)
    # Every member of every group this article joins now shares one origin.
    Syndication.objects.filter(origin_id__in=twins).exclude(origin=origin).update(origin=origin)
    similarity = 1.0 if origin.pk == article.pk else twins.get(origin.pk, max(twins.values()))
    return _keep(article, origin=origin, similarity=round(min(similarity, 1.0), 3))


def _keep(article: Article, *, origin: Article, similarity: float) -> Syndication:
    """Write the article's place in its group, new or changed, in one statement."""
    (syndication,) = Syndication.objects.bulk_create(
        [Syndication(article=article, origin=origin, similarity=similarity)],
        update_conflicts=True,
        unique_fields=["article"],
        update_fields=["origin", "similarity", "grouped_at"],
    )
    return syndication


def origin_id(article: Article) -> int:
    """The id shared by an origin and its copies (the API's `origin_group`)."""
    syndication = getattr(article, "syndication", None)
    return syndication.origin_id if syndication is not None else article.pk
