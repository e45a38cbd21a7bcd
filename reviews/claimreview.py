"""schema.org ClaimReview for published verdicts: the JSON-LD of one claim (embedded in
its public page /fact-checks/{id}/ and served by the API) and a feed of recent ones.

    claimreview_for(claim)               # one ClaimReview, with @context
    claimreview_feed(claims_for_feed())  # a DataFeed of them

Every address in it (the ClaimReview's `url`, the `@id` of its nodes, the feed's `url`)
is made from SITE_URL, never from the request: the same verdict has one identity
whichever host name a caller used, and webhooks carry the same addresses.

Every field, and the way the anonymous-sourcing caveats travel, is documented in
docs/claimreview.md: that file is the public contract, so change both together.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.postgres.aggregates.mixins import OrderableAggMixin
from django.db.models import Aggregate, F, JSONField, OuterRef, QuerySet, Subquery
from django.db.models.functions import JSONObject
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from claims.models import Attribution, AttributionRole, Claim, Status, attribution_field, sourcing_fingerprint_of
from core.compiled import AnyOf, CompiledValues
from reviews.models import Review, StandardsSignOff, Transition
from reviews.workflow import TransitionName
from sources.models import Article, SourceKind, is_anonymous_kind

SCHEMA_ORG = "https://schema.org"
FEED_SIZE = 50
FEED_PATH = "/api/v1/claimreviews/"


class ClaimNotPublished(Http404):
    """The claim has no published verdict, so it has no ClaimReview. An Http404, so a
    page or an API view that does not catch it still answers 404."""


# --- Reading what a ClaimReview shows ---------------------------------------------------------
#
# A ClaimReview is built from plain, read-only records of what it shows (`Shown…`), read
# in one query whatever the number of claims (`shown_by_id`). No model instance is made:
# a feed page of 100 ClaimReviews would otherwise build about a thousand of them, and
# Django's prefetching a queryset per claim. The records carry the models' attribute
# names, so the public page's template reads them as it would read the models.


@dataclass(frozen=True, slots=True)
class ShownOutlet:
    name: str
    updated_at: dt.datetime

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class ShownArticle:
    pk: int
    canonical_url: str
    title: str
    outlet: ShownOutlet | None
    published_at: dt.datetime | None
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ShownSource:
    kind: str
    name: str
    title: str
    affiliation: str
    outlet: ShownOutlet | None
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ShownAttribution:
    """An attribution with its caveat record, as stored (`granted_by_id` and the other
    column names as on the model, for the sourcing fingerprint)."""

    pk: int
    role: str
    source_id: int
    source: ShownSource
    attribution_text: str
    sources_claimed: int | None
    independence: str
    access: str
    anonymity_reason: str
    anonymity_reason_text: str
    condition_text: str
    stated_limits: str
    side: str
    motive: str
    content_type: str
    granted_by_id: int | None
    granted_by_name: str | None
    identity_known_to_editor: bool | None
    vouching_note: str
    credibility: int
    warnings_override_reason: str

    @property
    def is_anonymous(self) -> bool:
        return is_anonymous_kind(self.source.kind)

    def label(self, name: str) -> str:
        """What readers see for a coded value: the model field's choice label."""
        return _choice_label(name, getattr(self, name))


@dataclass(frozen=True, slots=True)
class ShownRating:
    rating_value: int | None
    label: str
    alternate_name: str
    best_rating: int
    worst_rating: int


@dataclass(frozen=True, slots=True)
class ShownReview:
    """A published review (the current verdict, or one withdrawn by a correction)."""

    pk: int
    published_at: dt.datetime | None
    withdrawn_at: dt.datetime | None
    summary: str
    evidence_urls: list[str]
    cited: tuple[ShownArticle, ...]  # the coverage it cites, oldest first


