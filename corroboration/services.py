"""The one write path for coverage and jobs: matching a claim against stored articles,
confirming a stance, accepting a suggested credibility, and the life of a job row."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, F, Q
from django.db.models.constants import OnConflict
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.db.models.sql import InsertQuery
from django.utils import timezone

from claims.models import AttributionRole, Claim, ClaimRelation, Rating, Status
from claims.services import attribution_update
from core.leases import Lease
from core.retry import backoff
from core.services import Actor, model_update, service, task_send
from corroboration.aliases import SEED_ALIASES, SEED_WORDINGS, AliasTable
from corroboration.candidates import (
    CHUNK,
    ArticleKeys,
    ClaimTerms,
    article_candidate_condition,
    candidate_claims_query,
    frequent_claim_lexemes,
)
from corroboration.classify import FirstAppearance, Page, PageJudgement, Row, classify
from corroboration.echoes import EchoFinding, OutletNames, find_echo
from corroboration.ledger import Ledger, ledger_of
from corroboration.matching import ClaimProfile, Document, Match, match, responses_to
from corroboration.models import (
    Alias,
    AliasKind,
    ArticleMatching,
    Coverage,
    CoverageIndependence,
    Job,
    JobKind,
    JobStatus,
    MatchFoundBy,
    MatchState,
    PriorCheck,
    PriorCheckFoundBy,
    PriorCheckMatch,
    RatingMapping,
    Stance,
    Syndication,
    alias_mappings,
)
from corroboration.prior_matching import PriorMatch, match_prior_check
from corroboration.rating_labels import rating_key
from corroboration.stance import Stance as ClassStance
from corroboration.stance import StanceSuggestion, suggest_stance
from corroboration.syndication import group_article, origin_id
from corroboration.text import NEGATORS, is_content, words
from sources.canonical import canonical_url
from sources.claimreviews import ClaimReviewItem, ClaimReviewUnreadable, body_text, read_claimreviews
from sources.fetch import HTML_TYPES, JSON_TYPES, Fetcher, FetchError, check_url
from sources.models import Article, Outlet
from sources.providers.factcheck_tools import FactCheckReview, FactCheckTools
from sources.services import clipped, json_safe

MATCH_CANDIDATES = 200  # prior checks: the best this many by rank


class JobLost(Exception):
    """The job's lease ran out and another worker took it over: stop writing."""


class JobRefused(Exception):
    """The job's input cannot be used (a file that does not parse): trying again would
    only fail again, so the job ends `failed` at once with this message."""


# --- Matching -------------------------------------------------------------------------------


def candidate_articles(
    claim: Claim, *, among: Iterable[int] | None = None, aliases: AliasTable | None = None
) -> Iterator[Article]:
    """Stored articles that may carry the claim, in chunks by id: found through the
    articles' full-text index by the claim's distinguishing terms and holding a
    quarter of its statement's or quote's terms (`candidates.py`), names and wordings
    folded through `aliases` (default: the seed tables); the scoring decides which
    carry the claim. Memory holds one chunk, however many articles match."""
    terms = ClaimTerms.of(claim.statement, claim.quote, aliases=aliases)
    condition, params = article_candidate_condition(terms, '"sources_article"')
    # The condition is fixed text from candidates.py; every value in it is a bound parameter.
    wanted = RawSQL(condition, params, output_field=BooleanField())  # noqa: S611
    articles = Article.objects.exclude(text="").filter(wanted)
    if among is not None:
        articles = articles.filter(pk__in=list(among))
    after = 0
    while True:
        chunk = list(articles.filter(pk__gt=after).select_related("outlet", "syndication").order_by("pk")[:CHUNK])
        yield from chunk
        if len(chunk) < CHUNK:
            return
        after = chunk[-1].pk


def ensure_grouped(articles: Iterable[Article]) -> int:
    """Group every article that has not been placed in a syndication group yet."""
    grouped = 0
    for article in articles:
        if not Syndication.objects.filter(article=article).exists():
            group_article(article)
            grouped += 1
    return grouped


def claim_profile(claim: Claim, *, aliases: AliasTable | None = None) -> ClaimProfile:
    """What distinguishes the claim, read with the alias table."""
    return ClaimProfile.of(claim.statement, claim.quote, aliases=aliases or alias_table())


def alias_table() -> AliasTable:
    """The alias table as editors keep it in the admin (`Alias`, entities and wordings,
    read in one query; seeded by migration)."""
    tables = alias_mappings()
    return AliasTable(tables[AliasKind.ENTITY], wordings=tables[AliasKind.WORDING])


ALIAS_FIELDS = frozenset({"kind", "name", "alias", "notes"})


def alias_seed() -> int:
    """Put the starting tables (aliases.SEED_ALIASES and SEED_WORDINGS) back where they
    are missing — the demo loads them, and migrations 0007 and 0009 wrote them once; an
    editor's own rows and changes stay. The number of rows added."""
    before = Alias.objects.count()
    seeds = ((AliasKind.ENTITY, SEED_ALIASES), (AliasKind.WORDING, SEED_WORDINGS))
    rows = [
        Alias(kind=kind, name=name, alias=alias, notes="Seed table.")
        for kind, table in seeds
        for name, names in table.items()
        for alias in names
    ]
    Alias.objects.bulk_create(rows, ignore_conflicts=True)
    return Alias.objects.count() - before


def _alias_clean(alias: Alias) -> None:
    alias.name, alias.alias = " ".join(alias.name.split()), " ".join(alias.alias.split())
    if alias.name.lower() == alias.alias.lower():
        raise ValidationError({"alias": "An alias is another name, not the name itself."})
    if alias.kind == AliasKind.WORDING:
        for field_name in ("name", "alias"):
            plain = words(getattr(alias, field_name))
            # "not" inside a wording would hide a negation from stance reading; a wording
            # of stopwords only ("down") would fold every such word.
            if any(w in NEGATORS or w.endswith("n't") for w in plain):
                raise ValidationError({field_name: "A wording cannot hold a negation (“not”, “never”)."})
            if plain and not any(is_content(w) for w in plain):
                raise ValidationError({field_name: "A wording needs at least one word that says something."})
    alias.full_clean()


