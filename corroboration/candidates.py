"""Which claims a new article may carry, and which stored articles a claim may appear
in, found through PostgreSQL's full-text indexes before the scorer (`matching.py`)
reads a single passage.

Both directions work on PostgreSQL's own lexemes (the `english` configuration), so
what is looked up and what is stored were analysed alike:

- **Keys.** A page is looked up by its *distinguishing* lexemes only: not the names in
  the alias table (country names and their capitals, which half the news carries), not
  the common news words the scorer weighs low (`TermStats` without statistics), not
  words the scorer ignores ("said", weekdays), and, for the article → claims
  direction, not the lexemes the planner's statistics show in more than
  `FREQUENT_SHARE` of claims (and more than `FREQUENT_MIN_CLAIMS` of them). A GIN
  index answers "which rows hold any of these" by reading one short posting list per
  key, however many rows the table holds.
- **Share.** The scorer calls an article related when a passage carries half the
  weight of the claim's statement or of its quote, and without statistics a term
  weighs between 0.5 and 1.5: such an article holds at least a quarter (`MIN_SHARE`)
  of the lexemes of that wording. Candidates below that share are dropped in the
  database (`ts_filter`/`ts_delete` on the stored vectors), so the scorer only reads
  claims that could pass. Names are folded through the alias table first: a page
  that says "the Kremlin" holds every lexeme of "Russia".
- **Wordings.** The table's wordings (`aliases.SEED_WORDINGS`, kept in the admin)
  are folded the same way, and are also looked up by: a page that says "quit" holds,
  and is looked up by, every lexeme of "step down", "resign", "stand down"…, so it
  finds a claim worded "will step down"; a claim worded "step down" looks for pages
  by all of them. The claims' index itself stores only their own words (nothing to
  refresh when the table changes): equivalents are added on the side that asks.

A claim whose only words in common with an article are country names and common news
words is not a candidate: that is the "matches almost anything" case the scorer must
not see. Such a claim is still matched when its own coverage search runs.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db import connection

from corroboration.aliases import AliasTable
from corroboration.matching import Document, TermStats
from corroboration.text import NEGATORS, STOPWORDS, tokens

# Share of a wording's lexemes a page must hold to be worth scoring (see the module's text).
MIN_SHARE = 0.25
# A lexeme in more than this share of the claims distinguishes nothing (the planner's
# statistics say which: pg_stats.most_common_elems of claims_claim.match_vector).
FREQUENT_SHARE = 0.01
FREQUENT_MIN_CLAIMS = 20
# How many candidate rows one query returns: the unit of a job's checkpoint.
CHUNK = 200

_PRIOR = TermStats()


@dataclass(frozen=True)
class Lexicon:
    """What the alias table and the scorer's word lists are in PostgreSQL's lexemes."""

    names: Mapping[str, frozenset[str]]  # entity key ("@russia") → lexemes of all its names
    ignored: frozenset[str]  # lexemes of words the scorer never counts
    wordings: Mapping[str, frozenset[str]] = field(default_factory=dict)  # "~step down" → lexemes of all its forms

    @property
    def name_lexemes(self) -> frozenset[str]:
        return frozenset(lexeme for lexemes in self.names.values() for lexeme in lexemes)

    def distinguishing(self, lexemes: Iterable[str]) -> set[str]:
        """Lexemes worth looking a page up by: no names, no common or ignored words."""
        names = self.name_lexemes
        return {
            lexeme
            for lexeme in lexemes
            if lexeme not in names and lexeme not in self.ignored and _PRIOR.weight(lexeme) >= 1.0
        }


def lexemes_of(texts: Sequence[str]) -> list[list[str]]:
    """PostgreSQL's `english` lexemes of each text, in one query."""
    if not texts:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tsvector_to_array(to_tsvector('english', t)) FROM unnest(%s::text[]) WITH ORDINALITY AS x(t, n) "
            "ORDER BY n",
            [list(texts)],
        )
        return [list(row[0]) for row in cursor.fetchall()]


@lru_cache(maxsize=8)
def _lexicon(groups: tuple[tuple[str, tuple[str, ...]], ...]) -> Lexicon:
    analysed = lexemes_of([" ".join(forms) for _, forms in groups] + [" ".join(sorted(STOPWORDS | NEGATORS))])
    folded = {key: frozenset(lexemes) for (key, _), lexemes in zip(groups, analysed[:-1], strict=True)}
    return Lexicon(
        names={key: lexemes for key, lexemes in folded.items() if key.startswith("@")},
        ignored=frozenset(analysed[-1]),
        wordings={key: lexemes for key, lexemes in folded.items() if key.startswith("~")},
    )


_SEED_TABLE = AliasTable()


def lexicon(aliases: AliasTable | None = None) -> Lexicon:
    """The lexicon of an alias table (default: the seed table), analysed once per
    process for each table."""
    return _lexicon((aliases or _SEED_TABLE).signature)


