"""API shapes of claims, their attributions (with the anonymity caveat record) and
relations: what is read, and what a caller sends to record or change them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from rest_framework import serializers

from claims.models import (
    Access,
    AnonymityReason,
    Attribution,
    AttributionRole,
    Claim,
    ClaimRelation,
    ContentKind,
    Credibility,
    Priority,
    Rating,
    ResponseKind,
    Side,
    SourcesIndependence,
)
from core.policy import visible_through
from core.rest import (
    InputSerializer,
    NewsroomOnlyFields,
    ReadSerializer,
    StrictBooleanField,
    StrictCharField,
    StrictChoiceField,
    StrictDateField,
    StrictIntegerField,
    StrictPrimaryKeyRelatedField,
)
from sources.models import Article, Outlet, Source, SourceKind
from sources.serializers import SourceSummarySerializer

# --- Read --------------------------------------------------------------------------------


class CalledSource:
    """A nested serializer whose `source` names a method to call (`caveat_warnings`,
    `sourcing`). DRF would inspect the method's signature on every row to find out
    whether it may call it (about 400 times for a page of 100 claims); this calls it."""

    def get_attribute(self, instance: Any) -> Any:
        return getattr(instance, self.source)()  # type: ignore[attr-defined]  # a Field's source


class CaveatWarningListSerializer(CalledSource, serializers.ListSerializer):
    pass


class CaveatWarningSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="anonymous_opinion or caveats_incomplete.")
    message = serializers.CharField()

    class Meta:
        list_serializer_class = CaveatWarningListSerializer


class AttributionSerializer(ReadSerializer):
    """An attribution with its anonymity caveat record (empty for a named source)."""

    source = SourceSummarySerializer(read_only=True)  # type: ignore[assignment]  # who said it
    warnings = CaveatWarningSerializer(
        many=True,
        read_only=True,
        source="caveat_warnings",
        help_text="Standards concerns; unless overridden they block publishing.",
    )
    warnings_overridden = serializers.BooleanField(read_only=True)
    claim_version = serializers.IntegerField(
        source="claim.version", read_only=True, help_text="The claim's version now: send it with the next change."
    )

    class Meta:
        model = Attribution
        fields = [
            "id",
            "claim",
            "claim_version",
            "role",
            "source",
            "attribution_text",
            "quote",
            "said_on",
            "article",
            "response",
            # The anonymity caveat record.
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
            "warnings",
            "warnings_overridden",
            "warnings_override_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SourcingSerializer(CalledSource, serializers.Serializer):
    """What the claim rests on: "1 named · 2 anonymous · caveats complete"."""

    named = serializers.IntegerField(help_text="Named sources.")
    anonymous = serializers.IntegerField(help_text="Anonymous sources, as many as the stories count.")
    warnings = serializers.IntegerField(help_text="Unresolved caveat warnings.")
    incomplete = serializers.BooleanField(help_text="An anonymous attribution's caveat record is incomplete.")
    summary = serializers.CharField(source="*")


class ClaimSerializer(NewsroomOnlyFields, ReadSerializer):
    rating: serializers.SlugRelatedField[Rating] = serializers.SlugRelatedField(
        slug_field="value", read_only=True, allow_null=True, help_text="The published verdict: mostly_true…"
    )
    rating_label = serializers.CharField(source="rating.label", read_only=True, allow_null=True, default=None)
    assignee: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    attributions = AttributionSerializer(many=True, read_only=True)
    sourcing = SourcingSerializer(read_only=True)
    rests_on_anonymous_sourcing = serializers.BooleanField(read_only=True)

    class Meta:
        model = Claim
        fields = [
            "id",
            "statement",
            "quote",
            "made_on",
            "context",
            "language",
            "tags",
            "priority",
            "status",
            "rating",
            "rating_label",
            "recheck_on",
            "version",
            "assignee",
            "first_appearance",
            "appearances",
            "attributions",
            "sourcing",
            "rests_on_anonymous_sourcing",
            "first_published_at",
            "published_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        newsroom_only = ["assignee"]


class RelatedClaimSerializer(ReadSerializer):
    class Meta:
        model = Claim
        fields = ["id", "statement", "status"]
        read_only_fields = fields


class ClaimRelationSerializer(ReadSerializer):
    from_claim = RelatedClaimSerializer(read_only=True)
    to_claim = RelatedClaimSerializer(read_only=True)

    class Meta:
        model = ClaimRelation
        fields = ["id", "kind", "addresses", "note", "from_claim", "to_claim", "created_at"]
        read_only_fields = fields


class HistoryEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    user = serializers.CharField(source="username", help_text='Who made the change ("system" for jobs).')
    model = serializers.CharField(help_text="Claim, Attribution, ClaimRelation, Review…")
    object_id = serializers.CharField()
    action = serializers.CharField(help_text="created, changed or deleted.")
    changes = serializers.DictField(
        child=serializers.ListField(child=serializers.JSONField(), min_length=2, max_length=2),
        help_text="For a change: field → [before, after].",
    )


# --- Write -------------------------------------------------------------------------------


class CallerScopedField(StrictPrimaryKeyRelatedField):
    """An id that must name something the caller may see: a submit token cannot probe
    for sources, articles or outlets outside its own claims."""

    reached_by: list[str] = []

    def get_queryset(self) -> Any:
        view = self.context["view"]
        assert self.queryset is not None  # every such field is given one
        return visible_through(self.queryset.all(), view.request.user, view.token, via=self.reached_by)


class VisibleSourceField(CallerScopedField):
    reached_by = ["attributions__claim"]


class VisibleArticleField(CallerScopedField):
    reached_by = ["claims", "first_claims", "attributions__claim"]


class VisibleOutletField(CallerScopedField):
    reached_by = ["sources__attributions__claim", "granted_anonymity__claim", "articles__claims"]


class NewSourceInput(InputSerializer):
    """A source not yet in the catalogue, created with the attribution."""

    kind = StrictChoiceField(choices=SourceKind.choices)
    name = StrictCharField(max_length=300)
    title = StrictCharField(max_length=300, required=False, allow_blank=True)
    affiliation = StrictCharField(max_length=300, required=False, allow_blank=True)


def _text(max_length: int | None = None, **kwargs: Any) -> StrictCharField:
    if max_length is not None:
        kwargs["max_length"] = max_length
    return StrictCharField(required=False, allow_blank=True, **kwargs)


def _choice(choices: Any, **kwargs: Any) -> StrictChoiceField:
    return StrictChoiceField(choices=choices, required=False, allow_blank=True, **kwargs)


class AttributionFieldsInput(InputSerializer):
    """The fields of an attribution, all optional (a change sends only what changes)."""

    # A field named `source` (who said it), not DRF's Field.source.
    source = VisibleSourceField(  # type: ignore[assignment]
        queryset=Source.objects.all(), required=False, help_text="An existing source's id."
    )
    new_source = NewSourceInput(required=False, help_text="Or a new source, created with the attribution.")
    role = StrictChoiceField(choices=AttributionRole.choices, required=False)
    attribution_text = _text(500, help_text="Verbatim, as the story attributes it.")
    quote = _text()
    said_on = StrictDateField(required=False, allow_null=True)
    article = VisibleArticleField(queryset=Article.objects.all(), required=False, allow_null=True)
    response = _choice(ResponseKind.choices, help_text="For role responds: confirms, denies…")
    sources_claimed = StrictIntegerField(required=False, allow_null=True, min_value=1, max_value=1000)
    independence = _choice(SourcesIndependence.choices)
    access = _choice(Access.choices)
    anonymity_reason = _choice(AnonymityReason.choices)
    anonymity_reason_text = _text(500)
    condition_text = _text(500)
    stated_limits = _text()
    side = _choice(Side.choices)
    motive = _text(500)
    content_type = _choice(ContentKind.choices)
    granted_by = VisibleOutletField(queryset=Outlet.objects.all(), required=False, allow_null=True)
    identity_known_to_editor = StrictBooleanField(required=False, allow_null=True)
    vouching_note = _text(500)
    credibility = StrictChoiceField(choices=Credibility.choices, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "source" in attrs and "new_source" in attrs:
            raise serializers.ValidationError({"new_source": ["Give an existing source or a new one, not both."]})
        return attrs


class AttributionInput(AttributionFieldsInput):
    """A new attribution: who (a source), in what role."""

    role = StrictChoiceField(choices=AttributionRole.choices)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if "source" not in attrs and "new_source" not in attrs:
            raise serializers.ValidationError({"source": ["Give the id of a source, or a new_source."]})
        return attrs


class AttributionCreateInput(AttributionInput):
    version = StrictIntegerField(min_value=1, help_text="The claim's version you saw.")


class AttributionUpdateInput(AttributionFieldsInput):
    version = StrictIntegerField(min_value=1, help_text="The claim's version you saw.")


class ClaimFieldsInput(InputSerializer):
    quote = _text(help_text="The words exactly as published.")
    made_on = StrictDateField(required=False, allow_null=True)
    first_appearance = VisibleArticleField(queryset=Article.objects.all(), required=False, allow_null=True)
    appearances = VisibleArticleField(queryset=Article.objects.all(), many=True, required=False)
    context = _text()  # type: ignore[assignment]  # the claim's context, not a serializer's
    language = StrictCharField(max_length=16, required=False)
    tags = serializers.ListField(child=StrictCharField(max_length=50), required=False, max_length=50)
    priority = StrictChoiceField(choices=Priority.choices, required=False, help_text="1 low … 4 urgent.")


class ClaimCreateInput(ClaimFieldsInput):
    statement = StrictCharField(help_text="The proposition restated neutrally, as one checkable sentence.")
    attributions = AttributionInput(
        many=True, allow_empty=False, help_text="Who said it: exactly one with role claimant, any others."
    )


class ClaimUpdateInput(ClaimFieldsInput):
    version = StrictIntegerField(min_value=1, help_text="The claim's version you saw.")
    statement = StrictCharField(required=False)
