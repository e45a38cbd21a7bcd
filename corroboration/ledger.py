"""The corroboration ledger of a claim: independent confirmations, echoes, syndicated
copies, denials and mentions, counted separately, with the outlets named and a
suggested Admiralty information-credibility grade with its reason."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from corroboration.models import Coverage, CoverageIndependence, Stance
from corroboration.syndication import origin_id

CONFIRMED_BY_OTHERS = 1
PROBABLY_TRUE = 2
POSSIBLY_TRUE = 3
DOUBTFUL = 4
CANNOT_BE_JUDGED = 6


@dataclass
class OutletEntry:
    id: int | None
    name: str
    state_controlled: bool
    is_wire: bool
    independence: str
    stance: str
    articles: int = 1


@dataclass
class Ledger:
    origin: int = 0
    independent: int = 0
    independent_confirmed: int = 0
    echoes: int = 0
    syndicated: int = 0
    denials: int = 0
    denials_confirmed: int = 0
    mentions: int = 0
    outlets: list[OutletEntry] = field(default_factory=list)
    suggested_credibility: int = CANNOT_BE_JUDGED
    credibility_reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _count(n: int, singular: str, plural: str = "") -> str:
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


def ledger_for(coverage: list[Coverage]) -> Ledger:
    """Count a claim's coverage. Copies of one story count once: independent reports
    and denials are counted by syndication group, not by article."""
    ledger = Ledger()
    independent_groups: set[int] = set()
    confirmed_groups: set[int] = set()
    denial_groups: set[int] = set()
    confirmed_denials: set[int] = set()
    outlets: dict[tuple[int | None, str, str], OutletEntry] = {}
    for item in coverage:
        stance = item.effective_stance
        if stance == Stance.UNRELATED:
            continue
        group = origin_id(item.article)
        if item.independence == CoverageIndependence.ORIGIN:
            ledger.origin += 1
        elif item.independence == CoverageIndependence.SYNDICATED:
            ledger.syndicated += 1
        elif item.independence == CoverageIndependence.ECHO:
            ledger.echoes += 1
        elif stance == Stance.SUPPORTS:
            independent_groups.add(group)
            if item.stance == Stance.SUPPORTS:
                confirmed_groups.add(group)
        if stance == Stance.DISPUTES:
            denial_groups.add(group)
            if item.stance == Stance.DISPUTES:
                confirmed_denials.add(group)
        elif stance == Stance.MENTIONS:
            ledger.mentions += 1
        outlet = item.article.outlet
        key = (outlet.pk if outlet else None, item.independence, stance)
        if key in outlets:
            outlets[key].articles += 1
        else:
            outlets[key] = OutletEntry(
                id=outlet.pk if outlet else None,
                name=outlet.name if outlet else item.article.canonical_url,
                state_controlled=bool(outlet and outlet.is_state_controlled),
                is_wire=bool(outlet and outlet.is_wire),
                independence=item.independence,
                stance=stance,
            )
    ledger.independent = len(independent_groups)
    ledger.independent_confirmed = len(confirmed_groups)
    ledger.denials = len(denial_groups)
    ledger.denials_confirmed = len(confirmed_denials)
    ledger.outlets = sorted(outlets.values(), key=lambda o: (_ORDER[o.independence], o.name))
    ledger.suggested_credibility, ledger.credibility_reason = _suggest(ledger)
    return ledger


_ORDER = {
    CoverageIndependence.ORIGIN: 0,
    CoverageIndependence.INDEPENDENT: 1,
    CoverageIndependence.SYNDICATED: 2,
    CoverageIndependence.ECHO: 3,
}


def _suggest(ledger: Ledger) -> tuple[int, str]:
    """Admiralty information credibility. "1 — confirmed by other sources" needs at least
    two independent reports that a reviewer has confirmed as supporting the claim."""
    repeats = []
    if ledger.syndicated:
        repeats.append(_count(ledger.syndicated, "syndicated copy", "syndicated copies"))
    if ledger.echoes:
        repeats.append(_count(ledger.echoes, "echo", "echoes"))
    repeat_text = f" ({' and '.join(repeats)} repeat the origin and do not count)" if repeats else ""
    denial_text = f"; {_count(ledger.denials, 'denial')} on record" if ledger.denials else ""
    if ledger.independent_confirmed >= 2:
        return CONFIRMED_BY_OTHERS, (
            f"Confirmed by {ledger.independent_confirmed} independent reports that a reviewer checked"
            f"{repeat_text}{denial_text}."
        )
    if ledger.denials_confirmed and ledger.denials_confirmed >= ledger.independent_confirmed and not ledger.independent:
        return DOUBTFUL, (
            f"Disputed: {_count(ledger.denials_confirmed, 'confirmed denial')} and no independent confirmation"
            f"{repeat_text}."
        )
    if ledger.independent_confirmed == 1 or ledger.independent >= 2:
        unconfirmed = ledger.independent - ledger.independent_confirmed
        todo = f"; confirm {_count(unconfirmed, 'more report')} to reach 1" if unconfirmed else ""
        return PROBABLY_TRUE, (
            f"Probably true: {_count(ledger.independent, 'independent report')} support it, "
            f"{ledger.independent_confirmed} confirmed by a reviewer{todo}{repeat_text}{denial_text}."
        )
    if ledger.origin or ledger.independent or ledger.syndicated or ledger.echoes:
        return POSSIBLY_TRUE, f"Possibly true: no independent confirmation yet{repeat_text}{denial_text}."
    return CANNOT_BE_JUDGED, "No coverage found yet: the truth cannot be judged."
