"""core.compiled: a `.values()` query compiled once answers what the queryset itself does."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.compiled import AnyOf, ArrayParam, CompiledValues, fragment
from sources.models import Article, Outlet
from tests.factories import ArticleFactory, OutletFactory

pytestmark = pytest.mark.django_db

MARKER = "<title>"


def test_rows_are_what_values_reads_with_the_fields_converters():
    wanted = ArticleFactory(title="Harbour reopens", raw_payload={"provider": "gdelt", "tone": [1.5, -2]})
    ArticleFactory(title="Something else", raw_payload=None)
    compiled = CompiledValues(
        Article.objects.filter(title=MARKER).values("pk", "title", "raw_payload", "outlet__name"),
        using="default",
        markers=(MARKER,),
    )
    with CaptureQueriesContext(connection) as context:
        rows = compiled.rows(("Harbour reopens",))
    assert len(context.captured_queries) == 1
    assert rows == list(Article.objects.filter(pk=wanted.pk).values("pk", "title", "raw_payload", "outlet__name"))
    assert rows[0]["raw_payload"] == {"provider": "gdelt", "tone": [1.5, -2]}  # decoded, not the JSON text
    assert compiled.rows(("No such story",)) == []


def test_a_fragment_brings_its_own_sql_and_parameters():
    kept, _ = ArticleFactory(title="Kept"), ArticleFactory(title="Left out")
    compiled = CompiledValues(
        Article.objects.filter(pk__in=fragment()).order_by("pk").values("pk", "title"), using="default"
    )
    piece = Article.objects.filter(title="Kept").values("pk").query.get_compiler(using="default").as_sql()
    assert compiled.rows(piece=piece) == [{"pk": kept.pk, "title": "Kept"}]
    with pytest.raises(TypeError):
        compiled.rows()


def test_the_querys_own_parameters_are_kept_and_only_the_markers_replaced():
    wanted = ArticleFactory(title="Harbour reopens", url="https://a.example/harbour")
    ArticleFactory(title="Harbour reopens", url="https://b.example/harbour")
    compiled = CompiledValues(
        Article.objects.filter(title=MARKER, url="https://a.example/harbour").values("pk"),
        using="default",
        markers=(MARKER,),
    )
    assert compiled.rows(("Harbour reopens",)) == [{"pk": wanted.pk}]
    with pytest.raises(TypeError):
        compiled.rows(("Harbour reopens", "one too many"))


def test_a_marker_must_be_exactly_one_of_the_parameters():
    with pytest.raises(ImproperlyConfigured):  # not there at all
        CompiledValues(Article.objects.filter(title="fixed").values("pk"), using="default", markers=(MARKER,))
    with pytest.raises(ImproperlyConfigured):  # twice: which one is the run's?
        CompiledValues(
            Article.objects.filter(title=MARKER, url=MARKER).values("pk"), using="default", markers=(MARKER,)
        )
    with pytest.raises(ImproperlyConfigured):
        CompiledValues(Article.objects.filter(pk__in=fragment(), title="fixed").values("pk"), using="default")


def test_any_of_binds_one_array_parameter_whatever_the_number_of_values():
    first, second, _ = (ArticleFactory(title=t) for t in ("One", "Two", "Three"))
    for titles in (["One"], ["One", "Two"]):
        query = Article.objects.filter(AnyOf("title", titles)).values("pk").query
        _, params = query.get_compiler(using="default").as_sql()
        assert len(params) == 1
    found = Article.objects.filter(AnyOf("title", ["One", "Two"])).order_by("pk").values_list("pk", flat=True)
    assert list(found) == [first.pk, second.pk]
    assert list(
        Article.objects.filter(AnyOf("pk", f"{{{second.pk}}}", element="bigint")).values_list("pk", flat=True)
    ) == [second.pk]
    assert not Article.objects.filter(AnyOf("title", [])).exists()


def test_an_array_parameter_serves_an_array_lookup_in_a_compiled_query():
    listed = OutletFactory(name="Harbour Times", domains=["harbour.example"])
    OutletFactory(name="Other Post", domains=["other.example"])
    marker = ["<domains>"]
    compiled = CompiledValues(
        Outlet.objects.filter(domains__overlap=ArrayParam(marker, element="varchar")).values("pk"),
        using="default",
        markers=(marker,),
    )
    assert compiled.rows((["harbour.example", "elsewhere.example"],)) == [{"pk": listed.pk}]
    assert compiled.rows(([],)) == []
