"""How fast ``extract()`` reads stories, against sentence segmentation alone (the lower bound).

    python -m bench.extraction [--small]

Articles are built deterministically from the corpus's own sentences (1,000 of 300–1,500
words; 20 with ``--small``). Extraction and segmentation are timed on the same texts in
interleaved rounds, so both see the same machine load.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

from extraction.extractor import extract
from extraction.segment import paragraphs, sentences

CORPUS = Path(__file__).resolve().parents[1] / "evaluation" / "extraction"
TARGET = 10.0
ROUNDS = 3


def articles(count: int, seed: int = 20260308) -> list[str]:
    pool: list[str] = []
    for path in sorted(CORPUS.glob("*/*.txt")):
        text = path.read_text(encoding="utf-8")
        pool.extend(text[a:b] for a, b in paragraphs(text))
    rng = random.Random(seed)
    built = []
    for _ in range(count):
        goal, parts, words = rng.randint(300, 1500), [], 0
        while words < goal:
            paragraph = rng.choice(pool)
            parts.append(paragraph)
            words += len(paragraph.split())
        built.append("\n\n".join(parts))
    return built


def _time_each(texts: list[str], work: object) -> list[float]:
    timings = []
    for text in texts:
        started = time.perf_counter()
        work(text)  # type: ignore[operator]
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def main(argv: list[str]) -> int:
    texts = articles(20 if "--small" in argv else 1000)
    extract_ms: list[float] = []
    bound_ms: list[float] = []
    for _ in range(ROUNDS):
        bound_ms += _time_each(texts, sentences)
        extract_ms += _time_each(texts, extract)
    median = statistics.median(extract_ms)
    p95 = statistics.quantiles(extract_ms, n=20)[18]
    bound = statistics.median(bound_ms)
    ratio = median / bound
    ok = "yes" if ratio <= TARGET else "no"
    print(
        f"{'operation':16} {'articles':>8} {'median ms':>10} {'p95 ms':>8} {'bound ms':>9} {'ratio':>6} {'target':>6}"
    )
    print(f"{'extract_claims':16} {len(texts):8} {median:10.2f} {p95:8.2f} {bound:9.2f} {ratio:6.2f} {TARGET:6.0f}")
    print(f"articles/second: extract {1000 / median:.0f}, segmentation alone {1000 / bound:.0f}")
    print(
        f"BENCH name=extract_claims scale={len(texts)} median_ms={median:.2f} p95_ms={p95:.2f} "
        f"bound_ms={bound:.2f} ratio={ratio:.2f} target={TARGET:.0f} ok={ok}"
    )
    return 0 if ok == "yes" else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
