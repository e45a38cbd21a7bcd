"""Track records, kept ready to read: one row per outlet, named source or anonymous
descriptor at an outlet, holding its counts, and one entry per claim behind it — the
claim, the published verdict (the review) it counts with, its rating and its date — so
that every number can be traced to the verdicts it came from.

The rows are derived data: `trackrecords.services` rebuilds a claim's entries from its
current verdict whenever it is published or reopened, and the counts of every record
it touches. Nothing else writes them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse

from claims.models import Attribution, AttributionRole, Claim
from trackrecords.descriptors import descriptor_key
from trackrecords.records import Part


class RecordKind(models.TextChoices):
    OUTLET = "outlet", "Outlet"
    SOURCE = "source", "Named or anonymous source"
    DESCRIPTOR = "descriptor", "Anonymous descriptor at an outlet"


class TrackRecordQuerySet(models.QuerySet["TrackRecord"]):
    def of_outlet(self, outlet: Any) -> TrackRecord | None:
        return self.filter(kind=RecordKind.OUTLET, outlet=outlet).first()

    def of_source(self, source: Any) -> TrackRecord | None:
        return self.filter(kind=RecordKind.SOURCE, source=source).first()

    def at_outlet(self, outlet: Any) -> tuple[TrackRecord | None, list[TrackRecord]]:
        """The outlet's record and its descriptors' (in the order of their wording), in one query."""
        rows = list(self.filter(kind__in=[RecordKind.OUTLET, RecordKind.DESCRIPTOR], outlet=outlet))
        record = next((row for row in rows if row.kind == RecordKind.OUTLET), None)
        descriptors = sorted((row for row in rows if row.kind == RecordKind.DESCRIPTOR), key=lambda r: (r.label, r.pk))
        return record, descriptors

    def descriptors_at(self, outlet: Any) -> TrackRecordQuerySet:
        """The anonymous descriptors at an outlet, in the order of their wording."""
        return self.filter(kind=RecordKind.DESCRIPTOR, outlet=outlet).order_by("label", "pk")


class TrackRecord(models.Model):
    kind = models.CharField(max_length=10, choices=RecordKind.choices)
    outlet = models.ForeignKey(
        "sources.Outlet", null=True, blank=True, on_delete=models.CASCADE, related_name="track_records"
    )
    source = models.ForeignKey(
        "sources.Source", null=True, blank=True, on_delete=models.CASCADE, related_name="track_records"
    )
    descriptor = models.CharField(
        max_length=300, blank=True, help_text="For a descriptor: its group (trackrecords.descriptors)."
    )
    label = models.CharField(max_length=300, blank=True, help_text="For a descriptor: the wording used most.")
    summary = models.JSONField(
        default=dict, help_text="The counts: all claims, and those resting on anonymous sources."
    )
    computed_at = models.DateTimeField()

    objects = TrackRecordQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "outlet", "source", "descriptor"],
                nulls_distinct=False,
                name="track_record_once_per_subject",
            ),
            models.CheckConstraint(
                condition=(Q(kind="outlet", outlet__isnull=False, source__isnull=True, descriptor=""))
                | Q(kind="source", outlet__isnull=True, source__isnull=False, descriptor="")
                | (Q(kind="descriptor", outlet__isnull=False, source__isnull=True) & ~Q(descriptor="")),
                name="track_record_subject_fits_its_kind",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == RecordKind.OUTLET:
            return f"Track record of {self.outlet}"
        if self.kind == RecordKind.SOURCE:
            return f"Track record of {self.source}"
        return f"Track record of “{self.label}” at {self.outlet}"

    @property
    def all(self) -> Part:
        return Part.from_json(self.summary.get("all"))

    @property
    def anonymous(self) -> Part:
        """The claims resting on anonymous sources (a claimant or a supporting source)."""
        return Part.from_json(self.summary.get("anonymous"))

    @property
    def wordings(self) -> list[tuple[str, int]]:
        """For a descriptor: each wording the stories used, with how many claims used it."""
        return [(text, count) for text, count in self.summary.get("wordings", [])]


class TrackRecordEntry(models.Model):
    """One claim in one record, with the published verdict it counts with."""

    record = models.ForeignKey(TrackRecord, on_delete=models.CASCADE, related_name="entries")
    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="+")
    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="+")
    rating = models.ForeignKey("claims.Rating", on_delete=models.PROTECT, related_name="+")
    anonymous = models.BooleanField(help_text="The claim rests on anonymous sources.")
    claim_on = models.DateField(null=True, blank=True, help_text="When the claim was made or first reported.")
    wording = models.CharField(max_length=300, blank=True, help_text="For a descriptor: the story's own words.")

    class Meta:
        ordering = ["-claim_on", "-pk"]
        constraints = [
            # A claim counts once per record, however many of its attributions lead there.
            models.UniqueConstraint(fields=["record", "claim"], name="track_record_entry_once_per_claim"),
        ]
        indexes = [models.Index(fields=["record", "rating"], name="track_record_entry_by_rating")]

    def __str__(self) -> str:
        return f"#{self.claim_id} in {self.record_id}"


@dataclass
class ClaimRecords:
    """The records a claim page shows: its outlet's, and beside each attribution its
    source's and, for an anonymous one, its descriptor's at the outlet."""

    outlet: TrackRecord | None = None
    by_attribution: dict[int, list[TrackRecord]] = field(default_factory=dict)


def claim_track_records(claim: Claim, attributions: Iterable[Attribution]) -> ClaimRecords:
    """In two queries, whatever the number of attributions."""
    outlet_id = claim.first_appearance.outlet_id if claim.first_appearance is not None else None
    wanted: dict[int, list[tuple[str, int | None, int | None, str]]] = {}
    for attribution in attributions:
        keys: list[tuple[str, int | None, int | None, str]] = [(RecordKind.SOURCE, None, attribution.source_id, "")]
        if attribution.is_anonymous:
            at = attribution.granted_by_id or outlet_id
            key = descriptor_key(attribution.attribution_text or attribution.source.name)
            if at is not None and key and attribution.role in (AttributionRole.CLAIMANT, AttributionRole.SUPPORTS):
                keys.append((RecordKind.DESCRIPTOR, at, None, key))
        wanted[attribution.pk] = keys
    found: dict[tuple[str, int | None, int | None, str], TrackRecord] = {}
    sources = {key[2] for keys in wanted.values() for key in keys if key[0] == RecordKind.SOURCE}
    outlets = {key[1] for keys in wanted.values() for key in keys if key[0] == RecordKind.DESCRIPTOR}
    query = Q(kind=RecordKind.SOURCE, source_id__in=sources) | Q(kind=RecordKind.DESCRIPTOR, outlet_id__in=outlets)
    if outlet_id is not None:
        query |= Q(kind=RecordKind.OUTLET, outlet_id=outlet_id)
    for record in TrackRecord.objects.filter(query).select_related("outlet", "source"):
        found[(record.kind, record.outlet_id, record.source_id, record.descriptor)] = record
    return ClaimRecords(
        outlet=found.get((RecordKind.OUTLET, outlet_id, None, "")) if outlet_id is not None else None,
        by_attribution={pk: [found[key] for key in keys if key in found] for pk, keys in wanted.items()},
    )


@dataclass(frozen=True)
class RecordLine:
    """A record in one line, for beside an attribution or in the admin."""

    label: str
    text: str
    url: str


def record_line(record: TrackRecord) -> RecordLine:
    if record.kind == RecordKind.OUTLET:
        return RecordLine(
            f"{record.outlet}'s record", record.all.line(), reverse("trackrecords:outlet", args=[record.outlet_id])
        )
    if record.kind == RecordKind.SOURCE:
        return RecordLine("Source's record", record.all.line(), reverse("trackrecords:source", args=[record.source_id]))
    return RecordLine(
        f"“{record.label}” at {record.outlet}",
        record.all.line(),
        reverse("trackrecords:descriptor", args=[record.outlet_id, record.pk]),
    )
