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
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from claims.models import Attribution, AttributionRole, Claim, Rating, Status
from reviews.models import Review, StandardsSignOff, Transition
from reviews.workflow import TransitionName
from sources.models import Article, Source, SourceKind

SCHEMA_ORG = "https://schema.org"
FEED_SIZE = 50
FEED_PATH = "/api/v1/claimreviews/"
# What an article row carries besides what a ClaimReview shows of it (address, headline,
# outlet, dates): its whole text, the provider's payload and the search vector, up to
# megabytes per row, left unread.
ARTICLE_BODY = ("text", "raw_payload", "search_vector")


class ClaimNotPublished(Http404):
    """The claim has no published verdict, so it has no ClaimReview. An Http404, so a
    page or an API view that does not catch it still answers 404."""


# --- Reading what a ClaimReview needs --------------------------------------------------------


# The lists with_claimreview_data() reads into each claim (and each of its published
# reviews): plain lists, which Django fills without building a queryset per row.
APPEARANCES = "appearances_shown"
CITED = "cited_shown"
SIGNOFFS = "signoffs_newest_first"


def with_claimreview_data(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """Everything a ClaimReview (and the public page) reads, in a fixed number of queries."""
    return (
        claims.select_related("rating__scale", "first_appearance__outlet")
        .defer(*(f"first_appearance__{name}" for name in ARTICLE_BODY))
        .prefetch_related(
            Prefetch(
                "attributions",
                queryset=Attribution.objects.select_related("source__outlet", "granted_by").order_by("pk"),
            ),
            Prefetch(
                "appearances",
                queryset=Article.objects.select_related("outlet").defer(*ARTICLE_BODY).order_by("published_at", "pk"),
                to_attr=APPEARANCES,
            ),
            Prefetch(
                "reviews",
                queryset=Review.objects.filter(published_at__isnull=False)
                .select_related("rating")
                .prefetch_related(
                    Prefetch(
                        "evidence_articles",
                        queryset=Article.objects.select_related("outlet").defer(*ARTICLE_BODY),
                        to_attr=CITED,
                    )
                ),
                to_attr="published_reviews",
            ),
            Prefetch(
                "transitions",
                queryset=Transition.objects.filter(name__in=[TransitionName.PUBLISH, TransitionName.REOPEN]).order_by(
                    "created_at", "pk"
                ),
                to_attr="publication_log",
            ),
            Prefetch("signoffs", queryset=StandardsSignOff.objects.order_by("-signed_at", "-pk"), to_attr=SIGNOFFS),
        )
    )


def claims_for_feed(limit: int = FEED_SIZE) -> QuerySet[Claim]:
    """The most recently published claims, newest first: what the feed usually shows."""
    return Claim.objects.published().order_by("-published_at", "-pk")[:limit]


def published_claim(pk: int) -> Claim:
    """The published claim with everything its ClaimReview reads; ClaimNotPublished otherwise."""
    claim = with_claimreview_data(Claim.objects.filter(pk=pk, status=Status.PUBLISHED)).first()
    if claim is None:
        raise ClaimNotPublished(f"Claim {pk} has no published verdict.")
    return claim


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

    attribution: Attribution
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


def current_verdict(claim: Claim) -> Review | None:
    return next((r for r in claim.published_reviews if r.withdrawn_at is None), None)  # type: ignore[attr-defined]


def corrections_of(claim: Claim) -> list[Correction]:
    """Each reopen followed by a republication, oldest first."""
    published = {r.pk: r for r in claim.published_reviews}  # type: ignore[attr-defined]
    corrections: list[Correction] = []
    reopened: Transition | None = None
    for step in claim.publication_log:  # type: ignore[attr-defined]
        if step.name == TransitionName.REOPEN:
            reopened = step
        elif reopened is not None:
            # The review's publication time is the one the claim took (`published_at`),
            # so dateModified and the correction's date always agree.
            republished = published.get(step.review_id)
            when = (republished.published_at if republished else None) or step.created_at
            # A reopen withdraws the published verdict: one of the claim's published reviews.
            withdrawn = published.get(reopened.review_id) or reopened.review
            earlier = withdrawn.rating.label if withdrawn and withdrawn.rating else ""
            corrections.append(Correction(reopened.note, reopened.created_at, when, earlier))
            reopened = None
    return corrections


def anonymous_sourcing(claim: Claim) -> list[AnonymousSourcing]:
    """The anonymous attributions the claim rests on (its claimant and its supporting
    sources), claimant first, each with the caveats it has on record."""
    rests_on = [
        a
        for a in claim.attributions.all()
        if a.is_anonymous and a.role in (AttributionRole.CLAIMANT, AttributionRole.SUPPORTS)
    ]
    rests_on.sort(key=lambda a: (a.role != AttributionRole.CLAIMANT, a.pk))
    return [AnonymousSourcing(a, _speaker_name(a), tuple(_caveats(a))) for a in rests_on]


def _caveats(a: Attribution) -> Iterable[Caveat]:
    """The published caveat record, in a fixed order; items not on record are left out."""
    yield Caveat("role", "Role", a.get_role_display())
    if a.sources_claimed:
        yield Caveat("sources_claimed", "Sources claimed", str(a.sources_claimed))
    if a.independence:
        yield Caveat("independence", "Independence", a.get_independence_display())
    if a.access:
        yield Caveat("access", "Access", a.get_access_display())
    # The story's own words when they were recorded; the coded reason otherwise.
    if a.anonymity_reason_text.strip() or a.anonymity_reason:
        yield Caveat(
            "reason", "Reason for anonymity", a.anonymity_reason_text.strip() or a.get_anonymity_reason_display()
        )
    if a.condition_text.strip():
        yield Caveat("condition", "Condition", a.condition_text.strip())
    if a.stated_limits.strip():
        yield Caveat("stated_limits", "Stated limits", a.stated_limits.strip())
    if a.side:
        yield Caveat("side", "Side", a.get_side_display())
    if a.motive.strip():
        yield Caveat("motive", "Motive", a.motive.strip())
    if a.content_type:
        yield Caveat("content_type", "Content type", a.get_content_type_display())
    if a.granted_by is not None:
        yield Caveat("granted_by", "Anonymity granted by", a.granted_by.name)
    if a.identity_known_to_editor is not None:
        yield Caveat(
            "identity_known_to_editor", "Identity known to an editor", "Yes" if a.identity_known_to_editor else "No"
        )
    if a.vouching_note.strip():
        yield Caveat("vouching", "Publisher vouching", a.vouching_note.strip())
    yield Caveat("credibility", "Information credibility", a.get_credibility_display())


# --- The JSON-LD ---------------------------------------------------------------------------


def claimreview_for(claim: Claim) -> dict[str, Any]:
    """The ClaimReview of a published claim, as a JSON-LD document (with `@context`).

    The claim is read again from the database, so the answer reflects what is stored now.
    Raises ClaimNotPublished (an Http404) if the claim is not published."""
    return claimreview_document(published_claim(claim.pk))


def claimreview_document(claim: Claim) -> dict[str, Any]:
    """`claimreview_for` for a claim already read through `with_claimreview_data`."""
    return {"@context": SCHEMA_ORG, **claimreview_node(claim)}


def claimreview_feed(claims: Iterable[Claim]) -> dict[str, Any]:
    """A schema.org DataFeed of the ClaimReviews of `claims`, in the order given (for
    example `claims_for_feed()`, or one page of the API's list). Claims that are not
    published are left out."""
    order = [claim.pk for claim in claims]
    rows = with_claimreview_data(Claim.objects.filter(pk__in=order, status=Status.PUBLISHED)).in_bulk()
    return claimreview_feed_of([rows[pk] for pk in order if pk in rows])


def claimreview_feed_of(claims: Iterable[Claim]) -> dict[str, Any]:
    """`claimreview_feed` for published claims already read through `with_claimreview_data`
    (a page of them, say), in the order given."""
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


def claimreview_node(claim: Claim) -> dict[str, Any]:
    """The ClaimReview of a claim read through `with_claimreview_data` (no `@context`)."""
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


def cited_articles(verdict: Review | None) -> list[Article]:
    """The coverage the published verdict cites, oldest first."""
    if verdict is None:
        return []
    # Read with the claim (with_claimreview_data), or, for a draft shown in preview, now.
    cited = getattr(verdict, CITED, None)
    if cited is None:
        cited = verdict.evidence_articles.all()
    return sorted(cited, key=lambda a: (a.published_at is None, a.published_at, a.pk))


def modified_at(claim: Claim) -> dt.datetime | None:
    """When what the ClaimReview publishes last changed after its verdict was published:
    a corrected verdict published again, an edit of the claim or of anything it rests on
    (attributions, the standards sign-off: each moves the claim's version), an edited
    source, outlet or article it shows. Coverage found after publishing is not part of
    the ClaimReview, so it changes nothing here. None if nothing changed."""
    published = claim.published_at
    if published is None:
        return None
    moments: list[dt.datetime] = []
    publications = [step for step in claim.publication_log if step.name == TransitionName.PUBLISH]  # type: ignore[attr-defined]
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


def _rating(rating: Rating, review: Review | None) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": "Rating"}
    # A verdict with no place on the scale (Unproven) has no ratingValue; the scale's
    # ends and the textual verdict are still given.
    if rating.rating_value is not None:
        node["ratingValue"] = rating.rating_value
    node["bestRating"] = rating.scale.best_rating
    node["worstRating"] = rating.scale.worst_rating
    node["alternateName"] = rating.alternate_name
    node["name"] = rating.label
    if review is not None and review.summary.strip():
        node["ratingExplanation"] = review.summary.strip()
    return node


def _claim(claim: Claim, url: str) -> dict[str, Any]:
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


def _speaker_name(attribution: Attribution) -> str:
    source: Source = attribution.source
    if source.kind == SourceKind.ANONYMOUS_GROUP:
        return attribution.attribution_text.strip() or source.name
    if source.kind == SourceKind.ORGANIZATION and source.outlet is not None:
        return source.outlet.name  # a news organisation's own reporting
    if source.kind == SourceKind.DOCUMENT:
        return source.affiliation or source.name  # whoever issued the document
    return source.name


def _source_id(url: str, attribution: Attribution) -> str:
    return f"{url}#source-{attribution.pk}"


def _speaker(attribution: Attribution, url: str) -> dict[str, Any]:
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


def _anonymous_node(attribution: Attribution, url: str, name: str) -> dict[str, Any]:
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


def _signoff(claim: Claim) -> dict[str, Any] | None:
    """The standards sign-off that covers the sourcing as published, if there is one."""
    latest = next(iter(getattr(claim, SIGNOFFS)), None)
    if latest is None or latest.sourcing_fingerprint != claim.sourcing_fingerprint():
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
        "dateCreated": _iso(latest.signed_at),
    }


def appearances_of(claim: Claim) -> list[Article]:
    """Every known appearance, the first one included, without repeats."""
    seen: list[Article] = [claim.first_appearance] if claim.first_appearance is not None else []
    for article in getattr(claim, APPEARANCES):
        if article not in seen:
            seen.append(article)
    return seen


def _creative_work(article: Article) -> dict[str, Any]:
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
