"""The one write path for extractions: asking for one, what its job stores, and a
person's decision on each suggestion.

Nothing becomes a claim, a relation or an appearance without a person's say, and each
decision is one transaction: the claim with its attributions, the story it came from,
the links back to its sentences and the suggestion's new state are written together
or not at all. Decisions on one extraction are taken one at a time (its row is locked),
so a suggestion is never accepted twice and a pasted story is kept as one article."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from claims.models import Attribution, Claim, RelationKind
from claims.services import claim_create, claim_update, relation_create, require_edit
from core.models import ApiToken
from core.policy import Action, role_allows
from core.services import Actor, Conflict, actor_or_none, service
from corroboration.matching import ClaimProfile, match
from corroboration.models import JobKind
from corroboration.services import job_request
from corroboration.text import words
from extraction.errors import ExtractionError
from extraction.extractor import Extraction as Result
from extraction.extractor import check
from extraction.models import AttributionSentence, Extraction, Suggestion, SuggestionState
from extraction.proposals import offered_relations, proposal_for
from sources.fetch import FetchError, check_url
from sources.models import Article
from sources.services import article_record_pasted

# Tracked claims compared with each suggestion: the best of a full-text search.
TRACKED_CANDIDATES = 5
# How much of a tracked claim the words must carry to be called the same claim: more
# than the 0.5 that makes an article coverage, since here it decides whether to offer
# "add as an appearance" instead of a new claim (the person still decides).
TRACKED_MATCH = 0.7


def _require_extract(actor: Actor) -> None:
    if actor is not None and not role_allows(actor, Action.EXTRACT):
        raise PermissionDenied("Extracting claims from articles needs a reviewer's or an editor's role.")


# --- Asking -------------------------------------------------------------------------------


@service
def extraction_request(*, actor: Actor, text: str = "", url: str = "", token: ApiToken | None = None) -> Extraction:
    """Read a story for claims, in a job: pasted `text`, or the page at `url` (fetched
    by the job through the one safe client). Text that cannot be a story (empty, too
    long, binary) and an address no fetch could reach are refused here, at once, and
    nothing is stored."""
    _require_extract(actor)
    url = url.strip()
    if text.strip() and url:
        raise ValidationError({"url": "Give the story's text or its URL, not both."})
    if not url:
        try:
            check(text)
        except ExtractionError as exc:
            raise ValidationError({"text": ValidationError(exc.message, code=exc.code)}) from None
    else:
        try:
            check_url(url)
        except FetchError as exc:
            raise ValidationError({"url": ValidationError(exc.message, code=exc.code)}) from None
    job, _ = job_request(actor=actor, kind=JobKind.EXTRACT_CLAIMS)
    extraction = Extraction(
        url=url, text="" if url else text, job=job, requested_by=actor_or_none(actor), requested_with=token
    )
    extraction.full_clean()
    extraction.save()
    return extraction


# --- What the job stores ---------------------------------------------------------------------


@service
def extraction_text_fetched(*, extraction: Extraction, article: Article, text: str) -> Extraction:
    """The page was fetched and stored: its text is what will be read."""
    extraction.article = article
    extraction.text = text
    extraction.save(update_fields=["article", "text", "updated_at"])
    return extraction


@service
def extraction_refuse(*, extraction: Extraction, code: str, message: str) -> Extraction:
    """Nothing can be read from this story (a page that cannot be fetched, no text):
    say why, for the person who asked."""
    extraction.problem_code = code[:30]
    extraction.problem = message
    extraction.save(update_fields=["problem_code", "problem", "updated_at"])
    return extraction


@service
def extraction_store(*, extraction: Extraction, result: Result) -> int:
    """Store what the extractor suggested, once: a job that runs again after a crash
    finds the suggestions already there and stores nothing twice. The number stored."""
    locked = Extraction.objects.select_for_update().get(pk=extraction.pk)
    if locked.read_at is not None:
        return 0
    found = result.to_json()
    suggestions = [
        Suggestion(
            extraction=locked,
            position=position,
            data=claim,
            start=claim["start"],
            end=claim["end"],
            sources=[
                {"name": a.source_name, "description": a.source_description}
                for a in result.claims[position].attributions
            ],
        )
        for position, claim in enumerate(found["claims"])
    ]
    Suggestion.objects.bulk_create(suggestions)
    locked.relations = found["relations"]
    locked.skipped = found["skipped"]
    locked.read_at = timezone.now()
    locked.save(update_fields=["relations", "skipped", "read_at", "updated_at"])
    extraction.relations, extraction.skipped, extraction.read_at = locked.relations, locked.skipped, locked.read_at
    return len(suggestions)


def tracked_claim_for(text: str, start: int, end: int) -> tuple[Claim, float] | None:
    """The claim already tracked that the words at text[start:end] carry, with its
    score, or None: candidates by full-text search, each scored by the coverage matcher
    on the paragraph up to these words (so that "it" in them can find "the Kremlin"
    before), counting only a passage that reaches into them."""
    paragraph = text.rfind("\n\n", 0, start)
    paragraph = 0 if paragraph < 0 else paragraph + 2
    window = text[paragraph:end]
    vocabulary = {w for w in words(text[start:end]) if len(w) > 2}
    if not vocabulary:
        return None
    candidates = Claim.objects.search(" or ".join(sorted(vocabulary)))[:TRACKED_CANDIDATES]
    best: tuple[Claim, float] | None = None
    for claim in candidates:
        found = match(ClaimProfile.of(claim.statement, claim.quote), window)
        reaches = found.passage[1] > start - paragraph
        if found.score >= TRACKED_MATCH and reaches and (best is None or found.score > best[1]):
            best = (claim, found.score)
    return best


@service
def suggestion_mark_tracked(*, suggestion: Suggestion) -> bool:
    """Note the claim already tracked that a pending suggestion matches (re-runnable:
    the answer is written again, never a second row). Whether one was found."""
    spans = [(suggestion.start, suggestion.end)] + [(a["start"], a["end"]) for a in suggestion.attributions]
    found = tracked_claim_for(suggestion.extraction.text, min(s for s, _ in spans), max(e for _, e in spans))
    claim, score = found if found is not None else (None, None)
    Suggestion.objects.filter(pk=suggestion.pk, state=SuggestionState.PENDING).update(
        tracked_claim=claim, tracked_score=score
    )
    return claim is not None


# --- A person's decision ---------------------------------------------------------------------


def _lock_pending(suggestion: Suggestion) -> tuple[Extraction, Suggestion]:
    """Take the extraction's row for this decision and check the suggestion still
    waits for one; a Conflict names who decided it first."""
    extraction = Extraction.objects.select_for_update().get(pk=suggestion.extraction_id)
    current = Suggestion.objects.select_related("decided_by").get(pk=suggestion.pk)
    if current.state != SuggestionState.PENDING:
        who = current.decided_by.get_username() if current.decided_by else "someone"
        raise Conflict(f"This suggestion was already decided by {who}: {current.get_state_display().lower()}.")
    current.extraction = extraction
    return extraction, current


def _story_article(extraction: Extraction, *, actor: Actor, url: str, title: str) -> Article:
    """The article the story is kept as: the fetched page, or the pasted text, stored
    on the first decision that needs it (under the URL the person gave, if any)."""
    if extraction.article_id is not None:
        return extraction.article  # type: ignore[return-value]
    article, _ = article_record_pasted(actor=actor, text=extraction.text, url=url, title=title)
    extraction.article = article
    extraction.save(update_fields=["article", "updated_at"])
    return article


def _decided(suggestion: Suggestion, *, state: str, actor: Actor, token: ApiToken | None, **fields: Any) -> None:
    suggestion.state = state
    suggestion.decided_by = actor_or_none(actor)
    suggestion.decided_with = token
    suggestion.decided_at = timezone.now()
    for name, value in fields.items():
        setattr(suggestion, name, value)
    suggestion.full_clean()
    suggestion.save()


@service
def suggestion_accept(
    *,
    actor: Actor,
    suggestion: Suggestion,
    token: ApiToken | None = None,
    edits: Mapping[str, Any] | None = None,
    attributions: Sequence[Mapping[str, Any]] | None = None,
    relations: Sequence[Mapping[str, Any]] = (),
    url: str = "",
    title: str = "",
) -> Claim:
    """Record the suggested claim, as suggested or with the person's `edits` (claim
    fields) and `attributions` (the whole list, in claim_create's shape; an item's
    `suggested` names the suggested attribution it stands for, so it stays linked to
    its sentence). The story becomes the claim's first appearance; a pasted story is
    kept as an article then (at `url`, if the person gives one). `relations` are the
    suggested relations the person keeps, each `{"relation": its index in the
    extraction's relations, "addresses": fully | partly | different_proposition}`;
    the others are not recorded. `token`: an API token accepting it owns the claim."""
    _require_extract(actor)
    extraction, suggestion = _lock_pending(suggestion)
    proposal = proposal_for(suggestion)
    values = {**proposal.claim, **dict(edits or {})}
    chosen = [dict(a) for a in (attributions if attributions is not None else proposal.attributions)]
    kept = _kept_relations(suggestion, relations)
    article = _story_article(extraction, actor=actor, url=url, title=title)
    links = [a.pop("suggested", None) for a in chosen]
    for item in chosen:
        item.setdefault("article", article)
    claim = claim_create(
        actor=actor,
        token=token,
        statement=values.pop("statement", ""),
        attributions=chosen,
        first_appearance=article,
        **values,
    )
    _link_sentences(suggestion, claim, chosen, links)
    for offered, addresses in kept:
        other = offered.other_claim
        assert other is not None  # _kept_relations checked it
        relation_create(
            actor=actor,
            from_claim=claim if offered.outgoing else other,
            to_claim=other if offered.outgoing else claim,
            kind=offered.kind,
            addresses=addresses if offered.kind == RelationKind.RESPONDS_TO else "",
            note=f"Suggested from the story ({offered.cue}); kept by {_name(actor, token)}.",
        )
    _decided(suggestion, state=SuggestionState.ACCEPTED, actor=actor, token=token, claim=claim)
    return claim


def _name(actor: Actor, token: ApiToken | None) -> str:
    who = actor.get_username() if actor is not None else "the system"
    return f"{who} (API token “{token.name}”)" if token is not None else who


def _kept_relations(suggestion: Suggestion, kept: Sequence[Mapping[str, Any]]) -> list[tuple[Any, str]]:
    offered = {o.index: o for o in offered_relations(suggestion)}
    chosen = []
    for position, item in enumerate(kept):
        field = f"relations.{position}"
        offer = offered.get(item.get("relation"))  # type: ignore[arg-type]
        if offer is None:
            raise ValidationError({field: "No such suggested relation for this suggestion."})
        if offer.other_claim is None:
            raise ValidationError(
                {
                    field: f"Suggestion {offer.other.position} has no claim yet: accept it, or add the story to "
                    "the claim it matches, before relating this one to it."
                }
            )
        addresses = str(item.get("addresses") or "")
        if offer.kind == RelationKind.RESPONDS_TO and not addresses:
            raise ValidationError(
                {f"{field}.addresses": "Say whether the response addresses the same proposition: fully, partly or not."}
            )
        chosen.append((offer, addresses))
    return chosen


def _link_sentences(suggestion: Suggestion, claim: Claim, chosen: list[dict[str, Any]], links: list[Any]) -> None:
    """Link each recorded attribution that stands for a suggested one to the words it
    was read from."""
    suggested = suggestion.attributions
    stored = list(Attribution.objects.filter(claim=claim).select_related("source").order_by("pk"))
    used: set[int] = set()
    for item, link in zip(chosen, links, strict=True):
        if not isinstance(link, int) or not 0 <= link < len(suggested):
            continue
        attribution = next((a for a in stored if a.pk not in used and _same(a, item)), None)
        if attribution is None:
            continue
        used.add(attribution.pk)
        found = suggested[link]
        AttributionSentence.objects.create(
            attribution=attribution,
            suggestion=suggestion,
            start=min(suggestion.start, found["start"]),
            end=max(suggestion.end, found["end"]),
            descriptor_start=found["start"],
            descriptor_end=found["end"],
        )


def _same(attribution: Attribution, item: Mapping[str, Any]) -> bool:
    if attribution.role != item.get("role"):
        return False
    if item.get("source") is not None:
        return attribution.source_id == getattr(item["source"], "pk", item["source"])
    new = item.get("new_source") or {}
    return attribution.source.kind == new.get("kind") and attribution.source.name == str(new.get("name", "")).strip()


@service
def suggestion_dismiss(
    *, actor: Actor, suggestion: Suggestion, reason: str, token: ApiToken | None = None
) -> Suggestion:
    """Set a suggestion aside, with the reason ("an opinion", "a schedule", "already checked")."""
    _require_extract(actor)
    if not reason.strip():
        raise ValidationError({"reason": "Say why this suggestion is dismissed."})
    _, suggestion = _lock_pending(suggestion)
    _decided(suggestion, state=SuggestionState.DISMISSED, actor=actor, token=token, reason=reason.strip())
    return suggestion


@service
def suggestion_add_appearance(
    *,
    actor: Actor,
    suggestion: Suggestion,
    claim: Claim | None = None,
    url: str = "",
    title: str = "",
    token: ApiToken | None = None,
) -> Claim:
    """The suggestion is a claim already tracked (by default the one it was matched
    to): add the story to that claim's appearances instead of recording it again.
    Changing a claim's appearances is changing the claim: the person must be allowed to."""
    _require_extract(actor)
    extraction, suggestion = _lock_pending(suggestion)
    claim = claim or suggestion.tracked_claim
    if claim is None:
        raise ValidationError({"claim": "Name the tracked claim this story is an appearance of."})
    article = _story_article(extraction, actor=actor, url=url, title=title)
    seen = list(claim.appearances.all())
    if claim.first_appearance_id != article.pk and article not in seen:
        claim_update(actor=actor, claim=claim, appearances=[*seen, article])
    else:
        require_edit(actor, claim)  # nothing to add, but saying so needs the same right
    _decided(suggestion, state=SuggestionState.ADDED_AS_APPEARANCE, actor=actor, token=token, claim=claim)
    return claim
