"""Fill in the character offsets of a gold file from its verbatim spans.

Annotators write the words (``quote``, ``descriptor``) and this tool finds them in the
article, so nobody counts characters by hand. It refuses a span it cannot place without
doubt: a quote must occur once in the article (or name its ``occurrence``, counted from
0), and a descriptor is taken at the whole-word occurrence nearest to its claim.

    python -m evaluation.extraction.annotate evaluation/extraction/dev/NAME.json ...
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any


class AnnotationError(ValueError):
    """A span that is missing from the article or cannot be placed without doubt."""


def _occurrences(text: str, needle: str, *, whole_words: bool) -> list[int]:
    if whole_words:
        pattern = r"(?<!\w)" + re.escape(needle) + r"(?!\w)"
        return [m.start() for m in re.finditer(pattern, text)]
    return [m.start() for m in re.finditer(re.escape(needle), text)]


def place_quote(text: str, claim: dict[str, Any]) -> None:
    quote = claim["quote"]
    found = _occurrences(text, quote, whole_words=False)
    if not found:
        raise AnnotationError(f"quote not in the article: {quote!r}")
    if "occurrence" in claim:
        start = found[claim["occurrence"]]
    elif len(found) > 1:
        raise AnnotationError(f"quote occurs {len(found)} times, give 'occurrence': {quote!r}")
    else:
        start = found[0]
    claim["start"], claim["end"] = start, start + len(quote)


def place_descriptor(text: str, claim: dict[str, Any], attribution: dict[str, Any]) -> None:
    descriptor = attribution["descriptor"]
    found = _occurrences(text, descriptor, whole_words=True)
    if not found:
        raise AnnotationError(f"descriptor not in the article: {descriptor!r}")
    if "occurrence" in attribution:
        start = found[attribution["occurrence"]]
    else:
        # The source is credited next to its words: the nearest mention, the earlier on a tie.
        def distance(at: int) -> int:
            if at >= claim["end"]:
                return at - claim["end"]
            if at + len(descriptor) <= claim["start"]:
                return claim["start"] - (at + len(descriptor))
            return 0

        start = min(found, key=lambda at: (distance(at), at))
    attribution["start"], attribution["end"] = start, start + len(descriptor)


# Fields a named source leaves empty; an annotator writes them only where they apply.
_OPTIONAL = ("name", "count", "access", "reason", "reason_text", "condition", "stated_limits", "side", "reply")
# An anonymous attribution must say these outright, so a forgotten field is not read as "unstated".
_REQUIRED_WHEN_ANONYMOUS = ("count", "access", "reason", "side")


def fill_defaults(attribution: dict[str, Any]) -> None:
    attribution.setdefault("anonymous", attribution["source_kind"] == "anonymous_group")
    if attribution["anonymous"]:
        missing = [key for key in _REQUIRED_WHEN_ANONYMOUS if key not in attribution]
        if missing:
            raise AnnotationError(f"anonymous attribution {attribution['descriptor']!r} lacks {missing}")
    for key in _OPTIONAL:
        attribution.setdefault(key, None)


def annotate(gold_path: Path) -> dict[str, Any]:
    text = gold_path.with_suffix(".txt").read_text(encoding="utf-8")
    gold: dict[str, Any] = json.loads(gold_path.read_text(encoding="utf-8"))
    for claim in gold["claims"]:
        place_quote(text, claim)
        for attribution in claim["attributions"]:
            fill_defaults(attribution)
            place_descriptor(text, claim, attribution)
    gold.setdefault("relations", [])
    return gold


def main(argv: list[str]) -> int:
    for name in argv:
        path = Path(name)
        gold = annotate(path)
        path.write_text(json.dumps(gold, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{path}: {len(gold['claims'])} claims placed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
