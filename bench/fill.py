"""Synthetic claims for the API and workflow benchmarks: a newsroom's tracker after a
long run of busy days, reproducible from a seed.

Everything is written in bulk through the database's own constraints and triggers: a
claim is inserted as submitted with its claimant in the same transaction (the deferred
claimant check), and moves to researching, in review and published by plain UPDATEs
that the workflow's status trigger checks edge by edge; the history triggers record
every row. Nothing is switched off. The text is fictional.

Half the claims are published (each with its published review and verdict), the others
spread over the open states. One claim in seven rests on anonymous officials (some
with their caveat record incomplete, so warnings show); those stay open, so the feed's
claims have named claimants. Most claims have a second attribution and an appearance
besides the first one.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

BATCH = 5000
SEED = 20260308

SUBJECTS = (
    "The harbour authority",
    "The defence ministry",
    "A regional governor",
    "The central bank",
    "The opposition leader",
    "The port operator",
    "The energy regulator",
    "The health agency",
    "A senior diplomat",
    "The shipping company",
)
VERBS = ("said", "denied that", "confirmed that", "claimed that", "warned that", "announced that")
OBJECTS = (
    "tanker traffic through the strait fell by a third",
    "the grain convoy was turned back at the border",
    "the power plant supplied the city through the winter",
    "inflation reached its highest level in a decade",
    "drones struck the refinery overnight",
    "the ferry service would resume next month",
    "hospital waiting lists halved since the spring",
    "the fishing fleet was seized in disputed waters",
    "fuel prices doubled after the sanctions",
    "the airport handled a record number of flights",
)
PLACES = ("Kherson", "Odesa", "Basra", "Aden", "Tartus", "Murmansk", "Gdansk", "Piraeus", "Izmir", "Batumi")
TAGS = ("energy", "shipping", "economy", "health", "defence", "diplomacy", "transport", "food")
WORDS = tuple(
    " ".join(
        (
            "officials said the figures were provisional and would be revised after the ministry published its",
            "quarterly report while analysts cautioned that the numbers could not be independently verified",
            "residents described long queues outside the port offices as ships waited for clearance",
        )
    ).split(" ")
)
ANONYMOUS = (
    "two officials familiar with the talks",
    "a person with direct knowledge of the matter",
    "three diplomats briefed on the negotiations",
)


@dataclass(frozen=True)
class Filled:
    """What a fill made: how many claims, and the ids the benchmarks ask for."""

    claims: int
    published: int
    first_claim: int
    last_claim: int
    search_word: str
    editor_id: int
    reviewer_id: int


def _words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


def _user(username: str, role: str) -> Any:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from core.roles import sync_roles

    sync_roles()  # applied after `migrate`; a test database may have been flushed since
    user = get_user_model().objects.create_user(username=username, is_staff=role == "editor")
    user.groups.add(Group.objects.get(name=role))
    return user


def fill_claims(scale: int, *, seed: int = SEED) -> Filled:
    """`scale` claims with their sources, attributions, articles and reviews."""
    from django.db import connection, transaction
    from django.utils import timezone

    from claims.models import Attribution, AttributionRole, Claim, Rating, Status
    from reviews.models import Review
    from sources.models import Article, Outlet, Source, SourceKind

    rng = random.Random(seed)
    editor = _user("bench-editor", "editor")
    reviewer = _user("bench-reviewer", "reviewer")
    ratings = list(Rating.objects.filter(scale__is_default=True).exclude(value="unproven"))
    outlets = Outlet.objects.bulk_create(Outlet(name=f"The {place} Courier {n}") for n, place in enumerate(PLACES * 4))
    people = Source.objects.bulk_create(
        Source(
            kind=SourceKind.PERSON,
            name=f"Person {n}",
            title=rng.choice(("spokesperson", "minister", "director", "analyst")),
            affiliation=f"{rng.choice(SUBJECTS)[4:]}",
            reliability=rng.choice("ABCDEF"),
        )
        for n in range(300)
    )
    groups = Source.objects.bulk_create(
        Source(kind=SourceKind.ANONYMOUS_GROUP, name=f"Officials {n}", reliability="F") for n in range(30)
    )
    now = timezone.now()
    articles: list[Article] = []
    for first in range(0, max(scale // 5, 10), BATCH):
        articles += Article.objects.bulk_create(
            Article(
                canonical_url=f"https://news.example/{n}",
                url=f"https://news.example/{n}?utm=feed",
                outlet=rng.choice(outlets),
                title=f"Story {n}: {rng.choice(OBJECTS)}",
                published_at=now - dt.timedelta(minutes=rng.randrange(500_000)),
                text=_words(rng, rng.randrange(200, 1200)),
            )
            for n in range(first, min(first + BATCH, max(scale // 5, 10)))
        )
    published_ids: list[int] = []
    open_ids: dict[str, list[int]] = {Status.RESEARCHING: [], Status.IN_REVIEW: []}
    all_ids: list[int] = []
    for first in range(0, scale, BATCH):
        numbers = range(first, min(first + BATCH, scale))
        plans = []
        for n in numbers:
            anonymous = n % 7 == 3
            roll = rng.random()
            target = (
                Status.SUBMITTED
                if roll < 0.2
                else Status.RESEARCHING
                if roll < 0.4
                else Status.IN_REVIEW
                if roll < 0.5 or anonymous
                else Status.PUBLISHED
            )
            plans.append((n, anonymous, target))
        with transaction.atomic():
            claims = Claim.objects.bulk_create(
                Claim(
                    statement=f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} in "
                    f"{rng.choice(PLACES)} (report {n}).",
                    quote=_words(rng, 20),
                    context=_words(rng, 40),
                    made_on=dt.date(2025, 1, 1) + dt.timedelta(days=n % 600),
                    tags=rng.sample(TAGS, 2),
                    priority=rng.randint(1, 4),
                    first_appearance=rng.choice(articles),
                    created_by=reviewer,
                )
                for n, _, _ in plans
            )
            attributions = []
            for (n, anonymous, _), claim in zip(plans, claims, strict=True):
                if anonymous:
                    complete = n % 2 == 0
                    attributions.append(
                        Attribution(
                            claim=claim,
                            source=rng.choice(groups),
                            role=AttributionRole.CLAIMANT,
                            attribution_text=rng.choice(ANONYMOUS),
                            sources_claimed=2,
                            independence="independent",
                            access="familiar_with",
                            anonymity_reason="not_authorized",
                            condition_text="spoke on condition of anonymity",
                            side="government" if complete else "",
                            content_type="fact",
                            granted_by=rng.choice(outlets) if complete else None,
                        )
                    )
                else:
                    attributions.append(
                        Attribution(claim=claim, source=rng.choice(people), role=AttributionRole.CLAIMANT)
                    )
                if rng.random() < 0.6:
                    attributions.append(
                        Attribution(
                            claim=claim,
                            source=rng.choice(people),
                            role=rng.choice((AttributionRole.SUPPORTS, AttributionRole.DISPUTES)),
                            quote=_words(rng, 12),
                        )
                    )
            Attribution.objects.bulk_create(attributions)
            Claim.appearances.through.objects.bulk_create(
                Claim.appearances.through(claim_id=claim.pk, article_id=rng.choice(articles).pk)
                for claim in claims
                if rng.random() < 0.6
            )
        for (_, _, target), claim in zip(plans, claims, strict=True):
            all_ids.append(claim.pk)
            if target == Status.PUBLISHED:
                published_ids.append(claim.pk)
            elif target in open_ids:
                open_ids[target].append(claim.pk)
    # The workflow's edges, one UPDATE per step (the status trigger checks each row).
    in_review = open_ids[Status.IN_REVIEW] + published_ids
    with transaction.atomic(), connection.cursor() as cursor:
        step = "UPDATE claims_claim SET status = %s, version = version + 1 WHERE id = ANY(%s)"
        cursor.execute(step, [Status.RESEARCHING, open_ids[Status.RESEARCHING] + in_review])
        cursor.execute(step, [Status.IN_REVIEW, in_review])
    published_at = now + dt.timedelta(seconds=1)
    for first in range(0, len(published_ids), BATCH):
        chunk = published_ids[first : first + BATCH]
        with transaction.atomic(), connection.cursor() as cursor:
            reviews = Review.objects.bulk_create(
                Review(
                    claim_id=pk,
                    author=reviewer,
                    rating=rng.choice(ratings),
                    confidence="likely",
                    summary=f"Checked against the port records ({pk}).",
                    rationale=_words(rng, 60),
                    evidence_urls=[f"https://records.example/{pk}"],
                    published_at=published_at + dt.timedelta(microseconds=pk),
                )
                for pk in chunk
            )
            cursor.execute(
                "UPDATE claims_claim c SET status = %s, version = c.version + 1, rating_id = r.rating_id, "
                "published_at = r.published_at, first_published_at = r.published_at "
                "FROM reviews_review r WHERE r.claim_id = c.id AND r.id = ANY(%s)",
                [Status.PUBLISHED, [r.pk for r in reviews]],
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Filled(
        claims=scale,
        published=len(published_ids),
        first_claim=min(all_ids),
        last_claim=max(all_ids),
        search_word="tanker",
        editor_id=editor.pk,
        reviewer_id=reviewer.pk,
    )
