"""Verdicts and the workflow's records: the rating scale, reviews, assignments,
standards sign-offs and the append-only transition log."""

from __future__ import annotations

from typing import Any, TypedDict

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from claims.models import Claim, ClaimQuerySet, Status
from core.history import event_model, tracked
from corroboration.models import PriorCheck, PriorCheckMatch


class TransitionName(models.TextChoices):
    ACCEPT = "accept", "Accept"
    REJECT = "reject", "Reject"
    RESTORE = "restore", "Restore"
    SUBMIT_FOR_REVIEW = "submit_for_review", "Submit for review"
    SEND_BACK = "send_back", "Send back"
    PUBLISH = "publish", "Publish"
    REOPEN = "reopen", "Reopen for correction"


class RejectReason(models.TextChoices):
    NOT_CHECK_WORTHY = "not_check_worthy", "Not check-worthy"
    OPINION = "opinion", "Opinion, not a checkable fact"
    DUPLICATE = "duplicate", "Duplicate of another claim"
    OTHER = "other", "Other (explain in the note)"


class Confidence(models.TextChoices):
    """ICD 203 expressions of likelihood."""

    ALMOST_NO_CHANCE = "almost_no_chance", "Almost no chance (01–05%)"
    VERY_UNLIKELY = "very_unlikely", "Very unlikely (05–20%)"
    UNLIKELY = "unlikely", "Unlikely (20–45%)"
    ROUGHLY_EVEN = "roughly_even", "Roughly even chance (45–55%)"
    LIKELY = "likely", "Likely (55–80%)"
    VERY_LIKELY = "very_likely", "Very likely (80–95%)"
    ALMOST_CERTAIN = "almost_certain", "Almost certain (95–99%)"


class ReviewQuerySet(models.QuerySet["Review"]):
    def drafts(self) -> ReviewQuerySet:
        """Drafts still in play: not published, not discarded."""
        return self.filter(published_at__isnull=True, withdrawn_at__isnull=True, discarded_at__isnull=True)

    def kept(self) -> ReviewQuerySet:
        """Every review but the discarded drafts (which stay in the history)."""
        return self.filter(discarded_at__isnull=True)

    def current_verdicts(self) -> ReviewQuerySet:
        return self.filter(published_at__isnull=False, withdrawn_at__isnull=True)

    def worked_on_by(self, user: Any) -> ReviewQuerySet:
        """Reviews this person wrote or edited: the four-eyes rule says none of them may
        publish such a review. Edits are read from the review's change history (who
        saved each version), so an edit of the evidence alone counts too."""
        edited = event_model(Review)._default_manager.filter(
            pgh_obj=OuterRef("pk"), pgh_context__metadata__user=user.pk
        )
        return self.filter(Q(author=user) | Q(Exists(edited)))

    def awaiting_decision(self, claim: Claim) -> Review | None:
        """The review a submit or a publish acts on: the claim's most recently saved draft."""
        return (
            self.drafts()
            .filter(claim=claim)
            .select_related("rating")
            .prefetch_related("evidence_attributions", "evidence_articles", "evidence_prior_checks")
            .order_by("-updated_at", "-pk")
            .first()
        )


def unconfirmed_prior_checks(claim_id: int, checks: Any) -> list[PriorCheck]:
    """Of `checks`, those no reviewer has confirmed as about the claim: a review may cite
    another organisation's fact-check only once it is known to be about this claim."""
    confirmed = set(
        PriorCheckMatch.objects.confirmed().filter(claim_id=claim_id).values_list("prior_check_id", flat=True)
    )
    return [check for check in checks if check.pk not in confirmed]


def claims_awaiting_review_by(user: Any, claims: ClaimQuerySet | None = None) -> ClaimQuerySet:
    """Claims in review that this person may publish: the review up for decision (see
    `ReviewQuerySet.awaiting_decision`) is not one they worked on (four eyes)."""
    up_for_decision = (
        Review.objects.drafts().filter(claim=OuterRef("claim")).order_by("-updated_at", "-pk").values("pk")[:1]
    )
    theirs = Review.objects.worked_on_by(user).filter(claim=OuterRef("pk"), pk=Subquery(up_for_decision))
    return (
        (claims if claims is not None else Claim.objects.all()).filter(status=Status.IN_REVIEW).exclude(Exists(theirs))
    )


