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
from django.utils import timezone

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


# A transaction that writes only what is derived from stored rows and is made again when
# missing (an article's group and bands; a chunk of coverage readings with the matching
# checkpoint that says how far they got) commits without waiting for its WAL record to
# reach the disk (`synchronous_commit` off, for that transaction only): a server crash in
# the following fraction of a second loses it whole, checkpoint included, and it is made
# again; and the next commit that does wait (the job's progress report, the job's end)
# makes it durable too, the WAL being written in order. A transaction the caller holds
# (a coverage search, a test) keeps its own durability.
NO_WAIT = "CASE WHEN %(no_wait)s THEN set_config('synchronous_commit', 'off', true) END"


def _lock(*, wait_for_disk: bool) -> None:
    # One grouping at a time: two copies grouped concurrently must not found two groups.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext('corroboration.syndication')), " + NO_WAIT,
            {"no_wait": not wait_for_disk},
        )


def _when(article: Article) -> datetime:
    return article.published_at or article.seen_at


def _precedence(article: Article) -> tuple:
    """Which of two copies is the origin: the wire's own copy, then the earliest."""
    outlet_is_wire = bool(article.outlet and article.outlet.is_wire)
    return _precedence_of(outlet_is_wire, article.published_at, article.seen_at, article.pk)


def _precedence_of(outlet_is_wire: bool, published_at: datetime | None, seen_at: datetime, pk: int) -> tuple:
    return (not outlet_is_wire, published_at or seen_at, pk)


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
# grouped (their text only for one grouped without them) and what decides which copy of
# their group is its origin, in one statement that also stores the article's own bands:
# the band index narrows first; the time window and "already grouped" are checked on
# those rows only. The article's own rows are left out, so the statement's snapshot
# (taken before its bands change) reads the same.
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
SELECT a.id, s.shingles, CASE WHEN s.shingles IS NULL THEN a.text END,
       s.origin_id, coalesce(ot.is_wire, false), o.published_at, o.seen_at
FROM shared
JOIN sources_article a ON a.id = shared.article_id
JOIN corroboration_syndication s ON s.article_id = a.id
JOIN sources_article o ON o.id = s.origin_id
LEFT JOIN sources_outlet ot ON ot.id = o.outlet_id
WHERE a.text <> ''
  AND (a.published_at BETWEEN %(since)s AND %(until)s
       OR (a.published_at IS NULL AND a.seen_at BETWEEN %(since)s AND %(until)s))
ORDER BY shared.bands DESC, a.id
LIMIT %(limit)s
"""


@dataclass(frozen=True)
class Candidate:
    """A grouped article that may be a copy: its shingles, and its group's origin with
    its precedence (`_precedence`)."""

    pk: int
    shingles: set[int]
    origin_id: int
    origin_precedence: tuple


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
            Candidate(
                pk,
                unpack_shingles(stored) if stored is not None else shingles(text),
                origin,
                _precedence_of(is_wire, published_at, seen_at, origin),
            )
            for pk, stored, text, origin, is_wire, published_at, seen_at in cursor.fetchall()
        ]


def group_article(article: Article) -> Syndication:
    """Place the article in its story's group (idempotent: grouping twice changes nothing).

    It is compared only with articles already grouped; when it is a copy of stories in
    more than one group, those groups are one story and are merged."""
    own_transaction = not connection.in_atomic_block
    with transaction.atomic():
        _lock(wait_for_disk=not own_transaction)
        return _group(article)


def _group(article: Article) -> Syndication:
    own = shingles(article.text)
    bands = band_ids(signature(article.text))
    twins: dict[int, float] = {}  # origin id -> best similarity with a member of its group
    precedence = {article.pk: _precedence(article)}  # which copy is the origin: by outlet and dates
    if len(own) >= MIN_SHINGLES and bands:
        for candidate in _candidates(article, bands):
            similarity = containment(own, candidate.shingles)
            if similarity >= SAME_STORY:
                origin_pk = candidate.origin_id
                twins[origin_pk] = max(similarity, twins.get(origin_pk, 0.0))
                # (The article itself, regrouped, keeps the earlier of its two readings.)
                precedence[origin_pk] = min(
                    precedence.get(origin_pk, candidate.origin_precedence), candidate.origin_precedence
                )
    else:
        store_bands(article, bands)
    if not twins:
        return _keep(article, own, origin=article.pk, similarity=1.0)
    origin = min(precedence, key=precedence.__getitem__)
    similarity = 1.0 if origin == article.pk else twins.get(origin, max(twins.values()))
    return _keep(article, own, origin=origin, similarity=round(min(similarity, 1.0), 3), joined=list(twins))


# The article's place in its group, new or changed, with its shingles; every member of
# every group it joins (`joined`: their origins) now shares one origin. The article's
# own row is left to the insert, so no row is written twice in the statement.
_KEEP_SQL = """
WITH moved AS (
  UPDATE corroboration_syndication SET origin_id = %(origin)s
  WHERE origin_id = ANY(%(joined)s) AND origin_id <> %(origin)s AND article_id <> %(article)s
)
INSERT INTO corroboration_syndication (article_id, origin_id, similarity, grouped_at, shingles)
VALUES (%(article)s, %(origin)s, %(similarity)s, %(now)s, %(shingles)s)
ON CONFLICT (article_id) DO UPDATE SET origin_id = EXCLUDED.origin_id, similarity = EXCLUDED.similarity,
  grouped_at = EXCLUDED.grouped_at, shingles = EXCLUDED.shingles
"""


def _keep(
    article: Article, own: set[int], *, origin: int, similarity: float, joined: list[int] | None = None
) -> Syndication:
    """Write the article's place in its group and merge the groups it joins, in one
    statement."""
    row = Syndication(
        article=article,
        origin_id=origin,
        similarity=similarity,
        grouped_at=timezone.now(),
        shingles=pack_shingles(own) or None,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            _KEEP_SQL,
            {
                "article": article.pk,
                "origin": origin,
                "joined": sorted(joined or []),
                "similarity": similarity,
                "now": row.grouped_at,
                "shingles": row.shingles,
            },
        )
    row._state.adding = False
    row._state.db = connection.alias
    return row


def origin_id(article: Article) -> int:
    """The id shared by an origin and its copies (the API's `origin_group`)."""
    syndication = getattr(article, "syndication", None)
    return syndication.origin_id if syndication is not None else article.pk
