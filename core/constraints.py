"""Check constraints decided in Python when their condition is simple enough.

Django validates a model's check constraints (`full_clean`, a model form's
`validate_constraints`) by sending each one to the database as `SELECT 1 WHERE
COALESCE(<condition>, true)`: a claim recorded through the reviewer's form, which its
form and then its service each validate, with one attribution, sent 27 such statements,
and a form post waited for each in turn.

Most conditions are a field compared with constants or with another field ("status in
these values", "credibility between 1 and 6", "not the claim itself"). `decide` reads
those in Python, with SQL's three-valued logic, so that an unknown (NULL) comparison
passes as it does in the database; anything else (another lookup, a function, a value
that is itself an expression, text ordered by a collation) is `UNDECIDED`, and
`PythonCheckedConstraints` then asks the database as Django does. The database keeps
every constraint whatever is decided here: this only saves the question.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Mapping, Sequence
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import models, router
from django.db.models import CheckConstraint, F, Q

UNDECIDED = object()
# Values ordered alike by Python and by PostgreSQL; text is not (collations).
_ORDERED = (int, float, decimal.Decimal, dt.date, dt.datetime, dt.time, dt.timedelta)
_COMPARISONS = {
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
}


class _Undecided(Exception):
    pass


class _Skipped(Exception):
    """The condition names a field left out of the validation: Django skips it too."""


def decide(condition: Q, values: Mapping[str, tuple[models.Field[Any, Any], Any]]) -> object:
    """The condition's truth for a row whose fields are `values` (name → (field, value)):
    True, False, None (unknown, as SQL's NULL), or `UNDECIDED`."""
    try:
        return _truth(condition, values)
    except _Undecided:
        return UNDECIDED


def _truth(node: Q, values: Mapping[str, tuple[models.Field[Any, Any], Any]]) -> bool | None:
    results = [
        _truth(child, values) if isinstance(child, Q) else _lookup(cast(tuple[str, Any], child), values)
        for child in node.children
    ]
    if node.connector == Q.AND:
        result = False if False in results else (None if None in results else True)
    elif node.connector == Q.OR:
        result = True if True in results else (None if None in results else False)
    else:
        raise _Undecided
    if node.negated:
        return None if result is None else not result
    return result


def _lookup(child: tuple[str, Any], values: Mapping[str, tuple[models.Field[Any, Any], Any]]) -> bool | None:
    path, right = child
    name, _, kind = path.partition("__")
    kind = kind or "exact"
    if name not in values:
        raise _Skipped
    field, left = values[name]
    literal = not isinstance(right, F)
    if not literal:
        if right.name not in values:
            raise _Skipped
        right = values[right.name][1]
    elif hasattr(right, "resolve_expression") or "__" in kind:
        raise _Undecided
    if left is _OPAQUE or right is _OPAQUE:
        raise _Undecided
    if kind == "isnull":
        return (left is None) == bool(right)
    if kind == "exact" and right is None:
        # `field=None` is IS NULL; a field equal to another that is NULL is unknown.
        return left is None if literal else None
    if left is None:
        return None
    if kind == "exact":
        return left == _prepared(field, right)
    if kind == "in":
        options = [_prepared(field, option) for option in right]
        if left in [option for option in options if option is not None]:
            return True
        return None if None in options else False
    if kind in _COMPARISONS:
        right = _prepared(field, right)
        if right is None:
            return None
        if not (isinstance(left, _ORDERED) and isinstance(right, _ORDERED)):
            raise _Undecided
        return bool(_COMPARISONS[kind](left, right))
    raise _Undecided


def _prepared(field: models.Field[Any, Any], value: Any) -> Any:
    """A value as the database would compare it (`"2"` for an integer field is 2)."""
    if value is None:
        return None
    try:
        return field.get_prep_value(value)
    except (TypeError, ValueError, ValidationError):
        raise _Undecided from None


class _Opaque:
    """A value that only the database can compare: an expression, a generated column,
    a value its field cannot prepare."""


_OPAQUE = _Opaque()


def _row(instance: models.Model, meta: Any, exclude: set[str]) -> dict[str, tuple[models.Field[Any, Any], Any]]:
    row: dict[str, tuple[models.Field[Any, Any], Any]] = {}
    for field in meta.local_concrete_fields:
        if field.name in exclude:
            continue
        value = _OPAQUE if field.generated else getattr(instance, field.attname)
        row[field.name] = (field, _prepared_or_opaque(field, value))
    if "pk" not in exclude:
        row["pk"] = (meta.pk, _prepared_or_opaque(meta.pk, instance.pk))
    return row


def _prepared_or_opaque(field: models.Field[Any, Any], value: Any) -> Any:
    if value is _OPAQUE or hasattr(value, "resolve_expression"):
        return _OPAQUE
    try:
        return _prepared(field, value)
    except _Undecided:
        return _OPAQUE


class PythonCheckedConstraints(models.Model):
    """A model whose simple check constraints are validated without a round trip to the
    database (see the module's text); its other constraints are validated as Django does."""

    class Meta:
        abstract = True

    def validate_constraints(self, exclude: Any = None) -> None:
        using = router.db_for_write(self.__class__, instance=self)
        skipped = set(exclude or ())
        errors: dict[str, Any] = {}
        for model_class, model_constraints in self.get_constraints():
            row = None
            for constraint in model_constraints:
                try:
                    if isinstance(constraint, CheckConstraint):
                        row = row if row is not None else _row(self, model_class._meta, skipped)
                        try:
                            truth = decide(Q(constraint.condition), row)
                        except _Skipped:
                            continue
                        if truth is False:
                            raise ValidationError(
                                constraint.get_violation_error_message(), code=constraint.violation_error_code
                            )
                        if truth is not UNDECIDED:
                            continue
                    cast(Any, constraint).validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as error:
                    fields: Sequence[str] = getattr(constraint, "fields", ())
                    if getattr(error, "code", None) == "unique" and len(fields) == 1:
                        errors.setdefault(fields[0], []).append(error)
                    else:
                        errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
