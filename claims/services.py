"""The one write path for claims, their attributions and relations.

Admin, reviewer pages, API and tasks all call these functions. Each runs in one
transaction, validates with clear messages, records its actor in the change history,
and bumps the claim's `version` with a conditional UPDATE so that a change made
against a version someone else has since replaced is refused, never lost.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import connections, router
from django.db.models import Field, Model
from django.utils import timezone
from django.utils.formats import date_format

from claims.models import Attribution, AttributionRole, Claim, ClaimRelation, Status, claimant_problem
from core.models import ApiToken
from core.policy import is_editor
from core.services import Actor, Conflict, actor_or_none, model_update, service
from sources.models import Article
from sources.services import source_create

CLAIM_FIELDS = frozenset(
    {"statement", "quote", "made_on", "first_appearance", "context", "language", "tags", "priority"}
)
ATTRIBUTION_FIELDS = frozenset(
    {
        "source",
        "role",
        "attribution_text",
        "quote",
        "said_on",
        "article",
        "response",
        "sources_claimed",
        "independence",
        "access",
        "anonymity_reason",
        "anonymity_reason_text",
        "condition_text",
        "stated_limits",
        "side",
        "motive",
        "content_type",
        "granted_by",
        "identity_known_to_editor",
        "vouching_note",
        "credibility",
    }
)
RELATION_FIELDS = frozenset({"kind", "addresses", "note"})


class StaleVersion(Conflict):
    """The claim changed since the caller read it; nothing was written."""

    def __init__(self, claim: Claim, *, seen_version: int) -> None:
        self.claim_id = claim.pk
        self.seen_version = seen_version
        self.current_version = claim.version
        self.changed_by = claim.updated_by
        self.changed_at = claim.updated_at
        who = "someone"
        if self.changed_by is not None:
            name, username = self.changed_by.get_full_name(), self.changed_by.get_username()
            who = f"{name} ({username})" if name else username
        when = date_format(timezone.localtime(self.changed_at), "j M Y, H:i:s T")
        super().__init__(
            f"This claim was changed by {who} at {when} (version {self.current_version}; you were editing "
            f"version {seen_version}). Reload it to see their change, then make yours again."
        )


def claim_editable_by(claim: Claim, user: Actor) -> bool:
    """product.md §1: editors edit any claim; a reviewer edits the claims assigned to
    them or recorded by them, until they are published (or rejected). `None` is the
    system itself (commands, tasks)."""
    if user is None:
        return True
    if not user.has_perm("claims.change_claim"):
        return False
    if is_editor(user):
        return True
    return claim.status not in (Status.PUBLISHED, Status.REJECTED) and user.pk in (
        claim.assignee_id,
        claim.created_by_id,
    )


def require_edit(actor: Actor, claim: Claim) -> None:
    # Decided on the stored claim, not on an object the caller may have held for a while.
    if actor is not None and not claim_editable_by(
        Claim.objects.only("status", "assignee", "created_by").get(pk=claim.pk), actor
    ):
        raise PermissionDenied(
            "You can change only the claims assigned to you or recorded by you, until they are published."
        )


def claim_bump_version(*, claim: Claim, actor: Actor, version: int | None = None, **changes: Any) -> Claim:
    """Write `changes` and increment the claim's version.

    With `version` (what the person saw, from a form or the API), only if the claim is
    still at that version: zero rows updated means someone else saved first, and
    StaleVersion says who and when. Without it (the system acting: tasks, commands),
    the increment is unconditional."""
    now = timezone.now()
    updated = _claim_row_update(
        claim.pk, version=version, changes={"updated_by": actor_or_none(actor), "updated_at": now, **changes}
    )
    if updated != 1:
        # Only a conditional update (a version was given) can miss its row.
        assert version is not None
        raise StaleVersion(Claim.objects.select_related("updated_by").get(pk=claim.pk), seen_version=version)
    if version is not None:
        # The row was at `version` and this UPDATE added one: the new version is known
        # without reading it back.
        claim.version = version + 1
    else:
        claim.version = Claim.objects.values_list("version", flat=True).get(pk=claim.pk)
    claim.updated_at = now
    claim.updated_by = actor_or_none(actor)
    for name, value in changes.items():
        setattr(claim, name, value)
    return claim


def _claim_row_update(pk: int, *, version: int | None, changes: dict[str, Any]) -> int:
    """The version's UPDATE of one claim row, with `changes` (field names, values or
    related objects); the number of rows it changed. Every change of a claim goes
    through it, so its SQL is made once per set of columns rather than by the ORM on
    each call, which costs more than PostgreSQL takes to run it. The values go through
    each field's own preparation for the database, as the ORM's update does."""
    connection = connections[router.db_for_write(Claim)]
    fields = [cast(Field, Claim._meta.get_field(name)) for name in changes]
    values = []
    for column, value in zip(fields, changes.values(), strict=True):
        if column.is_relation and isinstance(value, Model):
            value = value.pk
        values.append(column.get_db_prep_save(value, connection))
    sql = _claim_row_update_sql(tuple(column.column for column in fields), conditional=version is not None)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, pk, *([version] if version is not None else [])])
        return cursor.rowcount


@functools.cache
def _claim_row_update_sql(columns: tuple[str, ...], *, conditional: bool) -> str:
    quote = connections[router.db_for_write(Claim)].ops.quote_name
    version = quote(Claim._meta.get_field("version").column)
    assignments = ", ".join([f"{version} = {version} + 1", *(f"{quote(column)} = %s" for column in columns)])
    where = f"{quote(Claim._meta.pk.column)} = %s" + (f" AND {version} = %s" if conditional else "")  # type: ignore[union-attr]
    return f"UPDATE {quote(Claim._meta.db_table)} SET {assignments} WHERE {where}"  # noqa: S608 - names from the model


def claim_lock(*, claim: Claim, version: int) -> Claim:
    """Lock the claim's row for the rest of the transaction, refusing a stale version.

    For interfaces that save several parts of a claim at once (the admin page with its
    inlines): the version the person saw is checked once, up front."""
    locked = Claim.objects.select_for_update(of=("self",)).get(pk=claim.pk)
    if locked.version != version:
        raise StaleVersion(Claim.objects.select_related("updated_by").get(pk=claim.pk), seen_version=version)
    return locked


def _check_one_claimant(roles: Iterable[str]) -> None:
    problem = claimant_problem(roles)
    if problem:
        raise ValidationError({"attributions": problem})


@contextmanager
def _errors_of(prefix: str) -> Iterator[None]:
    """Name the part of a request an error is about: "attributions.1.attribution_text"
    (the API, the pages and the admin all show it next to that attribution)."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise ValidationError({prefix: exc.error_list}) from exc
        raise ValidationError(
            {
                (prefix if name == NON_FIELD_ERRORS else f"{prefix}.{name}"): errors
                for name, errors in exc.error_dict.items()
            }
        ) from exc


