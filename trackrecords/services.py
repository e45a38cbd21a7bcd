"""The one write path for track records, and an editor's acceptance of the reliability
grade a source's record suggests.

A claim belongs to a record when it has a current published verdict (a corrected
verdict counts as it stands now; a claim reopened and not yet published again counts
nowhere) and:

- outlet: the outlet published the claim's first appearance;
- source: the source made the claim (claimant) or supported it — named or anonymous;
- descriptor: an anonymous claimant or supporting source at an outlet (the outlet that
  granted the anonymity, else the one that published the claim), grouped by
  `trackrecords.descriptors.descriptor_key`.

It counts once per record, whatever the number of its attributions that lead there.
`track_records_refresh(claim_ids=…)` rebuilds the entries of the given claims and the
counts of every record they enter or leave, in one transaction; the publish and reopen
transitions ask for it after they commit (task "trackrecords.refresh_claim"), and a
sweep on the beat schedule catches any claim changed since (task
"trackrecords.refresh_recent"). `track_records_rebuild()` does every claim.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, Max, Min
from django.utils import timezone

from claims.models import Attribution, AttributionRole, Claim, Rating, Status
from core.policy import is_editor
from core.services import Actor, service
from reviews.models import Review
from sources.models import Source, SourceKind
from sources.services import source_update
from trackrecords.descriptors import descriptor_key
from trackrecords.models import RecordKind, TrackRecord, TrackRecordEntry
from trackrecords.records import Part, Suggestion, suggest_reliability

BATCH = 5000

# (kind, outlet id, source id, descriptor key): the subject of a record.
Key = tuple[str, int | None, int | None, str]


@dataclass
class ClaimFacts:
    """What decides which records a claim is in, and how it counts there."""

    claim_id: int
    review_id: int
    rating_id: int
    outlet_id: int | None
    claim_on: date | None
    attributions: list[tuple[int, bool, str, int | None]] = field(
        default_factory=list
    )  # source, anonymous, words, granted by

    @property
    def anonymous(self) -> bool:
        return any(anonymous for _, anonymous, _, _ in self.attributions)


def memberships(facts: ClaimFacts) -> dict[Key, str]:
    """The records a claim belongs to, each with the words it is there under (for a
    descriptor: the story's wording)."""
    found: dict[Key, str] = {}
    if facts.outlet_id is not None:
        found[(RecordKind.OUTLET, facts.outlet_id, None, "")] = ""
    for source_id, anonymous, words, granted_by in facts.attributions:
        found.setdefault((RecordKind.SOURCE, None, source_id, ""), "")
        outlet_id = granted_by or facts.outlet_id
        key = descriptor_key(words) if anonymous else ""
        if anonymous and outlet_id is not None and key:
            found.setdefault((RecordKind.DESCRIPTOR, outlet_id, None, key), words[:300])
    return found


def _day(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def _facts(claim_ids: list[int] | None) -> dict[int, ClaimFacts]:
    """The facts of the given claims (all, when None) that have a current published verdict."""
    verdicts = Review.objects.current_verdicts().filter(claim__status=Status.PUBLISHED, rating__isnull=False)
    if claim_ids is not None:
        verdicts = verdicts.filter(claim_id__in=claim_ids)
    facts: dict[int, ClaimFacts] = {}
    for claim_id, review_id, rating_id, outlet_id, made_on, appeared_at, published_at in verdicts.values_list(
        "claim_id",
        "pk",
        "rating_id",
        "claim__first_appearance__outlet_id",
        "claim__made_on",
        "claim__first_appearance__published_at",
        "claim__first_published_at",
    ).iterator(chunk_size=BATCH):
        facts[claim_id] = ClaimFacts(
            claim_id, review_id, rating_id, outlet_id, made_on or _day(appeared_at) or _day(published_at)
        )
    attributions = Attribution.objects.filter(role__in=[AttributionRole.CLAIMANT, AttributionRole.SUPPORTS])
    if claim_ids is not None:
        attributions = attributions.filter(claim_id__in=list(facts))
    for claim_id, source_id, kind, name, words, granted_by in (
        attributions.order_by("claim_id", "pk")
        .values_list("claim_id", "source_id", "source__kind", "source__name", "attribution_text", "granted_by_id")
        .iterator(chunk_size=BATCH)
    ):
        if claim_id in facts:
            facts[claim_id].attributions.append(
                (source_id, kind == SourceKind.ANONYMOUS_GROUP, words or name, granted_by)
            )
    return facts


def _records_for(keys: Iterable[Key], now: datetime) -> dict[Key, int]:
    """The record rows of these subjects, created when missing."""
    keys = set(keys)
    if not keys:
        return {}
    TrackRecord.objects.bulk_create(
        [
            TrackRecord(kind=kind, outlet_id=outlet, source_id=source, descriptor=descriptor, computed_at=now)
            for kind, outlet, source, descriptor in keys
        ],
        ignore_conflicts=True,
        batch_size=BATCH,
    )
    found: dict[Key, int] = {}
    for kind in {k[0] for k in keys}:
        rows = TrackRecord.objects.filter(kind=kind).values_list("pk", "kind", "outlet_id", "source_id", "descriptor")
        if kind == RecordKind.SOURCE:
            rows = rows.filter(source_id__in={k[2] for k in keys if k[0] == kind})
        else:
            rows = rows.filter(outlet_id__in={k[1] for k in keys if k[0] == kind})
        for pk, *key in rows:
            if tuple(key) in keys:
                found[tuple(key)] = pk  # type: ignore[index]
    return found


def _replace_entries(claim_ids: list[int] | None, facts: dict[int, ClaimFacts], now: datetime) -> set[int]:
    """Write the claims' entries anew; the records whose entries changed."""
    old = (
        TrackRecordEntry.objects.all() if claim_ids is None else TrackRecordEntry.objects.filter(claim_id__in=claim_ids)
    )
    touched = set(old.values_list("record_id", flat=True).distinct())
    old.delete()
    wanted = {claim_id: memberships(f) for claim_id, f in facts.items()}
    records = _records_for((key for found in wanted.values() for key in found), now)
    entries = [
        TrackRecordEntry(
            record_id=records[key],
            claim_id=claim_id,
            review_id=facts[claim_id].review_id,
            rating_id=facts[claim_id].rating_id,
            anonymous=facts[claim_id].anonymous,
            claim_on=facts[claim_id].claim_on,
            wording=wording,
        )
        for claim_id, found in wanted.items()
        for key, wording in found.items()
    ]
    TrackRecordEntry.objects.bulk_create(entries, batch_size=BATCH)
    return touched | {e.record_id for e in entries}


def track_records_summarise(record_ids: Iterable[int], *, now: datetime | None = None) -> None:
    """Count each record's entries again (by rating; all, and resting on anonymous
    sources) into its row; a record left without entries goes."""
    ids = sorted(set(record_ids))
    if not ids:
        return
    now = now or timezone.now()
    ratings = {r.pk: r for r in Rating.objects.all()}
    groups: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in (
        TrackRecordEntry.objects.filter(record_id__in=ids)
        .values("record_id", "rating_id", "anonymous")
        .annotate(n=Count("pk"), first=Min("claim_on"), last=Max("claim_on"))
        .order_by()
    ):
        groups[row["record_id"]].append(row)
    wordings: dict[int, Counter[str]] = defaultdict(Counter)
    for record_id, wording, n in (
        TrackRecordEntry.objects.filter(record_id__in=ids, record__kind=RecordKind.DESCRIPTOR)
        .exclude(wording="")
        .values_list("record_id", "wording")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        wordings[record_id][wording] += n
    records = list(TrackRecord.objects.filter(pk__in=ids).order_by("pk"))
    empty = [record.pk for record in records if record.pk not in groups]
    for record in records:
        if record.pk in groups:
            record.summary = _summary(groups[record.pk], ratings, wordings.get(record.pk))
            record.label = _label(wordings.get(record.pk)) if record.kind == RecordKind.DESCRIPTOR else ""
            record.computed_at = now
    TrackRecord.objects.bulk_update(
        [record for record in records if record.pk in groups], ["summary", "label", "computed_at"], batch_size=BATCH
    )
    TrackRecord.objects.filter(pk__in=empty).delete()


def _part(rows: list[dict[str, Any]], ratings: dict[int, Rating]) -> Part:
    counts = [
        (
            ratings[row["rating_id"]].value,
            ratings[row["rating_id"]].label,
            ratings[row["rating_id"]].position,
            ratings[row["rating_id"]].rating_value is not None,
            row["n"],
        )
        for row in rows
    ]
    firsts = [row["first"] for row in rows if row["first"] is not None]
    lasts = [row["last"] for row in rows if row["last"] is not None]
    return Part.of_counts(counts, first_on=min(firsts, default=None), last_on=max(lasts, default=None))


def _summary(rows: list[dict[str, Any]], ratings: dict[int, Rating], wordings: Counter[str] | None) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "all": _part(rows, ratings).as_json(),
        "anonymous": _part([row for row in rows if row["anonymous"]], ratings).as_json(),
    }
    if wordings:
        summary["wordings"] = [[text, n] for text, n in sorted(wordings.items(), key=lambda item: (-item[1], item[0]))]
    return summary


def _label(wordings: Counter[str] | None) -> str:
    if not wordings:
        return ""
    return sorted(wordings.items(), key=lambda item: (-item[1], item[0]))[0][0]


@service
def track_records_refresh(*, claim_ids: Iterable[int], actor: Actor = None) -> set[int]:
    """Rebuild the entries of these claims and the counts of every record they enter or
    leave; the records touched. Safe to run again, and alongside another refresh: the
    claims' rows, then the records' rows, are held in id order until commit."""
    ids = sorted(set(claim_ids))
    if not ids:
        return set()
    list(Claim.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    now = timezone.now()
    touched = _replace_entries(ids, _facts(ids), now)
    # Counted only once no other refresh is counting these records: the last one to
    # count sees every committed entry.
    list(TrackRecord.objects.select_for_update().filter(pk__in=touched).order_by("pk").values_list("pk", flat=True))
    track_records_summarise(touched, now=now)
    return touched


@service
def track_records_rebuild(*, actor: Actor = None) -> int:
    """Every record from scratch, from every current published verdict; the number of
    records. For a new installation, after an upgrade, or to check the kept counts."""
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {TrackRecordEntry._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
    now = timezone.now()
    touched = _replace_entries(None, _facts(None), now)
    stale = set(TrackRecord.objects.exclude(pk__in=touched).values_list("pk", flat=True))
    track_records_summarise(touched | stale, now=now)
    return TrackRecord.objects.count()


# --- Reliability: a suggestion an editor may accept ------------------------------------------


def reliability_suggestion(source: Source) -> Suggestion:
    record = TrackRecord.objects.filter(kind=RecordKind.SOURCE, source=source).first()
    return suggest_reliability(record.all if record is not None else Part())


@service
def source_reliability_accept(*, actor: User, source: Source) -> Suggestion:
    """An editor accepts the reliability grade the source's track record suggests; it is
    set through the sources service, with the reason as its note (and in the history)."""
    if not is_editor(actor):
        raise PermissionDenied("Only an editor can accept a suggested reliability grade.")
    suggestion = reliability_suggestion(source)
    note = f"From the track record, {timezone.localdate():%d %b %Y}. {suggestion.reason}"
    source_update(actor=actor, source=source, reliability=suggestion.grade, reliability_note=note)
    return suggestion
