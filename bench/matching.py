"""How fast one new article is matched to the open claims and placed in its syndication
group, against lower bounds measured in the same run, at growing numbers of claims and
stored articles.

    python -m bench.matching [--small] [--scales 10000,100000] [--rounds 40] [--seed 7]

It makes a database of its own (`<DATABASE_URL's name>_bench_matching`, dropped afterwards),
migrates it, and for each scale n (default 10,000 then 100,000; `--small`: 1,000 then
3,000) fills it up to n open claims and n stored articles with `make_synthetic` (the
same seed, so the larger scale keeps the smaller one's rows), ANALYZEs, and times in
interleaved rounds, so that operation and bound see the same machine load:

- `match_article`: `coverage_match_article` for a new stored article on a topic the
  claims are about, as a worker's first matching job runs it (the article read with
  its group and checkpoint; the alias table and the outlets read once for the job,
  the claims' profiles kept between its articles, none from an earlier job:
  `MatchingContext`): the claims' index, the candidate filter, the scorer on the
  candidates, the coverage rows and the checkpoint; bound: reading the article's text
  once and scoring its true claims (the claims of its topic) with the scorer, in
  memory, the claims already loaded.
- `group_article`: `group_article` for a new copy of a stored article (fingerprint,
  bands stored and looked up, candidates confirmed by their text, the group written);
  bound: fingerprinting its text and reading its true group by primary key.

Each gets a row of the table and a `BENCH …` line (target: ratio ≤ 3); the growth from
the first scale to the last gets a `BENCH name=<operation>_growth …` line (target ≤ 1.5):
the operation's median at the last scale over its median at the first, carried to the
last scale's machine load. The bounds do the same work at every scale (an article's
true claims, its true group), so how far a bound moved between the two measurements,
minutes apart, is how far the load moved; the growth's bound is the first median times
that, and its ratio is the ratio at the last scale over the ratio at the first. The
growth of the raw medians is printed beside it (`load_note`).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

TARGET = 3.0
GROWTH_TARGET = 1.5
# The project's modules are imported inside the functions below: run as a script, Django
# must be set up (main) before any model can be imported.


@dataclass(frozen=True)
class Row:
    name: str
    scale: int
    median_ms: float
    p95_ms: float
    bound_ms: float
    target: float
    queries: float = 0.0  # median round trips to the database per operation

    @property
    def ratio(self) -> float:
        return self.median_ms / self.bound_ms if self.bound_ms else float("inf")

    @property
    def ok(self) -> bool:
        return self.ratio <= self.target

    def table_row(self) -> str:
        return (
            f"{self.name:22} {self.scale:8} {self.median_ms:10.2f} {self.p95_ms:8.2f} "
            f"{self.bound_ms:9.2f} {self.ratio:6.2f} {self.target:6.1f} {self.queries:8.0f}"
        )

    def bench_line(self) -> str:
        return (
            f"BENCH name={self.name} scale={self.scale} median_ms={self.median_ms:.3f} p95_ms={self.p95_ms:.3f} "
            f"bound_ms={self.bound_ms:.3f} ratio={self.ratio:.2f} target={self.target:g} "
            f"ok={'yes' if self.ok else 'no'}"
        )


HEAD = (
    f"{'operation':22} {'scale':>8} {'median ms':>10} {'p95 ms':>8} {'bound ms':>9} {'ratio':>6} {'target':>6} "
    f"{'queries':>8}"
)


def _time(work: Callable[[], object], queries: list[int] | None = None) -> float:
    """Milliseconds `work` took; with `queries`, also how many statements it sent."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as sent:
        started = time.perf_counter()
        work()
        elapsed = (time.perf_counter() - started) * 1000
    if queries is not None:
        queries.append(len(sent.captured_queries))
    return elapsed


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) >= 2 else values[0]


