"""API for the catalogue: sources, outlets and articles.

Everyone with a newsroom role (and their read and write tokens) reads all of it; other
callers see only what the claims they may see point to. Editors change it, through
sources/services.py.
"""

from __future__ import annotations

from typing import Any

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.request import Request
from rest_framework.response import Response

from core.policy import Action, visible_through
from core.rest import IdFilter, StrictFilterSet, text_filter
from core.viewsets import ApiViewSet
from sources.models import Article, Feed, Outlet, Source, SourceKind
from sources.serializers import (
    ArticleDetailSerializer,
    ArticleInput,
    ArticleSerializer,
    ArticleUpdateInput,
    FeedInput,
    FeedSerializer,
    FeedUpdateInput,
    OutletInput,
    OutletSerializer,
    OutletUpdateInput,
    SourceInput,
    SourceSerializer,
    SourceUpdateInput,
)
from sources.services import (
    article_create,
    article_update,
    feed_create,
    feed_update,
    outlet_create,
    outlet_update,
    source_create,
    source_update,
)

CATALOGUE_ACCESS: dict[str | None, Action] = {
    "list": Action.READ,
    "retrieve": Action.READ,
    "create": Action.MANAGE,
    "partial_update": Action.MANAGE,
}


class CatalogueViewSet(ApiViewSet):
    """List and read for callers as far as they may see; create and change for editors."""

    required = CATALOGUE_ACCESS
    model: Any
    # Paths from this model to Claim, for callers who see only some claims.
    reached_by: list[str]
    ordering: tuple[str, ...]
    create_input: Any
    update_input: Any

    def get_queryset(self) -> Any:
        items = self.model.objects.order_by(*self.ordering)
        return visible_through(items, self.request.user, self.token, via=self.reached_by)

    def list(self, request: Request) -> Response:
        return self.paginated(self.filter_queryset(self.get_queryset()))

    def retrieve(self, request: Request, pk: str) -> Response:
        return self.output(self.get_object())

    def create(self, request: Request) -> Response:
        created = self.create_item(self.input(self.create_input))
        return self.output(self.get_queryset().get(pk=created.pk), status=201)

    def partial_update(self, request: Request, pk: str) -> Response:
        item = self.get_object()
        self.update_item(item, self.input(self.update_input))
        return self.output(self.get_queryset().get(pk=item.pk))

    def create_item(self, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def update_item(self, item: Any, data: dict[str, Any]) -> Any:
        raise NotImplementedError


# --- Sources -------------------------------------------------------------------------------


class SourceFilter(StrictFilterSet):
    kind = django_filters.ChoiceFilter(choices=SourceKind.choices)
    outlet = IdFilter(field_name="outlet")
    q = text_filter("Part of the name.", field_name="name", lookup_expr="icontains")

    class Meta:
        model = Source
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(summary="List sources"),
    retrieve=extend_schema(summary="Read a source"),
    create=extend_schema(summary="Add a source (editors)", request=SourceInput, responses={201: SourceSerializer}),
    partial_update=extend_schema(
        summary="Change a source (editors)", request=SourceUpdateInput, responses={200: SourceSerializer}
    ),
)
class SourceViewSet(CatalogueViewSet):
    """Who information comes from: named people, organisations, documents, anonymous groups."""

    model = Source
    serializer_class = SourceSerializer
    filterset_class = SourceFilter
    reached_by = ["attributions__claim"]
    ordering = ("name", "pk")
    create_input = SourceInput
    update_input = SourceUpdateInput

    def create_item(self, data: dict[str, Any]) -> Source:
        return source_create(actor=self.actor, **data)

    def update_item(self, item: Source, data: dict[str, Any]) -> Source:
        return source_update(actor=self.actor, source=item, **data)


# --- Outlets -------------------------------------------------------------------------------


