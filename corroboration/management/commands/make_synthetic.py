"""Fill the database with synthetic open claims and stored articles, reproducibly, for
the matching benchmark (`bench/matching.py`) and for trying the product at scale.

    python manage.py make_synthetic --claims 10000 --articles 10000 --seed 7

News is made of topics. Each topic has a made-up name and a few words of its own (the
"Vorantis dam", "1,284 turbines") among the words every story uses and the country
names half of them carry; `CLAIMS_PER_TOPIC` claims are made about each topic in
different words, and articles report on topics, some of them republished copies of an
earlier article with a new first line and the last paragraph cut. Run twice with the
same seed and sizes, the same texts come out; run again with larger sizes, the rows
already there are kept and the rest are added.

Rows are written in bulk but through every constraint and trigger of the tables: each
claim with its claimant in the same transaction (the deferred claimant check), as
`submitted` (the workflow trigger), with its history rows. Each stored article is
placed in its syndication group (a copy in its original's), its fingerprint bands are
stored, and it counts as matched, as if the product had processed it on arrival.
"""

# ruff: noqa: S311 - seeded pseudo-random text, reproducible on purpose; nothing secret
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from claims.models import Attribution, AttributionRole, Claim
from corroboration.aliases import SEED_ALIASES
from corroboration.fingerprint import band_ids, pack_shingles, signature
from corroboration.models import ArticleBand, ArticleMatching, Syndication
from corroboration.text import shingles
from sources.models import Article, ArticleProvider, Outlet, Source, SourceKind

CLAIMS_PER_TOPIC = 3
ARTICLES_PER_TOPIC = 3
COPY_SHARE = 0.2  # of articles, republished copies of an earlier one
BATCH = 1000
START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
URL = "https://synthetic.example/{}/{}"

COUNTRIES = sorted(SEED_ALIASES)
COMMON = """government officials minister said agency report plan public security meeting statement talks
support week leaders forces region policy deal national budget program crisis sources military economy
pressure agreement election parliament spokesman council workers company market prices energy power
water health schools court police border trade growth investment project services families costs
decision response concerns questions critics analysts experts data figures increase decline record
warned announced confirmed denied expected reported claimed""".split()  # noqa: SIM905
VERBS = "built ordered approved blocked funded delayed cancelled expanded seized sold bought shipped".split()  # noqa: SIM905
_SYLLABLES = "ka lo ven tar mis dro pel quin ras sol bre vik nor zen tal mor gus fen lin dar cor bel".split()  # noqa: SIM905


@dataclass(frozen=True)
class Topic:
    """What a topic's claims and articles say: a name, its own words and a figure."""

    name: str
    words: tuple[str, ...]
    figure: str
    country: str
    verb: str


def topic(seed: int, number: int) -> Topic:
    """Topic `number` of the data set made with `seed` (independent of the others)."""
    rng = random.Random(f"{seed}:topic:{number}")

    def made_up(syllables: int) -> str:
        # The number spelled in syllables keeps every made-up word distinct.
        digits, n = [], number
        while True:
            digits.append(_SYLLABLES[n % len(_SYLLABLES)])
            n //= len(_SYLLABLES)
            if not n:
                break
        extra = [rng.choice(_SYLLABLES) for _ in range(syllables)]
        return "".join(extra + digits)

    return Topic(
        name=made_up(1).capitalize(),
        words=tuple(made_up(2) for _ in range(3)),
        figure=f"{rng.randint(2, 9)},{rng.randint(100, 999)}",
        country=rng.choice(COUNTRIES),
        verb=rng.choice(VERBS),
    )


