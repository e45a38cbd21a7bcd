"""The API's claims as plain data: exactly what `ClaimSerializer` shows, read as rows.

A DRF serializer turns a model instance into a dict one field object at a time; for a
page of 100 claims with their attributions (some 6,000 values) that costs as much as the
rest of the request, the queries included. Here the same fields are read with
`.values()` in two queries for any number of claims — the claims with the ids of their
appearances, then their attributions with their sources — and the dicts are built
directly from the rows.

The serializers stay the one definition of the shape: which fields appear, in what
order, read from which column, and how a value is written (a date, a moment) come from
`ClaimSerializer`, `AttributionSerializer` and `SourceSummarySerializer`, read once into a
plan. What is computed rather than stored (caveat warnings, the sourcing summary,
whether a claim rests on anonymous sourcing) comes from the same rules the models use
(claims/models.py). A serializer field this module cannot read from a column is an error
when the plan is made, never a silent difference; tests/api/test_claim_shape.py compares
the two for claims of every kind.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import EmptyResultSet, FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.db.models import OuterRef, QuerySet
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.relations import PrimaryKeyRelatedField, SlugRelatedField
from rest_framework.settings import api_settings

from claims.models import (
    Attribution,
    CaveatWarning,
    Claim,
    Sourcing,
    caveat_warnings_of,
    rests_on_anonymous,
    warnings_overridden,
)
from claims.serializers import AttributionSerializer, ClaimSerializer, SourcingSerializer
from core.compiled import CompiledValues, fragment
from sources.models import Article, Source, is_anonymous_kind

# The annotation that carries a claim's appearances (its field name is the relation's).
APPEARANCE_IDS = "appearance_ids"

Convert = Callable[[Any], Any]


def _moment(value: datetime) -> str:
    """A moment as DRF's DateTimeField writes it (ISO 8601, the current time zone, Z for UTC)."""
    text = value.astimezone(timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _day(value: date) -> str:
    return value.isoformat()


# Fields whose representation of a database value is the value itself.
_AS_STORED = (
    serializers.CharField,
    serializers.IntegerField,
    serializers.BooleanField,
    serializers.ChoiceField,
    PrimaryKeyRelatedField,
    SlugRelatedField,
)


def _list_as_stored(field: serializers.Field) -> bool:
    return isinstance(field, serializers.ListField) and isinstance(field.child, _AS_STORED)


def _convert(field: serializers.Field) -> Convert | None:
    """How a field writes a value read from its column: None when it writes it as it is."""
    if isinstance(field, serializers.DateTimeField):
        if getattr(field, "format", api_settings.DATETIME_FORMAT) == ISO_8601:
            return _moment
    elif isinstance(field, serializers.DateField):
        if getattr(field, "format", api_settings.DATE_FORMAT) == ISO_8601:
            return _day
    elif isinstance(field, _AS_STORED) or _list_as_stored(field):
        return None
    raise ImproperlyConfigured(f"claims.shape cannot write the field {field.field_name!r} ({type(field).__name__}).")


@dataclass(frozen=True)
class Columns:
    """How one serializer's fields are read from a row: (name, the row's key, convert)
    for each field read from a column, in the serializer's order; computed fields (named
    in `computed`) are left for the caller, in the same order."""

    names: tuple[str, ...]
    read: tuple[tuple[str, str, Convert | None], ...]
    lookups: tuple[str, ...]

    @classmethod
    def of(cls, serializer: serializers.Serializer, model: type[models.Model], computed: set[str]) -> Columns:
        read: list[tuple[str, str, Convert | None]] = []
        for name, field in serializer.fields.items():
            if name in computed:
                continue
            read.append((name, _lookup(model, name, field), _convert(field)))
        return cls(
            names=tuple(serializer.fields),
            read=tuple(read),
            lookups=tuple(lookup for _, lookup, _ in read),
        )

    def values(self, row: dict[str, Any]) -> dict[str, Any]:
        """The fields read from columns, in order, with a None for each computed field."""
        shown = dict.fromkeys(self.names)
        for name, lookup, convert in self.read:
            value = row[lookup]
            shown[name] = value if convert is None or value is None else convert(value)
        return shown


def _lookup(model: type[models.Model], name: str, field: serializers.Field) -> str:
    """The `.values()` lookup that reads what `field` shows."""
    source = str(field.source)
    if isinstance(field, SlugRelatedField):
        return f"{source}__{field.slug_field}"
    if "." in source:
        return source.replace(".", "__")
    try:
        column = model._meta.get_field(source)
    except FieldDoesNotExist:
        column = None
    if not isinstance(column, models.Field) or not column.concrete:
        raise ImproperlyConfigured(f"claims.shape cannot read {model.__name__}.{source} for the field {name!r}.")
    return column.attname if isinstance(field, PrimaryKeyRelatedField) else source


@dataclass(frozen=True)
class Plan:
    claim: Columns
    attribution: Columns
    source: Columns
    source_prefix: str
    newsroom_blanks: dict[str, Any]
    sourcing_fields: tuple[str, ...]


CLAIM_COMPUTED = {"appearances", "attributions", "sourcing", "rests_on_anonymous_sourcing"}
ATTRIBUTION_COMPUTED = {"source", "warnings", "warnings_overridden"}
SOURCE_COMPUTED = {"is_anonymous"}


@functools.cache
def plan() -> Plan:
    """The shape, read once from the serializers."""
    claim = ClaimSerializer()
    attribution = AttributionSerializer()
    source = attribution.fields["source"]
    assert isinstance(source, serializers.Serializer)
    sourcing = claim.fields["sourcing"]
    assert isinstance(sourcing, SourcingSerializer)
    prefix = f"{source.source}__"
    source_columns = Columns.of(source, Source, SOURCE_COMPUTED)
    attribution_columns = Columns.of(attribution, Attribution, ATTRIBUTION_COMPUTED)
    return Plan(
        claim=Columns.of(claim, Claim, CLAIM_COMPUTED),
        attribution=Columns(
            names=attribution_columns.names,
            read=attribution_columns.read,
            lookups=(*attribution_columns.lookups, *(prefix + lookup for lookup in source_columns.lookups)),
        ),
        source=Columns(
            names=source_columns.names,
            read=tuple((name, prefix + lookup, convert) for name, lookup, convert in source_columns.read),
            lookups=(),
        ),
        source_prefix=prefix,
        newsroom_blanks=claim.newsroom_blanks(),
        sourcing_fields=tuple(name for name, _ in sourcing.fields.items() if name != "summary"),
    )


def _appearance_ids(claim: OuterRef) -> ArraySubquery:
    articles = Article.objects.filter(claims=claim).order_by(*Article._meta.ordering).values("pk")  # type: ignore[misc]
    return ArraySubquery(articles)


def _claim_lookups() -> tuple[str, ...]:
    return tuple(dict.fromkeys(("id", *plan().claim.lookups)))


def claim_rows(claims: QuerySet[Claim]) -> QuerySet[Claim, dict[str, Any]]:
    """`claims` (filtered and ordered as the caller wants) as the rows `claim_shapes`
    builds from: their columns, and the ids of their appearances. Page or slice it like
    the claims themselves."""
    return claims.prefetch_related(None).values(*_claim_lookups(), **{APPEARANCE_IDS: _appearance_ids(OuterRef("pk"))})


@functools.cache
def _beside() -> dict[str, str]:
    """The claim's lookups as read beside each of its attributions."""
    return {f"claim__{lookup}": lookup for lookup in _claim_lookups()}


@functools.cache
def _one_claim(using: str) -> CompiledValues:
    """The detail's query, compiled once: the attributions of the claim the fragment
    names (the caller's claims narrowed to one), each with the claim's columns beside it."""
    return CompiledValues(
        Attribution.objects.filter(claim_id__in=fragment())
        .order_by("pk")
        .values(
            *dict.fromkeys((*plan().attribution.lookups, *_beside())),
            **{APPEARANCE_IDS: _appearance_ids(OuterRef("claim_id"))},
        ),
        using=using,
    )


def claim_shape(claims: QuerySet[Claim], pk: Any, *, reads_unpublished: bool) -> dict[str, Any] | None:
    """The claim `pk`, if it is one of `claims`, as the API shows it; None otherwise. One
    query: its attributions, each with the claim's columns beside it (and, for a claim
    without attributions, the two queries of `claim_shapes`). Only the choice of the
    claim (`claims` narrowed to `pk`, whatever filters the caller's visibility adds) is
    compiled on each call; the rest of the query's SQL is made once."""
    shape = plan()
    chosen = claims.filter(pk=pk)
    try:
        piece = chosen.order_by().values("pk").query.get_compiler(using=chosen.db).as_sql()
    except EmptyResultSet:
        return None  # a filter that nothing matches (an id out of range, say)
    rows = _one_claim(chosen.db).rows(piece=piece)
    if not rows:
        found = claim_shapes(claim_rows(chosen), reads_unpublished=reads_unpublished)
        return found[0] if found else None
    claim = {lookup: rows[0][joined] for joined, lookup in _beside().items()}
    claim[APPEARANCE_IDS] = rows[0][APPEARANCE_IDS]
    return _claim(shape, claim, [_attribution(shape, row) for row in rows], reads_unpublished)


def claim_shapes(rows: Iterable[dict[str, Any]], *, reads_unpublished: bool) -> list[dict[str, Any]]:
    """The claims of `rows` (from `claim_rows`) as the API shows them to a caller who
    does, or does not, read unpublished work: what `ClaimSerializer` answers, in one more
    query for their attributions."""
    shape = plan()
    rows = list(rows)
    attributions: dict[int, list[tuple[dict[str, Any], list[CaveatWarning]]]] = {row["id"]: [] for row in rows}
    if rows:
        found = Attribution.objects.filter(claim_id__in=attributions).order_by("pk").values(*shape.attribution.lookups)
        for found_row in found:
            attributions[found_row[_CLAIM]].append(_attribution(shape, found_row))
    return [_claim(shape, row, attributions[row["id"]], reads_unpublished) for row in rows]


def _claim(
    shape: Plan, row: dict[str, Any], listed: list[tuple[dict[str, Any], list[CaveatWarning]]], reads_unpublished: bool
) -> dict[str, Any]:
    """A claim as shown, from its row and its attributions (as `_attribution` shows them)."""
    claim = shape.claim.values(row)
    claim["appearances"] = row[APPEARANCE_IDS]
    claim["attributions"] = [shown for shown, _ in listed]
    claim["sourcing"] = _sourcing(shape, listed)
    claim["rests_on_anonymous_sourcing"] = rests_on_anonymous(
        (shown["source"]["is_anonymous"], shown["role"]) for shown, _ in listed
    )
    if not reads_unpublished:
        claim.update(shape.newsroom_blanks)
    return claim


_CLAIM = "claim_id"


def _attribution(shape: Plan, row: dict[str, Any]) -> tuple[dict[str, Any], list[CaveatWarning]]:
    """An attribution as shown, and its caveat warnings."""
    shown = shape.attribution.values(row)
    source = shape.source.values(row)
    anonymous = is_anonymous_kind(source["kind"])
    source["is_anonymous"] = anonymous
    warnings = caveat_warnings_of(row["content_type"], row.__getitem__) if anonymous else []
    shown["source"] = source
    shown["warnings"] = [{"code": w.code, "message": w.message} for w in warnings]
    shown["warnings_overridden"] = warnings_overridden(row["warnings_override_reason"])
    return shown, warnings


def _sourcing(shape: Plan, attributions: list[tuple[dict[str, Any], list[CaveatWarning]]]) -> dict[str, Any]:
    """What SourcingSerializer shows of `Sourcing`, from the attributions as shown."""
    summary = Sourcing.tally(
        (
            shown["source"]["id"],
            shown["source"]["is_anonymous"],
            shown["sources_claimed"],
            [] if shown["warnings_overridden"] else warnings,
        )
        for shown, warnings in attributions
    )
    shown = {name: getattr(summary, name) for name in shape.sourcing_fields}
    shown["summary"] = str(summary)
    return shown
