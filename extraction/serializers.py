"""API shapes of extractions: what a caller sends to start one or to decide on a
suggestion, and what they read back — the suggestions in the public shape of
`extract_claims --json` (product.md Appendix A), each with its state."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims.models import Access, Addresses, AnonymityReason, AttributionRole, Claim, ContentKind, RelationKind, Side
from claims.serializers import AttributionInput, ClaimFieldsInput
from core.rest import InputSerializer, StrictCharField, StrictChoiceField, StrictIntegerField
from core.rest import StrictPrimaryKeyRelatedField as IdField
from corroboration.serializers import JobSerializer
from extraction.extractor import MAX_CHARS
from extraction.models import Extraction, Suggestion, SuggestionState
from extraction.values import REPLIES
from sources.models import SourceKind

# --- Read: the public shape ---------------------------------------------------------------------


def _choice(choices: Any, *, null: bool = False, **kwargs: Any) -> serializers.ChoiceField:
    # The models' choices: the same values as extraction.values (a test keeps them so), and
    # in the schema the same enums as the claims they become.
    return serializers.ChoiceField(choices=choices, allow_null=null, **kwargs)


class SuggestedAttributionSerializer(serializers.Serializer):
    """An attribution as the extractor suggests it, with the anonymity caveat record
    (null for a named source)."""

    role = _choice(AttributionRole.choices)
    descriptor = serializers.CharField(help_text="The story's words for the source, verbatim: text[start:end].")
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    name = serializers.CharField(allow_null=True, help_text="The person's or body's name; null when anonymous.")
    source_kind = _choice(SourceKind.choices)
    anonymous = serializers.BooleanField()
    count = serializers.IntegerField(allow_null=True, help_text="How many sources the story says there are.")
    access = _choice(Access.choices, null=True)
    reason = _choice(AnonymityReason.choices, null=True)
    reason_text = serializers.CharField(allow_null=True)
    condition = serializers.CharField(allow_null=True)
    stated_limits = serializers.CharField(allow_null=True)
    side = _choice(Side.choices, null=True)
    reply = _choice(list(REPLIES), null=True, help_text="For a response.")
    cue = serializers.CharField(help_text="The words or rule that produced it.")


class TrackedClaimSerializer(serializers.Serializer):
    claim = serializers.IntegerField(source="tracked_claim_id")
    statement = serializers.CharField(source="tracked_claim.statement")
    score = serializers.FloatField(source="tracked_score", help_text="How much of the tracked claim the words carry.")


class SuggestionSerializer(serializers.Serializer):
    """One suggested claim (`n`, its position in `claims`, names it in the URLs) and
    what a person decided about it."""

    statement = serializers.CharField(source="data.statement", help_text="The proposition, restated.")
    quote = serializers.CharField(source="data.quote", help_text="The words verbatim: text[start:end].")
    start = serializers.IntegerField(source="data.start")
    end = serializers.IntegerField(source="data.end")
    content_type = _choice(ContentKind.choices, source="data.content_type")
    cue = serializers.CharField(source="data.cue")
    attributions = SuggestedAttributionSerializer(many=True, source="data.attributions")
    state = serializers.ChoiceField(choices=SuggestionState.choices)
    claim = serializers.IntegerField(
        source="claim_id", allow_null=True, help_text="The claim recorded from it, or the one the story was added to."
    )
    reason = serializers.CharField(help_text="Why it was dismissed.")
    already_tracked = serializers.SerializerMethodField(
        help_text="A claim already tracked that these words carry: add the story to it rather than record it again."
    )
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True, help_text="Who decided.")
    decided_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(TrackedClaimSerializer(allow_null=True))
    def get_already_tracked(self, suggestion: Suggestion) -> dict[str, Any] | None:
        if suggestion.tracked_claim_id is None or not suggestion.pending:
            return None
        return dict(TrackedClaimSerializer(suggestion).data)


class SuggestedRelationSerializer(serializers.Serializer):
    from_ = serializers.IntegerField(help_text="The response: a position in `claims`.")
    to = serializers.IntegerField(help_text="The claim it may answer: a position in `claims`.")
    kind = _choice(RelationKind.choices)
    addresses = _choice(Addresses.choices, null=True, help_text="A guess by shared words, to be judged.")
    cue = serializers.CharField()

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")  # "from" is a Python keyword; bound as "from", it reads "from"
        return {name: fields[name] for name in ("from", "to", "kind", "addresses", "cue")}


class SkippedSerializer(serializers.Serializer):
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    why = serializers.CharField()


class ExtractionSerializer(serializers.ModelSerializer):
    """An extraction: while its job runs, `status` is `reading` and `job` shows the
    progress; then `text` and the suggestions (`claims`), `relations` and `skipped`."""

    status = serializers.ChoiceField(
        choices=["reading", "read", "refused", "failed"],
        read_only=True,
        help_text="reading (the job runs), read, refused (`problem` says why) or failed (see `job.error`).",
    )
    job = JobSerializer(read_only=True, allow_null=True)
    claims = SuggestionSerializer(many=True, read_only=True, source="suggestions")
    relations = SuggestedRelationSerializer(many=True, read_only=True)
    skipped = SkippedSerializer(many=True, read_only=True)
    requested_by = serializers.CharField(source="requested_by.username", read_only=True, allow_null=True)

    class Meta:
        model = Extraction
        fields = [
            "id",
            "url",
            "status",
            "problem",
            "problem_code",
            "article",
            "job",
            "text",
            "claims",
            "relations",
            "skipped",
            "requested_by",
            "created_at",
            "read_at",
        ]
        read_only_fields = fields


class ExtractionStartedSerializer(JobSerializer):
    """The job reading the story, and `extraction`: the id to GET once it is done."""

    extraction = serializers.IntegerField(source="extraction.pk", read_only=True)

    class Meta(JobSerializer.Meta):
        fields = [*JobSerializer.Meta.fields, "extraction"]
        read_only_fields = fields


# --- Write ----------------------------------------------------------------------------------------


class ExtractionInput(InputSerializer):
    text = StrictCharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,  # the offsets are into the text as sent
        max_length=MAX_CHARS,
        error_messages={"max_length": "The text is too long: at most {max_length} characters can be read at once."},
        help_text="The story's text (paragraphs separated by a blank line).",
    )
    url = StrictCharField(
        required=False, allow_blank=True, max_length=2048, help_text="Or the page's address (http or https)."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not (attrs.get("text") or "").strip() and not (attrs.get("url") or "").strip():
            raise serializers.ValidationError({"text": ["Send the story's text, or its url."]})
        return attrs


class AcceptAttributionInput(AttributionInput):
    suggested = StrictIntegerField(
        required=False,
        min_value=0,
        help_text="The suggested attribution this one stands for (its position in the suggestion's attributions), "
        "which links it to the sentence it was read from.",
    )


class KeptRelationInput(InputSerializer):
    relation = StrictIntegerField(min_value=0, help_text="A suggested relation: its position in `relations`.")
    addresses = StrictChoiceField(
        choices=Addresses.choices,
        required=False,
        allow_blank=True,
        help_text="Your judgement, for responds_to: does the response address the same proposition?",
    )


class SuggestionAcceptInput(ClaimFieldsInput):
    """Accept a suggestion, with any edits. Left out, a field keeps what was suggested;
    `attributions`, if sent, replace the suggested ones."""

    first_appearance = None  # type: ignore[assignment]  # the story itself is the first appearance
    appearances = None  # type: ignore[assignment]
    statement = StrictCharField(required=False, help_text="The proposition restated neutrally.")
    attributions = AcceptAttributionInput(many=True, required=False, allow_empty=False)
    relations = KeptRelationInput(
        many=True, required=False, help_text="The suggested relations you keep; the others are not recorded."
    )
    url = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=2048,
        help_text="For pasted text: where the story was published (it is kept as an article without a URL otherwise).",
    )
    title = StrictCharField(required=False, allow_blank=True, max_length=1000, help_text="For pasted text: its title.")


class SuggestionDismissInput(InputSerializer):
    reason = StrictCharField(max_length=2000, help_text="Why: an opinion, a schedule, already checked…")


class SuggestionAppearanceInput(InputSerializer):
    claim = IdField(
        queryset=Claim.objects.all(), required=False, help_text="The tracked claim (default: the one it matched)."
    )
    url = StrictCharField(required=False, allow_blank=True, max_length=2048)
    title = StrictCharField(required=False, allow_blank=True, max_length=1000)