@service
def alias_create(*, actor: Actor, name: str, alias: str, notes: str = "", kind: str = AliasKind.ENTITY) -> Alias:
    """Teach matching another name for an entity, or (`kind` wording) another way of
    saying what happened (editors); used from the next match on (a matching job reads
    the table when it starts)."""
    if actor is not None:
        _require(actor, "corroboration.add_alias", "Only an editor can change the alias table.")
    row = Alias(kind=kind, name=name, alias=alias, notes=notes)
    _alias_clean(row)
    row.save()
    return row


@service
def alias_update(*, actor: Actor, alias: Alias, **data: Any) -> Alias:
    if actor is not None:
        _require(actor, "corroboration.change_alias", "Only an editor can change the alias table.")
    if model_update(alias, data, fields=ALIAS_FIELDS):
        _alias_clean(alias)
        alias.save()
    return alias


@service
def alias_delete(*, actor: Actor, alias: Alias) -> None:
    if actor is not None:
        _require(actor, "corroboration.delete_alias", "Only an editor can change the alias table.")
    alias.delete()


def _responses(claim: Claim, aliases: AliasTable) -> list[ClaimProfile]:
    """Profiles of the claims that respond to this one with a different proposition:
    their sentences are not read as carrying this claim, so a denial of theirs never
    becomes a denial of this one."""
    return _responses_of([claim.pk], ProfileCache(aliases))[claim.pk]


def _responses_of(claim_ids: Sequence[int], profiles: ProfileCache) -> dict[int, list[ClaimProfile]]:
    """`_responses` for several claims at once, in two statements whatever their number
    (one when none has a response)."""
    relations = list(
        ClaimRelation.objects.filter(to_claim__in=claim_ids).values_list("from_claim", "kind", "to_claim", "addresses")
    )
    ids = {claim_id: {pk for pk in responses_to(claim_id, relations) if isinstance(pk, int)} for claim_id in claim_ids}
    wanted = {pk for found in ids.values() for pk in found}
    built = {other.pk: profiles.of(other) for other in (Claim.objects.filter(pk__in=wanted) if wanted else [])}
    return {claim_id: [built[pk] for pk in sorted(found) if pk in built] for claim_id, found in ids.items()}


def _outlet_names() -> list[OutletNames]:
    return [OutletNames(id=o.pk, name=o.name) for o in Outlet.objects.order_by("pk").only("pk", "name")]


# Claims' profiles matching keeps between articles and jobs: enough for the stories of a
# day's news, a few megabytes whatever the number of open claims.
PROFILES_KEPT = 2000


class ProfileCache:
    """Claims' profiles already built with one alias table, the `size` most recently
    used kept. A profile depends only on the claim's statement, its quote and the alias
    table, so one is used again only while the claim's wording is the one it was built
    from: a claim reworded since is read afresh."""

    def __init__(self, aliases: AliasTable, size: int = PROFILES_KEPT) -> None:
        self.aliases = aliases
        self.size = size
        self._kept: OrderedDict[int, tuple[tuple[str, str], ClaimProfile]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._kept)

    def of(self, claim: Claim) -> ClaimProfile:
        wording = (claim.statement, claim.quote)
        kept = self._kept.get(claim.pk)
        if kept is not None and kept[0] == wording:
            self._kept.move_to_end(claim.pk)
            return kept[1]
        profile = ClaimProfile.of(claim.statement, claim.quote, aliases=self.aliases)
        self._kept[claim.pk] = (wording, profile)
        self._kept.move_to_end(claim.pk)
        if len(self._kept) > self.size:
            self._kept.popitem(last=False)
        return profile


@dataclass(frozen=True)
class MatchingContext:
    """What matching articles to claims reads once per job rather than once per
    article: the alias table and the outlets' names as they are when the job starts
    (an editor's change is used from the next job on), and the claims' profiles built
    so far with that table, by this job or an earlier one in the same thread
    (`ProfileCache`, bounded)."""

    aliases: AliasTable
    outlets: list[OutletNames]
    profiles: ProfileCache

    @classmethod
    def read(cls) -> MatchingContext:
        aliases = alias_table()
        return cls(aliases=aliases, outlets=_outlet_names(), profiles=_kept_profiles(aliases))


_kept = threading.local()


def _kept_profiles(aliases: AliasTable) -> ProfileCache:
    """The profiles this thread's earlier jobs built with an equal alias table: a worker
    meets the same open claims job after job, and a profile is a function of the
    claim's wording and the table alone. An edited table starts afresh."""
    profiles: ProfileCache | None = getattr(_kept, "profiles", None)
    if profiles is None or profiles.aliases.signature != aliases.signature:
        profiles = _kept.profiles = ProfileCache(aliases)
    return profiles


def _own_names(article: Article) -> list[str]:
    """What the page calls itself: its outlet's name and the names the page gave."""
    names = [article.outlet.name] if article.outlet else []
    publisher = (article.raw_payload or {}).get("publisher") if isinstance(article.raw_payload, dict) else None
    if isinstance(publisher, dict):
        names += [str(publisher.get(key) or "") for key in ("site_name", "jsonld_publisher")]
    return [n for n in names if n]


def _excerpt_marks(found: Match) -> list[list[int]]:
    start = found.passage[0]
    return [[a - start, b - start] for a, b in found.marks if found.passage[0] <= a and b <= found.passage[1]]


def _sentence(text: str, span: tuple[int, int] | None) -> str:
    return text[span[0] : span[1]].strip() if span else ""


@dataclass(frozen=True)
class Reading:
    """What the pipeline read from one article for one claim: the match, the stance it
    suggests with its reason, and the outlet it re-cites if it is an echo."""

    found: Match
    suggestion: StanceSuggestion
    echo: EchoFinding | None


def read_article(
    profile: ClaimProfile,
    article: Article,
    *,
    responses: list[ClaimProfile],
    outlets: list[OutletNames],
    document: Document | None = None,
    found: Match | None = None,
) -> Reading:
    """`document`: the article's text already read with the profile's alias table;
    `found`: its match for the profile already made without responses (used when
    there are none, since it is then the same match)."""
    if found is None or responses:
        found = match(profile, document or article.text, responses=responses)
    if not found.related:
        unrelated = StanceSuggestion(ClassStance.UNRELATED, "No passage of the article carries the claim.")
        return Reading(found, unrelated, None)
    echo = find_echo(
        article.text,
        outlets,
        own_outlet=article.outlet_id,
        own_names=_own_names(article),
        passage=found.sentences,
        naming=found.naming,
        carrying=found.carrying,
    )
    return Reading(found, suggest_stance(document or article.text, found, profile), echo)


