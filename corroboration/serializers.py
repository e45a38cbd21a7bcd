"""API shapes of coverage, the corroboration ledger and jobs (names from Appendix A)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from claims.models import Claim
from core.rest import InputSerializer, ReadSerializer, StrictChoiceField
from corroboration.models import Coverage, Job, Stance
from corroboration.syndication import origin_id
from sources.models import Article, Outlet


class CoverageArticleSerializer(ReadSerializer):
    outlet = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = ["id", "url", "canonical_url", "title", "outlet", "published_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_outlet(self, article: Article) -> dict[str, Any] | None:
        outlet = article.outlet
        if outlet is None:
            return None
        return {
            "id": outlet.pk,
            "name": outlet.name,
            "is_wire": outlet.is_wire,
            "is_state_controlled": outlet.is_state_controlled,
        }


class CoverageSerializer(ReadSerializer):
    article = CoverageArticleSerializer(read_only=True)
    origin_group = serializers.SerializerMethodField(help_text="Shared by an origin and its syndicated copies.")
    echo_of: serializers.SlugRelatedField[Outlet] = serializers.SlugRelatedField(
        slug_field="name", read_only=True, allow_null=True
    )
    confirmed_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Coverage
        fields = [
            "id",
            "article",
            "score",
            "excerpt",
            "suggested_stance",
            "stance",
            "independence",
            "origin_group",
            "echo_of",
            "confirmed_by",
            "confirmed_at",
        ]
        read_only_fields = fields

    def get_origin_group(self, item: Coverage) -> int:
        return origin_id(item.article)


class StanceInput(InputSerializer):
    stance = StrictChoiceField(choices=Stance.choices, help_text="The reviewer's stance.")


class LedgerOutletSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    state_controlled = serializers.BooleanField()
    is_wire = serializers.BooleanField()
    independence = serializers.CharField()
    stance = serializers.CharField()
    articles = serializers.IntegerField()


# Served by the list route of /claims/{id}/corroboration/, but it is one object.
@extend_schema_serializer(many=False)
class LedgerSerializer(serializers.Serializer):
    origin = serializers.IntegerField(help_text="Articles of the story the claim first appeared in.")
    independent = serializers.IntegerField(help_text="Independent reports supporting the claim (one per story).")
    independent_confirmed = serializers.IntegerField(help_text="Of those, confirmed by a reviewer.")
    echoes = serializers.IntegerField(help_text="Reports re-citing another outlet's sources.")
    syndicated = serializers.IntegerField(help_text="Republished copies of a story.")
    denials = serializers.IntegerField()
    denials_confirmed = serializers.IntegerField()
    mentions = serializers.IntegerField()
    outlets = LedgerOutletSerializer(many=True)
    suggested_credibility = serializers.IntegerField(help_text="Admiralty information credibility, 1–6.")
    credibility_reason = serializers.CharField()


class JobSerializer(ReadSerializer):
    claim: serializers.PrimaryKeyRelatedField[Claim] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "claim",
            "status",
            "progress",
            "step",
            "attempts",
            "max_attempts",
            "counts",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields
