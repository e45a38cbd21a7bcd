"""Extractions: a story read for claims, what the extractor suggested from it, and what
a person decided about each suggestion.

The extractor (extraction/extractor.py) only suggests. A suggestion stays `pending`
until someone accepts it (a claim is recorded, the story its first appearance),
dismisses it with a reason, or — when it matches a claim already tracked — adds the
story to that claim as an appearance."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.history import tracked
from core.models import ApiToken, Scope


class ExtractionQuerySet(models.QuerySet["Extraction"]):
    def visible_to(self, user: Any, token: ApiToken | None = None) -> ExtractionQuerySet:
        """The newsroom shares its extractions; a submit token sees only the ones it
        started (core/policy.py decides who may use extractions at all)."""
        if token is not None and token.scope == Scope.SUBMIT:
            return self.filter(requested_with=token)
        return self


# The text can be half a megabyte: the history records who asked for what and what
# became of it, not a copy of the text with every change.
@tracked(exclude=["text", "updated_at"])
class Extraction(models.Model):
    """One story read for claims: pasted as text, or fetched from its URL."""

    url = models.URLField("URL asked for", max_length=2048, blank=True)
    text = models.TextField(
        blank=True,
        help_text="What was read: the pasted text, or the article text extracted from the page. "
        "Every suggestion's offsets are positions in it.",
    )
    article = models.ForeignKey(
        "sources.Article",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="extractions",
        help_text="The stored article: the fetched page, or the pasted story once a suggestion from it is accepted.",
    )
    job = models.OneToOneField(
        "corroboration.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="extraction"
    )
    relations = models.JSONField(
        default=list, blank=True, help_text="Suggested relations between the suggestions (responses)."
    )
    skipped = models.JSONField(default=list, blank=True, help_text="What the extractor passed over, and why.")
    problem_code = models.CharField(max_length=30, blank=True)
    problem = models.TextField(blank=True, help_text="Why nothing could be read from it, for a person.")
    read_at = models.DateTimeField(null=True, blank=True, help_text="When its suggestions were stored.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    requested_with = models.ForeignKey(
        "core.ApiToken",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text="The API token that asked for it, if any (a submit token sees only its own).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ExtractionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(url="") | ~Q(text=""), name="extraction_has_text_or_url"),
        ]

    def __str__(self) -> str:
        what = self.url or (self.text[:60] + ("…" if len(self.text) > 60 else ""))
        return f"Extraction #{self.pk}: {what}"

    @property
    def status(self) -> str:
        """`reading` while its job runs (the suggestions are stored before the job has
        looked for the claims already tracked), then `read`, `refused` (nothing could be
        read: `problem` says why) or `failed` (the job's attempts ran out before the
        suggestions were stored: its error says why)."""
        if self.problem:
            return "refused"
        if self.job is not None and self.job.status in ("queued", "running"):
            return "reading"
        if self.read_at is not None:
            return "read"
        if self.job is not None and self.job.status == "failed":
            return "failed"
        return "reading"

    @property
    def title(self) -> str:
        if self.article is not None and self.article.title:
            return self.article.title
        # A pasted story's first words, past a "Date:" line.
        lines = [line.strip() for line in self.text[:2000].splitlines() if line.strip()]
        first = next((line for line in lines if not line.lower().startswith("date:")), "")
        return first[:120] or self.url or f"Extraction #{self.pk}"


class SuggestionState(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    ACCEPTED = "accepted", "Accepted: recorded as a claim"
    DISMISSED = "dismissed", "Dismissed"
    ADDED_AS_APPEARANCE = "added_as_appearance", "Already tracked: the story was added to that claim"


class SuggestionQuerySet(models.QuerySet["Suggestion"]):
    def pending(self) -> SuggestionQuerySet:
        return self.filter(state=SuggestionState.PENDING)


@tracked()
class Suggestion(models.Model):
    """One claim the extractor suggested, in its public shape, and what became of it."""

    extraction = models.ForeignKey(Extraction, on_delete=models.CASCADE, related_name="suggestions")
    position = models.PositiveIntegerField(help_text="Its place among the extraction's claims, from 0.")
    data = models.JSONField(help_text="The suggested claim: statement, quote, offsets, attributions with caveats.")
    start = models.PositiveIntegerField(help_text="Where its words start in the extraction's text.")
    end = models.PositiveIntegerField()
    sources = models.JSONField(
        default=list,
        blank=True,
        help_text="Who each attribution stands for, to record its source: the name (or an anonymous group's "
        "first description) and how the story first described it.",
    )
    tracked_claim = models.ForeignKey(
        "claims.Claim",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A claim already tracked that these words carry, found when the story was read.",
    )
    tracked_score = models.FloatField(null=True, blank=True)
    state = models.CharField(max_length=20, choices=SuggestionState.choices, default=SuggestionState.PENDING)
    claim = models.ForeignKey(
        "claims.Claim",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suggestions",
        help_text="The claim recorded from it, or the tracked claim the story was added to.",
    )
    reason = models.TextField(blank=True, help_text="Why it was dismissed.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_with = models.ForeignKey(
        "core.ApiToken", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["extraction", "position"]
        constraints = [
            models.UniqueConstraint(fields=["extraction", "position"], name="suggestion_once_per_position"),
            models.CheckConstraint(condition=Q(state__in=SuggestionState.values), name="suggestion_state_valid"),
            models.CheckConstraint(condition=Q(start__lt=models.F("end")), name="suggestion_span_not_empty"),
            # The state and what it points to go together: nothing half-decided.
            models.CheckConstraint(
                condition=(Q(state="pending") & Q(claim__isnull=True) & Q(reason=""))
                | (Q(state__in=["accepted", "added_as_appearance"]) & Q(claim__isnull=False))
                | (Q(state="dismissed") & Q(claim__isnull=True) & ~Q(reason="")),
                name="suggestion_state_matches_its_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"Suggestion {self.position} of extraction #{self.extraction_id} ({self.state})"

    @property
    def statement(self) -> str:
        return str(self.data.get("statement", ""))

    @property
    def attributions(self) -> list[dict[str, Any]]:
        return list(self.data.get("attributions", []))

    @property
    def pending(self) -> bool:
        return self.state == SuggestionState.PENDING


@tracked()
class AttributionSentence(models.Model):
    """Where an accepted attribution was read: the words of its claim and the source's
    mention, as offsets into the extraction's text — every recorded attribution can be
    traced back to the sentence it came from."""

    attribution = models.OneToOneField("claims.Attribution", on_delete=models.CASCADE, related_name="sentence")
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="sentences")
    start = models.PositiveIntegerField(help_text="The passage: from the first of the claim's words and the mention…")
    end = models.PositiveIntegerField(help_text="…to the last.")
    descriptor_start = models.PositiveIntegerField()
    descriptor_end = models.PositiveIntegerField()

    class Meta:
        ordering = ["suggestion", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=models.F("end")), name="attribution_sentence_not_empty"),
        ]

    def __str__(self) -> str:
        return f"attribution {self.attribution_id} ← characters {self.start}–{self.end} of {self.suggestion}"

    @property
    def words(self) -> str:
        return self.suggestion.extraction.text[self.start : self.end]