def _coverage_values(article: Article, reading: Reading) -> dict[str, Any]:
    """The fields of a coverage row the pipeline writes (never the reviewer's)."""
    found, suggestion, echo = reading.found, reading.suggestion, reading.echo
    return {
        "score": found.score,
        "excerpt": found.excerpt,
        "excerpt_marks": _excerpt_marks(found),
        "suggested_stance": str(suggestion.stance),
        "stance_reason": suggestion.reason,
        "stance_cue": clipped(suggestion.cue, 300),
        "stance_sentence": _sentence(article.text, suggestion.sentence),
        "echo_of_id": echo.outlet_id if echo else None,
        "echo_cue": clipped(echo.cue, 300) if echo else "",
    }


# What a new reading overwrites on an existing row: not the reviewer's stance, nor the
# flag of coverage found after publication.
_PIPELINE_FIELDS = [
    "score",
    "excerpt",
    "excerpt_marks",
    "suggested_stance",
    "stance_reason",
    "stance_cue",
    "stance_sentence",
    "echo_of",
    "echo_cue",
    "updated_at",
]


def _coverage_record(
    claim: Claim,
    article: Article,
    *,
    profile: ClaimProfile,
    responses: list[ClaimProfile],
    outlets: list[OutletNames],
    published: bool,
) -> tuple[bool, bool]:
    """Read one article for one claim and keep the result: (related, created). A
    suggestion the text no longer supports goes; a reviewer's decision stays."""
    reading = read_article(profile, article, responses=responses, outlets=outlets)
    if not reading.found.related:
        Coverage.objects.filter(claim=claim, article=article, stance="").delete()
        return False, False
    values = _coverage_values(article, reading)
    # Found after the verdict went out: flagged until a reviewer confirms it or the
    # claim is published again.
    _, created = Coverage.objects.update_or_create(
        claim=claim,
        article=article,
        defaults=values,
        create_defaults={**values, "new_since_publication": published},
    )
    return True, created


def _coverage_write(article: Article, rows: dict[Claim, dict[str, Any]]) -> int:
    """Keep one article's readings for several claims as `_coverage_record` would, in
    one upsert that also says which rows it created: an existing row gets the new
    reading and keeps its reviewer's stance and its flag; a new one is flagged when
    its claim is already published. The number of rows created."""
    if not rows:
        return 0
    meta = Coverage._meta
    query = InsertQuery(
        Coverage,
        on_conflict=OnConflict.UPDATE,
        update_fields=[meta.get_field(name) for name in _PIPELINE_FIELDS],
        unique_fields=[meta.get_field("claim"), meta.get_field("article")],
    )
    query.insert_values(
        [f for f in meta.concrete_fields if not f.primary_key],
        [
            Coverage(claim=claim, article=article, **values, new_since_publication=claim.status == Status.PUBLISHED)
            for claim, values in sorted(rows.items(), key=lambda item: item[0].pk)
        ],
    )
    ((sql, params),) = query.get_compiler(connection=connection).as_sql()
    with connection.cursor() as cursor:
        # A row the statement inserted has no deleting or locking transaction (xmax 0);
        # one it updated has this one's.
        cursor.execute(f"{sql} RETURNING (xmax = 0)", params)
        return sum(1 for (created,) in cursor.fetchall() if created)


@transaction.atomic
def coverage_match(claim: Claim, *, among: Iterable[int] | None = None) -> dict[str, int]:
    """Match stored articles (all, or `among`) to the claim: one Coverage row per related
    article, created or refreshed; a reviewer's confirmed stance is never overwritten.
    Re-running changes nothing that has not changed, and the rows come out the same
    whatever order the articles arrived in or whichever path stored them."""
    aliases = alias_table()
    profile = claim_profile(claim, aliases=aliases)
    responses = _responses(claim, aliases)
    outlets = _outlet_names()
    published = claim.status == Status.PUBLISHED
    counts = {"candidates": 0, "related": 0, "new": 0}
    for article in candidate_articles(claim, among=among, aliases=aliases):
        ensure_grouped([article])
        counts["candidates"] += 1
        related, created = _coverage_record(
            claim, article, profile=profile, responses=responses, outlets=outlets, published=published
        )
        counts["related"] += int(related)
        counts["new"] += int(created)
    coverage_assign_independence(claim)
    return counts


# Claims new coverage is matched to: every one not rejected. A published verdict keeps
# its coverage honest: what arrives later is flagged to editors (new_since_publication).
MATCHABLE = (Status.SUBMITTED, Status.RESEARCHING, Status.IN_REVIEW, Status.PUBLISHED)


# The end of a chunk of an article's matching, in one statement: the article's rows for
# the claims it turned out not to carry go (unless a reviewer confirmed them), the
# classes and story groups that changed are written, and the checkpoint records how far
# matching got (the row is made by the first chunk written). The deleted rows and the
# updated ones are of different claims, so no row is written twice.
_CHUNK_END_SQL = """
WITH gone AS (
  DELETE FROM corroboration_coverage
  WHERE article_id = %(article)s AND claim_id = ANY(%(unrelated)s::bigint[]) AND stance = ''
), classed AS (
  UPDATE corroboration_coverage c SET independence = v.independence, origin_group = v.origin_group
  FROM unnest(%(ids)s::bigint[], %(classes)s::text[], %(groups)s::bigint[]) AS v(id, independence, origin_group)
  WHERE c.id = v.id
)
INSERT INTO corroboration_articlematching (article_id, claims_through, finished_at, updated_at)
SELECT %(article)s, %(through)s, CASE WHEN %(finished)s THEN now() END, now()
FROM (SELECT CASE WHEN %(no_wait)s THEN set_config('synchronous_commit', 'off', true) END) AS chunk
ON CONFLICT (article_id) DO UPDATE SET claims_through = EXCLUDED.claims_through,
  finished_at = EXCLUDED.finished_at, updated_at = EXCLUDED.updated_at
"""