def _source_of(actor: Actor, values: dict[str, Any], new_source: dict[str, Any] | None) -> dict[str, Any]:
    """The attribution's values, with the source a person named created first. Adding a
    source is `source_create`'s to allow (sources.add_source), wherever it is asked for."""
    if new_source is None:
        return values
    if values.get("source") is not None:
        raise ValidationError({"new_source": "Give an existing source or a new one, not both."})
    with _errors_of("new_source"):
        source = source_create(actor=actor, **new_source)
    return {**values, "source": source}


@dataclass
class AttributionChange:
    """One attribution as an interface hands it to `claim_update`: a new one (no
    `attribution`), a change of a stored one (only the `values` that changed), or its
    removal. `new_source` names a source not yet in the tracker (kind, name, title…)."""

    values: dict[str, Any] = field(default_factory=dict)
    attribution: Attribution | None = None
    new_source: dict[str, Any] | None = None
    delete: bool = False


@service
def claim_create(
    *,
    actor: Actor,
    statement: str,
    attributions: Sequence[dict[str, Any]],
    appearances: Iterable[Article] = (),
    token: ApiToken | None = None,
    **data: Any,
) -> Claim:
    """Record a claim with its attributions, exactly one of which is the claimant. An
    attribution may name a `new_source` (kind, name, title…) instead of a `source`; it is
    created with the claim. `token`: the API token that recorded it (a submit token may
    then read it)."""
    if actor is not None and not actor.has_perm("claims.add_claim"):
        raise PermissionDenied("You cannot record claims.")
    _check_one_claimant(a.get("role", "") for a in attributions)
    claim = Claim(
        statement=statement,
        created_by=actor_or_none(actor),
        updated_by=actor_or_none(actor),
        submitted_with=token,
    )
    model_update(claim, data, fields=CLAIM_FIELDS)
    claim.full_clean()
    claim.save()
    if appearances:
        claim.appearances.set(appearances)
    # The claimant first, so that the claim page and history read in a natural order.
    order = sorted(range(len(attributions)), key=lambda i: attributions[i].get("role") != AttributionRole.CLAIMANT)
    for index in order:
        fields = dict(attributions[index])
        new_source = fields.pop("new_source", None)
        with _errors_of(f"attributions.{index}"):
            _attribution_save(Attribution(claim=claim), _source_of(actor, fields, new_source))
    return claim