@tracked()
class Review(models.Model):
    """A reviewer's assessment of a claim: a draft until an editor publishes it."""

    claim = models.ForeignKey("claims.Claim", on_delete=models.PROTECT, related_name="reviews")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews")
    rating = models.ForeignKey("claims.Rating", null=True, blank=True, on_delete=models.PROTECT, related_name="reviews")
    confidence = models.CharField(
        max_length=20, choices=Confidence.choices, blank=True, help_text="How likely the verdict is right (ICD 203)."
    )
    summary = models.TextField(blank=True, help_text="One or two sentences a reader sees with the verdict.")
    rationale = models.TextField(blank=True, help_text="How the verdict was reached.")
    evidence_attributions = models.ManyToManyField(
        "claims.Attribution", blank=True, related_name="cited_by_reviews", verbose_name="attributions cited"
    )
    evidence_articles = models.ManyToManyField(
        "sources.Article", blank=True, related_name="cited_by_reviews", verbose_name="articles cited"
    )
    evidence_urls = ArrayField(
        models.URLField(max_length=2048), default=list, blank=True, verbose_name="other evidence (URLs)"
    )
    evidence_prior_checks = models.ManyToManyField(
        "corroboration.PriorCheck",
        blank=True,
        related_name="cited_by_reviews",
        verbose_name="prior checks cited",
        help_text="Fact-checks other organisations published, confirmed as about this claim.",
    )
    recheck_on = models.DateField("re-check on", null=True, blank=True, help_text="Required for Unproven.")
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When a reopened claim took this verdict back for correction."
    )
    discarded_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When its author or an editor discarded this draft."
    )
    ledger_at_publication = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text="The claim's corroboration ledger as it stood when this verdict was published (its counts, "
        "outlets and suggested credibility), for the public page.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(published_at__isnull=False, withdrawn_at__isnull=True),
                name="review_one_current_verdict_per_claim",
            ),
            models.CheckConstraint(
                condition=Q(confidence__in=[*Confidence.values, ""]), name="review_confidence_valid"
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(published_at__isnull=False),
                name="review_withdrawn_only_after_publishing",
            ),
            models.CheckConstraint(
                condition=Q(discarded_at__isnull=True) | Q(published_at__isnull=True),
                name="review_discarded_only_as_a_draft",
            ),
        ]

    def __str__(self) -> str:
        verdict = self.rating.label if self.rating is not None else "no rating yet"
        return f"Review of #{self.claim_id} by {self.author}: {verdict}"

    @property
    def is_draft(self) -> bool:
        return self.published_at is None and self.discarded_at is None

    def is_empty(self, evidence_count: int) -> bool:
        """Nothing written at all: no verdict, no words, no evidence, no date."""
        return not (
            self.rating_id
            or self.confidence
            or self.summary.strip()
            or self.rationale.strip()
            or self.recheck_on
            or evidence_count
        )

    @property
    def evidence_count(self) -> int:
        """Pieces of evidence; the caller prefetches the relations when counting many."""
        return (
            len(self.evidence_urls)
            + self.evidence_attributions.count()
            + self.evidence_articles.count()
            + self.evidence_prior_checks.count()
        )

    def clean(self) -> None:
        errors: dict[str, str] = {}
        rating = self.rating if self.rating_id else None
        if rating is not None:
            if rating.needs_recheck and not self.recheck_on:
                errors["recheck_on"] = f"A verdict of {rating.label} needs a re-check date."
            if not rating.needs_recheck and self.recheck_on:
                errors["recheck_on"] = f"Only a verdict like Unproven carries a re-check date, not {rating.label}."
        if errors:
            raise ValidationError(errors)

    def readiness_problems(self) -> list[str]:
        """What stops this draft from being submitted for review."""
        problems = []
        if not self.rating_id:
            problems.append("the review has no rating")
        if not self.rationale.strip():
            problems.append("the review has no rationale")
        if self.evidence_count == 0:
            problems.append("the review cites no evidence (an attribution, an article, a prior check or a URL)")
        unconfirmed = unconfirmed_prior_checks(self.claim_id, self.evidence_prior_checks.all())
        if unconfirmed:
            problems.append(
                "the review cites a prior check no longer confirmed as about this claim ("
                + ", ".join(check.publisher for check in unconfirmed)
                + ")"
            )
        return problems


@tracked()
class Assignment(models.Model):
    """Who works on a claim, who assigned them, and when. One open assignment per claim."""

    claim = models.ForeignKey("claims.Claim", on_delete=models.PROTECT, related_name="assignments")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-assigned_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim"], condition=Q(ended_at__isnull=True), name="assignment_one_open_per_claim"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignee} on #{self.claim_id}"


