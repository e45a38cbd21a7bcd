"""How fast fetched pages become stored articles, against trafilatura alone reading
the same pages (the lower bound).

    python -m bench.ingest [--small] [--pages 300] [--profile]

Pages are built in memory from a seed: news pages of 20 to 200 KB, like the ones the
coverage jobs fetch — a head with the usual meta tags and a JSON-LD NewsArticle, menus,
an article of 300 to 1,800 words of fictional text, related links, inline scripts and
styles, a footer. It makes a database of its own (`<DATABASE_URL's name>_bench_ingest`,
dropped afterwards) and times, page by page and alternately:

- the operation: `sources.extract.extract_article` (meta tags, JSON-LD, microdata,
  trafilatura, the canonical link) and `sources.services.article_store` (the outlet
  recognised or created, the row written once per canonical URL);
- the bound: `trafilatura.bare_extraction` on the same page, with the options the product
  uses (what the product asks of trafilatura, and nothing else).

The target is the product at 0.7× trafilatura's throughput or better, that is a time
ratio ≤ 1/0.7 ≈ 1.43. `--profile` prints where the product's time goes (cProfile).
"""

from __future__ import annotations

import cProfile
import io
import json
import pstats
import random
import sys
import time
from dataclasses import dataclass
from typing import Any

from bench.harness import Result, bench_database, interleaved_items, option, report, setup_django

TARGET = round(1 / 0.7, 2)
SEED = 20260308
OUTLETS = (
    ("The Harbour Courier", "harbour-courier.example"),
    ("Northern Ledger", "northern-ledger.example"),
    ("Gulf Wire Service", "gulfwire.example"),
    ("The Evening Dispatch", "evening-dispatch.example"),
    ("Coastal Times", "coastal-times.example"),
    ("Steppe Herald", "steppe-herald.example"),
)
NOUNS = (
    "ministry",
    "port",
    "tanker",
    "convoy",
    "officials",
    "analysts",
    "harbour",
    "shipment",
    "sanctions",
    "refinery",
    "governor",
    "treaty",
    "negotiators",
    "grain",
    "ferry",
    "inspectors",
    "border",
    "fleet",
    "drones",
    "council",
    "budget",
    "statement",
    "spokesperson",
)
VERBS = (
    "said",
    "confirmed",
    "denied",
    "warned",
    "reported",
    "estimated",
    "announced",
    "suggested",
    "disputed",
    "described",
)
FILLER = (
    "according",
    "to",
    "people",
    "familiar",
    "with",
    "the",
    "matter",
    "who",
    "spoke",
    "on",
    "condition",
    "of",
    "anonymity",
    "because",
    "they",
    "were",
    "not",
    "authorized",
    "to",
    "discuss",
    "the",
    "talks",
    "publicly",
    "the",
    "figures",
    "could",
    "not",
    "be",
    "independently",
    "verified",
    "on",
    "monday",
)


@dataclass(frozen=True)
class Page:
    url: str
    body: bytes


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(NOUNS), rng.choice(VERBS), *rng.sample(FILLER, rng.randint(6, 14)), rng.choice(NOUNS)]
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(2, 5)))