def entities_named(text: str, aliases: AliasTable | None = None) -> set[str]:
    """The entity keys of the alias table that a text names, in any of their names."""
    return {entity.key for entity in (aliases or _SEED_TABLE).entities(tokens(text))}


def wordings_said(text: str, aliases: AliasTable | None = None) -> set[str]:
    """The wording keys of the alias table that a text says, in any of their forms."""
    return {wording.key for wording in (aliases or _SEED_TABLE).wordings(tokens(text))}


def _tsquery(lexemes: Iterable[str]) -> str:
    """An OR of lexemes as tsquery text, each quoted so it is taken as it is; a grouped
    figure ("5,500", see `figure_keys`) as the phrase of its parts ('5' <-> '500')."""
    quoted = [
        " <-> ".join("'" + part.replace("'", "''") + "'" for part in _parts(lexeme))
        for lexeme in sorted(lexemes)
        if "\\" not in lexeme
    ]
    return " | ".join(f"({q})" if " <-> " in q else q for q in quoted)


# A figure written with thousands separators ("5,500", "1,284,000"), and a number
# standing alone (not part of such a figure, nor of a decimal).
_FIGURE = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?!\d|[.,]\d)")
_NUMBER = re.compile(r"(?<![\d.,])\d+(?!\d|[.,]\d)")


def _parts(key: str) -> list[str]:
    return key.split(",") if _FIGURE.fullmatch(key) else [key]


def figure_keys(text: str, lexemes: Iterable[str]) -> set[str]:
    """`lexemes` with each grouped figure of `text` as one key. PostgreSQL's parser
    reads "5,500" as the numbers 5 and 500: looked up by "500", a page would find every
    claim about 2,500, 7,500 or 9,500 of anything. A part of a figure stays a key only
    where the text also has it as a number of its own; the figure itself becomes a key
    (`_tsquery` asks for its parts in sequence)."""
    figures = set(_FIGURE.findall(text))
    parts = {part for figure in figures for part in figure.split(",")}
    alone = set(_NUMBER.findall(text))
    return {lexeme for lexeme in lexemes if lexeme not in parts or lexeme in alone} | figures


def frequent_claim_lexemes(share: float = FREQUENT_SHARE) -> frozenset[str]:
    """Lexemes in more than `share` of the claims, by the planner's statistics (kept
    current by autovacuum's ANALYZE; empty before the first one). Read again at most
    every `STATISTICS_SECONDS`: they change slowly, and a job matches many articles."""
    now = time.monotonic()
    cached = _FREQUENT.get(share)
    if cached is not None and now - cached[0] < STATISTICS_SECONDS:
        return cached[1]
    found = _frequent_claim_lexemes(share)
    _FREQUENT[share] = (now, found)
    return found


STATISTICS_SECONDS = 300
_FREQUENT: dict[float, tuple[float, frozenset[str]]] = {}


def _frequent_claim_lexemes(share: float) -> frozenset[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples FROM pg_stats s "
            "JOIN pg_class c ON c.relname = s.tablename AND c.relnamespace = to_regnamespace(s.schemaname) "
            "WHERE s.schemaname = current_schema() AND s.tablename = 'claims_claim' AND s.attname = 'match_vector'"
        )
        row = cursor.fetchone()
    if not row or not row[0]:
        return frozenset()
    elements, frequencies, rows = row
    # With few claims every lexeme is in "many" of them: only a lexeme that would make
    # a long list of candidates is left out.
    return frozenset(
        e for e, f in zip(elements, frequencies, strict=False) if f > share and f * rows > FREQUENT_MIN_CLAIMS
    )


@dataclass(frozen=True)
class ArticleKeys:
    """What an article is looked up by (`keys`: its distinguishing lexemes and those
    of every form of each wording it says) and what it holds (`present`: its lexemes,
    every name of each entity it names, every form of each wording it says, and the
    words the scorer ignores)."""

    keys: frozenset[str]
    present: frozenset[str]

    @classmethod
    def of(
        cls,
        text: str,
        *,
        aliases: AliasTable | None = None,
        frequent: Iterable[str] = (),
        document: Document | None = None,
    ) -> ArticleKeys:
        """`document`: the text already read by the scorer with the same alias table
        (read now when not given): the names and wordings it folded are those looked
        up, so the index and the scorer see the same ones."""
        words = lexicon(aliases)
        (own,) = lexemes_of([text])
        document = document or Document(text, aliases)
        named = {term for term in document.all_terms if document.aliases.is_entity(term)}
        said = {term for term in document.all_terms if document.aliases.is_wording(term)}
        present = set(own) | words.ignored
        for key in named:
            present |= words.names.get(key, frozenset())
        equivalents: set[str] = set()
        for key in said:
            equivalents |= words.wordings.get(key, frozenset())
        keys = figure_keys(text, words.distinguishing(set(own) | equivalents)) - set(frequent)
        return cls(keys=frozenset(keys), present=frozenset(present | equivalents))