@service
def claim_update(
    *,
    actor: Actor,
    claim: Claim,
    version: int | None = None,
    appearances: Iterable[Article] | None = None,
    attributions: Sequence[AttributionChange] = (),
    **data: Any,
) -> Claim:
    """Change what the claim says and, in the same transaction, its attributions (added,
    changed or removed): one change, one new version. Status, verdict and assignment
    change only through the workflow."""
    require_edit(actor, claim)
    if version is not None:
        claim = claim_lock(claim=claim, version=version)
    changed = model_update(claim, data, fields=CLAIM_FIELDS)
    appearances_changed = appearances is not None and set(appearances) != set(claim.appearances.all())
    if changed:
        claim.full_clean()
    parts_changed = False
    for index, change in enumerate(attributions):
        with _errors_of(f"attributions.{index}"):
            parts_changed |= _attribution_apply(actor, claim, change)
    if attributions:
        _check_one_claimant(claim.attributions.values_list("role", flat=True))
    if not (changed or appearances_changed or parts_changed):
        return claim
    claim_bump_version(claim=claim, actor=actor, version=version, **{name: getattr(claim, name) for name in changed})
    if appearances_changed:
        claim.appearances.set(appearances or ())
    return claim


def _attribution_apply(actor: Actor, claim: Claim, change: AttributionChange) -> bool:
    """One attribution of `claim_update`; whether anything was written."""
    stored = change.attribution
    if stored is not None and stored.claim_id != claim.pk:
        raise ValidationError("This attribution belongs to another claim.")
    if change.delete:
        if stored is None:
            return False
        if stored.role == AttributionRole.CLAIMANT:
            raise ValidationError("The claimant cannot be removed; to change who made the claim, change its source.")
        stored.delete()
        return True
    values = _source_of(actor, dict(change.values), change.new_source)
    if stored is None:
        _attribution_save(Attribution(claim=claim), values)
        return True
    return _attribution_change(stored, values)


def _attribution_save(attribution: Attribution, fields: dict[str, Any]) -> list[str]:
    changed = model_update(attribution, fields, fields=ATTRIBUTION_FIELDS)
    if changed or attribution._state.adding:
        attribution.full_clean()
        attribution.save()
    return changed


def _attribution_change(attribution: Attribution, values: dict[str, Any]) -> bool:
    """Change a stored attribution; whether anything changed."""
    if attribution.role == AttributionRole.CLAIMANT and values.get("role", AttributionRole.CLAIMANT) != (
        AttributionRole.CLAIMANT
    ):
        raise ValidationError(
            {"role": "The claimant stays the claimant; to change who made the claim, change its source."}
        )
    if not _attribution_save(attribution, values):
        return False
    if attribution.warnings_overridden:
        # The override was given for the caveats as they were; a changed record needs a fresh look.
        attribution.warnings_override_reason = ""
        attribution.warnings_overridden_by = None
        attribution.warnings_overridden_at = None
        attribution.save(update_fields=["warnings_override_reason", "warnings_overridden_by", "warnings_overridden_at"])
    return True


