"""The corroboration ledger of a claim: independent confirmations, echoes, syndicated
copies, denials and mentions, counted separately (each page in exactly one count),
with the outlets named and a suggested Admiralty information-credibility grade with
its reason.

    ledger = ledger_of(classify(...))

Pure: it reads `classify.Row`s. `ledger_for` adapts the stored coverage rows the
service layer still passes in (duck-typed, no model import) until it builds rows with
`classify` itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from corroboration.classify import Independence, Row
from corroboration.stance import Stance

__all__ = ["Ledger", "OutletEntry", "ledger_for", "ledger_of"]

CONFIRMED_BY_OTHERS = 1
PROBABLY_TRUE = 2
POSSIBLY_TRUE = 3
DOUBTFUL = 4
CANNOT_BE_JUDGED = 6


@dataclass
class OutletEntry:
    id: int | str | None
    name: str
    state_controlled: bool
    is_wire: bool
    independence: str
    stance: str
    articles: int = 1


@dataclass
class Ledger:
    origin: int = 0
    independent: int = 0  # independent pages supporting the claim
    independent_confirmed: int = 0
    echoes: int = 0
    syndicated: int = 0
    denials: int = 0  # independent pages disputing it
    denials_confirmed: int = 0
    mentions: int = 0  # independent pages only mentioning it
    outlets: list[OutletEntry] = field(default_factory=list)
    suggested_credibility: int = CANNOT_BE_JUDGED
    credibility_reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def counts(self) -> dict[str, int]:
        """The counts alone, each page in exactly one of them."""
        return {
            "origin": self.origin,
            "independent": self.independent,
            "echoes": self.echoes,
            "syndicated": self.syndicated,
            "denials": self.denials,
            "mentions": self.mentions,
        }


_ORDER = {Independence.ORIGIN: 0, Independence.INDEPENDENT: 1, Independence.SYNDICATED: 2, Independence.ECHO: 3}


def ledger_of(rows: Iterable[Row]) -> Ledger:
    """Count a claim's classified pages. The origin, copies and echoes are counted
    whatever their stance; an independent page counts once as support, denial or
    mention by its stance (the reviewer's if confirmed)."""
    ledger = Ledger()
    outlets: dict[tuple[str, str, str], OutletEntry] = {}
    for row in sorted(rows, key=lambda r: str(r.page_id)):
        if row.stance == Stance.UNRELATED:
            continue
        if row.independence == Independence.ORIGIN:
            ledger.origin += 1
        elif row.independence == Independence.SYNDICATED:
            ledger.syndicated += 1
        elif row.independence == Independence.ECHO:
            ledger.echoes += 1
        elif row.stance == Stance.SUPPORTS:
            ledger.independent += 1
            ledger.independent_confirmed += int(row.confirmed)
        elif row.stance == Stance.DISPUTES:
            ledger.denials += 1
            ledger.denials_confirmed += int(row.confirmed)
        else:
            ledger.mentions += 1
        key = (str(row.outlet_id), str(row.independence), str(row.stance))
        if key in outlets:
            outlets[key].articles += 1
        else:
            outlets[key] = OutletEntry(
                id=row.outlet_id,
                name=row.outlet_name or str(row.page_id),
                state_controlled=row.state_controlled,
                is_wire=row.is_wire,
                independence=str(row.independence),
                stance=str(row.stance),
            )
    ledger.outlets = sorted(outlets.values(), key=lambda o: (_ORDER[Independence(o.independence)], o.name, str(o.id)))
    ledger.suggested_credibility, ledger.credibility_reason = _suggest(ledger)
    return ledger


def _count(n: int, singular: str, plural: str = "") -> str:
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


def _suggest(ledger: Ledger) -> tuple[int, str]:
    """Admiralty information credibility. "1 — confirmed by independent sources" needs
    at least two independent reports that a reviewer has confirmed as supporting."""
    repeats = []
    if ledger.syndicated:
        repeats.append(_count(ledger.syndicated, "syndicated copy", "syndicated copies"))
    if ledger.echoes:
        repeats.append(_count(ledger.echoes, "echo", "echoes"))
    repeat_text = f" ({' and '.join(repeats)} repeat other reporting and do not count)" if repeats else ""
    denial_text = f"; {_count(ledger.denials, 'denial')} on record" if ledger.denials else ""
    if ledger.independent_confirmed >= 2:
        return CONFIRMED_BY_OTHERS, (
            f"Confirmed by {ledger.independent_confirmed} independent reports that a reviewer checked"
            f"{repeat_text}{denial_text}."
        )
    if ledger.denials_confirmed and not ledger.independent:
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
    if ledger.denials or ledger.mentions:
        return CANNOT_BE_JUDGED, (
            "Cannot be judged: coverage only mentions the claim or disputes it without a reviewer's confirmation."
        )
    return CANNOT_BE_JUDGED, "No coverage found yet: the truth cannot be judged."


def ledger_for(coverage: Iterable[Any]) -> Ledger:
    """The ledger of stored coverage items (objects with `independence`, `stance`,
    `suggested_stance`, `article.outlet`), as the service layer holds them today."""
    rows = []
    for item in coverage:
        outlet = item.article.outlet
        stance = Stance(item.stance or item.suggested_stance)
        syndication = getattr(item.article, "syndication", None)
        rows.append(
            Row(
                page_id=item.article.pk,
                independence=Independence(item.independence),
                stance=stance,
                suggested_stance=Stance(item.suggested_stance),
                confirmed=bool(item.stance),
                origin_group=syndication.origin_id if syndication is not None else item.article.pk,
                echo_of=getattr(item, "echo_of_id", None),
                outlet_id=outlet.pk if outlet else None,
                outlet_name=outlet.name if outlet else (item.article.canonical_url or "Unknown outlet"),
                is_wire=bool(outlet and outlet.is_wire),
                state_controlled=bool(outlet and outlet.is_state_controlled),
            )
        )
    return ledger_of(rows)
