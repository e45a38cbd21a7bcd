"""API shapes of outlets, sources and articles: what is read, and what an editor sends."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.rest import (
    InputSerializer,
    NewsroomOnlyFields,
    ReadSerializer,
    StrictBooleanField,
    StrictCharField,
    StrictChoiceField,
    StrictIntegerField,
    StrictPrimaryKeyRelatedField,
)
from sources.models import (
    Article,
    ArticleProvider,
    Feed,
    FeedStatus,
    Outlet,
    Ownership,
    Reliability,
    Source,
    SourceKind,
)

# --- Read --------------------------------------------------------------------------------


class OutletSerializer(NewsroomOnlyFields, ReadSerializer):
    class Meta:
        model = Outlet
        fields = ["id", "name", "domains", "country", "ownership", "is_wire", "is_state_controlled", "notes"]
        read_only_fields = fields
        newsroom_only = ["notes"]


class SourceSummarySerializer(ReadSerializer):
    """A source as it appears inside an attribution."""

    class Meta:
        model = Source
        fields = ["id", "kind", "name", "title", "affiliation", "reliability", "is_anonymous"]
        read_only_fields = fields


class SourceSerializer(NewsroomOnlyFields, ReadSerializer):
    class Meta:
        model = Source
        fields = [
            "id",
            "kind",
            "name",
            "title",
            "affiliation",
            "outlet",
            "reliability",
            "reliability_note",
            "notes",
            "is_anonymous",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        newsroom_only = ["reliability_note", "notes"]


class ArticleSerializer(ReadSerializer):
    class Meta:
        model = Article
        fields = [
            "id",
            "canonical_url",
            "url",
            "outlet",
            "title",
            "byline",
            "dateline",
            "published_at",
            "seen_at",
            "language",
            "summary",
            "provider",
        ]
        read_only_fields = fields


class ArticleDetailSerializer(ArticleSerializer):
    class Meta(ArticleSerializer.Meta):
        fields = [*ArticleSerializer.Meta.fields, "text"]
        read_only_fields = fields


# --- Write (editors) ---------------------------------------------------------------------


class OutletInput(InputSerializer):
    name = StrictCharField(max_length=200)
    domains = serializers.ListField(child=StrictCharField(max_length=253), required=False)
    country = StrictCharField(max_length=2, required=False, allow_blank=True)
    ownership = StrictChoiceField(choices=Ownership.choices, required=False)
    is_wire = StrictBooleanField(required=False)
    notes = StrictCharField(required=False, allow_blank=True)


class OutletUpdateInput(OutletInput):
    name = StrictCharField(max_length=200, required=False)


class SourceInput(InputSerializer):
    kind = StrictChoiceField(choices=SourceKind.choices)
    name = StrictCharField(max_length=300)
    title = StrictCharField(max_length=300, required=False, allow_blank=True)
    affiliation = StrictCharField(max_length=300, required=False, allow_blank=True)
    outlet = StrictPrimaryKeyRelatedField(queryset=Outlet.objects.all(), required=False, allow_null=True)
    reliability = StrictChoiceField(choices=Reliability.choices, required=False)
    reliability_note = StrictCharField(required=False, allow_blank=True)
    notes = StrictCharField(required=False, allow_blank=True)


class SourceUpdateInput(SourceInput):
    kind = StrictChoiceField(choices=SourceKind.choices, required=False)
    name = StrictCharField(max_length=300, required=False)


class ArticleInput(InputSerializer):
    canonical_url = serializers.URLField(max_length=2048)
    url = serializers.URLField(max_length=2048, required=False)
    outlet = StrictPrimaryKeyRelatedField(queryset=Outlet.objects.all(), required=False, allow_null=True)
    title = StrictCharField(max_length=1000, required=False, allow_blank=True)
    byline = StrictCharField(max_length=500, required=False, allow_blank=True)
    dateline = StrictCharField(max_length=200, required=False, allow_blank=True)
    published_at = serializers.DateTimeField(required=False, allow_null=True)
    language = StrictCharField(max_length=16, required=False, allow_blank=True)
    summary = StrictCharField(required=False, allow_blank=True)
    text = StrictCharField(required=False, allow_blank=True)
    provider = StrictChoiceField(choices=ArticleProvider.choices, required=False)


class ArticleUpdateInput(ArticleInput):
    canonical_url = serializers.URLField(max_length=2048, required=False)


# --- Feeds -----------------------------------------------------------------------------------


class FeedSerializer(ReadSerializer):
    status = serializers.SerializerMethodField(help_text="Last success, last error and counts.")

    class Meta:
        model = Feed
        fields = ["id", "name", "url", "outlet", "is_active", "poll_interval", "status", "created_at", "updated_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField())
    def get_status(self, feed: Feed) -> FeedStatus:
        return feed.status()


class FeedInput(InputSerializer):
    name = StrictCharField(max_length=200)
    url = serializers.URLField(max_length=2048)
    outlet = StrictPrimaryKeyRelatedField(queryset=Outlet.objects.all(), required=False, allow_null=True)
    is_active = StrictBooleanField(required=False)
    poll_interval = StrictIntegerField(min_value=5, max_value=7 * 24 * 60, required=False)


class FeedUpdateInput(FeedInput):
    name = StrictCharField(max_length=200, required=False)
    url = serializers.URLField(max_length=2048, required=False)