def _chunk_end(
    article: Article,
    *,
    unrelated: Sequence[int],
    classed: Sequence[Coverage],
    claims_through: int,
    finished: bool,
    wait_for_disk: bool = True,
) -> None:
    """Write the end of a chunk (`_CHUNK_END_SQL`). `wait_for_disk=False`: the chunk's
    transaction, which holds only its readings and this checkpoint, commits without
    waiting for the disk (as grouping does, see `syndication.NO_WAIT`: lost whole in a
    crash, and made again)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _CHUNK_END_SQL,
            {
                "article": article.pk,
                "unrelated": sorted(unrelated),
                "ids": [item.pk for item in classed],
                "classes": [item.independence for item in classed],
                "groups": [item.origin_group for item in classed],
                "through": claims_through,
                "finished": finished,
                "no_wait": not wait_for_disk,
            },
        )


def _checkpoint_of(article: Article) -> ArticleMatching:
    """The article's matching checkpoint: the one read with it (as the job reads it,
    `select_related("matching")`), else read now; a new one when there is none. Taken
    off the article, so that matching it again reads the checkpoint written since."""
    descriptor = Article.matching  # type: ignore[attr-defined]
    if descriptor.is_cached(article):
        marker = getattr(article, "matching", None)
        descriptor.related.delete_cached_value(article)
    else:
        marker = ArticleMatching.objects.filter(pk=article.pk).first()
    return marker or ArticleMatching(article_id=article.pk)


def coverage_match_article(
    article: Article,
    *,
    statuses: Sequence[str] = MATCHABLE,
    chunk: int = CHUNK,
    after_chunk: Callable[[int], None] | None = None,
    context: MatchingContext | None = None,
) -> dict[str, int]:
    """Match one article to every claim in `statuses` that may carry it, in chunks of
    candidate claims by id (`candidates.candidate_claim_ids`), each chunk's coverage
    and checkpoint written in one transaction. A retry resumes after the last chunk
    written; the article counts as matched (`ArticleMatching.finished_at`) only when
    the last chunk is done. `after_chunk(last_claim_id)` runs after each chunk (a job
    reports progress and renews its lease there). `context`: the alias table, the
    outlets and the claims' profiles a job read for all its articles (read now when
    not given). Memory holds one chunk of claims, and the context's bounded profiles."""
    marker = _checkpoint_of(article)
    counts = {"candidates": 0, "related": 0, "new": 0}
    if marker.finished_at is not None:
        return counts
    # An article read with its group (as the job reads it) needs no question to the database.
    if not hasattr(article, "syndication"):
        ensure_grouped([article])
    context = context or MatchingContext.read()
    document = Document(article.text, context.aliases)
    keys = ArticleKeys.of(article.text, aliases=context.aliases, frequent=frequent_claim_lexemes(), document=document)
    own_transactions = not connection.in_atomic_block
    after, more = marker.claims_through, True
    while more:
        query = candidate_claims_query(keys, statuses=statuses, after=after, limit=chunk, aliases=context.aliases)
        with transaction.atomic():
            # The chunk's candidate claims (`candidates.candidate_claim_ids`), read in the same statement.
            claims = (
                list(
                    Claim.objects.filter(pk__in=RawSQL(*query))  # noqa: S611 (candidates.py's text, bound values)
                    .select_related("first_appearance__outlet", "first_appearance__syndication")
                    .defer(
                        "search_vector",
                        "match_vector",
                        "first_appearance__raw_payload",
                        "first_appearance__search_vector",
                    )
                    .order_by("pk")
                )
                if query is not None
                else []
            )
            ids = [claim.pk for claim in claims]
            # A short chunk is the last one: its checkpoint also marks the article matched.
            more = len(ids) == chunk
            unrelated = []
            related: dict[Claim, tuple[ClaimProfile, Match]] = {}
            for claim in claims:
                counts["candidates"] += 1
                profile = context.profiles.of(claim)
                # The cheap tests first (one reading of the article for every claim);
                # read_article decides what is stored, by the same rules.
                found = match(profile, document) if profile.could_carry(document) else None
                if found is not None and found.related:
                    related[claim] = (profile, found)
                else:
                    unrelated.append(claim.pk)
            responses = _responses_of([claim.pk for claim in related], context.profiles) if related else {}
            rows = {}
            for claim, (profile, found) in related.items():
                reading = read_article(
                    profile,
                    article,
                    responses=responses[claim.pk],
                    outlets=context.outlets,
                    document=document,
                    found=found,
                )
                if reading.found.related:
                    rows[claim] = _coverage_values(article, reading)
                else:
                    unrelated.append(claim.pk)
            counts["related"] += len(rows)
            counts["new"] += _coverage_write(article, rows)
            # Classified without the rows _chunk_end deletes, as if they were gone already.
            classed = _independence_changes(list(related), leaving=(article.pk, unrelated))
            after = ids[-1] if ids else after
            _chunk_end(
                article,
                unrelated=unrelated,
                classed=classed,
                claims_through=after,
                finished=not more,
                wait_for_disk=not own_transactions,
            )
        if more and after_chunk is not None:
            after_chunk(after)
    return counts


def _page(article: Article) -> Page:
    outlet = article.outlet
    return Page(
        id=article.pk,
        outlet_id=article.outlet_id,
        outlet_name=outlet.name if outlet else "",
        is_wire=bool(outlet and outlet.is_wire),
        state_controlled=bool(outlet and outlet.is_state_controlled),
        published_at=article.published_at,
        canonical_url=article.canonical_url or "",
        group=origin_id(article),
    )


def coverage_classify(claim: Claim) -> list[Row]:
    """Each of the claim's pages in exactly one class (corroboration.classify): a
    function of the claim, its stored articles, their outlets and syndication groups,
    and the reviewers' confirmations — never of arrival order or path."""
    return _classify(claim, list(claim.coverage.select_related("article__outlet", "article__syndication")))


def _classify(claim: Claim, items: list[Coverage], *, first_loaded: bool = False) -> list[Row]:
    """`coverage_classify` over the claim's coverage rows already read (`items`, their
    articles with outlet and group); `first_loaded`: the claim was read with its first
    appearance's outlet and group."""
    pages = {item.article_id: _page(item.article) for item in items}
    first = claim.first_appearance
    first_page = None
    if first is not None and first.text:
        if first.pk not in pages:
            if not first_loaded:
                first = Article.objects.select_related("outlet", "syndication").get(pk=first.pk)
            pages[first.pk] = _page(first)
        first_page = first.pk
    judgements = [
        PageJudgement(
            page_id=item.article_id,
            suggested=ClassStance(item.suggested_stance),
            score=item.score,
            echo_of=item.echo_of_id,
            confirmed=ClassStance(item.stance) if item.stance else None,
        )
        for item in items
    ]
    return classify(
        pages=list(pages.values()),
        judgements=judgements,
        first_appearance=FirstAppearance(page_id=first_page, outlet_id=first.outlet_id if first else None),
    )


