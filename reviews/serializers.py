"""API shapes of reviews (draft and published verdicts) and workflow transitions."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from rest_framework import serializers

from claims.models import Attribution, Claim, Priority, Rating
from claims.serializers import ClaimSerializer
from core.rest import (
    InputSerializer,
    ReadSerializer,
    StrictBooleanField,
    StrictCharField,
    StrictChoiceField,
    StrictDateField,
    StrictIntegerField,
    StrictPrimaryKeyRelatedField,
    StrictSlugRelatedField,
)
from corroboration.models import PriorCheck
from reviews.models import AP_CONDITIONS, Confidence, Review, StandardsSignOff, Transition
from reviews.workflow import RejectReason, TransitionName
from sources.models import Article

# --- Read --------------------------------------------------------------------------------


class ReviewSerializer(ReadSerializer):
    author: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(slug_field="username", read_only=True)
    rating: serializers.SlugRelatedField[Rating] = serializers.SlugRelatedField(
        slug_field="value", read_only=True, allow_null=True
    )
    rating_label = serializers.CharField(source="rating.label", read_only=True, allow_null=True, default=None)
    is_draft = serializers.BooleanField(read_only=True)
    claim_version = serializers.IntegerField(
        source="claim.version", read_only=True, help_text="The claim's version now: send it with the next change."
    )

    class Meta:
        model = Review
        fields = [
            "id",
            "claim",
            "claim_version",
            "author",
            "rating",
            "rating_label",
            "confidence",
            "summary",
            "rationale",
            "evidence_attributions",
            "evidence_articles",
            "evidence_prior_checks",
            "evidence_urls",
            "recheck_on",
            "is_draft",
            "published_at",
            "withdrawn_at",
            "discarded_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class TransitionSerializer(ReadSerializer):
    """One row of the workflow log."""

    actor: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(slug_field="username", read_only=True)
    details = serializers.DictField(read_only=True, help_text="Reason codes, priority, assignee, rating…")

    class Meta:
        model = Transition
        fields = [
            "id",
            "claim",
            "name",
            "from_status",
            "to_status",
            "actor",
            "note",
            "review",
            "claim_version",
            "details",
            "created_at",
        ]
        read_only_fields = fields


class SignOffSerializer(ReadSerializer):
    """A standards editor's sign-off of a claim's anonymous sourcing."""

    signed_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(slug_field="username", read_only=True)
    claim_version = serializers.IntegerField(
        source="claim.version", read_only=True, help_text="The claim's version now: send it with the next change."
    )

    class Meta:
        model = StandardsSignOff
        fields = ["id", "claim", "claim_version", "signed_by", "signed_at", *AP_CONDITIONS, "note"]
        read_only_fields = fields


class TransitionResultSerializer(serializers.Serializer):
    transition = TransitionSerializer(help_text="The row written to the workflow log.")
    claim = ClaimSerializer(help_text="The claim after the transition, with its new version.")


# --- Write -------------------------------------------------------------------------------


class ReviewFieldsInput(InputSerializer):
    rating = StrictSlugRelatedField(
        slug_field="value",
        queryset=Rating.objects.filter(scale__is_default=True),
        required=False,
        allow_null=True,
        help_text="A rating value of the default scale: true, mostly_true, … unproven.",
    )
    confidence = StrictChoiceField(choices=Confidence.choices, required=False, allow_blank=True)
    summary = StrictCharField(required=False, allow_blank=True)
    rationale = StrictCharField(required=False, allow_blank=True)
    evidence_urls = serializers.ListField(child=serializers.URLField(max_length=2048), required=False, max_length=100)
    evidence_attributions = StrictPrimaryKeyRelatedField(
        queryset=Attribution.objects.all(), many=True, required=False, help_text="Attributions of this claim."
    )
    evidence_articles = StrictPrimaryKeyRelatedField(queryset=Article.objects.all(), many=True, required=False)
    evidence_prior_checks = StrictPrimaryKeyRelatedField(
        queryset=PriorCheck.objects.all(),
        many=True,
        required=False,
        help_text="Prior checks (ids) confirmed as about this claim: GET /api/v1/claims/{id}/prior-checks/.",
    )
    recheck_on = StrictDateField(required=False, allow_null=True, help_text="Required for Unproven.")
    version = StrictIntegerField(min_value=1, help_text="The claim's version you saw.")


class ReviewInput(ReviewFieldsInput):
    pass


class TransitionInput(InputSerializer):
    transition = StrictChoiceField(choices=TransitionName.choices)
    version = StrictIntegerField(min_value=1, help_text="The claim's version you saw.")
    note = StrictCharField(
        required=False, allow_blank=True, help_text="Required to send back, to reopen and to reject as other."
    )
    priority = StrictChoiceField(choices=Priority.choices, required=False, help_text="accept: 1 low … 4 urgent.")
    assignee = StrictSlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        help_text="accept: the reviewer to assign (username).",
    )
    reason = StrictChoiceField(choices=RejectReason.choices, required=False, help_text="reject: why.")
    duplicate_of = StrictPrimaryKeyRelatedField(
        queryset=Claim.objects.all(), required=False, help_text="reject as duplicate: the claim it duplicates."
    )


class SignOffInput(InputSerializer):
    """Every AP condition, each checked by the standards editor: all must hold."""

    version = StrictIntegerField(min_value=1, help_text="The claim's version you saw.")
    note = StrictCharField(required=False, allow_blank=True, max_length=5000)
    information_not_opinion = StrictBooleanField(help_text=AP_CONDITIONS["information_not_opinion"])
    not_obtainable_on_record = StrictBooleanField(help_text=AP_CONDITIONS["not_obtainable_on_record"])
    source_in_position_to_know = StrictBooleanField(help_text=AP_CONDITIONS["source_in_position_to_know"])
    reason_stated = StrictBooleanField(help_text=AP_CONDITIONS["reason_stated"])