@dataclass(frozen=True, slots=True)
class ShownStep:
    """A publish or reopen transition, with the label of the verdict it concerned."""

    name: str
    review_id: int | None
    verdict_label: str  # "" when it concerned no rated review
    note: str
    claim_version: int
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ShownClaim:
    pk: int
    status: str
    statement: str
    made_on: dt.date | None
    version: int
    first_published_at: dt.datetime | None
    published_at: dt.datetime | None
    updated_at: dt.datetime
    rating: ShownRating | None
    first_appearance: ShownArticle | None
    appearances: tuple[ShownArticle, ...]  # oldest first
    attributions: tuple[ShownAttribution, ...]  # in the order they were recorded
    published_reviews: tuple[ShownReview, ...]
    publication_log: tuple[ShownStep, ...]  # oldest first
    signoff_fingerprints: tuple[tuple[dt.datetime, str], ...]  # newest first

    @property
    def claimant(self) -> ShownAttribution | None:
        return next((a for a in self.attributions if a.role == AttributionRole.CLAIMANT), None)

    @property
    def sourcing_fingerprint(self) -> str:
        return sourcing_fingerprint_of(self.attributions)


def _choice_label(name: str, value: Any) -> str:
    # The label Django's get_<field>_display() gives: the value itself when it is no choice.
    return str(_choices(name).get(value, value))


@functools.cache
def _choices(name: str) -> dict[Any, Any]:
    return dict(attribution_field(name).flatchoices)


def _shown_outlet(name: str | None, updated_at: dt.datetime | None) -> ShownOutlet | None:
    return None if name is None or updated_at is None else ShownOutlet(name, updated_at)


def _by_published(article: Any) -> tuple[bool, dt.datetime | None, int]:
    """Oldest first, undated last (a model Article or a ShownArticle)."""
    return (article.published_at is None, article.published_at, article.pk)


# What the claims' query reads. The claim's own columns (with its rating and its first
# appearance) come as columns; what it has several of, each as an array of JSON objects
# built by the database, so that a page of claims is one query. JSON carries moments as
# ISO 8601 text: the keys in _MOMENTS are read back into datetimes.

_ARTICLE = {
    "id": "id",
    "canonical_url": "canonical_url",
    "title": "title",
    "published_at": "published_at",
    "updated_at": "updated_at",
    "outlet_name": "outlet__name",
    "outlet_updated_at": "outlet__updated_at",
}
_ATTRIBUTION_FIELDS = tuple(
    name for name in ShownAttribution.__dataclass_fields__ if name not in ("pk", "source", "granted_by_name")
)
_SOURCE = {
    "source_kind": "source__kind",
    "source_name": "source__name",
    "source_title": "source__title",
    "source_affiliation": "source__affiliation",
    "source_updated_at": "source__updated_at",
    "source_outlet_name": "source__outlet__name",
    "source_outlet_updated_at": "source__outlet__updated_at",
    "granted_by_name": "granted_by__name",
}
_MOMENTS = frozenset(
    {
        "published_at",
        "updated_at",
        "outlet_updated_at",
        "source_updated_at",
        "source_outlet_updated_at",
        "withdrawn_at",
        "created_at",
        "signed_at",
    }
)

CLAIM_COLUMNS = (
    "id",
    "status",
    "statement",
    "made_on",
    "version",
    "first_published_at",
    "published_at",
    "updated_at",
    "rating__rating_value",
    "rating__label",
    "rating__alternate_name",
    "rating__scale__best_rating",
    "rating__scale__worst_rating",
    *(f"first_appearance__{path}" for path in _ARTICLE.values()),
)


def _json(columns: dict[str, str], prefix: str = "", **more: Any) -> JSONObject:
    return JSONRow(**{key: F(prefix + path) for key, path in columns.items()}, **more)


class JSONRow(JSONObject):
    """JSON_BUILD_OBJECT: json, built as text (JSONObject builds jsonb, parsed into its
    binary form to be printed again)."""

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list[Any]]:
        sql, params = self.as_sql(compiler, connection, function="JSON_BUILD_OBJECT", **extra_context)
        return sql, list(params)