def coverage_assign_independence(claim: Claim) -> None:
    """Store each coverage row's class and story group as `coverage_classify` decides;
    a page left out of the ledger (unrelated) is independent of nothing."""
    _independence_assign([claim], first_loaded=False)


# What classifying a page never reads: left in the database when the rows are read for it.
_NOT_CLASSIFIED = (
    "excerpt",
    "excerpt_marks",
    "stance_reason",
    "stance_sentence",
    "article__text",
    "article__summary",
    "article__raw_payload",
    "article__search_vector",
)


def _independence_assign(claims: Sequence[Claim], *, first_loaded: bool = True) -> None:
    """`coverage_assign_independence` for several claims: their coverage read in one
    statement, the rows whose class or group changed written in one."""
    changed = _independence_changes(claims, first_loaded=first_loaded)
    if changed:
        Coverage.objects.bulk_update(changed, ["independence", "origin_group"])


def _independence_changes(
    claims: Sequence[Claim], *, first_loaded: bool = True, leaving: tuple[int, Sequence[int]] | None = None
) -> list[Coverage]:
    """The claims' coverage rows whose class or story group changes, with the new ones
    set (not written), from one read. `leaving` (an article id and claim ids): that
    article's unconfirmed rows for those claims are about to go, and are left out."""
    if not claims:
        return []
    items: dict[int, list[Coverage]] = {claim.pk: [] for claim in claims}
    read = (
        Coverage.objects.filter(claim__in=list(items))
        .select_related("article__outlet", "article__syndication")
        .defer(*_NOT_CLASSIFIED)
    )
    if leaving is not None and leaving[1]:
        read = read.exclude(article_id=leaving[0], claim_id__in=list(leaving[1]), stance="")
    for item in read:
        items[item.claim_id].append(item)
    changed = []
    for claim in claims:
        rows = {row.page_id: row for row in _classify(claim, items[claim.pk], first_loaded=first_loaded)}
        for item in items[claim.pk]:
            row = rows.get(item.article_id)
            independence = str(row.independence) if row else CoverageIndependence.INDEPENDENT
            group = int(row.origin_group) if row else item.article_id
            if (item.independence, item.origin_group) != (independence, group):
                item.independence, item.origin_group = independence, group
                changed.append(item)
    return changed


def coverage_publication_seen(claim: Claim) -> int:
    """The claim is being published with its ledger as it stands: no coverage is new
    since publication any more. The number of rows cleared."""
    return Coverage.objects.filter(claim=claim, new_since_publication=True).update(new_since_publication=False)


def ledger(claim: Claim) -> Ledger:
    """The claim's ledger, counted from the same classification the rows store."""
    return ledger_of(coverage_classify(claim))


# --- Reviewers' decisions -----------------------------------------------------------------


def _require(actor: User, perm: str, message: str) -> None:
    if not actor.has_perm(perm):
        raise PermissionDenied(message)


@service
def coverage_confirm(*, actor: User, coverage: Coverage, stance: str) -> Coverage:
    """A reviewer confirms or corrects the suggested stance."""
    _require(actor, "corroboration.confirm_coverage", "You cannot confirm coverage.")
    if stance not in Stance.values:
        raise ValidationError({"stance": f"Choose one of: {', '.join(Stance.values)}."})
    coverage.stance = stance
    coverage.confirmed_by = actor
    coverage.confirmed_at = timezone.now()
    coverage.new_since_publication = False
    coverage.save(update_fields=["stance", "confirmed_by", "confirmed_at", "new_since_publication", "updated_at"])
    # A page confirmed unrelated leaves its story group, which may move the origin.
    coverage_assign_independence(Claim.objects.get(pk=coverage.claim_id))
    coverage.refresh_from_db()
    return coverage


@service
def credibility_accept(*, actor: User, claim: Claim, version: int | None = None) -> int:
    """An editor accepts the ledger's suggested information credibility for the claim's
    claimant attribution (kept in the history like any other change)."""
    _require(actor, "reviews.publish_claim", "Only an editor can accept a credibility grade.")
    suggested = ledger(claim).suggested_credibility
    claimant = claim.attributions.get(role=AttributionRole.CLAIMANT)
    attribution_update(actor=actor, attribution=claimant, version=version, credibility=suggested)
    return suggested


# --- Jobs -----------------------------------------------------------------------------------


def _job_lease() -> Lease:
    return Lease("lease_until", _lease())


def _lease() -> timedelta:
    return timedelta(seconds=settings.JOB_LEASE_SECONDS)


def _backoff(attempts: int) -> timedelta:
    # 10 s, 20 s, 40 s … (by default), at most 10 minutes, with jitter (core/retry.py).
    return timedelta(seconds=backoff(attempts, base=settings.JOB_RETRY_BASE_SECONDS, cap=600))


@service
def job_request(
    *, actor: Actor, kind: str, claim: Claim | None = None, params: dict[str, Any] | None = None
) -> tuple[Job, bool]:
    """Queue a job, or return the one already queued or running for the same claim:
    asking three times at once has one effect. The task is sent after commit."""
    if actor is not None:
        _require(actor, "corroboration.start_job", "You cannot start coverage jobs.")
    if kind not in JobKind.values:
        raise ValidationError({"kind": f"Unknown job kind “{kind}”."})
    if kind == JobKind.FIND_COVERAGE:
        existing = Job.objects.active().filter(kind=kind, claim=claim).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            job = Job.objects.create(kind=kind, claim=claim, params=params or {}, requested_by=actor)
    except IntegrityError:
        return Job.objects.active().get(kind=kind, claim=claim), False
    # If the broker is down the row stays queued and the sweeper sends it later.
    transaction.on_commit(lambda: job_enqueue(job.pk), robust=True)
    return job, True