@service
def attribution_create(
    *,
    actor: Actor,
    claim: Claim,
    version: int | None = None,
    new_source: dict[str, Any] | None = None,
    **data: Any,
) -> Attribution:
    require_edit(actor, claim)
    if (
        data.get("role") == AttributionRole.CLAIMANT
        and claim.attributions.filter(role=AttributionRole.CLAIMANT).exists()
    ):
        raise ValidationError(
            {"role": "This claim already has its claimant; a claim has exactly one. Change that one instead."}
        )
    attribution = Attribution(claim=claim)
    _attribution_save(attribution, _source_of(actor, data, new_source))
    claim_bump_version(claim=claim, actor=actor, version=version)
    return attribution


@service
def attribution_update(
    *,
    actor: Actor,
    attribution: Attribution,
    version: int | None = None,
    new_source: dict[str, Any] | None = None,
    **data: Any,
) -> Attribution:
    require_edit(actor, attribution.claim)
    if _attribution_change(attribution, _source_of(actor, data, new_source)):
        claim_bump_version(claim=attribution.claim, actor=actor, version=version)
    return attribution


@service
def attribution_delete(*, actor: Actor, attribution: Attribution, version: int | None = None) -> None:
    require_edit(actor, attribution.claim)
    claim = attribution.claim
    if _attribution_apply(actor, claim, AttributionChange(attribution=attribution, delete=True)):
        claim_bump_version(claim=claim, actor=actor, version=version)


@service
def attribution_override_warnings(
    *, actor: User, attribution: Attribution, reason: str, version: int | None = None
) -> Attribution:
    """An editor accepts the caveat warnings of an attribution, with a reason that stays
    in the history (e.g. why an anonymous characterisation is essential to the story)."""
    if not actor.has_perm("claims.override_caveat_warnings"):
        raise PermissionDenied("Only an editor can override caveat warnings.")
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for accepting these caveat warnings."})
    if not attribution.caveat_warnings():
        raise ValidationError("This attribution has no caveat warnings to override.")
    attribution.warnings_override_reason = reason.strip()
    attribution.warnings_overridden_by = actor
    attribution.warnings_overridden_at = timezone.now()
    attribution.save(
        update_fields=["warnings_override_reason", "warnings_overridden_by", "warnings_overridden_at", "updated_at"]
    )
    claim_bump_version(claim=attribution.claim, actor=actor, version=version)
    return attribution


@service
def relation_create(
    *,
    actor: Actor,
    from_claim: Claim,
    to_claim: Claim,
    kind: str,
    version: int | None = None,
    **data: Any,
) -> ClaimRelation:
    require_edit(actor, from_claim)
    relation = ClaimRelation(from_claim=from_claim, to_claim=to_claim, kind=kind, created_by=actor_or_none(actor))
    model_update(relation, data, fields=RELATION_FIELDS)
    relation.full_clean()
    relation.save()
    claim_bump_version(claim=from_claim, actor=actor, version=version)
    return relation


@service
def relation_update(*, actor: Actor, relation: ClaimRelation, version: int | None = None, **data: Any) -> ClaimRelation:
    require_edit(actor, relation.from_claim)
    if model_update(relation, data, fields=RELATION_FIELDS):
        relation.full_clean()
        relation.save()
        claim_bump_version(claim=relation.from_claim, actor=actor, version=version)
    return relation


@service
def relation_delete(*, actor: Actor, relation: ClaimRelation, version: int | None = None) -> None:
    require_edit(actor, relation.from_claim)
    claim = relation.from_claim
    relation.delete()
    claim_bump_version(claim=claim, actor=actor, version=version)
