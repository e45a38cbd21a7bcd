"""What accepting a suggestion would record, before a person changes anything: the
claim's fields, its attributions in the shape `claims.services.claim_create` takes
(each source one already known or a `new_source`), and the suggested relations that
could be kept. The form on the page and an API accept without edits both start here.

Suggested, never asserted: a response becomes a claim of its own (the person who
replied is its claimant) and its relation to the claim it answers is only offered."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from claims.models import Attribution, AttributionRole, Claim, ResponseKind
from extraction.models import Extraction, Suggestion
from extraction.sources import is_pronoun
from sources.models import Outlet, Source, SourceKind

# What a reply the extractor read becomes when it stays an on-the-record response.
RESPONSES = {
    "denial": ResponseKind.DENIES,
    "declined_to_comment": ResponseKind.DECLINES_TO_COMMENT,
    "non_denial": ResponseKind.NEITHER,
    "no_response": ResponseKind.NEITHER,
}
CAVEATS = {
    # attribution field: key of the extractor's JSON
    "sources_claimed": "count",
    "access": "access",
    "anonymity_reason": "reason",
    "anonymity_reason_text": "reason_text",
    "condition_text": "condition",
    "stated_limits": "stated_limits",
    "side": "side",
}


@dataclass(frozen=True)
class OfferedRelation:
    """A relation the extractor suggested between this suggestion and another one."""

    index: int  # its place in the extraction's `relations`
    kind: str
    addresses: str | None  # the extractor's guess, for the person to judge
    cue: str
    other: Suggestion
    outgoing: bool  # this suggestion is the response (`from`)

    @property
    def other_claim(self) -> Claim | None:
        """The claim at the other end, once that suggestion has one; until then the
        relation cannot be recorded."""
        return self.other.claim if self.other.claim_id else None


@dataclass
class Proposal:
    claim: dict[str, Any]
    attributions: list[dict[str, Any]]
    relations: list[OfferedRelation] = field(default_factory=list)


def proposal_for(suggestion: Suggestion) -> Proposal:
    extraction = suggestion.extraction
    data = suggestion.data
    outlet = extraction.article.outlet if extraction.article_id and extraction.article else None
    return Proposal(
        claim={"statement": data.get("statement", ""), "quote": data.get("quote", ""), "language": "en"},
        attributions=_attributions(suggestion, outlet),
        relations=offered_relations(suggestion),
    )


def offered_relations(suggestion: Suggestion) -> list[OfferedRelation]:
    extraction = suggestion.extraction
    others = {s.position: s for s in extraction.suggestions.select_related("claim")}
    offered = []
    for index, relation in enumerate(extraction.relations or []):
        ends = (relation.get("from"), relation.get("to"))
        if suggestion.position not in ends or ends[0] == ends[1]:
            continue
        outgoing = ends[0] == suggestion.position
        other = others.get(ends[1] if outgoing else ends[0])
        if other is None:
            continue
        offered.append(
            OfferedRelation(
                index=index,
                kind=str(relation.get("kind", "")),
                addresses=relation.get("addresses"),
                cue=str(relation.get("cue", "")),
                other=other,
                outgoing=outgoing,
            )
        )
    return offered


def _attributions(suggestion: Suggestion, outlet: Outlet | None) -> list[dict[str, Any]]:
    found = suggestion.attributions
    names = suggestion.sources or [{} for _ in found]
    roles = [a.get("role") for a in found]
    # A claim needs its claimant: a reply recorded as a claim of its own is made by the one who replied.
    claimant = roles.index("claimant") if "claimant" in roles else (roles.index("responds") if roles else -1)
    content_type = suggestion.data.get("content_type") or ""
    proposed = []
    for index, (item, who) in enumerate(zip(found, names, strict=False)):
        anonymous = bool(item.get("anonymous"))
        role = AttributionRole.CLAIMANT if index == claimant else item.get("role", AttributionRole.SUPPORTS)
        description = who.get("description") or item.get("descriptor", "")
        values: dict[str, Any] = {
            "suggested": index,
            "role": role,
            "attribution_text": _mention(item.get("descriptor", ""), description)[:500],
            "content_type": content_type,
        }
        if role == AttributionRole.RESPONDS:
            values["response"] = RESPONSES.get(item.get("reply") or "", ResponseKind.NEITHER)
        if anonymous:
            for name, key in CAVEATS.items():
                value = item.get(key)
                values[name] = value if value is not None else ("" if name != "sources_claimed" else None)
            for name in ("anonymity_reason_text", "condition_text"):
                values[name] = values[name][:500]
            if outlet is not None:
                # The outlet that ran the story is the one that granted anonymity (an editor may say otherwise).
                values["granted_by"] = outlet
        values.update(_source(suggestion.extraction, item, who, description))
        proposed.append(values)
    return proposed


def _mention(descriptor: str, description: str) -> str:
    """The story's words for the source: this mention, unless it only points back to an
    earlier one ("he", "the officials", "One of them"), then the first description."""
    lowered = descriptor.lower()
    if is_pronoun(descriptor) or re.match(r"(the |one of |both|neither|each of )", lowered):
        return description if description.lower() != lowered else descriptor
    return descriptor


def _source(extraction: Extraction, item: dict[str, Any], who: dict[str, Any], description: str) -> dict[str, Any]:
    kind = item.get("source_kind") or SourceKind.ANONYMOUS_GROUP
    name = (who.get("name") or item.get("name") or description or item.get("descriptor") or "").strip()[:300]
    known = recorded_source(extraction, kind=kind, name=name)
    if known is None and kind in (SourceKind.PERSON, SourceKind.ORGANIZATION):
        # A named person or body already in the catalogue is the same source; an anonymous
        # group is not: two stories' "officials" are not known to be the same people.
        known = Source.objects.filter(kind=kind, name__iexact=name).order_by("pk").first()
    if known is not None:
        return {"source": known}
    new_source = {"kind": kind, "name": name}
    if kind == SourceKind.PERSON:
        new_source["title"] = _title(description, name)
    return {"new_source": new_source}


def recorded_source(extraction: Extraction, *, kind: str, name: str) -> Source | None:
    """A source already recorded from this story (an earlier accepted suggestion): the
    officials of the third paragraph are the officials of the first."""
    attribution = (
        Attribution.objects.filter(
            sentence__suggestion__extraction=extraction, source__kind=kind, source__name__iexact=name
        )
        .select_related("source")
        .order_by("pk")
        .first()
    )
    return attribution.source if attribution is not None else None


def _title(description: str, name: str) -> str:
    """What the story calls the person besides their name: "Kremlin spokesman" of
    "Kremlin spokesman Dmitry Peskov", "a professor at King's College London" of
    "Sam Greene, a professor at King's College London"."""
    if not name or name not in description:
        return ""
    before, _, after = description.partition(name)
    title = (after if after.strip(" ,") else before).strip(" ,")
    return title[:1].upper() + title[1:300] if title else ""