def _new_articles(seed: int, scale: int, rounds: int, kind: str) -> list[tuple[int, str, int]]:
    """(article id, text, topic or copied article number) of `rounds` new articles,
    stored (not timed) but neither grouped nor matched."""
    from corroboration.management.commands.make_synthetic import (
        ARTICLES_PER_TOPIC,
        CLAIMS_PER_TOPIC,
        article_text,
        copy_of,
        published,
        stored_article_text,
    )
    from sources.models import Article, Outlet

    outlet = Outlet.objects.get(name=f"Synthetic Wire {seed}")
    made = []
    topics = max(1, scale // CLAIMS_PER_TOPIC)
    for r in range(rounds):
        if kind == "match":
            subject = (r * 7919) % topics  # spread over the topics the claims are about
            text = article_text(seed, subject, ARTICLES_PER_TOPIC + 1 + r)
        else:
            subject = scale - 1 - (r * 13) % min(scale, 500)  # a recent stored article
            text = copy_of(stored_article_text(seed, subject), seed, 10**9 + r)
        article = Article.objects.create(
            canonical_url=f"https://synthetic.example/new-{seed}/{kind}-{scale}-{r}",
            outlet=outlet,
            title=text.split(".", 1)[0][:200],
            published_at=published(scale),
            text=text,
        )
        made.append((article.pk, text, subject))
    return made


def measure(seed: int, scale: int, rounds: int) -> list[Row]:
    from claims.models import Claim
    from corroboration.fingerprint import band_ids, signature
    from corroboration.management.commands.make_synthetic import CLAIMS_PER_TOPIC, URL
    from corroboration.matching import ClaimProfile, Document, match, match_article
    from corroboration.models import Syndication
    from corroboration.services import MatchingContext, ProfileCache, coverage_match_article
    from corroboration.syndication import group_article
    from sources.models import Article

    outlets = ["Synthetic Wire"]
    # Matching: each round a new article on a topic; the bound scores its topic's claims.
    probes = _new_articles(seed, scale, rounds + 3, "match")
    for pk, _, _ in probes:
        group_article(Article.objects.get(pk=pk))  # grouping is timed in its own row
    true_claims = {
        subject: [
            (c.statement, c.quote)
            for c in Claim.objects.filter(
                context__in=[f"synthetic:{seed}:{subject * CLAIMS_PER_TOPIC + i}" for i in range(CLAIMS_PER_TOPIC)]
            )
        ]
        for _, _, subject in probes
    }

    def bound_match(text: str, subject: int) -> None:
        document = Document(text)
        for statement, quote in true_claims[subject]:
            profile = ClaimProfile.of(statement, quote)
            if match(profile, document).related:
                match_article(profile, text, own_outlet=outlets[0], other_outlets=outlets)

    match_ms: list[float] = []
    match_bound: list[float] = []
    match_queries: list[int] = []
    related = 0
    candidates: list[int] = []  # claims scored per article (its topic's and others)
    # What a job reads when it starts (its first rounds are warm-up), as a worker's first
    # job: no profiles kept from an earlier one (nor from the smaller scale).
    job = MatchingContext.read()
    job = replace(job, profiles=ProfileCache(job.aliases))
    for i, (pk, text, subject) in enumerate(probes):
        article = Article.objects.select_related("outlet", "syndication", "matching").get(pk=pk)
        counts: dict[str, int] = {}

        def bound_one(text: str = text, subject: int = subject) -> None:
            bound_match(text, subject)

        def match_one(article: Article = article, counts: dict[str, int] = counts) -> None:
            counts.update(coverage_match_article(article, context=job))

        bound_ms = _time(bound_one)
        operation_ms = _time(match_one, match_queries)
        if i >= 3:  # the first rounds warm the connection, the caches and the statistics
            match_bound.append(bound_ms)
            match_ms.append(operation_ms)
            related += counts["related"]
            candidates.append(counts["candidates"])
    if not related:
        raise AssertionError("no new article was matched to any claim: the benchmark measures nothing")

    print(
        f"match_article at {scale}: candidate claims per article median {statistics.median(candidates):g} "
        f"(max {max(candidates)}), related {related / len(candidates):.1f}",
        flush=True,
    )

    # Grouping: each round a new copy of a stored article; the bound fingerprints it and
    # reads its true group by primary key.
    copies = _new_articles(seed, scale, rounds + 3, "group")
    origin_of = {number: Article.objects.get(canonical_url=URL.format(seed, number)).pk for _, _, number in copies}
    group_ms: list[float] = []
    group_bound: list[float] = []
    group_queries: list[int] = []
    grouped_right = 0
    for i, (pk, text, number) in enumerate(copies):
        article = Article.objects.select_related("outlet").get(pk=pk)

        def bound_group(text: str = text, number: int = number) -> object:
            band_ids(signature(text))
            return Syndication.objects.get(pk=origin_of[number])

        bound_ms = _time(bound_group)
        found: list[int] = []

        def group_one(article: Article = article, found: list[int] = found) -> None:
            found.append(group_article(article).origin_id)

        operation_ms = _time(group_one, group_queries)
        if i >= 3:
            group_bound.append(bound_ms)
            group_ms.append(operation_ms)
            true_origin = Syndication.objects.get(pk=origin_of[number]).origin_id
            grouped_right += int(found[0] == true_origin)
    if grouped_right < len(group_ms) * 0.9:
        raise AssertionError(f"only {grouped_right} of {len(group_ms)} copies found their group")
    return [
        _row("match_article", scale, match_ms, match_bound, match_queries[3:]),
        _row("group_article", scale, group_ms, group_bound, group_queries[3:]),
    ]


def _row(name: str, scale: int, operation: list[float], bound: list[float], queries: list[int]) -> Row:
    median, p95 = statistics.median(operation), _p95(operation)
    return Row(name, scale, median, p95, statistics.median(bound), TARGET, statistics.median(queries))


def growth(first: Row, last: Row) -> Row:
    """The operation at the last scale against itself at the first, the first carried to
    the last scale's load: its bound is the first median times how far the operation's
    bound moved, so its ratio is `last.ratio / first.ratio`."""
    drift = last.bound_ms / first.bound_ms if first.bound_ms else 1.0
    return Row(
        f"{last.name}_growth",
        last.scale,
        last.median_ms,
        last.p95_ms,
        first.median_ms * drift,
        GROWTH_TARGET,
        last.queries,
    )


def load_note(rows: list[Row]) -> str:
    """How far each bound moved from the first scale to the last (the machine's load
    moving between the scales' measurements, which the growth rows take out), and the
    growth of the raw medians, which carries it."""
    moved = []
    for name in ("match_article", "group_article"):
        at = [r for r in rows if r.name == name]
        if len(at) > 1 and at[0].bound_ms and at[0].median_ms:
            moved.append(
                f"{name} bound ×{at[-1].bound_ms / at[0].bound_ms:.2f}, "
                f"raw median ×{at[-1].median_ms / at[0].median_ms:.2f}"
            )
    return "last scale over the first (the load moving, and the growth before it is taken out): " + (
        "; ".join(moved) or "one scale"
    )


def _option(argv: list[str], name: str, default: str) -> str:
    return argv[argv.index(name) + 1] if name in argv else default


def run(scales: list[int], *, rounds: int, seed: int) -> list[Row]:
    """Fill and measure each scale in turn, in the current database."""
    from django.db import connection

    from corroboration.management.commands.make_synthetic import fill

    rows: list[Row] = []
    for scale in scales:
        started = time.perf_counter()
        fill(claims=scale, articles=scale, seed=seed)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"filled to {scale} open claims and {scale} stored articles in {time.perf_counter() - started:.0f} s")
        rows.extend(measure(seed, scale, rounds))
    if len(scales) > 1:
        for name in ("match_article", "group_article"):
            at = [r for r in rows if r.name == name]
            rows.append(growth(at[0], at[-1]))
    return rows


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from bench.harness import bench_database

    small = "--small" in argv
    scales = [int(s) for s in _option(argv, "--scales", "1000,3000" if small else "10000,100000").split(",")]
    rounds = int(_option(argv, "--rounds", "20" if small else "40"))
    seed = int(_option(argv, "--seed", "7"))
    with bench_database("matching"):
        rows = run(scales, rounds=rounds, seed=seed)
    print(HEAD)
    for row in rows:
        print(row.table_row())
    print(load_note(rows))
    for row in rows:
        print(row.bench_line())
    return 0 if all(row.ok for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
