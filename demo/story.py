"""The demo story: AP, Moscow, 8 March 2026 — Russia's cautious stance on the Iran war.

A fact-checker's record of the story rather than the story itself: its metadata, a
summary in our own words, and the short verbatim quotes the claims rest on. Loading
is idempotent: every row is looked up by its natural key first and written through
the services only if it is missing, so a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User
from django.db import transaction

from claims.models import (
    Access,
    Addresses,
    AnonymityReason,
    AttributionRole,
    Claim,
    ClaimRelation,
    ContentKind,
    Priority,
    Rating,
    RelationKind,
    ResponseKind,
    Side,
    SourcesIndependence,
)
from claims.services import claim_create, relation_create
from core.roles import EDITOR, REVIEWER, sync_roles
from corroboration.services import alias_seed
from demo.corpus import CORPUS_OUTLETS, DEMO_FEEDS, WIRE_PAGE
from demo.history import load_history
from reviews.models import Confidence
from reviews.services import review_create, transition_take
from reviews.workflow import RejectReason, TransitionName
from sources.canonical import canonical_url
from sources.models import Article, ArticleProvider, Feed, Outlet, Ownership, Reliability, Source, SourceKind
from sources.services import article_create, article_update, feed_create, outlet_create, source_create
from trackrecords.services import track_records_rebuild

DEMO_USERS = [
    # username, full name, role, staff (may use the admin)
    ("editor", "Dana Editor", EDITOR, True),
    ("reviewer", "Riley Reviewer", REVIEWER, False),
    ("reviewer2", "Sam Second-Reviewer", REVIEWER, False),
]

AP = "The Associated Press"
INTELLIGENCE_CLAIM_START = "Russia has provided Iran with information"
STORY_URL = "https://apnews.com/article/sample-2026-03-08-russia-iran"
THURSDAY = dt.date(2026, 3, 5)
FRIDAY = dt.date(2026, 3, 6)

OUTLETS: list[dict[str, Any]] = [
    {
        "name": AP,
        "domains": ["apnews.com"],
        "country": "US",
        "ownership": Ownership.INDEPENDENT,
        "is_wire": True,
        "notes": "News cooperative. Its standards allow anonymous sources only for information, "
        "not opinion, when the material is vital and not obtainable on the record.",
    },
]

ARTICLE: dict[str, Any] = {
    "canonical_url": STORY_URL,
    "title": "Russia answers the Iran war with indignation but no visible help for its ally",
    "byline": "Vladimir Isachenkov; Aamer Madhani in Washington contributed",
    "dateline": "MOSCOW",
    "published_at": dt.datetime(2026, 3, 8, tzinfo=dt.UTC),
    "language": "en",
    "provider": ArticleProvider.DEMO,
    "summary": (
        "A week into the U.S. and Israeli strikes on Iran, Russia has condemned the attack but offered "
        "Tehran no visible support. The story attributes the restraint to the Kremlin's focus on Ukraine "
        "and to the benefits Moscow may draw from the war (oil revenue, Western attention and arsenals "
        "diverted). It recalls the uneasy history of Russia–Iran ties, quotes analysts Mark Galeotti, "
        "Sergei Poletaev and Sam Greene, and reports — from two anonymous officials familiar with U.S. "
        "intelligence — that Russia has given Iran information that could help it strike U.S. forces in "
        "the region. The Kremlin spokesman declined to say whether Russia had given military or "
        "intelligence help."
    ),
}

SOURCES: dict[str, dict[str, Any]] = {
    "peskov": {
        "kind": SourceKind.PERSON,
        "name": "Dmitry Peskov",
        "title": "Kremlin spokesman",
        "affiliation": "Kremlin",
    },
    "us_officials": {
        "kind": SourceKind.ANONYMOUS_GROUP,
        "name": "Officials familiar with U.S. intelligence",
        "affiliation": "U.S. government (as described by AP)",
        "reliability": Reliability.F,
        "reliability_note": "Anonymous: reliability cannot be judged until there is a track record.",
    },
    "mfa": {
        "kind": SourceKind.ORGANIZATION,
        "name": "Russian Foreign Ministry",
        "affiliation": "Government of Russia",
    },
    "galeotti": {
        "kind": SourceKind.PERSON,
        "name": "Mark Galeotti",
        "title": "Expert on Russian politics, head of Mayak Intelligence",
        "affiliation": "Mayak Intelligence",
    },
    "greene": {
        "kind": SourceKind.PERSON,
        "name": "Sam Greene",
        "title": "Professor",
        "affiliation": "King's College London",
    },
    "poletaev": {
        "kind": SourceKind.PERSON,
        "name": "Sergei Poletaev",
        "title": "Military analyst",
        "affiliation": "Moscow-based",
    },
    "lavrov": {
        "kind": SourceKind.PERSON,
        "name": "Sergey Lavrov",
        "title": "Foreign Minister of Russia",
        "affiliation": "Russian Foreign Ministry",
    },
    "russian_officials": {
        "kind": SourceKind.ORGANIZATION,
        "name": "Russian officials (June 2025 statements)",
        "affiliation": "Government of Russia",
        "notes": "Officials speaking publicly, not named in the story.",
    },
    "ap": {
        "kind": SourceKind.ORGANIZATION,
        "name": "The Associated Press (own reporting)",
        "reliability": Reliability.B,
        "reliability_note": "Wire service with published sourcing standards.",
    },
}


@dataclass
class DemoClaim:
    key: str
    statement: str
    quote: str
    claimant: dict[str, Any]
    made_on: dt.date | None = None
    context: str = ""
    tags: list[str] = field(default_factory=list)
    priority: int = Priority.NORMAL
    others: list[dict[str, Any]] = field(default_factory=list)


def attribution(source: str, role: str = AttributionRole.CLAIMANT, **fields: Any) -> dict[str, Any]:
    return {"source": source, "role": role, **fields}


CLAIMS = [
    DemoClaim(
        key="intelligence",
        statement=(
            "Russia has provided Iran with information that could help Tehran strike U.S. warships, "
            "aircraft and other assets in the Middle East."
        ),
        quote=(
            "Russia has provided Iran with information that could help Tehran strike American warships, "
            "aircraft and other assets in the region."
        ),
        made_on=FRIDAY,
        context="Reported by AP a week after U.S. and Israeli strikes on Iran began on Feb. 28, 2026.",
        tags=["russia", "iran", "intelligence", "us-military"],
        priority=Priority.HIGH,
        claimant=attribution(
            "us_officials",
            attribution_text="two officials familiar with U.S. intelligence",
            said_on=FRIDAY,
            sources_claimed=2,
            independence=SourcesIndependence.UNKNOWN,
            access=Access.FAMILIAR_WITH,
            anonymity_reason=AnonymityReason.NOT_AUTHORIZED,
            anonymity_reason_text="not authorized to comment publicly on the sensitive matter",
            condition_text="spoke on the condition of anonymity",
            stated_limits=(
                "cautioned that the U.S. intelligence has not uncovered that Russia is directing Iran on "
                "what to do with the information"
            ),
            side=Side.GOVERNMENT,
            content_type=ContentKind.FACT,
            granted_by=AP,
            identity_known_to_editor=True,
            vouching_note="per AP policy, an editor knows the sources' identity",
            credibility=3,
        ),
        others=[
            attribution(
                "peskov",
                AttributionRole.RESPONDS,
                attribution_text="Kremlin spokesman Dmitry Peskov",
                quote=(
                    "Pressed on whether Russia has provided any military or intelligence assistance to "
                    "Tehran since the war’s start, he refrained from comment."
                ),
                said_on=FRIDAY,
                response=ResponseKind.DECLINES_TO_COMMENT,
                content_type=ContentKind.FACT,
            )
        ],
    ),
    DemoClaim(
        key="no_requests",
        statement="Russia has received no requests from Iran for weapons.",
        quote="it has received no such requests from Tehran",
        made_on=THURSDAY,
        context="Peskov's answer when asked whether Moscow could go beyond rhetoric and provide Iran with weapons.",
        tags=["russia", "iran", "weapons"],
        claimant=attribution(
            "peskov",
            attribution_text="Kremlin spokesman Dmitry Peskov",
            said_on=THURSDAY,
            content_type=ContentKind.FACT,
        ),
    ),
    DemoClaim(
        key="treaty",
        statement="Russia and Iran signed a comprehensive strategic partnership treaty in January 2025.",
        quote="Moscow and Tehran signed a “comprehensive strategic partnership” treaty in January 2025",
        made_on=dt.date(2026, 3, 8),
        tags=["russia", "iran", "treaty"],
        claimant=attribution("ap", attribution_text="AP background reporting", content_type=ContentKind.FACT),
    ),
    DemoClaim(
        key="shaheds",
        statement=(
            "After Russia invaded Ukraine in February 2022, Iran supplied Russia with Shahed drones and "
            "later licensed their production in Russia."
        ),
        quote="Tehran provided Russia with Shahed drones and later licensed their production in Russia.",
        made_on=dt.date(2026, 3, 8),
        tags=["russia", "iran", "drones", "ukraine"],
        claimant=attribution("ap", attribution_text="AP background reporting", content_type=ContentKind.FACT),
    ),
    DemoClaim(
        key="no_mutual_defence",
        statement=(
            "Russia's strategic partnership with Iran does not provide for mutual military assistance in "
            "case of aggression."
        ),
        quote="their “strategic partnership” didn’t envisage mutual military assistance in case of aggression",
        context="Said by Russian officials when the U.S. and Israel struck Iran in June 2025.",
        tags=["russia", "iran", "treaty"],
        claimant=attribution("russian_officials", attribution_text="Russian officials", content_type=ContentKind.FACT),
    ),
    DemoClaim(
        key="aggression",
        statement=(
            "The U.S. and Israeli attack on Iran was an unprovoked act of armed aggression in violation of "
            "international law."
        ),
        quote=(
            "deliberate, premeditated, and unprovoked act of armed aggression against a sovereign and "
            "independent U.N. member state, in direct violation of the fundamental principles and norms of "
            "international law"
        ),
        made_on=dt.date(2026, 2, 28),
        tags=["russia", "iran", "international-law"],
        claimant=attribution(
            "mfa", attribution_text="the Russian Foreign Ministry", content_type=ContentKind.CHARACTERIZATION
        ),
    ),
    DemoClaim(
        key="lavrov_civilians",
        statement=(
            "Sergey Lavrov told Iran's foreign minister that protecting civilians and civilian infrastructure "
            "in every country of the region is a priority."
        ),
        quote=(
            "underscored the priority of ensuring the safety of civilians and protecting civilian "
            "infrastructure in all the countries of the region."
        ),
        tags=["russia", "iran", "diplomacy"],
        claimant=attribution(
            "lavrov", attribution_text="Russia’s Foreign Minister Sergey Lavrov", content_type=ContentKind.FACT
        ),
    ),
    DemoClaim(
        key="dialogue",
        statement="Russia is in dialogue with Iran's leadership and will continue that dialogue.",
        quote=(
            "in dialogue with the Iranian side, with representatives of the Iranian leadership, and will "
            "certainly continue this dialogue."
        ),
        made_on=FRIDAY,
        tags=["russia", "iran", "diplomacy"],
        claimant=attribution("peskov", attribution_text="Peskov", said_on=FRIDAY, content_type=ContentKind.FACT),
    ),
    DemoClaim(
        key="greene_allies",
        statement=(
            "There is no evidence that Putin's authority suffers when he loses allies such as Assad, Maduro "
            "or Khamenei."
        ),
        quote=(
            "the idea that Putin suffers when he loses allies — whether Assad, Maduro or Khamenei — exists "
            "entirely in the heads of Western analysts and has no basis in observable fact."
        ),
        context="From a post on X.",
        tags=["russia", "putin", "analysis"],
        priority=Priority.LOW,
        claimant=attribution(
            "greene",
            attribution_text="Sam Greene, a professor at King's College London, in a post on X",
            content_type=ContentKind.OPINION,
        ),
    ),
    DemoClaim(
        key="galeotti_operator",
        statement="Russia has been an effective operator in the Middle East.",
        quote="Russia has actually been quite an effective operator within the Middle East.",
        tags=["russia", "middle-east", "analysis"],
        priority=Priority.LOW,
        claimant=attribution(
            "galeotti",
            attribution_text=(
                "Mark Galeotti, an expert on Russian politics who heads the Mayak Intelligence consultancy"
            ),
            content_type=ContentKind.OPINION,
        ),
    ),
    DemoClaim(
        key="poletaev_patriots",
        statement=("A prolonged war in the Gulf would divert attention and missile defence systems away from Ukraine."),
        quote=(
            "A prolonged conflict would not only draw attention away from Ukraine but would also redirect "
            "crucial resources like missile defense systems to the Persian Gulf"
        ),
        tags=["russia", "ukraine", "air-defence", "analysis"],
        priority=Priority.LOW,
        claimant=attribution(
            "poletaev",
            attribution_text="Moscow-based military analyst Sergei Poletaev",
            content_type=ContentKind.SPECULATION,
        ),
    ),
    DemoClaim(
        key="india_waiver",
        statement=("The U.S. issued a 30-day waiver allowing Indian refineries to buy Russian oil already at sea."),
        quote=(
            "the U.S. on Thursday issued a 30-day waiver allowing its refineries to buy those supplies "
            "currently at sea."
        ),
        made_on=THURSDAY,
        tags=["oil", "sanctions", "india", "russia"],
        claimant=attribution("ap", attribution_text="AP reporting", content_type=ContentKind.FACT),
    ),
]

RELATIONS = [
    # from, kind, to, addresses, note
    (
        "no_requests",
        RelationKind.RESPONDS_TO,
        "intelligence",
        Addresses.DIFFERENT_PROPOSITION,
        "Peskov was asked about weapons. Saying Tehran made no requests neither confirms nor denies that "
        "Russia has shared information; it must not be counted as a denial.",
    ),
    ("no_mutual_defence", RelationKind.RELATED, "treaty", "", "Both describe what the partnership commits Russia to."),
]


@dataclass
class DemoResult:
    created: dict[str, int] = field(default_factory=dict)
    users: list[tuple[str, str]] = field(default_factory=list)

    def count(self, what: str) -> None:
        self.created[what] = self.created.get(what, 0) + 1


def _demo_user(username: str, full_name: str, role: str, staff: bool, result: DemoResult) -> User:
    User = get_user_model()
    first, _, last = full_name.partition(" ")
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "is_staff": staff, "email": f"{username}@example.org"},
    )
    if created:
        result.count("users")
    if not user.check_password(settings.DEMO_PASSWORD):
        user.set_password(settings.DEMO_PASSWORD)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=role))
    result.users.append((username, role))
    return user


@transaction.atomic
def load_demo() -> DemoResult:
    result = DemoResult()
    sync_roles()
    # The alias table matching reads ("the Kremlin" for Russia), as an editor may extend it.
    alias_seed()
    users = {username: _demo_user(username, name, role, staff, result) for username, name, role, staff in DEMO_USERS}
    recorder = users["reviewer"]
    # The demo users act through the services like anyone else; their rights come from
    # their groups, which may have been cached on the objects before the groups were set.
    for user in users.values():
        for cache_name in ("_perm_cache", "_group_perm_cache", "_user_perm_cache"):
            user.__dict__.pop(cache_name, None)

    outlets = {}
    for data in OUTLETS:
        outlet = Outlet.objects.filter(name=data["name"]).first()
        if outlet is None:
            outlet = outlet_create(actor=users["editor"], **data)
            result.count("outlets")
        outlets[outlet.name] = outlet

    sources = {}
    for key, data in SOURCES.items():
        source = Source.objects.filter(kind=data["kind"], name=data["name"]).first()
        if source is None:
            source = source_create(actor=users["editor"], **data)
            result.count("sources")
        sources[key] = source
    ap_source = sources["ap"]
    if ap_source.outlet_id is None:
        ap_source.outlet = outlets[AP]
        ap_source.save(update_fields=["outlet"])

    article = Article.objects.filter(canonical_url=STORY_URL).first()
    if article is None:
        article = article_create(actor=recorder, outlet=outlets[AP], url=STORY_URL, **ARTICLE)
        result.count("articles")

    def resolve(data: dict[str, Any]) -> dict[str, Any]:
        resolved = dict(data, source=sources[data["source"]], article=article)
        if "granted_by" in resolved:
            resolved["granted_by"] = outlets[resolved["granted_by"]]
        return resolved

    claims = {}
    for demo in CLAIMS:
        claim = Claim.objects.filter(statement=demo.statement).first()
        if claim is None:
            claim = claim_create(
                actor=recorder,
                statement=demo.statement,
                quote=demo.quote,
                made_on=demo.made_on,
                context=demo.context,
                tags=demo.tags,
                priority=demo.priority,
                first_appearance=article,
                attributions=[resolve(demo.claimant), *(resolve(a) for a in demo.others)],
            )
            result.count("claims")
        claims[demo.key] = claim

    for from_key, kind, to_key, addresses, note in RELATIONS:
        if not ClaimRelation.objects.filter(from_claim=claims[from_key], to_claim=claims[to_key], kind=kind).exists():
            relation_create(
                actor=recorder,
                from_claim=claims[from_key],
                to_claim=claims[to_key],
                kind=kind,
                addresses=addresses,
                note=note,
            )
            result.count("relations")
    if settings.DEMO_CORPUS_URL:
        for what, n in register_corpus(actor=users["editor"], base_url=settings.DEMO_CORPUS_URL).items():
            if n:
                result.created[what] = result.created.get(what, 0) + n
    if not any(claim.transitions.exists() for claim in claims.values()):
        _walk_the_workflow(claims, users)
        result.created["transitions"] = sum(claim.transitions.count() for claim in claims.values())
    history = load_history(users=users, sources=sources, outlets=outlets)
    if history:
        result.created["earlier published claims"] = history
    if result.created:
        # The records count published verdicts; the story and its history just made some.
        track_records_rebuild()
    return result


def _walk_the_workflow(claims: dict[str, Claim], users: dict[str, User]) -> None:
    """Show every state, each reached through real transitions, so that the log and the
    history are true. Claims not named here stay submitted."""
    editor, reviewer, reviewer2 = users["editor"], users["reviewer"], users["reviewer2"]
    rating = {r.value: r for r in Rating.objects.filter(scale__is_default=True)}

    # Researching, assigned to reviewer: the intelligence claim.
    transition_take(
        actor=editor,
        claim=claims["intelligence"],
        name=TransitionName.ACCEPT,
        priority=Priority.HIGH,
        assignee=reviewer,
        note="Two anonymous officials; look for independent confirmation and an on-record U.S. response.",
    )

    # Published: a checkable background fact, reviewed by reviewer and published by editor.
    treaty = claims["treaty"]
    transition_take(actor=editor, claim=treaty, name=TransitionName.ACCEPT, assignee=reviewer)
    review_create(
        actor=reviewer,
        claim=treaty,
        rating=rating["true"],
        confidence=Confidence.ALMOST_CERTAIN,
        summary="Russia and Iran signed a comprehensive strategic partnership treaty in Moscow in January 2025.",
        rationale=(
            "Presidents Putin and Pezeshkian signed the Treaty on Comprehensive Strategic Partnership in Moscow "
            "on 17 January 2025, as both governments announced and news organisations reported at the time. "
            "The treaty provides for cooperation, but not for mutual defence, which matches what Russian "
            "officials said in June 2025."
        ),
        evidence_attributions=list(treaty.attributions.all()),
        evidence_articles=[a for a in [treaty.first_appearance] if a is not None],
    )
    transition_take(actor=reviewer, claim=treaty, name=TransitionName.SUBMIT_FOR_REVIEW)
    transition_take(actor=editor, claim=treaty, name=TransitionName.PUBLISH, note="Background fact confirmed.")

    # In review: a review by reviewer2 waiting for an editor.
    shaheds = claims["shaheds"]
    transition_take(actor=editor, claim=shaheds, name=TransitionName.ACCEPT, assignee=reviewer2)
    review_create(
        actor=reviewer2,
        claim=shaheds,
        rating=rating["mostly_true"],
        confidence=Confidence.VERY_LIKELY,
        summary="Iran supplied Shahed drones to Russia, which later built them itself; the timing is disputed.",
        rationale=(
            "Iranian-designed Shahed drones have been used by Russia against Ukraine since 2022, and Russia went "
            "on to produce them domestically. Tehran has said it sent only a limited number before the full-scale "
            "invasion, so “after Russia invaded” is the part that remains contested."
        ),
        evidence_attributions=list(shaheds.attributions.all()),
    )
    transition_take(actor=reviewer2, claim=shaheds, name=TransitionName.SUBMIT_FOR_REVIEW)

    # Rejected: an opinion, not a checkable claim.
    transition_take(
        actor=editor,
        claim=claims["greene_allies"],
        name=TransitionName.REJECT,
        reason=RejectReason.OPINION,
        note="An analyst's opinion posted on X; nothing here is checkable.",
    )


def register_corpus(*, actor: User | None, base_url: str) -> dict[str, int]:
    """Register the corpus served at `base_url` (idempotent): its outlets, its feeds, and
    its wire page as where the demo story is read — the demo's AP article, recorded with
    a summary only, points at it, so a search that finds the page fills in its text and
    the story the claims first appeared in is known to the ledger."""
    created = {"outlets": 0, "feeds": 0}
    story = Article.objects.filter(canonical_url=STORY_URL, text="").first()
    if story is not None:
        wire = f"{base_url}{WIRE_PAGE}"
        article_update(actor=actor, article=story, url=wire, canonical_url=canonical_url(wire))
    for name, ownership, is_wire, domains in CORPUS_OUTLETS:
        if not Outlet.objects.filter(name__iexact=name).exists():
            outlet_create(actor=actor, name=name, ownership=ownership, is_wire=is_wire, domains=domains)
            created["outlets"] += 1
    for key, (title, _) in DEMO_FEEDS.items():
        url = f"{base_url}feeds/{key}.xml"
        if not Feed.objects.filter(url=url).exists():
            feed_create(actor=actor, name=title, url=url, poll_interval=10)
            created["feeds"] += 1
    return created
