"""What a published verdict rested on, in words for readers of the public page: the
corroboration ledger as it stood when the verdict was published, the coverage it cites
with each item's class, and what an Admiralty credibility grade means."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from claims.models import Claim
from corroboration.models import Coverage, CoverageIndependence
from sources.models import Article

# Admiralty information credibility (the grades of claims.models.Credibility), as a
# reader needs them explained.
CREDIBILITY_MEANINGS = {
    1: "confirmed by other sources: independent reports agree with it",
    2: "probably true: not confirmed, but logical and consistent with other information",
    3: "possibly true: not confirmed, reasonably logical, agrees with some other information",
    4: "doubtful: not confirmed, possible but not logical, no other information on the subject",
    5: "improbable: not confirmed, not logical, contradicted by other information",
    6: "truth cannot be judged: there is no basis to evaluate it",
}
CREDIBILITY_NOTE = (
    "The Admiralty grade rates an item of information as it was reported, from 1 (confirmed by other sources) "
    "to 5 (improbable), 6 meaning it cannot be judged. It describes the reporting before our check, not our "
    "verdict."
)


def credibility_meaning(grade: int | None) -> str:
    return f"{grade} — {CREDIBILITY_MEANINGS[grade]}" if grade in CREDIBILITY_MEANINGS else ""


def _count(n: int, singular: str, plural: str = "") -> str:
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


def ledger_in_words(ledger: dict[str, Any]) -> list[str]:
    """The ledger's counts as phrases a reader follows: "2 independent confirmations",
    "the report the claim comes from (The Associated Press) and its 3 republished copies
    are not counted as confirmations", "1 denial, by a state-controlled outlet (TASS)"."""
    outlets = ledger.get("outlets") or []
    phrases = []
    independent, checked = ledger.get("independent", 0), ledger.get("independent_confirmed", 0)
    confirmations = _count(independent, "independent confirmation")
    if independent and checked < independent:
        confirmations += f" ({checked} checked by a reviewer)"
    phrases.append(confirmations)
    origin, copies = ledger.get("origin", 0), ledger.get("syndicated", 0)
    repeats = []
    if origin:
        names = sorted({o["name"] for o in outlets if o.get("independence") == CoverageIndependence.ORIGIN})
        repeats.append("the report the claim comes from" + (f" ({', '.join(names)})" if names else ""))
    if copies:
        repeats.append(("its " if origin else "") + _count(copies, "republished copy", "republished copies"))
    if repeats:
        one = len(repeats) == 1 and (origin or copies == 1)
        phrases.append(
            f"{' and '.join(repeats)} {'is' if one else 'are'} not counted as confirmation{'' if one else 's'}"
        )
    echoes = ledger.get("echoes", 0)
    if echoes:
        phrases.append(
            f"{_count(echoes, 'report')} that only re-cite{'s' if echoes == 1 else ''} another outlet's sources "
            f"{'is' if echoes == 1 else 'are'} not counted either"
        )
    denials = ledger.get("denials", 0)
    if denials:
        deniers = [
            o
            for o in outlets
            if o.get("independence") == CoverageIndependence.INDEPENDENT and o.get("stance") == "disputes"
        ]
        state = [o for o in deniers if o.get("state_controlled")]
        by_state = sum(o.get("articles", 1) for o in state)
        words = _count(denials, "denial")
        state_names = ", ".join(o["name"] for o in state)
        if state and by_state >= denials:
            outlet_words = "a state-controlled outlet" if len(state) == 1 else "state-controlled outlets"
            words += f", by {outlet_words} ({state_names})"
        elif state:
            words += f" ({by_state} by state-controlled outlets: {state_names})"
        phrases.append(words)
    mentions = ledger.get("mentions", 0)
    if mentions:
        phrases.append(
            f"{_count(mentions, 'report')} mention{'s' if mentions == 1 else ''} the claim without taking a side"
        )
    return phrases


@dataclass(frozen=True)
class CitedItem:
    article: Article
    kind: str  # its class in the ledger, in words: "Independent report, supports (confirmed by a reviewer)"


def cited_items(claim: Claim, articles: list[Article]) -> list[CitedItem]:
    coverage = {c.article_id: c for c in Coverage.objects.filter(claim=claim, article__in=articles)}
    items = []
    for article in articles:
        item = coverage.get(article.pk)
        if item is None:
            kind = (
                "Where the claim appeared"
                if claim.appearances.filter(pk=article.pk).exists() or (claim.first_appearance_id == article.pk)
                else "Cited by the reviewer"
            )
        else:
            stance = item.get_stance_display() if item.confirmed else item.get_suggested_stance_display()
            checked = "confirmed by a reviewer" if item.confirmed else "suggested, not confirmed"
            kind = f"{_independence_words(item.independence)}, {stance.lower()} ({checked})"
        items.append(CitedItem(article, kind))
    return items


def _independence_words(independence: str) -> str:
    words: dict[str, str] = {
        CoverageIndependence.ORIGIN: "Where the claim was first reported",
        CoverageIndependence.SYNDICATED: "Syndicated copy (not counted as a confirmation)",
        CoverageIndependence.ECHO: "Echo: re-cites another outlet's sources",
        CoverageIndependence.INDEPENDENT: "Independent report",
    }
    return words.get(independence, independence)
