"""``python -m evaluation.extraction``: print the figures of both splits; fail below the test gates.

``--misses dev`` also lists what the rules got wrong on the dev split (never use it on test
to choose a rule).
"""

from __future__ import annotations

import sys
import time

from evaluation.extraction.score import evaluate


def main(argv: list[str]) -> int:
    started = time.perf_counter()
    report = evaluate()
    print(report.table())
    if "--misses" in argv:
        split = argv[argv.index("--misses") + 1] if len(argv) > argv.index("--misses") + 1 else "dev"
        print("\n".join(report.splits[split].misses))
    failures = report.failures()
    print(f"evaluated in {time.perf_counter() - started:.1f} s")
    if failures:
        sys.stdout.flush()  # the table first, then the reason, also when both are piped
        print("FAIL (test split below its gates): " + "; ".join(failures), file=sys.stderr)
        return 1
    print("ok: the test split meets every gate")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