def job_enqueue(job_id: int, *, countdown: float = 0) -> None:
    task_send("corroboration.run_job", job_id, countdown=countdown)


def job_claim(job_id: int) -> Job | None:
    """Take the job for this worker with a conditional UPDATE: a queued job that is due,
    or a running one whose lease ran out (its worker died). None: someone else has it,
    or it is finished."""
    now = timezone.now()
    due = Q(status=JobStatus.QUEUED, run_after__lte=now) | Q(status=JobStatus.RUNNING)
    taken = _job_lease().take(
        Job.objects.filter(due, pk=job_id, attempts__lt=F("max_attempts")),
        now=now,
        status=JobStatus.RUNNING,
        attempts=F("attempts") + 1,
        started_at=Coalesce("started_at", now),
    )
    if taken:
        return Job.objects.select_related("claim").get(pk=job_id)
    # A job whose workers kept dying runs out of attempts here, visibly.
    Job.objects.filter(due, _job_lease().free(now), pk=job_id, attempts__gte=F("max_attempts")).update(
        status=JobStatus.FAILED,
        finished_at=now,
        lease_until=None,
        error="The worker running this job stopped responding on every attempt.",
    )
    return None


def _mine(job: Job) -> Any:
    return Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts)


def job_progress(job: Job, *, progress: int, step: str, counts: dict[str, Any] | None = None) -> None:
    """Report progress and renew the lease; raises JobLost if another worker took over."""
    changes: dict[str, Any] = {"progress": max(0, min(progress, 99)), "step": step}
    if counts is not None:
        changes["counts"] = counts
        job.counts = counts
    if not _job_lease().renew(_mine(job), **changes):
        raise JobLost(job.pk)
    job.progress, job.step = changes["progress"], step


def job_finish(job: Job, *, counts: dict[str, Any]) -> bool:
    return bool(
        _mine(job).update(
            status=JobStatus.DONE,
            progress=100,
            step="Done",
            counts=counts,
            finished_at=timezone.now(),
            lease_until=None,
        )
    )


def job_fail(job: Job, *, error: str, final: bool = False, at_once: bool = False) -> timedelta | None:
    """Record a failed attempt: back to the queue after a delay while attempts remain
    (the delay is returned), else — or when `final` — `failed` for good (None). `at_once`
    for a failure that was not the job's (its database connection died): due again now."""
    now = timezone.now()
    if job.attempts < job.max_attempts and not final:
        delay = timedelta(0) if at_once else _backoff(job.attempts)
        _mine(job).update(status=JobStatus.QUEUED, run_after=now + delay, lease_until=None, error=error)
        return delay
    _mine(job).update(status=JobStatus.FAILED, finished_at=now, lease_until=None, error=error)
    return None


# --- Prior checks: fact-checks others published, and the claims of ours they match -----------


RATING_MAPPING_FIELDS = frozenset({"label", "example", "rating"})


@service
def rating_mapping_create(*, actor: Actor, label: str, rating: Rating, example: str = "") -> RatingMapping:
    """Say which of our ratings a publisher's wording stands for (editors)."""
    if actor is not None:
        _require(actor, "corroboration.add_ratingmapping", "Only an editor can map ratings.")
    mapping = RatingMapping(label=rating_key(label), example=example or label.strip(), rating=rating)
    if not mapping.label:
        raise ValidationError({"label": "Give the wording, with at least one letter or digit."})
    mapping.full_clean()
    mapping.save()
    return mapping


@service
def rating_mapping_update(*, actor: Actor, mapping: RatingMapping, **data: Any) -> RatingMapping:
    if actor is not None:
        _require(actor, "corroboration.change_ratingmapping", "Only an editor can map ratings.")
    if "label" in data:
        data["label"] = rating_key(data["label"])
        if not data["label"]:
            raise ValidationError({"label": "Give the wording, with at least one letter or digit."})
    if model_update(mapping, data, fields=RATING_MAPPING_FIELDS):
        mapping.full_clean()
        mapping.save()
    return mapping


@service
def rating_mapping_delete(*, actor: Actor, mapping: RatingMapping) -> None:
    """Take a wording out of the table: prior checks using it read as unmapped again."""
    if actor is not None:
        _require(actor, "corroboration.delete_ratingmapping", "Only an editor can map ratings.")
    mapping.delete()


@dataclass
class PriorChecksStored:
    """What storing a batch of reviews did: the prior checks (new or already known), and
    each item left out with its reason."""

    checks: list[PriorCheck] = field(default_factory=list)
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)


@dataclass
class PriorChecksImported:
    """What an import did, for the command's summary and the job's counts."""

    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    matches: int = 0  # new suggested matches with our claims
    claims: list[int] = field(default_factory=list)  # claims with a match from this import
    shape: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": len(self.skipped),
            "skipped_items": self.skipped[:50],
            "matches": self.matches,
            "claims": self.claims[:50],
            "shape": self.shape,
        }


# What the publisher says, refreshed when a review is found again (a corrected verdict
# is worth having); how and where we first found it stays.
_PUBLISHED_FIELDS = (
    "title",
    "publisher_name",
    "publisher_site",
    "claim_reviewed",
    "claimant",
    "claim_date",
    "review_date",
    "rating_text",
    "appearance_url",
    "language",
)


def _prior_check_values(item: ClaimReviewItem) -> dict[str, Any]:
    appearance = ""
    if item.appearance_url:
        try:
            appearance = canonical_url(item.appearance_url)
        except ValueError:
            appearance = ""  # a bad appearance address is not a reason to lose the review
    return {
        "title": clipped(item.title, 1000),
        "publisher_name": clipped(item.publisher_name, 300),
        "publisher_site": clipped(item.publisher_site, 253),
        "claim_reviewed": clipped(item.claim_reviewed, 5000),
        "claimant": clipped(item.claimant, 500),
        "claim_date": item.claim_date,
        "review_date": item.review_date,
        "rating_text": clipped(item.rating_text, 500),
        "appearance_url": appearance if len(appearance) <= 2048 else "",
        "language": clipped(item.language, 16),
    }


