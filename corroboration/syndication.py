"""Group republished copies of one story, so that forty outlets running one wire story
count as one source.

An article is compared with the grouped articles that share a band of its MinHash
fingerprint (`fingerprint.py`; the bands are stored in an indexed table, so finding
them is an equality lookup whatever the number of stored articles); if most of the
shorter text's five-word shingles appear in the other, the two are one story. Each
article's shingles are stored with its group (`Syndication.shingles`), so a candidate is
compared without its text being read or shingled again. The group's origin is the wire
service's own copy when present, otherwise the earliest one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction

from corroboration.fingerprint import band_ids, pack_shingles, signature, unpack_shingles
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
# shared bands (the most similar texts) first, with the shingles stored when they were
# grouped (their text only for one grouped without them), in one statement that also
# stores the article's own bands: the band index narrows first; the time window and
# "already grouped" are checked on those rows only. The article's own rows are left
# out, so the statement's snapshot (taken before its bands change) reads the same.
_CANDIDATES_SQL = """
WITH gone AS (
  DELETE FROM corroboration_articleband WHERE article_id = %(article)s AND NOT band = ANY(%(bands)s)
), kept AS (
  INSERT INTO corroboration_articleband (article_id, band)
  SELECT %(article)s, b FROM unnest(%(bands)s::bigint[]) AS b ON CONFLICT (article_id, band) DO NOTHING
), shared AS (
  SELECT article_id, count(*) AS bands FROM corroboration_articleband
  WHERE band = ANY(%(bands)s) AND article_id <> %(article)s
  GROUP BY article_id
)
SELECT a.id, s.shingles, CASE WHEN s.shingles IS NULL THEN a.text END, s.origin_id
FROM shared
JOIN sources_article a ON a.id = shared.article_id
JOIN corroboration_syndication s ON s.article_id = a.id
WHERE a.text <> ''
  AND (a.published_at BETWEEN %(since)s AND %(until)s
       OR (a.published_at IS NULL AND a.seen_at BETWEEN %(since)s AND %(until)s))
ORDER BY shared.bands DESC, a.id
LIMIT %(limit)s
"""


@dataclass(frozen=True)
class Candidate:
    """A grouped article that may be a copy: its shingles and its group's origin."""

    pk: int
    shingles: set[int]
    origin_id: int


def _candidates(article: Article, bands: list[int]) -> list[Candidate]:
    """Store the article's bands and find the grouped articles near in time that share
    one with it, the most shared bands (the most similar texts) first."""
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
        return [
            Candidate(pk, unpack_shingles(stored) if stored is not None else shingles(text), origin)
            for pk, stored, text, origin in cursor.fetchall()
        ]


@transaction.atomic
def group_article(article: Article) -> Syndication:
    """Place the article in its story's group (idempotent: grouping twice changes nothing).

    It is compared only with articles already grouped; when it is a copy of stories in
    more than one group, those groups are one story and are merged."""
    _lock()
    own = shingles(article.text)
    bands = band_ids(signature(article.text))
    twins: dict[int, float] = {}  # origin id -> best similarity with a member of its group
    if len(own) >= MIN_SHINGLES and bands:
        for candidate in _candidates(article, bands):
            similarity = containment(own, candidate.shingles)
            if similarity >= SAME_STORY:
                origin_pk = candidate.origin_id
                twins[origin_pk] = max(similarity, twins.get(origin_pk, 0.0))
    else:
        store_bands(article, bands)
    if not twins:
        return _keep(article, own, origin=article, similarity=1.0)

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
    return _keep(article, own, origin=origin, similarity=round(min(similarity, 1.0), 3))


def _keep(article: Article, own: set[int], *, origin: Article, similarity: float) -> Syndication:
    """Write the article's place in its group, new or changed, with its shingles, in one
    statement."""
    (syndication,) = Syndication.objects.bulk_create(
        [Syndication(article=article, origin=origin, similarity=similarity, shingles=pack_shingles(own) or None)],
        update_conflicts=True,
        unique_fields=["article"],
        update_fields=["origin", "similarity", "grouped_at", "shingles"],
    )
    return syndication


def origin_id(article: Article) -> int:
    """The id shared by an origin and its copies (the API's `origin_group`)."""
    syndication = getattr(article, "syndication", None)
    return syndication.origin_id if syndication is not None else article.pk