AP_CONDITIONS = {
    "information_not_opinion": "The material is information, not opinion or speculation.",
    "not_obtainable_on_record": "The information is not available except under the condition of anonymity.",
    "source_in_position_to_know": "The source is reliable and in a position to have direct knowledge.",
    "reason_stated": "The story says why the source was granted anonymity.",
}


class APConditions(TypedDict, total=False):
    """The AP conditions as a sign-off's keywords (the keys of AP_CONDITIONS); one left
    out is one not met."""

    information_not_opinion: bool
    not_obtainable_on_record: bool
    source_in_position_to_know: bool
    reason_stated: bool


class StandardsSignOffQuerySet(models.QuerySet["StandardsSignOff"]):
    def current_for(self, claim: Claim) -> StandardsSignOff | None:
        """The sign-off that covers the claim's sourcing as it is now: the latest one, if
        nothing it rests on has changed since (a later change needs a new sign-off)."""
        latest = self.filter(claim=claim).select_related("signed_by").order_by("-signed_at", "-pk").first()
        if latest is not None and latest.sourcing_fingerprint == claim.sourcing_fingerprint():
            return latest
        return None


class StandardsSignOff(models.Model):
    """A standards editor's sign-off of a claim's anonymous sourcing against the AP
    conditions. It holds for the sourcing as it was signed: a fingerprint of the
    attributions is kept, and any later change to them needs a new sign-off."""

    claim = models.ForeignKey("claims.Claim", on_delete=models.PROTECT, related_name="signoffs")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(default=timezone.now)
    information_not_opinion = models.BooleanField(AP_CONDITIONS["information_not_opinion"])
    not_obtainable_on_record = models.BooleanField(AP_CONDITIONS["not_obtainable_on_record"])
    source_in_position_to_know = models.BooleanField(AP_CONDITIONS["source_in_position_to_know"])
    reason_stated = models.BooleanField(AP_CONDITIONS["reason_stated"])
    note = models.TextField(blank=True)
    sourcing_fingerprint = models.CharField(max_length=64, editable=False)

    objects = StandardsSignOffQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_at"]
        verbose_name = "standards sign-off"
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    information_not_opinion=True,
                    not_obtainable_on_record=True,
                    source_in_position_to_know=True,
                    reason_stated=True,
                ),
                name="signoff_all_conditions_met",
                violation_error_message="Anonymous sourcing can be signed off only when every AP condition holds.",
            ),
        ]
        triggers = [pgtrigger.Protect(name="signoff_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"Sourcing of #{self.claim_id} signed off by {self.signed_by} on {self.signed_at:%d %b %Y}"


class Transition(models.Model):
    """The workflow log: one row per transition, written in the same transaction as
    the change it records. PostgreSQL refuses any UPDATE or DELETE of these rows."""

    claim = models.ForeignKey("claims.Claim", on_delete=models.PROTECT, related_name="transitions")
    name = models.CharField(max_length=20, choices=TransitionName.choices)
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="transitions")
    note = models.TextField(blank=True)
    review = models.ForeignKey(Review, null=True, blank=True, on_delete=models.PROTECT, related_name="transitions")
    claim_version = models.PositiveIntegerField(help_text="The claim's version after this transition.")
    sequence = models.PositiveIntegerField(
        help_text="The claim's transitions numbered 1, 2, 3… in the order they were taken (webhooks carry it)."
    )
    details = models.JSONField(default=dict, blank=True, help_text="Reason codes, priority, assignee…")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("accept_claim", "Can accept a claim for research"),
            ("reject_claim", "Can reject a claim"),
            ("restore_claim", "Can restore a rejected claim"),
            ("submit_claim_for_review", "Can submit a claim for review"),
            ("send_back_claim", "Can send a claim back to research"),
            ("publish_claim", "Can publish a verdict"),
            ("reopen_claim", "Can reopen a published claim for correction"),
            ("assign_reviewer", "Can assign reviewers"),
            ("sign_off_sourcing", "Can sign off anonymous sourcing"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(name__in=TransitionName.values), name="transition_name_valid"),
            models.UniqueConstraint(fields=["claim", "sequence"], name="transition_sequence_unique_per_claim"),
            models.CheckConstraint(
                condition=Q(from_status__in=Status.values, to_status__in=Status.values),
                name="transition_statuses_valid",
            ),
        ]
        triggers = [pgtrigger.Protect(name="transition_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"#{self.claim_id} {self.name}: {self.from_status} → {self.to_status}"
