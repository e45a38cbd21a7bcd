"""API shapes of coverage, the corroboration ledger, jobs (names from Appendix A) and
prior checks with their matches."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.validators import URLValidator
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from claims.models import Claim, Rating
from core.rest import InputSerializer, ReadSerializer, StrictCharField, StrictChoiceField
from corroboration.models import Coverage, Job, PriorCheck, PriorCheckMatch, Stance, rating_mappings
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


class StanceReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Why, in words (names whose denial it is, when it is one).")
    cue = serializers.CharField(help_text="The words that decided it: “This claim is false”, “denied”…")
    sentence = serializers.CharField(help_text="The sentence of the article the cue is in.")


class CoverageSerializer(ReadSerializer):
    article = CoverageArticleSerializer(read_only=True)
    origin_group = serializers.SerializerMethodField(
        help_text="Shared by an origin and its syndicated copies: the article id of the story's origin."
    )
    stance_reason = serializers.SerializerMethodField(
        help_text="Why the stance was suggested: the reason in words, the cue that decided it and the sentence "
        "it is in (empty strings when the suggestion rests on no single cue)."
    )
    excerpt_marks = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField(), min_length=2, max_length=2),
        read_only=True,
        help_text="[start, end) offsets into `excerpt` of the claim's words it holds (for highlighting).",
    )
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
            "echo_cue",
            "stance_reason",
            "excerpt_marks",
            "new_since_publication",
            "confirmed_by",
            "confirmed_at",
        ]
        read_only_fields = fields

    def get_origin_group(self, item: Coverage) -> int:
        return item.origin_group if item.origin_group is not None else origin_id(item.article)

    @extend_schema_field(StanceReasonSerializer)
    def get_stance_reason(self, item: Coverage) -> dict[str, str]:
        return {"reason": item.stance_reason, "cue": item.stance_cue, "sentence": item.stance_sentence}


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


# --- Prior checks --------------------------------------------------------------------------


class PriorCheckSerializer(ReadSerializer):
    """A fact-check another organisation published, with its verdict in its own words
    and, through the rating mapping, on our scale."""

    our_rating = serializers.SerializerMethodField(
        help_text="The publisher's rating on our scale (a rating value such as mostly_false); "
        "null when its wording is not in the mapping table."
    )
    our_rating_label = serializers.SerializerMethodField(help_text="The label of `our_rating`; null when unmapped.")

    class Meta:
        model = PriorCheck
        fields = [
            "id",
            "url",
            "title",
            "publisher_name",
            "publisher_site",
            "claim_reviewed",
            "claimant",
            "claim_date",
            "review_date",
            "rating_text",
            "our_rating",
            "our_rating_label",
            "appearance_url",
            "language",
            "found_by",
        ]
        read_only_fields = fields

    def _ours(self, check: PriorCheck) -> Rating | None:
        mapped = self.context.get("rating_mappings")
        if mapped is None:
            mapped = self.context["rating_mappings"] = rating_mappings()
        return mapped.get(check.rating_key)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_our_rating(self, check: PriorCheck) -> str | None:
        rating = self._ours(check)
        return rating.value if rating is not None else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_our_rating_label(self, check: PriorCheck) -> str | None:
        rating = self._ours(check)
        return rating.label if rating is not None else None


class PriorCheckMatchSerializer(ReadSerializer):
    """One prior check that may be about one of our claims: its score, why, and what a
    reviewer decided. Its `id` is what `POST /api/v1/prior-checks/{id}/confirm/` and
    `/reject/` take."""

    prior_check = PriorCheckSerializer(read_only=True)
    claim: serializers.PrimaryKeyRelatedField[Claim] = serializers.PrimaryKeyRelatedField(read_only=True)
    decided_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = PriorCheckMatch
        fields = ["id", "claim", "prior_check", "score", "reason", "state", "found_by", "decided_by", "decided_at"]
        read_only_fields = fields
        extra_kwargs = {
            "score": {
                "help_text": "How much of what distinguishes the claim the reviewed claim carries (0–1); "
                "null when not scored yet."
            },
            "state": {"help_text": "suggested, confirmed or rejected (by a reviewer)."},
        }


class PriorCheckImportUrlInput(InputSerializer):
    url = StrictCharField(
        max_length=2048,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="The address of a ClaimReview DataFeed, a JSON list of ClaimReviews, or a page with "
        "ClaimReview JSON-LD; fetched by the job.",
    )


class PriorCheckImportFileInput(InputSerializer):
    file = serializers.FileField(
        help_text="A ClaimReview DataFeed, a JSON or JSON-LD list of ClaimReviews, or a saved web page (at most 5 MB)."
    )
