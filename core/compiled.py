"""`.values()` queries compiled to SQL once and run many times.

Django turns a queryset into SQL each time it is evaluated. For a query of a few dozen
columns across joins, such as a claim with its attributions and their sources, that
costs more than PostgreSQL takes to answer it, and requests that run the same query
over and over (an API token's lookup, a claim's detail) pay it on every one.

A `CompiledValues` is made once from a queryset written with stand-ins: marker values
where the caller's values go, or `fragment()` where a piece of SQL goes (a subquery
compiled on its own, such as the claim a caller asks for among those they may see). Each run puts the
values, or the piece, in their place, executes the SQL through Django's cursor (so query
logging and execute wrappers see it as any other query) and answers the rows as
`.values()` would: dicts keyed by the lookups, each value through the field's own
converters.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import BooleanField, Expression, F, Func, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL

FRAGMENT = "__compiled_fragment__"


class ArrayParam(Func):
    """An array given as one parameter whatever its length, cast to `element[]`: so that
    a query compiled once does not change with it, and Django binds one parameter where
    `__in` or a list on the right of an array lookup binds one per value. `values` is a
    list of strings, or an array's text ("{1,2,3}", cheaper to bind than a list of
    numbers); `element` is a constant of the caller's code, never a value from outside."""

    def __init__(self, values: list[str] | str, *, element: str = "text") -> None:
        param = Value(values, output_field=ArrayField(TextField()) if isinstance(values, list) else TextField())
        super().__init__(param, output_field=ArrayField(TextField()))
        self.element = element

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **kwargs: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"({sql})::{self.element}[]", list(params)


class AnyOf(Func):
    """`expression = ANY(values)`, the values one array parameter (`ArrayParam`)."""

    arity = 2
    output_field = BooleanField()

    def __init__(self, expression: str | Expression, values: list[str] | str, *, element: str = "text") -> None:
        left = F(expression) if isinstance(expression, str) else expression
        super().__init__(left, ArrayParam(values, element=element))

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **kwargs: Any) -> tuple[str, list[Any]]:
        (left, left_params), (array, array_params) = (compiler.compile(e) for e in self.get_source_expressions())
        return f"{left} = ANY({array})", [*left_params, *array_params]


def fragment() -> RawSQL:
    """Where a run's SQL piece goes (as the right side of `__in`, say)."""
    return RawSQL(FRAGMENT, ())  # noqa: S611 - a marker, replaced before the SQL runs


class CompiledValues:
    """The SQL of `queryset` (a `.values()` queryset), made once for the database `using`.

    `markers` are the values the queryset was written with where a run's parameters go,
    in the order the run gives them; each must occur once among the compiled query's
    parameters, and the others (the query's own constants, such as the keys of a JSON
    object it builds) are kept as compiled. A queryset with `fragment()` in it has no
    parameters of its own: the piece brings them."""

    def __init__(self, queryset: QuerySet[Any, dict[str, Any]], *, using: str, markers: Sequence[Any] = ()) -> None:
        query = queryset.query
        compiler = query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        self.params = tuple(params)
        self.positions: list[int] = []
        for marker in markers:
            found = [i for i, param in enumerate(self.params) if param == marker]
            if len(found) != 1:
                raise ImproperlyConfigured(f"The marker {marker!r} is {len(found)} of the query's parameters, not one.")
            self.positions.append(found[0])
        self.has_fragment = FRAGMENT in sql
        if self.has_fragment and (sql.count(FRAGMENT) != 1 or params):
            raise ImproperlyConfigured("A compiled query takes one fragment, and then no parameters of its own.")
        self.sql = sql
        self.using = using
        self.names: tuple[str, ...] = (
            tuple(query.selected)
            if query.selected
            else (*query.extra_select, *query.values_select, *query.annotation_select)
        )
        columns = [column for column, _, _ in compiler.select[: compiler.col_count]]
        self.converters = list(compiler.get_converters(columns).items())

    def rows(
        self, params: Sequence[Any] = (), *, piece: tuple[str, Sequence[Any]] | None = None
    ) -> list[dict[str, Any]]:
        """The rows for `params` (or for the SQL `piece` and its parameters), as `.values()` reads them."""
        sql = self.sql
        if self.has_fragment:
            if piece is None:
                raise TypeError("This query needs its SQL piece.")
            sql, params = sql.replace(FRAGMENT, piece[0]), piece[1]
        elif len(params) != len(self.positions):
            raise TypeError(f"This query takes {len(self.positions)} parameters, {len(params)} given.")
        else:
            values = list(self.params)
            for position, value in zip(self.positions, params, strict=True):
                values[position] = value
            params = values
        connection = connections[self.using]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
        names = self.names
        if not self.converters:
            return [dict(zip(names, row, strict=True)) for row in found]
        shown = []
        for row in found:
            values = list(row)
            for position, (converters, expression) in self.converters:
                value = values[position]
                for convert in converters:
                    value = convert(value, expression, connection)
                values[position] = value
            shown.append(dict(zip(names, values, strict=True)))
        return shown