@service
def prior_checks_store(
    *, actor: Actor, items: Iterable[ClaimReviewItem], found_by: str, found_in: str = ""
) -> PriorChecksStored:
    """Keep reviews as prior checks, one per review URL, in one transaction: a review
    seen before is brought up to date, never duplicated; an item that cannot be kept
    is skipped with its reason, and nothing is half-written."""
    if found_by not in PriorCheckFoundBy.values:
        raise ValidationError({"found_by": f"Unknown origin “{found_by}”."})
    result = PriorChecksStored()
    wanted: dict[str, dict[str, Any]] = {}
    raw: dict[str, Any] = {}
    for position, item in enumerate(items, start=1):
        try:
            url = canonical_url(item.url)
        except ValueError as exc:
            result.skipped.append(f"item {position}: its url cannot be kept ({exc})")
            continue
        if len(url) > 2048:
            result.skipped.append(f"item {position}: its url is longer than 2048 characters")
            continue
        if url in wanted:
            result.skipped.append(f"item {position} ({url}): the same review appears earlier in the file")
            continue
        wanted[url] = _prior_check_values(item)
        raw[url] = json_safe(item.raw)
    known = {check.url: check for check in PriorCheck.objects.filter(url__in=list(wanted))}
    for url, values in wanted.items():
        check = known.get(url)
        if check is None:
            check = PriorCheck(url=url, found_by=found_by, found_in=clipped(found_in, 500), **values)
            check.rating_key = rating_key(check.rating_text)
            check.raw_payload = raw[url]
            check.full_clean()
            check.save()
            result.new += 1
        else:
            changed = [name for name in _PUBLISHED_FIELDS if getattr(check, name) != values[name]]
            if changed:
                for name in changed:
                    setattr(check, name, values[name])
                check.rating_key = rating_key(check.rating_text)
                check.raw_payload = raw[url]
                check.full_clean()
                check.save()
                result.updated += 1
            else:
                result.unchanged += 1
        result.checks.append(check)
    return result


def _claimant_name(claim: Claim) -> str:
    claimant = next((a for a in claim.attributions.all() if a.role == AttributionRole.CLAIMANT), None)
    if claimant is None:
        return ""
    return claimant.attribution_text or claimant.source.name


def _candidate_claims(check: PriorCheck) -> list[Claim]:
    """Our claims (not rejected) that share the reviewed claim's vocabulary, best first."""
    vocabulary = {w for w in words(check.claim_reviewed) if len(w) > 2}
    if not vocabulary:
        return []
    return list(
        Claim.objects.exclude(status=Status.REJECTED)
        .search(" or ".join(sorted(vocabulary)))
        .with_sourcing()[:MATCH_CANDIDATES]
    )


def _candidate_prior_checks(claim: Claim) -> list[PriorCheck]:
    vocabulary = {w for w in words(f"{claim.statement} {claim.quote}") if len(w) > 2}
    if not vocabulary:
        return []
    query = SearchQuery(" or ".join(sorted(vocabulary)), config="english", search_type="websearch")
    return list(
        PriorCheck.objects.filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", "pk")[:MATCH_CANDIDATES]
    )


def _judge(check: PriorCheck, claim: Claim, profiles: dict[int, ClaimProfile]) -> PriorMatch:
    if claim.pk not in profiles:
        profiles[claim.pk] = ClaimProfile.of(claim.statement, claim.quote)
    return match_prior_check(
        profiles[claim.pk],
        check.claim_reviewed or check.title,
        ours=(claim.statement, claim.quote),
        reviewed_claimant=check.claimant,
        our_claimant=_claimant_name(claim),
    )


def _record_match(check: PriorCheck, claim: Claim, judged: PriorMatch, *, searched: bool = False) -> bool:
    """Create or refresh the match of `check` with `claim`; True if it is new. A
    reviewer's decision is never undone; a suggestion the matching no longer supports
    goes, unless a search for this very claim found it (then it stays, with its score)."""
    existing = PriorCheckMatch.objects.filter(prior_check=check, claim=claim).first()
    searched = searched or (existing is not None and existing.found_by == MatchFoundBy.SEARCH)
    reason = f"Found by a Google Fact Check Tools search for this claim. {judged.reason}" if searched else judged.reason
    if existing is None:
        if not (judged.related or searched):
            return False
        PriorCheckMatch.objects.create(
            prior_check=check,
            claim=claim,
            score=judged.score,
            reason=reason,
            found_by=MatchFoundBy.SEARCH if searched else MatchFoundBy.MATCHING,
        )
        return True
    if not judged.related and not searched and existing.state == MatchState.SUGGESTED:
        existing.delete()
        return False
    if (existing.score, existing.reason) != (judged.score, reason):
        existing.score, existing.reason = judged.score, reason
        existing.save(update_fields=["score", "reason", "updated_at"])
    return False


@service
def prior_check_matches_find(
    *,
    actor: Actor = None,
    prior_checks: Iterable[PriorCheck] | None = None,
    claims: Iterable[Claim] | None = None,
) -> dict[str, Any]:
    """Match prior checks to our claims with the coverage matching: the given prior
    checks against every claim that shares their vocabulary, or the given claims against
    every stored prior check that does. Re-running changes nothing that has not changed."""
    pairs: dict[tuple[int, int], tuple[PriorCheck, Claim]] = {}
    prior_checks = list(prior_checks or ())
    claims = list(claims or ())
    for check in prior_checks:
        for claim in _candidate_claims(check):
            pairs[(check.pk, claim.pk)] = (check, claim)
    for claim in claims:
        for check in _candidate_prior_checks(claim):
            pairs[(check.pk, claim.pk)] = (check, claim)
    # Matches already stored are judged again even when the search no longer finds the
    # pair (a claim reworded since): a suggestion the text no longer supports must go.
    stored = PriorCheckMatch.objects.filter(
        Q(prior_check__in=[c.pk for c in prior_checks]) | Q(claim__in=[c.pk for c in claims])
    ).select_related("prior_check", "claim")
    for existing in stored:
        key = (existing.prior_check_id, existing.claim_id)
        if key not in pairs:
            claim = Claim.objects.with_sourcing().get(pk=existing.claim_id)
            pairs[key] = (existing.prior_check, claim)
    profiles: dict[int, ClaimProfile] = {}
    counts: dict[str, Any] = {"pairs": len(pairs), "new": 0, "claims": []}
    for check, claim in pairs.values():
        if _record_match(check, claim, _judge(check, claim, profiles)):
            counts["new"] += 1
            counts["claims"].append(claim.pk)
    counts["claims"] = sorted(set(counts["claims"]))
    return counts


