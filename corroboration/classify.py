"""One class per page for a claim: origin, syndicated copy, echo or independent report.

    rows = classify(pages=[Page(...)], judgements=[PageJudgement(...)], first_appearance=FirstAppearance(...))
    ledger = ledger_of(rows)                        # corroboration.ledger

The rules, applied in this order, so that a page gets exactly one class:

1. Pages whose stance (a reviewer's if confirmed, else the suggestion) is `unrelated`
   are left out.
2. Syndication groups (from the fingerprint) are formed among the remaining pages. A
   group's origin is the wire outlet's copy, else the earliest published, else the one
   with the smallest canonical URL (then the smallest id). A group is known by its
   origin's page id (`origin_group`).
   The claim's own source (its first appearance, when the text is held) is a member
   of its group whether or not it was matched, so the origin is chosen among its
   matched copies and it: a copy becomes the origin only by the rule above (the wire's
   copy, or an earlier one), never because the source itself was not matched.
3. The claim's first-appearance group is the group of the article it first appeared in;
   when the tracker holds no text of that article, the group of the earliest covering
   page from the same outlet. That group's origin is `origin`: the claim's own source,
   neither a confirmation nor a denial of itself.
4. Every other member of any group is `syndicated`, whatever credit line it carries.
5. Of the rest, a page re-citing another outlet is an `echo` (it names that outlet).
6. Everything else — another group's origin included — is `independent`.

The result is a function of the inputs alone: rows come out sorted by page id and no
step depends on the order pages arrived in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from corroboration.stance import Stance

__all__ = ["FirstAppearance", "Independence", "Page", "PageJudgement", "Row", "classify"]

PageId = int | str
OutletId = int | str


class Independence(StrEnum):
    ORIGIN = "origin"
    SYNDICATED = "syndicated"
    ECHO = "echo"
    INDEPENDENT = "independent"


@dataclass(frozen=True)
class Page:
    """A stored article as classification needs it. `group` is its syndication group
    as the fingerprint found it (any stable key); None means a group of its own."""

    id: PageId
    outlet_id: OutletId | None = None
    outlet_name: str = ""
    is_wire: bool = False
    state_controlled: bool = False
    published_at: datetime | None = None
    canonical_url: str = ""
    group: PageId | None = None


@dataclass(frozen=True)
class PageJudgement:
    """What the pipeline and the reviewers said about one page for the claim: the
    match score, the suggested stance, the outlet it re-cites (an echo finding), and a
    reviewer's confirmed stance if there is one."""

    page_id: PageId
    suggested: Stance
    score: float = 0.0
    echo_of: OutletId | None = None
    confirmed: Stance | None = None

    @property
    def stance(self) -> Stance:
        return self.confirmed or self.suggested


@dataclass(frozen=True)
class FirstAppearance:
    """Where the claim first appeared: a page whose text the tracker holds, or only
    the outlet (the stored article has no text)."""

    page_id: PageId | None = None
    outlet_id: OutletId | None = None


@dataclass(frozen=True)
class Row:
    """One page's place in the claim's ledger."""

    page_id: PageId
    independence: Independence
    stance: Stance
    suggested_stance: Stance
    confirmed: bool
    origin_group: PageId
    echo_of: OutletId | None
    outlet_id: OutletId | None
    outlet_name: str
    is_wire: bool
    state_controlled: bool


def _origin_key(page: Page) -> tuple:
    # Aware and naive datetimes never meet here: None sorts last via the flag.
    return (
        not page.is_wire,
        page.published_at is None,
        page.published_at.timestamp() if page.published_at else 0.0,
        page.canonical_url,
        str(page.id),
    )


def _earliest_key(page: Page) -> tuple:
    return (
        page.published_at is None,
        page.published_at.timestamp() if page.published_at else 0.0,
        page.canonical_url,
        str(page.id),
    )


def classify(
    *,
    pages: Sequence[Page],
    judgements: Sequence[PageJudgement],
    first_appearance: FirstAppearance | None = None,
) -> list[Row]:
    """The rows of the claim's ledger, one per page that carries the claim, sorted by
    page id. `pages` may hold more pages than `judgements` (the first appearance, say);
    a page without a judgement is not in the ledger."""
    by_id = {page.id: page for page in pages}
    linked = sorted(
        (j for j in judgements if j.stance != Stance.UNRELATED and j.page_id in by_id), key=lambda j: str(j.page_id)
    )

    def group_of(page: Page) -> PageId:
        return page.group if page.group is not None else page.id

    members: dict[PageId, list[Page]] = {}
    for judgement in linked:
        page = by_id[judgement.page_id]
        members.setdefault(group_of(page), []).append(page)
    # The claim's own source is a member of its story group even where no passage of it
    # was matched (unless a reviewer said it does not carry the claim): its copies are
    # measured against it for the origin.
    source = first_appearance.page_id if first_appearance else None
    refused = any(j.page_id == source and j.confirmed == Stance.UNRELATED for j in judgements)
    if source is not None and source in by_id and not refused and group_of(by_id[source]) in members:
        group = members[group_of(by_id[source])]
        if by_id[source] not in group:
            group.append(by_id[source])
    origins = {key: min(group, key=_origin_key) for key, group in members.items()}

    first_group = _first_group(first_appearance, by_id, [by_id[j.page_id] for j in linked], group_of)
    rows = []
    for judgement in linked:
        page = by_id[judgement.page_id]
        key = group_of(page)
        origin = origins[key]
        if page.id == origin.id and key == first_group:
            independence = Independence.ORIGIN
        elif page.id != origin.id:
            independence = Independence.SYNDICATED
        elif judgement.echo_of is not None and judgement.echo_of != page.outlet_id:
            independence = Independence.ECHO
        else:
            independence = Independence.INDEPENDENT
        rows.append(
            Row(
                page_id=page.id,
                independence=independence,
                stance=judgement.stance,
                suggested_stance=judgement.suggested,
                confirmed=judgement.confirmed is not None,
                origin_group=origin.id,
                echo_of=judgement.echo_of if independence == Independence.ECHO else None,
                outlet_id=page.outlet_id,
                outlet_name=page.outlet_name,
                is_wire=page.is_wire,
                state_controlled=page.state_controlled,
            )
        )
    return rows


def _first_group(
    first: FirstAppearance | None,
    by_id: dict[PageId, Page],
    covering: list[Page],
    group_of: object,
) -> PageId | None:
    if first is None:
        return None
    if first.page_id is not None and first.page_id in by_id:
        return group_of(by_id[first.page_id])  # type: ignore[operator]
    if first.outlet_id is None:
        return None
    same_outlet = [page for page in covering if page.outlet_id == first.outlet_id]
    if not same_outlet:
        return None
    return group_of(min(same_outlet, key=_earliest_key))  # type: ignore[operator]