# The claims whose statement (weight A) or quote (weight B) has MIN_SHARE of its
# countable lexemes in the article; `w` is the claim's vector without ignored words.
_CLAIMS_SQL = """
SELECT c.id
FROM claims_claim c
CROSS JOIN LATERAL (SELECT ts_delete(c.match_vector, %(ignored)s::text[]) AS v) w
CROSS JOIN LATERAL (SELECT ts_filter(w.v, '{a}') AS s, ts_filter(w.v, '{b}') AS q) parts
WHERE c.match_vector @@ %(keys)s::tsquery
  AND c.status = ANY(%(statuses)s)
  AND c.id > %(after)s
  AND (
    (length(parts.s) > 0
     AND length(parts.s) - length(ts_delete(parts.s, %(present)s::text[])) >= %(share)s * length(parts.s))
    OR (length(parts.q) > 0
     AND length(parts.q) - length(ts_delete(parts.q, %(present)s::text[])) >= %(share)s * length(parts.q))
  )
ORDER BY c.id
LIMIT %(limit)s
"""


def candidate_claims_query(
    article: ArticleKeys,
    *,
    statuses: Sequence[str],
    after: int = 0,
    limit: int = CHUNK,
    aliases: AliasTable | None = None,
) -> tuple[str, list[Any]] | None:
    """The query of `candidate_claim_ids` (its parameters in order, so that it can be
    embedded in another statement: the claims read in the same one); None when the
    article has nothing to be looked up by."""
    if not article.keys:
        return None
    named: dict[str, object] = {
        "keys": _tsquery(article.keys),
        "ignored": sorted(lexicon(aliases).ignored),
        "present": sorted(article.present),
        "statuses": list(statuses),
        "after": after,
        "share": MIN_SHARE,
        "limit": limit,
    }
    values: list[Any] = []

    def place(found: re.Match[str]) -> str:
        values.append(named[found.group(1)])
        return "%s"

    return re.sub(r"%\((\w+)\)s", place, _CLAIMS_SQL), values


def candidate_claim_ids(
    article: ArticleKeys,
    *,
    statuses: Sequence[str],
    after: int = 0,
    limit: int = CHUNK,
    aliases: AliasTable | None = None,
) -> list[int]:
    """The next `limit` candidate claims (by id, after `after`) for an article: in one
    of `statuses`, sharing a distinguishing lexeme with it and holding `MIN_SHARE` of
    a wording's lexemes. Taken in id order so a job can resume after the last chunk."""
    query = candidate_claims_query(article, statuses=statuses, after=after, limit=limit, aliases=aliases)
    if query is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(*query)
        return [row[0] for row in cursor.fetchall()]


@dataclass(frozen=True)
class ClaimTerms:
    """A claim's wordings as groups of lexemes: a group is present in a page when the
    page holds any of its lexemes (an entity's group holds every name of it, a folded
    wording's every form of it: "step down" is present where a page says "quit")."""

    wordings: tuple[tuple[frozenset[str], ...], ...]
    keys: frozenset[str]

    @classmethod
    def of(cls, statement: str, quote: str = "", *, aliases: AliasTable | None = None) -> ClaimTerms:
        words = lexicon(aliases)
        texts = [t for t in (statement, quote) if t.strip()]
        analysed = lexemes_of(texts)
        wordings = []
        keys: set[str] = set()
        for text, lexemes in zip(texts, analysed, strict=True):
            groups: dict[str, frozenset[str]] = {}
            folded: set[str] = set()
            for key in entities_named(text, aliases):
                folded |= words.names.get(key, frozenset())
                groups[key] = words.names.get(key, frozenset())
            equivalents: set[str] = set()
            for key in wordings_said(text, aliases):
                equivalents |= words.wordings.get(key, frozenset())
                groups[key] = words.wordings.get(key, frozenset())
            folded |= equivalents
            for lexeme in lexemes:
                if lexeme in words.ignored or lexeme in folded:
                    continue
                groups[lexeme] = frozenset({lexeme})
            wordings.append(tuple(g for g in groups.values() if g))
            keys |= figure_keys(text, words.distinguishing(set(lexemes) | equivalents))
        return cls(wordings=tuple(wordings), keys=frozenset(keys))


def article_candidate_condition(terms: ClaimTerms, alias: str = "a") -> tuple[str, list[object]]:
    """SQL (with its parameters) true for a stored article (table alias `alias`) that
    shares a distinguishing lexeme with the claim and holds `MIN_SHARE` of the groups
    of its statement or of its quote."""
    if not terms.keys:
        return "FALSE", []
    params: list[object] = [_tsquery(terms.keys)]
    shares = []
    for groups in terms.wordings:
        held = " + ".join(f"({alias}.search_vector @@ %s::tsquery)::int" for _ in groups)
        params.extend(_tsquery(group) for group in groups)
        shares.append(f"({held}) >= %s")
        params.append(MIN_SHARE * len(groups))
    condition = f"{alias}.search_vector @@ %s::tsquery AND ({' OR '.join(shares) or 'TRUE'})"
    return condition, params
