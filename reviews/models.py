"""Verdicts: the rating scale a newsroom publishes its verdicts on."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from config.history import tracked


class RatingScaleQuerySet(models.QuerySet["RatingScale"]):
    def default(self) -> RatingScale:
        return self.get(is_default=True)


@tracked()
class RatingScale(models.Model):
    name = models.CharField(max_length=100, unique=True)
    best_rating = models.SmallIntegerField(help_text="ClaimReview bestRating.")
    worst_rating = models.SmallIntegerField(help_text="ClaimReview worstRating.")
    is_default = models.BooleanField(default=False)

    objects = RatingScaleQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(best_rating__gt=F("worst_rating")), name="scale_best_above_worst"),
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="scale_one_default"),
        ]

    def __str__(self) -> str:
        return self.name


@tracked()
class Rating(models.Model):
    """One verdict on a scale, with what ClaimReview needs to export it."""

    scale = models.ForeignKey(RatingScale, on_delete=models.PROTECT, related_name="ratings")
    value = models.SlugField(max_length=50, help_text="Machine value used by the API: mostly_true.")
    label = models.CharField(max_length=100, help_text="What readers see: Mostly true.")
    alternate_name = models.CharField(max_length=100, help_text="ClaimReview alternateName.")
    rating_value = models.SmallIntegerField(
        null=True, blank=True, help_text="ClaimReview ratingValue; empty for a verdict with no place on the scale."
    )
    needs_recheck = models.BooleanField(
        default=False, help_text="A verdict that must carry a re-check date (Unproven)."
    )
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["scale", "position"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "value"], name="rating_value_unique_per_scale"),
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        if self.rating_value is None or self.scale_id is None:
            return
        scale = self.scale
        if not scale.worst_rating <= self.rating_value <= scale.best_rating:
            raise ValidationError(
                {
                    "rating_value": f"Must be between the scale's worst ({scale.worst_rating}) "
                    f"and best ({scale.best_rating}) rating."
                }
            )
