"""Score ``extraction.extract()`` against the gold files of the dev and test splits.

Matching rules:

- a predicted claim matches a gold claim when their quote spans overlap substantially:
  the shared characters are at least half of the two spans' union (Jaccard ≥ 0.5).
  Pairs are taken best overlap first, each claim used once;
- on a matched claim pair, a predicted attribution matches a gold one when the roles are
  equal and the descriptor spans share at least one character. Attributions on unmatched
  claims count as misses (gold) or false suggestions (predicted);
- anonymity accuracy: share of matched attributions whose ``anonymous`` agrees;
- caveat fields: on matched attributions whose gold source is anonymous, the share with
  exactly the gold value; ``condition`` and ``stated_limits`` are compared after folding
  case, whitespace, curly quotes and final punctuation.

The gates apply to the test split only (``GATES``); the dev split is printed alongside.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from extraction.extractor import extract

CORPUS: Final = Path(__file__).resolve().parent
SPLITS: Final = ("dev", "test")
CAVEAT_FIELDS: Final = ("count", "access", "reason", "condition", "stated_limits", "side")
GATES: Final = {
    "claim_precision": 0.85,
    "claim_recall": 0.80,
    "attribution_precision": 0.90,
    "attribution_recall": 0.85,
    "anonymity_accuracy": 0.95,
    **{f"caveat_{name}": 0.80 for name in CAVEAT_FIELDS},
}


@dataclass
class _Tally:
    hits: int = 0
    total: int = 0

    def add(self, hit: bool) -> None:
        self.hits += hit
        self.total += 1

    @property
    def rate(self) -> float:
        return self.hits / self.total if self.total else 1.0


@dataclass
class SplitScore:
    split: str
    articles: int = 0
    gold_claims: int = 0
    predicted_claims: int = 0
    matched_claims: int = 0
    gold_attributions: int = 0
    predicted_attributions: int = 0
    matched_attributions: int = 0
    anonymity: _Tally = field(default_factory=_Tally)
    reply: _Tally = field(default_factory=_Tally)
    caveats: dict[str, _Tally] = field(default_factory=lambda: {name: _Tally() for name in CAVEAT_FIELDS})
    misses: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, float]:
        return {
            "claim_precision": _ratio(self.matched_claims, self.predicted_claims),
            "claim_recall": _ratio(self.matched_claims, self.gold_claims),
            "attribution_precision": _ratio(self.matched_attributions, self.predicted_attributions),
            "attribution_recall": _ratio(self.matched_attributions, self.gold_attributions),
            "anonymity_accuracy": self.anonymity.rate,
            **{f"caveat_{name}": tally.rate for name, tally in self.caveats.items()},
            "reply_accuracy": self.reply.rate,
        }


@dataclass
class Report:
    splits: dict[str, SplitScore]

    def failures(self) -> list[str]:
        figures = self.splits["test"].figures()
        return [f"{name} {figures[name]:.2f} < {gate:.2f}" for name, gate in GATES.items() if figures[name] < gate]

    def table(self) -> str:
        names = list(self.splits["test"].figures())
        lines = [f"{'figure':24} " + " ".join(f"{split:>8}" for split in self.splits) + "   gate (test)"]
        for name in names:
            row = " ".join(f"{self.splits[split].figures()[name]:8.2f}" for split in self.splits)
            gate = f"≥ {GATES[name]:.2f}" if name in GATES else "(not gated)"
            lines.append(f"{name:24} {row}   {gate}")
        counts = " ".join(
            f"{s.split}: {s.articles} articles, {s.gold_claims} gold claims, {s.predicted_claims} suggested"
            for s in self.splits.values()
        )
        return "\n".join([*lines, counts])


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def _jaccard(a: tuple[int, int], b: tuple[int, int]) -> float:
    shared = min(a[1], b[1]) - max(a[0], b[0])
    if shared <= 0:
        return 0.0
    return shared / (max(a[1], b[1]) - min(a[0], b[0]))


def _fold(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    value = value.replace("“", '"').replace("”", '"').replace("’", "'").lower()
    return re.sub(r"\s+", " ", value).strip(" .,;:\"'")


def score_article(text: str, gold: dict[str, Any], result: SplitScore, name: str) -> None:
    predicted = extract(text).to_json()["claims"]
    result.articles += 1
    result.gold_claims += len(gold["claims"])
    result.predicted_claims += len(predicted)
    result.gold_attributions += sum(len(c["attributions"]) for c in gold["claims"])
    result.predicted_attributions += sum(len(c["attributions"]) for c in predicted)
    pairs = sorted(
        (
            (_jaccard((g["start"], g["end"]), (p["start"], p["end"])), gi, pi)
            for gi, g in enumerate(gold["claims"])
            for pi, p in enumerate(predicted)
        ),
        reverse=True,
    )
    used_gold: set[int] = set()
    used_predicted: set[int] = set()
    for overlap, gi, pi in pairs:
        if overlap < 0.5 or gi in used_gold or pi in used_predicted:
            continue
        used_gold.add(gi)
        used_predicted.add(pi)
        result.matched_claims += 1
        _score_attributions(gold["claims"][gi]["attributions"], predicted[pi]["attributions"], result, name)
    for gi, claim in enumerate(gold["claims"]):
        if gi not in used_gold:
            result.misses.append(f"{name}: missed claim {claim['quote'][:70]!r}")
    for pi, claim in enumerate(predicted):
        if pi not in used_predicted:
            result.misses.append(f"{name}: extra claim {claim['quote'][:70]!r}")


def _score_attributions(
    gold: list[dict[str, Any]], predicted: list[dict[str, Any]], result: SplitScore, name: str
) -> None:
    used: set[int] = set()
    for g in gold:
        for pi, p in enumerate(predicted):
            overlaps = min(g["end"], p["end"]) > max(g["start"], p["start"])
            if pi in used or p["role"] != g["role"] or not overlaps:
                continue
            used.add(pi)
            result.matched_attributions += 1
            result.anonymity.add(p["anonymous"] == g["anonymous"])
            if g["role"] == "responds":
                result.reply.add(p["reply"] == g["reply"])
            if g["anonymous"]:
                for key in CAVEAT_FIELDS:
                    hit = _fold(p.get(key)) == _fold(g.get(key))
                    result.caveats[key].add(hit)
                    if not hit:
                        result.misses.append(f"{name}: {key} {p.get(key)!r} ≠ gold {g.get(key)!r}")
            break
        else:
            got = [(p["role"], p["descriptor"]) for p in predicted]
            result.misses.append(f"{name}: attribution {g['role']} {g['descriptor']!r} not matched by {got}")


def evaluate(splits: tuple[str, ...] = SPLITS) -> Report:
    report = Report({})
    for split in splits:
        result = SplitScore(split)
        for path in sorted((CORPUS / split).glob("*.json")):
            gold = json.loads(path.read_text(encoding="utf-8"))
            score_article(path.with_suffix(".txt").read_text(encoding="utf-8"), gold, result, path.stem)
        report.splits[split] = result
    return report
