"""API shapes of track records. Every figure comes from the precomputed row; the
claims behind them are on the record's page (`page`)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from trackrecords.records import TOO_FEW, Part, Suggestion


class RatingCountSerializer(serializers.Serializer):
    rating = serializers.CharField(help_text="A rating value of our scale (true, mostly_true, … unproven).")
    # A field named like an attribute of DRF's Field, which a declared field may shadow.
    label = serializers.CharField()  # type: ignore[assignment]
    count = serializers.IntegerField(help_text="Claims with this published verdict.")
    counted_as = serializers.ChoiceField(
        choices=["true", "false", "mixed", "unproven"],
        help_text="true or false: counted in that share; mixed: judged, in neither share; unproven: not judged.",
    )


class RecordPartSerializer(serializers.Serializer):
    claims = serializers.IntegerField(help_text="Claims with a current published verdict, each counted once.")
    judged = serializers.IntegerField(
        help_text="Of those, the ones whose verdict has a place on the scale (not Unproven)."
    )
    by_rating = RatingCountSerializer(many=True)
    true_count = serializers.IntegerField(help_text="Rated true or mostly true.")
    false_count = serializers.IntegerField(help_text="Rated false or mostly false.")
    mixed_count = serializers.IntegerField(help_text="Rated half true or misleading: judged, in neither share.")
    unproven_count = serializers.IntegerField(help_text="Rated unproven: counted, judged neither way.")
    true_share = serializers.FloatField(
        allow_null=True, help_text=f"true_count / judged, 0–1; null when too few to judge (under {TOO_FEW} judged)."
    )
    false_share = serializers.FloatField(allow_null=True, help_text="false_count / judged, 0–1; null when too few.")
    too_few_to_judge = serializers.BooleanField(help_text=f"Fewer than {TOO_FEW} judged claims.")
    first_on = serializers.DateField(allow_null=True, help_text="The earliest claim's date (made, or first reported).")
    last_on = serializers.DateField(allow_null=True, help_text="The latest claim's date.")
    summary = serializers.CharField(help_text="The record in one line, as the pages show it.")


def part_data(part: Part) -> dict[str, Any]:
    return {
        "claims": part.claims,
        "judged": part.judged,
        "by_rating": [
            {"rating": r.value, "label": r.label, "count": r.count, "counted_as": r.side} for r in part.by_rating
        ],
        "true_count": part.true_count,
        "false_count": part.false_count,
        "mixed_count": part.mixed_count,
        "unproven_count": part.unproven,
        "true_share": part.true_share,
        "false_share": part.false_share,
        "too_few_to_judge": part.too_few_to_judge,
        "first_on": part.first_on,
        "last_on": part.last_on,
        "summary": part.line(),
    }


class OutletRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class DescriptorRecordSerializer(RecordPartSerializer):
    id = serializers.IntegerField(help_text="The descriptor record's id (its page: /outlets/{outlet}/anonymous/{id}/).")
    label = serializers.CharField(help_text="The wording the outlet's stories used most.")  # type: ignore[assignment]
    wordings = serializers.ListField(
        child=serializers.CharField(), help_text="Every wording grouped here (they differ only in count or wording)."
    )


class OutletTrackRecordSerializer(RecordPartSerializer):
    """An outlet's record: the claims whose first appearance it published."""

    outlet = OutletRefSerializer()
    anonymous = RecordPartSerializer(help_text="The same, for the claims resting on anonymous sources.")
    descriptors = DescriptorRecordSerializer(
        many=True, help_text="Per anonymous descriptor at this outlet (the outlet granted the anonymity, or ran it)."
    )
    computed_at = serializers.DateTimeField(allow_null=True, help_text="When these counts were made.")
    page = serializers.CharField(help_text="The full record, with the claims behind every figure.")


class SourceRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    reliability = serializers.CharField(help_text="The Admiralty grade set now (A–F).")


class ReliabilitySuggestionSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(choices=list("ABCDEF"), help_text="Admiralty source reliability; F: too few.")
    reason = serializers.CharField()


def suggestion_data(suggestion: Suggestion) -> dict[str, str]:
    return {"grade": suggestion.grade, "reason": suggestion.reason}


class SourceTrackRecordSerializer(RecordPartSerializer):
    """A source's record: the claims it made (claimant) or supported."""

    source = SourceRefSerializer()  # type: ignore[assignment]  # the API's name, shadowing Field.source
    anonymous = RecordPartSerializer(help_text="The same, for the claims resting on anonymous sources.")
    suggested_reliability = ReliabilitySuggestionSerializer(
        help_text="What the record suggests; never set by itself: an editor accepts it (the source page)."
    )
    computed_at = serializers.DateTimeField(allow_null=True)
    page = serializers.CharField(help_text="The full record, with the claims behind every figure.")