class ReadJSON(JSONField):
    """A json (not jsonb) value, which psycopg reads into Python values itself."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return value


class JSONAgg(OrderableAggMixin, Aggregate):  # type: ignore[misc]  # two bases of Django's own
    """JSON_AGG: the rows as one json array, in the order given (`order_by`)."""

    function = "JSON_AGG"
    template = "%(function)s(%(expressions)s %(order_by)s)"
    output_field = ReadJSON()


def _rows(queryset: QuerySet[Any], group: str, row: JSONObject, *order: str) -> Subquery:
    """One JSON array of `row` for the rows of `queryset` (all of one `group`), in `order`:
    read as one JSON document, where an array of JSON values is parsed item by item."""
    aggregated = queryset.order_by().values(group).annotate(rows=JSONAgg(row, order_by=order)).values("rows")
    return Subquery(aggregated, output_field=ReadJSON())


def _claim_rows(claims: QuerySet[Claim]) -> QuerySet[Claim, dict[str, Any]]:
    """The claims with everything their ClaimReviews show, one row each, for
    `_shown_claims`: one query, whatever the number of claims."""
    claim = OuterRef("pk")
    return claims.values(
        *CLAIM_COLUMNS,
        attributions_shown=_rows(
            Attribution.objects.filter(claim=claim),
            "claim",
            _json({name: name for name in ("id", *_ATTRIBUTION_FIELDS)} | _SOURCE),
            "pk",
        ),
        appearances_shown=_rows(
            Claim.appearances.through.objects.filter(claim=claim),
            "claim",
            _json(_ARTICLE, "article__"),
            "article__published_at",
            "article_id",
        ),
        reviews_shown=_rows(
            Review.objects.filter(claim=claim, published_at__isnull=False),
            "claim",
            _json(
                {name: name for name in ("id", "published_at", "withdrawn_at", "summary", "evidence_urls")},
                cited=_rows(
                    Review.evidence_articles.through.objects.filter(review=OuterRef("pk")),
                    "review",
                    _json(_ARTICLE, "article__"),
                    "article_id",
                ),
            ),
            "pk",
        ),
        log_shown=_rows(
            Transition.objects.filter(claim=claim, name__in=[TransitionName.PUBLISH, TransitionName.REOPEN]),
            "claim",
            _json(
                {
                    "name": "name",
                    "review_id": "review_id",
                    "verdict_label": "review__rating__label",
                    "note": "note",
                    "claim_version": "claim_version",
                    "created_at": "created_at",
                }
            ),
            "created_at",
            "pk",
        ),
        signoffs_shown=_rows(
            StandardsSignOff.objects.filter(claim=claim),
            "claim",
            _json({"signed_at": "signed_at", "fingerprint": "sourcing_fingerprint"}),
            "-signed_at",
            "-pk",
        ),
    )


def _read(rows: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """JSON objects as read (None: there were none), their moments made datetimes again."""
    read = []
    for item in rows or ():
        row = dict(item)
        for key in _MOMENTS.intersection(row):
            if row[key] is not None:
                row[key] = dt.datetime.fromisoformat(row[key])
        read.append(row)
    return read


def _shown_article(row: dict[str, Any]) -> ShownArticle | None:
    """An article under the keys of `_ARTICLE` (None: no article, as an empty first appearance)."""
    if row["id"] is None:
        return None
    return ShownArticle(
        pk=row["id"],
        canonical_url=row["canonical_url"],
        title=row["title"],
        outlet=_shown_outlet(row["outlet_name"], row["outlet_updated_at"]),
        published_at=row["published_at"],
        updated_at=row["updated_at"],
    )


def _shown_attribution(a: dict[str, Any]) -> ShownAttribution:
    source = ShownSource(
        kind=a["source_kind"],
        name=a["source_name"],
        title=a["source_title"],
        affiliation=a["source_affiliation"],
        outlet=_shown_outlet(a["source_outlet_name"], a["source_outlet_updated_at"]),
        updated_at=a["source_updated_at"],
    )
    return ShownAttribution(
        pk=a["id"],
        source=source,
        granted_by_name=a["granted_by_name"],
        **{name: a[name] for name in _ATTRIBUTION_FIELDS},
    )


def _shown_review(r: dict[str, Any]) -> ShownReview:
    cited = [_shown_article(article) for article in _read(r["cited"])]
    return ShownReview(
        pk=r["id"],
        published_at=r["published_at"],
        withdrawn_at=r["withdrawn_at"],
        summary=r["summary"],
        evidence_urls=r["evidence_urls"],
        cited=tuple(sorted((a for a in cited if a is not None), key=_by_published)),
    )


def _shown_claims(rows: Iterable[dict[str, Any]]) -> list[ShownClaim]:
    """What the ClaimReviews of these claims (rows of `_claim_rows`) show, in their order."""
    shown = []
    for row in rows:
        first = {key: row[f"first_appearance__{path}"] for key, path in _ARTICLE.items()}
        shown.append(
            ShownClaim(
                pk=row["id"],
                status=row["status"],
                statement=row["statement"],
                made_on=row["made_on"],
                version=row["version"],
                first_published_at=row["first_published_at"],
                published_at=row["published_at"],
                updated_at=row["updated_at"],
                rating=None
                if row["rating__label"] is None
                else ShownRating(
                    rating_value=row["rating__rating_value"],
                    label=row["rating__label"],
                    alternate_name=row["rating__alternate_name"],
                    best_rating=row["rating__scale__best_rating"],
                    worst_rating=row["rating__scale__worst_rating"],
                ),
                first_appearance=_shown_article(first),
                appearances=tuple(
                    a for a in (_shown_article(article) for article in _read(row["appearances_shown"])) if a
                ),
                attributions=tuple(_shown_attribution(a) for a in _read(row["attributions_shown"])),
                published_reviews=tuple(_shown_review(r) for r in _read(row["reviews_shown"])),
                publication_log=tuple(
                    ShownStep(**{**step, "verdict_label": step["verdict_label"] or ""})
                    for step in _read(row["log_shown"])
                ),
                signoff_fingerprints=tuple((s["signed_at"], s["fingerprint"]) for s in _read(row["signoffs_shown"])),
            )
        )
    return shown


def claims_for_feed(limit: int = FEED_SIZE) -> QuerySet[Claim]:
    """The most recently published claims, newest first: what the feed usually shows."""
    return Claim.objects.published().order_by("-published_at", "-pk")[:limit]


def shown_by_id(ids: Iterable[int]) -> dict[int, ShownClaim]:
    """What the ClaimReviews of the claims with these ids show, by id (any status; ids
    of no claim are left out). One query, whose SQL is made once per process."""
    array = "{" + ",".join(str(int(pk)) for pk in ids) + "}"
    rows = _claim_rows_by_id(Claim.objects.db).rows([array])
    return {claim.pk: claim for claim in _shown_claims(rows)}


# Where the array of ids goes in the compiled query (core.compiled): no other parameter
# of it is an empty array.
_IDS_MARKER = "{}"


@functools.cache
def _claim_rows_by_id(using: str) -> CompiledValues:
    """`_claim_rows` of the claims whose ids are one array parameter, compiled once:
    Django takes longer to make this query (some 200 expressions) than the database to
    answer it."""
    return CompiledValues(
        _claim_rows(Claim.objects.filter(AnyOf("pk", _IDS_MARKER, element="bigint"))),
        using=using,
        markers=[_IDS_MARKER],
    )


def published_claim(pk: int) -> ShownClaim:
    """What the ClaimReview of a published claim shows; ClaimNotPublished otherwise."""
    shown = shown_by_id([pk]).get(pk)
    if shown is None or shown.status != Status.PUBLISHED:
        raise ClaimNotPublished(f"Claim {pk} has no published verdict.")
    return shown


def shown_claim(pk: int) -> ShownClaim:
    """What the ClaimReview of a claim in any state would show (a draft's preview)."""
    return shown_by_id([pk])[pk]


def public_url(claim_id: int) -> str:
    """The absolute address of a claim's public page, from SITE_URL."""
    return settings.SITE_URL.rstrip("/") + reverse("fact_check", args=[claim_id])


# --- What the page and the JSON-LD both show ------------------------------------------------


@dataclass(frozen=True)
class Caveat:
    """One item of an anonymity caveat record, as published: a stable key, its name, and
    what a reader sees."""

    identifier: str
    name: str
    text: str


@dataclass(frozen=True)
class AnonymousSourcing:
    """An anonymous attribution the claim rests on, with its published caveats."""

    attribution: ShownAttribution
    name: str  # the story's own words: "two officials familiar with U.S. intelligence"
    caveats: tuple[Caveat, ...]

    @property
    def summary(self) -> str:
        """The caveats in one sentence, for readers and for consumers that show only text:
        "Anonymous claimant. Sources claimed: 2; Access: “Familiar with”; …"."""
        role = "claimant" if self.attribution.role == AttributionRole.CLAIMANT else "supporting source"
        items = "; ".join(f"{c.name}: {c.text.rstrip('.')}" for c in self.caveats if c.identifier != "role")
        return f"Anonymous {role}. {items}."


@dataclass(frozen=True)
class Correction:
    """A published verdict taken back and published again."""

    note: str  # the reopen transition's correction reason
    reopened_at: dt.datetime
    republished_at: dt.datetime
    earlier_verdict: str  # the label of the verdict that was withdrawn


def current_verdict(claim: ShownClaim) -> ShownReview | None:
    return next((r for r in claim.published_reviews if r.withdrawn_at is None), None)


def corrections_of(claim: ShownClaim) -> list[Correction]:
    """Each reopen followed by a republication, oldest first."""
    published = {r.pk: r for r in claim.published_reviews}
    corrections: list[Correction] = []
    reopened: ShownStep | None = None
    for step in claim.publication_log:
        if step.name == TransitionName.REOPEN:
            reopened = step
        elif reopened is not None:
            # The review's publication time is the one the claim took (`published_at`),
            # so dateModified and the correction's date always agree.
            republished = published.get(step.review_id) if step.review_id is not None else None
            when = (republished.published_at if republished else None) or step.created_at
            # A reopen withdraws the published verdict: its label is the earlier verdict.
            corrections.append(Correction(reopened.note, reopened.created_at, when, reopened.verdict_label))
            reopened = None
    return corrections


def anonymous_sourcing(claim: ShownClaim) -> list[AnonymousSourcing]:
    """The anonymous attributions the claim rests on (its claimant and its supporting
    sources), claimant first, each with the caveats it has on record."""
    rests_on = [
        a
        for a in claim.attributions
        if a.is_anonymous and a.role in (AttributionRole.CLAIMANT, AttributionRole.SUPPORTS)
    ]
    rests_on.sort(key=lambda a: (a.role != AttributionRole.CLAIMANT, a.pk))
    return [AnonymousSourcing(a, _speaker_name(a), tuple(_caveats(a))) for a in rests_on]


def _caveats(a: ShownAttribution) -> Iterable[Caveat]:
    """The published caveat record, in a fixed order; items not on record are left out."""
    yield Caveat("role", "Role", a.label("role"))
    if a.sources_claimed:
        yield Caveat("sources_claimed", "Sources claimed", str(a.sources_claimed))
    if a.independence:
        yield Caveat("independence", "Independence", a.label("independence"))
    if a.access:
        yield Caveat("access", "Access", a.label("access"))
    # The story's own words when they were recorded; the coded reason otherwise.
    if a.anonymity_reason_text.strip() or a.anonymity_reason:
        yield Caveat("reason", "Reason for anonymity", a.anonymity_reason_text.strip() or a.label("anonymity_reason"))
    if a.condition_text.strip():
        yield Caveat("condition", "Condition", a.condition_text.strip())
    if a.stated_limits.strip():
        yield Caveat("stated_limits", "Stated limits", a.stated_limits.strip())
    if a.side:
        yield Caveat("side", "Side", a.label("side"))
    if a.motive.strip():
        yield Caveat("motive", "Motive", a.motive.strip())
    if a.content_type:
        yield Caveat("content_type", "Content type", a.label("content_type"))
    if a.granted_by_name is not None:
        yield Caveat("granted_by", "Anonymity granted by", a.granted_by_name)
    if a.identity_known_to_editor is not None:
        yield Caveat(
            "identity_known_to_editor", "Identity known to an editor", "Yes" if a.identity_known_to_editor else "No"
        )
    if a.vouching_note.strip():
        yield Caveat("vouching", "Publisher vouching", a.vouching_note.strip())
    yield Caveat("credibility", "Information credibility", a.label("credibility"))


# --- The JSON-LD ---------------------------------------------------------------------------


def claimreview_for(claim: Claim) -> dict[str, Any]:
    """The ClaimReview of a published claim, as a JSON-LD document (with `@context`).

    The claim is read again from the database, so the answer reflects what is stored now.
    Raises ClaimNotPublished (an Http404) if the claim is not published."""
    return claimreview_document(published_claim(claim.pk))


def claimreview_document(claim: ShownClaim) -> dict[str, Any]:
    """`claimreview_for` for a claim already read (`published_claim`)."""
    return {"@context": SCHEMA_ORG, **claimreview_node(claim)}


def claimreview_feed(claims: Iterable[Claim]) -> dict[str, Any]:
    """A schema.org DataFeed of the ClaimReviews of `claims`, in the order given (for
    example `claims_for_feed()`, or one page of the API's list). Claims that are not
    published are left out."""
    order = [claim.pk for claim in claims]
    shown = shown_by_id(order)
    return claimreview_feed_of([shown[pk] for pk in order if pk in shown])


def claimreview_feed_of(claims: Iterable[ShownClaim]) -> dict[str, Any]:
    """`claimreview_feed` for published claims already read (`shown_by_id`; a page of
    them, say), in the order given."""
    items = []
    for claim in claims:
        if claim.status == Status.PUBLISHED:
            review = claimreview_node(claim)
            items.append(
                {
                    "@type": "DataFeedItem",
                    "dateCreated": review["datePublished"],
                    "dateModified": review.get("dateModified", review["datePublished"]),
                    "item": review,
                }
            )
    feed: dict[str, Any] = {
        "@context": SCHEMA_ORG,
        "@type": "DataFeed",
        "name": f"{settings.ORGANIZATION_NAME}: fact checks",
        "url": settings.SITE_URL.rstrip("/") + FEED_PATH,
        "publisher": organization(),
    }
    if items:
        feed["dateModified"] = max(item["dateModified"] for item in items)
    feed["dataFeedElement"] = items
    return feed


def claimreview_node(claim: ShownClaim) -> dict[str, Any]:
    """The ClaimReview of a published claim (no `@context`)."""
    if claim.status != Status.PUBLISHED or claim.rating is None or claim.first_published_at is None:
        raise ClaimNotPublished(f"Claim {claim.pk} has no published verdict.")
    url = public_url(claim.pk)
    verdict = current_verdict(claim)
    node: dict[str, Any] = {
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim.statement,
        "author": organization(),
        "datePublished": _iso(claim.first_published_at),
    }
    corrections = corrections_of(claim)
    modified = modified_at(claim)
    if modified is not None:
        node["dateModified"] = _iso(modified)
    node["reviewRating"] = _rating(claim.rating, verdict)
    node["itemReviewed"] = _claim(claim, url)
    citations = cited_articles(verdict)
    if citations or (verdict is not None and verdict.evidence_urls):
        node["citation"] = [_creative_work(article) for article in citations] + [
            {"@type": "CreativeWork", "url": address} for address in (verdict.evidence_urls if verdict else [])
        ]
    if corrections:
        node["correction"] = [
            {"@type": "CorrectionComment", "text": c.note, "datePublished": _iso(c.republished_at)} for c in corrections
        ]
    return node


def cited_articles(verdict: ShownReview | None) -> list[ShownArticle]:
    """The coverage the published verdict cites, oldest first."""
    return list(verdict.cited) if verdict is not None else []


def cited_in_order(articles: Iterable[Article]) -> list[Article]:
    """Articles a verdict cites (a draft's, say), in the order its ClaimReview gives them."""
    return sorted(articles, key=_by_published)


def modified_at(claim: ShownClaim) -> dt.datetime | None:
    """When what the ClaimReview publishes last changed after its verdict was published:
    a corrected verdict published again, an edit of the claim or of anything it rests on
    (attributions, the standards sign-off: each moves the claim's version), an edited
    source, outlet or article it shows. Coverage found after publishing is not part of
    the ClaimReview, so it changes nothing here. None if nothing changed."""
    published = claim.published_at
    if published is None:
        return None
    moments: list[dt.datetime] = []
    publications = [step for step in claim.publication_log if step.name == TransitionName.PUBLISH]
    if publications and claim.version > publications[-1].claim_version:
        moments.append(claim.updated_at)
    shown = [*appearances_of(claim), *cited_articles(current_verdict(claim))]
    moments += [article.updated_at for article in shown]
    moments += [article.outlet.updated_at for article in shown if article.outlet is not None]
    speakers = {a.pk: a for a in [claim.claimant, *(s.attribution for s in anonymous_sourcing(claim))] if a}
    for attribution in speakers.values():
        moments.append(attribution.source.updated_at)
        if attribution.source.outlet is not None:
            moments.append(attribution.source.outlet.updated_at)
    later = [moment for moment in moments if moment > published]
    if corrections_of(claim):
        later.append(published)  # the corrected verdict's own publication
    return max(later) if later else None


def organization() -> dict[str, Any]:
    """The organisation that publishes the verdicts (ORGANIZATION_NAME, ORGANIZATION_URL)."""
    return {"@type": "Organization", "name": settings.ORGANIZATION_NAME, "url": settings.ORGANIZATION_URL}


def _rating(rating: ShownRating, review: ShownReview | None) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": "Rating"}
    # A verdict with no place on the scale (Unproven) has no ratingValue; the scale's
    # ends and the textual verdict are still given.
    if rating.rating_value is not None:
        node["ratingValue"] = rating.rating_value
    node["bestRating"] = rating.best_rating
    node["worstRating"] = rating.worst_rating
    node["alternateName"] = rating.alternate_name
    node["name"] = rating.label
    if review is not None and review.summary.strip():
        node["ratingExplanation"] = review.summary.strip()
    return node


def _claim(claim: ShownClaim, url: str) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": "Claim"}
    claimant = claim.claimant
    if claimant is not None:
        node["author"] = _speaker(claimant, url)
    if claim.made_on is not None:
        node["datePublished"] = claim.made_on.isoformat()
    appearances = appearances_of(claim)
    if appearances:
        node["appearance"] = [_creative_work(article) for article in appearances]
    if claim.first_appearance is not None:
        node["firstAppearance"] = _creative_work(claim.first_appearance)
    comments = [_sourcing_comment(s, url, is_author=s.attribution == claimant) for s in anonymous_sourcing(claim)]
    signoff = _signoff(claim) if comments else None
    if signoff is not None:
        comments.append(signoff)
    if comments:
        node["comment"] = comments
    return node


def _speaker_name(attribution: ShownAttribution) -> str:
    source = attribution.source
    if source.kind == SourceKind.ANONYMOUS_GROUP:
        return attribution.attribution_text.strip() or source.name
    if source.kind == SourceKind.ORGANIZATION and source.outlet is not None:
        return source.outlet.name  # a news organisation's own reporting
    if source.kind == SourceKind.DOCUMENT:
        return source.affiliation or source.name  # whoever issued the document
    return source.name


def _source_id(url: str, attribution: ShownAttribution) -> str:
    return f"{url}#source-{attribution.pk}"


def _speaker(attribution: ShownAttribution, url: str) -> dict[str, Any]:
    """The claim's author as schema.org allows it: a Person or an Organization."""
    source = attribution.source
    name = _speaker_name(attribution)
    if source.kind == SourceKind.ANONYMOUS_GROUP:
        return _anonymous_node(attribution, url, name)
    if source.kind == SourceKind.PERSON:
        node: dict[str, Any] = {"@type": "Person", "name": name}
        if source.title:
            node["jobTitle"] = source.title
        if source.affiliation:
            node["affiliation"] = {"@type": "Organization", "name": source.affiliation}
        return node
    return {"@type": "Organization", "name": name}


def _anonymous_node(attribution: ShownAttribution, url: str, name: str) -> dict[str, Any]:
    # One source the story counts as one is a Person; a group, or an uncounted one, is
    # described as an Organization, the only other type a Claim's author may have.
    kind = "Person" if attribution.sources_claimed == 1 else "Organization"
    sourcing = AnonymousSourcing(attribution, name, tuple(_caveats(attribution)))
    return {"@type": kind, "@id": _source_id(url, attribution), "name": name, "description": sourcing.summary}


def _sourcing_comment(sourcing: AnonymousSourcing, url: str, *, is_author: bool) -> dict[str, Any]:
    """The caveats of one anonymous attribution: a Comment about the source, in words
    (`text`) and item by item (`hasPart`, each with a stable `identifier`)."""
    attribution = sourcing.attribution
    about = {"@id": _source_id(url, attribution)} if is_author else _anonymous_node(attribution, url, sourcing.name)
    return {
        "@type": "Comment",
        "identifier": "anonymous_sourcing",
        "name": "Anonymous sourcing caveats",
        "about": about,
        "text": sourcing.summary,
        "hasPart": [
            {"@type": "Comment", "identifier": c.identifier, "name": c.name, "text": c.text} for c in sourcing.caveats
        ],
    }


def _signoff(claim: ShownClaim) -> dict[str, Any] | None:
    """The standards sign-off that covers the sourcing as published, if there is one."""
    latest = next(iter(claim.signoff_fingerprints), None)
    if latest is None or latest[1] != claim.sourcing_fingerprint:
        return None
    return {
        "@type": "Comment",
        "identifier": "standards_sign_off",
        "name": "Standards sign-off",
        "text": (
            "A standards editor checked the anonymous sourcing against the AP conditions: the material is "
            "information, not opinion; it is not available on the record; the source is in a position to know; "
            "the story says why anonymity was granted."
        ),
        "dateCreated": _iso(latest[0]),
    }


def appearances_of(claim: ShownClaim) -> list[ShownArticle]:
    """Every known appearance, the first one included, without repeats."""
    seen: list[ShownArticle] = [claim.first_appearance] if claim.first_appearance is not None else []
    shown = {article.pk for article in seen}
    for article in claim.appearances:
        if article.pk not in shown:
            seen.append(article)
            shown.add(article.pk)
    return seen


def _creative_work(article: ShownArticle) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": "CreativeWork"}
    if article.canonical_url:  # a pasted story may have no address
        node["url"] = article.canonical_url
    if article.title:
        node["headline"] = article.title
    if article.outlet is not None:
        node["publisher"] = {"@type": "Organization", "name": article.outlet.name}
    if article.published_at is not None:
        node["datePublished"] = _iso(article.published_at)
    return node


def _iso(moment: dt.datetime) -> str:
    """ISO 8601 in UTC to the second: 2026-03-08T00:00:00Z."""
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# --- Embedding in a page --------------------------------------------------------------------

# What Django's json_script escapes: no text inside the JSON (a statement quoting
# "</script>", say) can end the script element or open a comment.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld_script(data: dict[str, Any]) -> SafeString:
    """`<script type="application/ld+json">` holding `data`, safe inside any HTML page."""
    text = json.dumps(data, ensure_ascii=False, indent=2).translate(_SCRIPT_ESCAPES)
    # Safe: every character that could end the element or start markup is escaped above.
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308
