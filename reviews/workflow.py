"""The verification workflow: its states.

Claim status is separate from the verdict (the claim's rating). The transitions
between these states, who may take them and their guards are added with the
workflow services.
"""

from django.db import models


class Status(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    RESEARCHING = "researching", "Researching"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    REJECTED = "rejected", "Rejected"