@service
def prior_check_match_decide(*, actor: User, match: PriorCheckMatch, state: str) -> PriorCheckMatch:
    """A reviewer confirms that a prior check is about the claim, or rejects the match.
    (A review that cites a prior check whose match is not confirmed cannot be
    submitted: reviews.models.Review.readiness_problems.)"""
    _require(actor, "corroboration.decide_priorcheckmatch", "You cannot confirm or reject prior-check matches.")
    if state not in (MatchState.CONFIRMED, MatchState.REJECTED):
        raise ValidationError({"state": "Confirm or reject the match."})
    match = PriorCheckMatch.objects.select_for_update().get(pk=match.pk)
    if match.state != state:
        match.state = state
        match.decided_by = actor
        match.decided_at = timezone.now()
        match.save(update_fields=["state", "decided_by", "decided_at", "updated_at"])
    return match


def _fact_check_item(review: FactCheckReview) -> ClaimReviewItem:
    return ClaimReviewItem(
        url=review.url,
        claim_reviewed=review.claim_text,
        rating_text=review.textual_rating,
        publisher_name=review.publisher_name,
        publisher_site=review.publisher_site,
        review_date=review.review_date,
        title=review.title,
        claimant=review.claimant,
        claim_date=review.claim_date,
        language=review.language,
        raw=review.raw,
    )


@service
def prior_checks_store_found(
    *, claim: Claim, reviews: Iterable[FactCheckReview], query: str = "", actor: Actor = None
) -> int:
    """Keep what a Fact Check Tools search for `claim` found, as prior checks matched to
    the claim (scored, and kept as suggestions whatever the score: the search was for
    this claim), and match them to our other claims too; the number of new matches of
    `claim`."""
    stored = prior_checks_store(
        actor=actor,
        items=[_fact_check_item(r) for r in reviews],
        found_by=PriorCheckFoundBy.FACTCHECK_TOOLS,
        found_in=f"search: {query}",
    )
    claim = Claim.objects.with_sourcing().get(pk=claim.pk)
    profiles: dict[int, ClaimProfile] = {}
    new = sum(_record_match(check, claim, _judge(check, claim, profiles), searched=True) for check in stored.checks)
    prior_check_matches_find(actor=actor, prior_checks=stored.checks)
    return new


def prior_checks_search(*, claim: Claim, provider: FactCheckTools | None = None, limit: int = 20) -> int:
    """Ask Google Fact Check Tools about `claim` and keep what it knows as prior checks;
    the number of new matches of the claim. ProviderOff without an API key;
    FetchError/ProviderError when the call fails."""
    provider = provider or FactCheckTools()
    query = _query_from(claim.statement)
    reviews = provider.search(query, language=claim.language or None, limit=limit)
    return prior_checks_store_found(claim=claim, reviews=reviews, query=query)


# What a ClaimReview import may be served as: a feed or list is JSON (or JSON-LD), a page HTML.
CLAIMREVIEW_TYPES: tuple[str, ...] = (*JSON_TYPES, "application/ld+json", "text/plain", *HTML_TYPES)


def prior_checks_import(
    *,
    actor: Actor,
    body: bytes | None = None,
    url: str = "",
    name: str = "",
    fetcher: Fetcher | None = None,
) -> PriorChecksImported:
    """Import ClaimReviews from `body` (a file's bytes) or from `url` (fetched through
    the one safe client, outside any transaction): read them, keep them as prior checks
    in one transaction, then match them to our claims. Raises ClaimReviewUnreadable (the
    bytes are no feed, list or page with ClaimReview; nothing is stored) or FetchError."""
    content_type, charset = "", None
    if url:
        fetched = (fetcher or Fetcher()).fetch(url, accept=CLAIMREVIEW_TYPES)
        body, content_type, charset = fetched.body, fetched.content_type, fetched.charset
    if body is None:
        raise ValidationError("Give a file or the address of a ClaimReview feed or page.")
    reading = read_claimreviews(body, content_type=content_type, charset=charset, url=url)
    stored = prior_checks_store(
        actor=actor, items=reading.items, found_by=PriorCheckFoundBy.IMPORT, found_in=url or name
    )
    matched = prior_check_matches_find(actor=actor, prior_checks=stored.checks)
    return PriorChecksImported(
        read=len(reading.items) + len(reading.skipped),
        new=stored.new,
        updated=stored.updated,
        unchanged=stored.unchanged,
        skipped=[str(s) for s in reading.skipped] + stored.skipped,
        matches=matched["new"],
        claims=matched["claims"],
        shape=reading.shape,
    )


MAX_IMPORT_BYTES = 5 * 1024 * 1024


@service
def prior_checks_import_request(*, actor: User, url: str = "", body: bytes | None = None, name: str = "") -> Job:
    """Queue an import of ClaimReviews (an editor's): from an uploaded file's `body`,
    read now so that a file that does not parse is refused at once and nothing is
    queued, or from `url`, checked now and fetched by the job."""
    _require(actor, "corroboration.import_priorchecks", "Only an editor can import prior checks.")
    if bool(url) == (body is not None):
        raise ValidationError("Give either a file or the address of a ClaimReview feed or page (one of the two).")
    params: dict[str, Any] = {"name": clipped(name, 300)}
    if url:
        try:
            check_url(url)
        except FetchError as exc:
            raise ValidationError({"url": str(exc)}) from None
        params["url"] = url
    elif body is not None:
        if len(body) > MAX_IMPORT_BYTES:
            raise ValidationError({"file": f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB."})
        # Kept as text in the job's parameters (JSON): the job reads exactly these characters.
        text = body_text(body)
        try:
            reading = read_claimreviews(text.encode())
        except ClaimReviewUnreadable as exc:
            raise ValidationError({"file": str(exc)}) from None
        params["text"] = text
        params["items"] = len(reading.items)
    job, _ = job_request(actor=actor, kind=JobKind.IMPORT_CLAIMREVIEWS, params=params)
    return job


def _query_from(statement: str, max_length: int = 200) -> str:
    """A search query from a claim's statement: its first words, cut at a word."""
    text = " ".join(statement.split())
    if len(text) <= max_length:
        return text
    return text[:max_length].rsplit(" ", 1)[0]