def claim_statement(seed: int, number: int) -> tuple[str, str]:
    """(statement, quote) of claim `number`: a topic's claims differ in wording."""
    t = topic(seed, number // CLAIMS_PER_TOPIC)
    rng = random.Random(f"{seed}:claim:{number}")
    w = list(t.words)
    rng.shuffle(w)
    common = rng.sample(COMMON, 3)
    statement = f"{t.name} {t.verb} {t.figure} {w[0]} {w[1]} in {t.country} despite {common[0]} {common[1]}."
    quote = f"We {t.verb} the {w[2]} {w[0]} because of the {common[2]}" if number % 2 else ""
    return statement, quote


def _filler(rng: random.Random) -> str:
    country = rng.choice(COUNTRIES)
    words = rng.sample(COMMON, 8)
    return f"{country} {' '.join(words[:4])} on {' '.join(words[4:])} in {rng.choice(COUNTRIES)}."


def article_text(seed: int, topic_number: int, variant: int) -> str:
    """An article on a topic: two sentences that carry its claims among filler."""
    t = topic(seed, topic_number)
    rng = random.Random(f"{seed}:article:{topic_number}:{variant}")
    carrying = [
        f"{t.name} {t.verb} {t.figure} {t.words[0]} {t.words[1]} in {t.country}, {rng.choice(COMMON)} said.",
        f"The {t.words[2]} {t.words[0]} was {t.verb} after {rng.choice(COMMON)} {rng.choice(COMMON)}.",
    ]
    sentences = [_filler(rng) for _ in range(rng.randint(6, 10))]
    for i, sentence in enumerate(carrying):
        sentences.insert(rng.randint(0, len(sentences)) if i == 0 else len(sentences) // 2, sentence)
    paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
    return "\n".join(paragraphs)


def copy_of(text: str, seed: int, number: int) -> str:
    """A republished copy: a local first line added, the last paragraph cut."""
    rng = random.Random(f"{seed}:copy:{number}")
    paragraphs = text.split("\n")
    kept = paragraphs[:-1] if len(paragraphs) > 2 else paragraphs
    return "\n".join([f"Republished by {rng.choice(COMMON)} desk {number}.", *kept])


def article_plan(seed: int, number: int) -> tuple[int, int | None]:
    """(topic, copied article number or None) of stored article `number`."""
    rng = random.Random(f"{seed}:plan:{number}")
    if number >= 10 and rng.random() < COPY_SHARE:
        return -1, number - rng.randint(1, min(number, 50))
    return number // ARTICLES_PER_TOPIC, None


def stored_article_text(seed: int, number: int) -> str:
    topic_number, copied = article_plan(seed, number)
    if copied is not None:
        return copy_of(stored_article_text(seed, copied), seed, number)
    return article_text(seed, topic_number, number % ARTICLES_PER_TOPIC)


def published(number: int) -> dt.datetime:
    # Ten articles an hour: a copy (at most 50 earlier) is within the grouping window.
    return START + dt.timedelta(minutes=6 * number)


class Command(BaseCommand):
    help = "Fill the database with synthetic open claims and stored articles (reproducible by seed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--claims", type=int, required=True)
        parser.add_argument("--articles", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        claims, articles, seed = options["claims"], options["articles"], options["seed"]
        if claims < 0 or articles < 0:
            raise CommandError("--claims and --articles must be 0 or more.")
        made = fill(claims=claims, articles=articles, seed=seed)
        self.stdout.write(f"{made['claims']} claims and {made['articles']} articles added (seed {seed}).")


def fill(*, claims: int, articles: int, seed: int) -> dict[str, int]:
    """Add claims and articles up to the sizes asked for; returns how many were added."""
    outlet, _ = Outlet.objects.get_or_create(name=f"Synthetic Wire {seed}")
    source, _ = Source.objects.get_or_create(kind=SourceKind.PERSON, name=f"Synthetic Spokesperson {seed}")
    marker = f"synthetic:{seed}:"
    have_claims = Claim.objects.filter(context__startswith=marker).count()
    for first in range(have_claims, claims, BATCH):
        claim_numbers = range(first, min(first + BATCH, claims))
        with transaction.atomic():
            made = Claim.objects.bulk_create(
                Claim(statement=s, quote=q, context=f"{marker}{n}")
                for n in claim_numbers
                for s, q in [claim_statement(seed, n)]
            )
            Attribution.objects.bulk_create(
                Attribution(claim=claim, source=source, role=AttributionRole.CLAIMANT) for claim in made
            )
    prefix = URL.format(seed, "")
    have_articles = Article.objects.filter(canonical_url__startswith=prefix).count()
    by_number: dict[int, int] = {
        int((url or "").rsplit("/", 1)[1]): pk
        for url, pk in Article.objects.filter(canonical_url__startswith=prefix).values_list("canonical_url", "pk")
    }
    for first in range(have_articles, articles, BATCH):
        numbers = list(range(first, min(first + BATCH, articles)))
        texts = {n: stored_article_text(seed, n) for n in numbers}
        with transaction.atomic():
            made_articles = Article.objects.bulk_create(
                Article(
                    canonical_url=URL.format(seed, n),
                    url=URL.format(seed, n),
                    outlet=outlet,
                    title=texts[n].split(".", 1)[0][:200],
                    published_at=published(n),
                    text=texts[n],
                    provider=ArticleProvider.FEED,
                )
                for n in numbers
            )
            for n, article in zip(numbers, made_articles, strict=True):
                by_number[n] = article.pk
            origins: dict[int, int] = {}
            for n in numbers:
                _, copied = article_plan(seed, n)
                # A copy's origin is its original's origin.
                if copied is None:
                    origins[n] = by_number[n]
                elif copied in origins:
                    origins[n] = origins[copied]
                else:
                    origins[n] = Syndication.objects.get(article_id=by_number[copied]).origin_id
            Syndication.objects.bulk_create(
                Syndication(
                    article_id=by_number[n],
                    origin_id=origins[n],
                    similarity=1.0,
                    shingles=pack_shingles(shingles(texts[n])) or None,
                )
                for n in numbers
            )
            ArticleBand.objects.bulk_create(
                (
                    ArticleBand(article_id=by_number[n], band=band)
                    for n in numbers
                    for band in set(band_ids(signature(texts[n])))
                ),
                batch_size=5000,
            )
            ArticleMatching.objects.bulk_create(
                ArticleMatching(article_id=by_number[n], claims_through=0, finished_at=published(n)) for n in numbers
            )
    return {"claims": max(0, claims - have_claims), "articles": max(0, articles - have_articles)}
