"""The default rating scale: six numeric verdicts, and Unproven, which has no place on
the scale and carries a re-check date. Used by the data migration that creates it."""

DEFAULT_SCALE = {"name": "Corroborate default", "best_rating": 6, "worst_rating": 1}

DEFAULT_RATINGS = [
    # value, label (also the ClaimReview alternateName), ratingValue, needs a re-check date
    ("true", "True", 6, False),
    ("mostly_true", "Mostly true", 5, False),
    ("half_true", "Half true", 4, False),
    ("misleading", "Misleading", 3, False),
    ("mostly_false", "Mostly false", 2, False),
    ("false", "False", 1, False),
    ("unproven", "Unproven", None, True),
]


def create_default_scale(RatingScale, Rating):
    scale, _ = RatingScale.objects.get_or_create(
        name=DEFAULT_SCALE["name"],
        defaults={
            "best_rating": DEFAULT_SCALE["best_rating"],
            "worst_rating": DEFAULT_SCALE["worst_rating"],
            "is_default": True,
        },
    )
    for position, (value, label, rating_value, needs_recheck) in enumerate(DEFAULT_RATINGS, start=1):
        Rating.objects.get_or_create(
            scale=scale,
            value=value,
            defaults={
                "label": label,
                "alternate_name": label,
                "rating_value": rating_value,
                "needs_recheck": needs_recheck,
                "position": position,
            },
        )
    return scale