def page(rng: random.Random, n: int) -> Page:
    """One news page of 20–200 KB, most of it the boilerplate around the story."""
    outlet, host = OUTLETS[n % len(OUTLETS)]
    size = rng.randint(20_000, 200_000)
    url = f"https://www.{host}/world/{2026 - n % 3}/story-{n}"
    title = f"{rng.choice(NOUNS).capitalize()} {rng.choice(VERBS)} {' '.join(rng.sample(FILLER, 5))} ({n})"
    published = f"2026-0{1 + n % 9}-{10 + n % 18}T0{n % 10}:15:00Z"
    story: list[str] = []
    words = 0
    goal = rng.randint(300, 1800)
    while words < goal:
        paragraph = _paragraph(rng)
        story.append(f"<p>{paragraph}</p>")
        words += len(paragraph.split())
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
        "datePublished": published,
        "author": {"@type": "Person", "name": f"Reporter {n % 40}"},
        "publisher": {"@type": "Organization", "name": outlet},
    }
    head = (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} | {outlet}</title>'
        f'<meta property="og:title" content="{title}"><meta property="og:site_name" content="{outlet}">'
        f'<meta property="article:published_time" content="{published}">'
        f'<meta name="author" content="Reporter {n % 40}"><link rel="canonical" href="{url}">'
        f'<script type="application/ld+json">{json.dumps(ld)}</script>'
        "<style>" + "".join(f".c{k}{{margin:{k}px;padding:{k % 7}px}}" for k in range(300)) + "</style></head>"
    )
    menu = "<nav><ul>" + "".join(f'<li><a href="/section/{k}">Section {k}</a></li>' for k in range(40)) + "</ul></nav>"
    article = (
        f'<main><article><h1>{title}</h1><div class="byline">By Reporter {n % 40}</div>'
        f'<time datetime="{published}">{published[:10]}</time>{"".join(story)}</article></main>'
    )
    parts = [head, "<body>", menu, article]
    filler = 0
    while sum(map(len, parts)) < size - 200:
        filler += 1
        if filler % 3:
            parts.append(
                '<aside class="related"><ul>'
                + "".join(
                    f'<li><a href="/world/story-{rng.randrange(10**6)}">{_sentence(rng)}</a></li>' for _ in range(8)
                )
                + "</ul></aside>"
            )
        else:
            parts.append(
                "<script>window.__data=" + json.dumps({"k": [rng.random() for _ in range(120)]}) + ";</script>"
            )
    parts.append(f"<footer><p>© 2026 {outlet}. All rights reserved.</p></footer></body></html>")
    return Page(url=url, body="".join(parts).encode())


def pages(count: int, *, seed: int = SEED) -> list[Page]:
    rng = random.Random(seed)
    return [page(rng, n) for n in range(count)]


def ingest(item: Page) -> Any:
    """The operation: extract the page and store it, as a fetch job does."""
    from sources.extract import extract_article
    from sources.services import article_store

    extracted = extract_article(item.body, url=item.url)
    article, _ = article_store(provider="url", url=item.url, extracted=extracted)
    return article


def trafilatura_alone(item: Page) -> Any:
    """The bound: trafilatura on the same page, with the product's options, as the product
    calls it (`bare_extraction`: the fields, without the SimHash fingerprint and the JSON
    text that `extract` adds)."""
    import trafilatura

    return trafilatura.bare_extraction(
        item.body.decode(),
        url=item.url,
        output_format="json",
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        deduplicate=False,
    )


def measure(items: list[Page]) -> Result:
    result = interleaved_items("ingest_page", items=items, target=TARGET, operation=ingest, bound=trafilatura_alone)
    result.scale = len(items)
    return result


def profile(items: list[Page]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        ingest(items[0])
    print(f"queries to store one page: {len(queries.captured_queries)}")
    for query in queries.captured_queries:
        print("   ", query["sql"][:160])
    profiler = cProfile.Profile()
    profiler.enable()
    for item in items[1:]:
        ingest(item)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(35)
    print(out.getvalue())


def main(argv: list[str]) -> int:
    setup_django()
    count = option(argv, "--pages", 40 if "--small" in argv else 300)
    items = pages(count)
    kb = [len(item.body) / 1024 for item in items]
    print(f"{count} pages, {min(kb):.0f}–{max(kb):.0f} KB (mean {sum(kb) / len(kb):.0f} KB)")
    with bench_database("ingest"):
        if "--profile" in argv:
            profile(pages(30, seed=SEED + 1))
        started = time.perf_counter()
        result = measure(items)
        print(f"measured in {time.perf_counter() - started:.0f} s")
    per_second = f"extract + store {1000 / result.median_ms:.0f}, trafilatura alone {1000 / result.bound_ms:.0f}"
    print(f"pages per second: {per_second}")
    return report([result], scale_label="pages")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