class OutletFilter(StrictFilterSet):
    q = text_filter("Part of the name.", field_name="name", lookup_expr="icontains")

    class Meta:
        model = Outlet
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(summary="List outlets"),
    retrieve=extend_schema(summary="Read an outlet"),
    create=extend_schema(summary="Add an outlet (editors)", request=OutletInput, responses={201: OutletSerializer}),
    partial_update=extend_schema(
        summary="Change an outlet (editors)", request=OutletUpdateInput, responses={200: OutletSerializer}
    ),
)
class OutletViewSet(CatalogueViewSet):
    """News organisations, with their ownership (state-controlled outlets are marked)."""

    model = Outlet
    serializer_class = OutletSerializer
    filterset_class = OutletFilter
    reached_by = [
        "sources__attributions__claim",
        "granted_anonymity__claim",
        "articles__claims",
        "articles__first_claims",
    ]
    ordering = ("name", "pk")
    create_input = OutletInput
    update_input = OutletUpdateInput

    def create_item(self, data: dict[str, Any]) -> Outlet:
        return outlet_create(actor=self.actor, **data)

    def update_item(self, item: Outlet, data: dict[str, Any]) -> Outlet:
        return outlet_update(actor=self.actor, outlet=item, **data)


# --- Articles ------------------------------------------------------------------------------


class ArticleFilter(StrictFilterSet):
    outlet = IdFilter(field_name="outlet")
    q = text_filter("Part of the title.", field_name="title", lookup_expr="icontains")

    class Meta:
        model = Article
        fields: list[str] = []


@extend_schema_view(list=extend_schema(summary="List articles"))
class ArticleViewSet(CatalogueViewSet):
    """Pieces of coverage, fetched or entered by hand (the extracted text on the detail only)."""

    model = Article
    serializer_class = ArticleSerializer
    filterset_class = ArticleFilter
    reached_by = ["claims", "first_claims", "attributions__claim"]
    ordering = ("-published_at", "-seen_at", "-pk")
    create_input = ArticleInput
    update_input = ArticleUpdateInput

    def get_queryset(self) -> Any:
        return super().get_queryset().defer("raw_payload")

    @extend_schema(summary="Read an article", responses={200: ArticleDetailSerializer})
    def retrieve(self, request: Request, pk: str) -> Response:
        return self.output(self.get_object(), serializer_class=ArticleDetailSerializer)

    @extend_schema(summary="Add an article (editors)", request=ArticleInput, responses={201: ArticleDetailSerializer})
    def create(self, request: Request) -> Response:
        created = article_create(actor=self.actor, **self.input(ArticleInput))
        return self.output(self.get_queryset().get(pk=created.pk), status=201, serializer_class=ArticleDetailSerializer)

    @extend_schema(
        summary="Change an article (editors)", request=ArticleUpdateInput, responses={200: ArticleDetailSerializer}
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        article = self.get_object()
        article_update(actor=self.actor, article=article, **self.input(ArticleUpdateInput))
        return self.output(self.get_queryset().get(pk=article.pk), serializer_class=ArticleDetailSerializer)


# --- Feeds ---------------------------------------------------------------------------------


class FeedViewSet(ApiViewSet):
    """RSS/Atom feeds polled for coverage, with how their polls went. The newsroom reads
    them; editors add and change them."""

    serializer_class = FeedSerializer
    required = {
        "list": Action.READ_NEWSROOM,
        "retrieve": Action.READ_NEWSROOM,
        "create": Action.MANAGE,
        "partial_update": Action.MANAGE,
    }

    def get_queryset(self) -> Any:
        return Feed.objects.select_related("outlet").order_by("name", "pk")

    @extend_schema(summary="List feeds")
    def list(self, request: Request) -> Response:
        return self.paginated(self.get_queryset())

    @extend_schema(summary="Read a feed")
    def retrieve(self, request: Request, pk: str) -> Response:
        return self.output(self.get_object())

    @extend_schema(summary="Add a feed (editors)", request=FeedInput, responses={201: FeedSerializer})
    def create(self, request: Request) -> Response:
        feed = feed_create(actor=self.actor, **self.input(FeedInput))
        return self.output(self.get_queryset().get(pk=feed.pk), status=201)

    @extend_schema(summary="Change a feed (editors)", request=FeedUpdateInput, responses={200: FeedSerializer})
    def partial_update(self, request: Request, pk: str) -> Response:
        feed = self.get_object()
        feed_update(actor=self.actor, feed=feed, **self.input(FeedUpdateInput))
        return self.output(self.get_queryset().get(pk=feed.pk))
