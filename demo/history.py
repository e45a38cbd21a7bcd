"""An invented past for the demo: earlier claims by two outlets, checked and published,
so that the track records have something to count.

Every claim here is made up for the demo and says so in its context; none is a real
verdict on a real event. They are told apart from the story by the tag `demo-history`.
The Associated Press ran six earlier claims resting on "officials familiar with U.S.
intelligence" in one wording or another (one group at that outlet) and three from
Dmitry Peskov; The Northern Ledger, a second outlet, ran three resting on "people
familiar with the negotiations" and three more from Peskov, one of them corrected
(published as mostly false, reopened, published again as false).

Each claim goes through the real workflow (accept, a review by a reviewer, submit, the
standards sign-off where anonymous sources carry it, publish by an editor), so the log
and the history are true; `load_demo` then builds the track records from the published
verdicts. Loading again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User

from claims.models import (
    Access,
    AnonymityReason,
    AttributionRole,
    Claim,
    ContentKind,
    Rating,
    Side,
    SourcesIndependence,
)
from claims.services import claim_create
from reviews.models import Confidence, StandardsSignOff
from reviews.services import review_create, sourcing_sign_off, transition_take
from reviews.workflow import TransitionName
from sources.models import Article, ArticleProvider, Outlet, Ownership, Source, SourceKind
from sources.services import article_create, outlet_create, source_create

TAG = "demo-history"
LEDGER = "The Northern Ledger"
RECHECK = dt.date(2027, 6, 30)

OUTLETS: list[dict[str, Any]] = [
    {
        "name": LEDGER,
        "domains": ["northernledger.example"],
        "country": "GB",
        "ownership": Ownership.INDEPENDENT,
        "notes": "A fictional newspaper of the demo.",
    }
]
NEGOTIATIONS = {
    "kind": SourceKind.ANONYMOUS_GROUP,
    "name": "People familiar with the negotiations",
    "notes": "Demo history: an anonymous group as one outlet described it.",
}


@dataclass(frozen=True)
class Past:
    made_on: dt.date
    outlet: str
    statement: str
    claimant: str  # "peskov", "us_officials" or "negotiations"
    wording: str
    rating: str
    corrected_from: str = ""  # published first with this rating, then reopened and corrected


INTELLIGENCE = "us_officials"
HISTORY = [
    Past(dt.date(2025, 2, 11), "The Associated Press", "Iran moved air-defence batteries to protect the Fordo enrichment site in February 2025.", INTELLIGENCE, "two officials familiar with U.S. intelligence", "mostly_true"),  # noqa: E501
    Past(dt.date(2025, 4, 3), "The Associated Press", "Russia delivered Su-35 fighter jets to Iran in March 2025.", INTELLIGENCE, "officials familiar with US intelligence", "false"),  # noqa: E501
    Past(dt.date(2025, 6, 19), "The Associated Press", "Iran moved part of its enriched-uranium stockpile before the June 2025 strikes.", INTELLIGENCE, "an official familiar with U.S. intelligence", "unproven"),  # noqa: E501
    Past(dt.date(2025, 8, 27), "The Associated Press", "North Korean engineers visited Iranian missile sites in July 2025.", INTELLIGENCE, "three officials familiar with U.S. intelligence", "mostly_false"),  # noqa: E501
    Past(dt.date(2025, 10, 14), "The Associated Press", "Iran resumed drone deliveries to Russia across the Caspian Sea in September 2025.", INTELLIGENCE, "officials familiar with U.S. intelligence", "true"),  # noqa: E501
    Past(dt.date(2025, 12, 2), "The Associated Press", "China supplied Iran with radar data on Gulf shipping lanes in 2025.", INTELLIGENCE, "two officials familiar with U.S. intelligence", "half_true"),  # noqa: E501
    Past(dt.date(2025, 5, 20), "The Associated Press", "Russia has sent no military advisers to Iran.", "peskov", "Kremlin spokesman Dmitry Peskov", "unproven"),  # noqa: E501
    Past(dt.date(2025, 11, 4), "The Associated Press", "The Kremlin received Iran's foreign minister on 3 November 2025.", "peskov", "Kremlin spokesman Dmitry Peskov", "true"),  # noqa: E501
    Past(dt.date(2026, 2, 10), "The Associated Press", "Russia has supplied no S-400 air-defence systems to Iran.", "peskov", "Peskov", "misleading"),  # noqa: E501
    Past(dt.date(2025, 7, 8), LEDGER, "Russia's oil exports to India rose in June 2025.", "peskov", "Dmitry Peskov, the Kremlin spokesman", "false"),  # noqa: E501
    Past(dt.date(2025, 9, 15), LEDGER, "Russia and Iran held no joint naval exercises in 2025.", "peskov", "Peskov", "false", corrected_from="mostly_false"),  # noqa: E501
    Past(dt.date(2026, 1, 22), LEDGER, "Moscow has not been asked to mediate between Iran and Israel.", "peskov", "the Kremlin's spokesman", "mostly_false"),  # noqa: E501
    Past(dt.date(2025, 3, 12), LEDGER, "Iran and three European governments agreed on a framework for talks in Oman.", "negotiations", "people familiar with the negotiations", "false"),  # noqa: E501
    Past(dt.date(2025, 6, 2), LEDGER, "Oman hosted a U.S.–Iran meeting in May 2025 that neither side announced.", "negotiations", "two people familiar with the negotiations", "mostly_true"),  # noqa: E501
    Past(dt.date(2025, 10, 30), LEDGER, "Qatar offered to hold frozen Iranian funds in escrow.", "negotiations", "a person familiar with the negotiations", "true"),  # noqa: E501
]  # fmt: skip


def load_history(*, users: dict[str, User], sources: dict[str, Source], outlets: dict[str, Outlet]) -> int:
    """Record and publish the invented past (idempotent); the number of claims added."""
    editor, reviewer = users["editor"], users["reviewer"]
    for data in OUTLETS:
        if not Outlet.objects.filter(name__iexact=data["name"]).exists():
            outlet_create(actor=editor, **data)
    outlets = {**outlets, **{o.name: o for o in Outlet.objects.filter(name__in=[p.outlet for p in HISTORY])}}
    negotiations = Source.objects.filter(kind=NEGOTIATIONS["kind"], name=NEGOTIATIONS["name"]).first()
    sources = {**sources, "negotiations": negotiations or source_create(actor=editor, **NEGOTIATIONS)}
    ratings = {r.value: r for r in Rating.objects.filter(scale__is_default=True)}
    added = 0
    for n, past in enumerate(HISTORY, start=1):
        if Claim.objects.filter(statement=past.statement, tags__contains=[TAG]).exists():
            continue
        claim = _record(n, past, reviewer, sources, outlets[past.outlet])
        _publish(claim, past.corrected_from or past.rating, editor, reviewer, ratings)
        if past.corrected_from:
            transition_take(
                actor=editor,
                claim=claim,
                name=TransitionName.REOPEN,
                note="The exercise the claim denied took place in the Caspian in August 2025: too mild a verdict.",
            )
            _publish(claim, past.rating, editor, reviewer, ratings, reopened=True)
        added += 1
    return added


def _record(n: int, past: Past, reviewer: User, sources: dict[str, Source], outlet: Outlet) -> Claim:
    url = f"https://history.demo.example/{outlet.name.lower().replace(' ', '-')}/{past.made_on:%Y/%m}/claim-{n}"
    article = Article.objects.filter(canonical_url=url).first() or article_create(
        actor=reviewer,
        canonical_url=url,
        outlet=outlet,
        title=past.statement,
        published_at=dt.datetime.combine(past.made_on, dt.time(12), tzinfo=dt.UTC),
        provider=ArticleProvider.DEMO,
        summary="An invented report of the demo's history.",
    )
    source = sources[past.claimant]
    caveats: dict[str, Any] = {}
    if source.is_anonymous:
        caveats = {
            "sources_claimed": 2 if past.wording.startswith(("two", "three", "people", "officials")) else 1,
            "independence": SourcesIndependence.UNKNOWN,
            "access": Access.FAMILIAR_WITH,
            "anonymity_reason": AnonymityReason.NOT_AUTHORIZED,
            "anonymity_reason_text": "not authorized to discuss the matter publicly",
            "condition_text": "spoke on condition of anonymity",
            "side": Side.GOVERNMENT if past.claimant == INTELLIGENCE else Side.UNKNOWN,
            "granted_by": outlet,
            "identity_known_to_editor": True,
        }
    return claim_create(
        actor=reviewer,
        statement=past.statement,
        made_on=past.made_on,
        first_appearance=article,
        context="Demo history: an invented claim, checked and published so that the track records have "
        "something to count. Not a verdict on a real event.",
        tags=[TAG],
        attributions=[
            {
                "source": source,
                "role": AttributionRole.CLAIMANT,
                "attribution_text": past.wording,
                "article": article,
                "content_type": ContentKind.FACT,
                **caveats,
            }
        ],
    )


def _publish(
    claim: Claim, rating: str, editor: User, reviewer: User, ratings: dict[str, Rating], *, reopened: bool = False
) -> None:
    if not reopened:
        transition_take(actor=editor, claim=claim, name=TransitionName.ACCEPT, assignee=reviewer)
    review_create(
        actor=reviewer,
        claim=claim,
        rating=ratings[rating],
        confidence=Confidence.LIKELY,
        summary=f"Demo history: rated {ratings[rating].label.lower()}.",
        rationale="An invented review for the demo's history.",
        evidence_urls=[f"https://history.demo.example/evidence/{claim.pk}"],
        recheck_on=RECHECK if ratings[rating].needs_recheck else None,
    )
    transition_take(actor=reviewer, claim=claim, name=TransitionName.SUBMIT_FOR_REVIEW)
    claim.refresh_from_db()
    claim = Claim.objects.with_sourcing().get(pk=claim.pk)
    if claim.rests_on_anonymous_sourcing and StandardsSignOff.objects.current_for(claim) is None:
        sourcing_sign_off(
            actor=editor,
            claim=claim,
            information_not_opinion=True,
            not_obtainable_on_record=True,
            source_in_position_to_know=True,
            reason_stated=True,
        )
    transition_take(actor=editor, claim=claim, name=TransitionName.PUBLISH)
