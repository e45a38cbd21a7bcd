"""Check constraints decided in Python (core.constraints) agree with the database: for
every check constraint of every model that decides them so, on rows drawn at random
around each constraint's edges, whenever Python decides, PostgreSQL gives the same
answer; and validating a claim with its attribution sends no statement."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import CheckConstraint, F, Q
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.models import Attribution, AttributionRole, Claim
from core.constraints import UNDECIDED, PythonCheckedConstraints, _row, decide
from tests.factories import make_claim

pytestmark = pytest.mark.django_db

CHECKED = [
    (model, constraint)
    for model in apps.get_models()
    if issubclass(model, PythonCheckedConstraints)
    for constraint in model._meta.constraints
    if isinstance(constraint, CheckConstraint)
]


def test_the_models_people_write_through_forms_decide_their_checks_in_python():
    assert {model.__name__ for model, _ in CHECKED} >= {"Claim", "Attribution", "ClaimRelation", "Source", "Outlet"}


def _names(node: Q) -> set[str]:
    found: set[str] = set()
    for child in node.children:
        if isinstance(child, Q):
            found |= _names(child)
        else:
            path, value = cast(tuple[str, Any], child)
            found.add(path.split("__")[0])
            if isinstance(value, F):
                found.add(value.name)
    return found


def _values(field: models.Field[Any, Any]) -> st.SearchStrategy[Any]:
    nothing = st.just(None)
    if field.choices:
        return st.sampled_from([value for value, _ in field.flatchoices] + ["", "bogus"]) | nothing
    if isinstance(field, models.ForeignKey):
        return st.integers(1, 3) | nothing
    if isinstance(field, models.BooleanField):
        return st.booleans() | nothing
    if isinstance(field, models.DateTimeField):
        return st.sampled_from([dt.datetime(2026, 1, 1, tzinfo=dt.UTC), dt.datetime(2026, 6, 1, tzinfo=dt.UTC)]) | (
            nothing
        )
    if isinstance(field, models.IntegerField | models.DecimalField | models.FloatField):
        # "2" as a form could leave it before the field cleans it.
        return st.integers(-2, 8) | st.sampled_from(["2", "7"]) | nothing
    if isinstance(field, models.CharField | models.TextField | models.URLField):
        return st.sampled_from(["", "x", "responds", "claimant", "published", "https://a.example/"]) | nothing
    return nothing


@st.composite
def rows(draw: Any) -> tuple[type[models.Model], CheckConstraint, models.Model]:
    model, constraint = draw(st.sampled_from(CHECKED))
    instance = model()
    for name in _names(Q(constraint.condition)):
        field = model._meta.get_field("id" if name == "pk" else name)
        setattr(instance, field.attname, draw(_values(field)))
    return model, constraint, instance


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows())
def test_python_decides_every_check_as_the_database_does(drawn):
    model, constraint, instance = drawn
    condition = Q(constraint.condition)
    truth = decide(condition, _row(instance, model._meta, set()))
    if truth is UNDECIDED:
        return
    against = instance._get_field_expression_map(meta=model._meta)
    try:
        database = condition.check(against, using="default")
    except Exception:  # a value the database cannot even compare
        pytest.fail(f"Python decided {truth!r} for {constraint.name} where the database raised")
    assert (truth is not False) == database, (constraint.name, vars(instance))


def test_validating_a_claim_and_its_attribution_sends_no_statement():
    claim = make_claim()
    attribution = claim.attributions.get(role=AttributionRole.CLAIMANT)
    with CaptureQueriesContext(connection) as sent:
        claim.full_clean()
        attribution.full_clean(exclude=["claim", "source"], validate_unique=False)
    assert [q["sql"] for q in sent.captured_queries if "_check" in q["sql"]] == []


def test_a_broken_check_is_still_refused_with_its_message():
    claim = make_claim()
    attribution = claim.attributions.get(role=AttributionRole.CLAIMANT)
    attribution.credibility = 9
    with pytest.raises(ValidationError) as refused:
        attribution.validate_constraints(exclude={"claim", "source"})
    assert "attribution_credibility_1_to_6" in str(refused.value)
    claim.statement = ""
    with pytest.raises(ValidationError):
        claim.validate_constraints()


def test_a_check_naming_a_field_left_out_is_skipped_as_django_skips_it():
    attribution = Attribution(role="responds", response="")
    # The response rule names both fields: left out, it is not checked at all.
    attribution.validate_constraints(
        exclude={f.name for f in Attribution._meta.fields if f.name not in {"credibility"}} | {"role"}
    )


def test_what_python_cannot_read_is_undecided_and_goes_to_the_database(monkeypatch):
    claim = Claim(statement="Something.", status="submitted", priority=2, version=1)
    row = _row(claim, Claim._meta, set())
    assert decide(Q(statement__icontains="some"), row) is UNDECIDED  # another lookup
    assert decide(Q(statement__gt="A"), row) is UNDECIDED  # text in a collation's order
    assert decide(Q(priority__gte=F("version")) | Q(statement__iregex="x"), row) is UNDECIDED
    monkeypatch.setattr("core.constraints.decide", lambda condition, row: UNDECIDED)
    exclude = {"first_appearance", "rating", "assignee", "created_by", "updated_by"}
    with CaptureQueriesContext(connection) as sent:
        claim.validate_constraints(exclude=exclude)
    assert sum("_check" in q["sql"] for q in sent.captured_queries) == len(
        [c for c in Claim._meta.constraints if isinstance(c, CheckConstraint)]
    )
