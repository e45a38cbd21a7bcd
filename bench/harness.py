"""What every benchmark shares: timing an operation against its lower bound in
interleaved rounds, the figures (median, p95, ratio), the table and the `BENCH …` line
that tools read, and a database of the benchmark's own.

A ratio is always the operation's median time over the bound's median time, and a
target is the largest ratio accepted: "the service at least half the raw rate" is a
target of 2.0, "at least 0.7× trafilatura's throughput" one of 1/0.7 ≈ 1.43. So every
row reads the same way, whatever the benchmark measures.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")


def elapsed_ms(work: Callable[[], object]) -> float:
    """How long one call of `work` took, in milliseconds."""
    started = time.perf_counter()
    work()
    return (time.perf_counter() - started) * 1000


def p95(values: Sequence[float]) -> float:
    """The 95th percentile (the one value itself when there is only one)."""
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20)[18]


@dataclass
class Result:
    """One row of the suite: an operation at a scale, timed against its lower bound."""

    name: str
    scale: int
    target: float
    operation_ms: list[float] = field(default_factory=list)
    bound_ms_all: list[float] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.operation_ms)

    @property
    def p95_ms(self) -> float:
        return p95(self.operation_ms)

    @property
    def bound_ms(self) -> float:
        return statistics.median(self.bound_ms_all)

    @property
    def ratio(self) -> float:
        return self.median_ms / self.bound_ms

    @property
    def ok(self) -> bool:
        return self.ratio <= self.target

    def bench_line(self) -> str:
        return (
            f"BENCH name={self.name} scale={self.scale} median_ms={self.median_ms:.3f} p95_ms={self.p95_ms:.3f} "
            f"bound_ms={self.bound_ms:.3f} ratio={self.ratio:.2f} target={self.target:g} "
            f"ok={'yes' if self.ok else 'no'}"
        )


def interleaved(
    name: str,
    *,
    scale: int,
    target: float,
    operation: Callable[[], object],
    bound: Callable[[], object],
    rounds: int,
    warmup: int = 5,
) -> Result:
    """Time `operation` and `bound` alternately, `rounds` times each, after `warmup`
    untimed calls of both (connections, statement caches, imports): both see the same
    machine load, so their ratio holds on a busy machine too."""
    for _ in range(warmup):
        bound()
        operation()
    result = Result(name=name, scale=scale, target=target)
    for _ in range(rounds):
        result.bound_ms_all.append(elapsed_ms(bound))
        result.operation_ms.append(elapsed_ms(operation))
    return result


def interleaved_items(
    name: str,
    *,
    items: Sequence[T],
    target: float,
    operation: Callable[[T], object],
    bound: Callable[[T], object],
    rounds: int = 1,
) -> Result:
    """Like `interleaved`, over a set of inputs (pages, claims): each input is given to
    the bound and then to the operation, and every call is one sample."""
    operation(items[0])
    bound(items[0])
    result = Result(name=name, scale=len(items), target=target)
    for _ in range(rounds):
        for item in items:
            result.bound_ms_all.append(elapsed_ms(lambda item=item: bound(item)))  # type: ignore[misc]
            result.operation_ms.append(elapsed_ms(lambda item=item: operation(item)))  # type: ignore[misc]
    return result


def table(results: Sequence[Result], *, scale_label: str = "scale") -> str:
    """The human-readable table of `results`, one row each."""
    width = max([len("operation"), *(len(r.name) for r in results)])
    lines = [
        f"{'operation':{width}} {scale_label:>8} {'median ms':>10} {'p95 ms':>9} {'bound ms':>9} "
        f"{'ratio':>6} {'target':>6} {'ok':>3}"
    ]
    for r in results:
        lines.append(
            f"{r.name:{width}} {r.scale:8} {r.median_ms:10.3f} {r.p95_ms:9.3f} {r.bound_ms:9.3f} "
            f"{r.ratio:6.2f} {r.target:6.2f} {'yes' if r.ok else 'no':>3}"
        )
    return "\n".join(lines)


def report(results: Sequence[Result], *, scale_label: str = "scale") -> int:
    """Print the table and the BENCH lines; the exit status (0 when every row meets its target)."""
    print(table(results, scale_label=scale_label))
    for r in results:
        print(r.bench_line())
    return 0 if all(r.ok for r in results) else 1


def option(argv: Sequence[str], name: str, default: int) -> int:
    """`--name N` from the command line, or `default`."""
    return int(argv[argv.index(name) + 1]) if name in argv else default


def setup_django() -> None:
    """Run as a script, Django must be set up before any of the project's models load."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


@contextmanager
def bench_database(benchmark: str) -> Iterator[None]:
    """A database of the benchmark's own, `<DATABASE_URL's name>_bench_<benchmark>`:
    created and migrated on entry, dropped on exit — never the one people (or the tests)
    work in."""
    from django.conf import settings
    from django.test.utils import setup_databases, teardown_databases

    database = settings.DATABASES["default"]
    # As the owner of the tables, who may create databases (docs/operations.md, "Database roles").
    database.update(settings.DATABASE_OWNER)
    database.setdefault("TEST", {})["NAME"] = f"{database['NAME']}_bench_{benchmark}"
    created = setup_databases(verbosity=0, interactive=False, keepdb=False)
    try:
        yield
    finally:
        teardown_databases(created, verbosity=0)
