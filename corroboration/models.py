"""What the coverage pipeline knows: which articles are copies of one story, which
articles carry a claim (and how), and the jobs that find them."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.history import tracked
from sources.models import ArticleProvider


class Syndication(models.Model):
    """Which story an article is a copy of. A wire story and its republications share
    one origin: they are one source, however many outlets ran them. An article that
    copies nothing earlier is its own origin."""

    article = models.OneToOneField(
        "sources.Article", primary_key=True, on_delete=models.CASCADE, related_name="syndication"
    )
    origin = models.ForeignKey("sources.Article", on_delete=models.CASCADE, related_name="copies")
    similarity = models.FloatField(default=1.0, help_text="Share of the shorter text found in the origin (0–1).")
    grouped_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(similarity__gte=0, similarity__lte=1), name="syndication_similarity_0_to_1"
            ),
        ]

    def __str__(self) -> str:
        return f"article {self.article_id} → origin {self.origin_id}"

    @property
    def is_origin(self) -> bool:
        return self.article_id == self.origin_id


class Stance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    DISPUTES = "disputes", "Disputes"
    MENTIONS = "mentions", "Mentions"
    UNRELATED = "unrelated", "Unrelated"


class CoverageIndependence(models.TextChoices):
    ORIGIN = "origin", "Origin (where the claim was first reported)"
    SYNDICATED = "syndicated", "Syndicated copy"
    ECHO = "echo", "Echo (re-cites another outlet's sources)"
    INDEPENDENT = "independent", "Independent"


@tracked(exclude=["updated_at"])
class Coverage(models.Model):
    """An article that carries a claim: how well, in which passage, with which stance
    (suggested by the pipeline, confirmed by a reviewer) and how independently."""

    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="coverage")
    article = models.ForeignKey("sources.Article", on_delete=models.CASCADE, related_name="coverage")
    score = models.FloatField(help_text="How much of the claim the best passage carries (0–1).")
    excerpt = models.TextField(help_text="The best passage.")
    suggested_stance = models.CharField(max_length=10, choices=Stance.choices)
    stance = models.CharField(
        max_length=10, choices=Stance.choices, blank=True, help_text="Confirmed by a reviewer; empty until then."
    )
    independence = models.CharField(
        max_length=12, choices=CoverageIndependence.choices, default=CoverageIndependence.INDEPENDENT
    )
    echo_of = models.ForeignKey(
        "sources.Outlet",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="echoed_by",
        help_text="The outlet whose reporting this article re-cites.",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-score", "pk"]
        verbose_name_plural = "coverage"
        permissions = [("confirm_coverage", "Can confirm or correct a coverage stance")]
        constraints = [
            models.UniqueConstraint(fields=["claim", "article"], name="coverage_once_per_claim_and_article"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=1), name="coverage_score_0_to_1"),
            models.CheckConstraint(
                condition=Q(suggested_stance__in=Stance.values) & Q(stance__in=[*Stance.values, ""]),
                name="coverage_stance_valid",
            ),
            models.CheckConstraint(
                condition=Q(independence__in=CoverageIndependence.values), name="coverage_independence_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.claim_id} ← {self.article}"

    @property
    def effective_stance(self) -> str:
        """The reviewer's stance when confirmed, else the suggestion."""
        return self.stance or self.suggested_stance

    @property
    def confirmed(self) -> bool:
        return bool(self.stance)


class JobKind(models.TextChoices):
    FIND_COVERAGE = "find_coverage", "Find coverage for a claim"
    FETCH_URL = "fetch_url", "Fetch a pasted URL and match it to a claim"
    MATCH_ARTICLES = "match_articles", "Match new articles to open claims"
    EXTRACT_CLAIMS = "extract_claims", "Suggest claims from an article"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


class JobQuerySet(models.QuerySet["Job"]):
    def active(self) -> JobQuerySet:
        return self.filter(status__in=ACTIVE)

    def stalled(self, *, now: datetime | None = None, queued_for: int = 60) -> JobQuerySet:
        """Jobs whose worker died (lease ran out) or whose message was lost (queued too long)."""
        now = now or timezone.now()
        return self.filter(
            Q(status=JobStatus.RUNNING, lease_until__lt=now)
            | Q(status=JobStatus.QUEUED, run_after__lt=now - timedelta(seconds=queued_for))
        )


class Job(models.Model):
    """The truth about a background job. Celery messages only carry its id: a worker
    claims the row with a conditional UPDATE and holds a lease it renews as it works,
    so a killed worker's job is picked up again and a duplicate message does nothing."""

    kind = models.CharField(max_length=20, choices=JobKind.choices)
    claim = models.ForeignKey("claims.Claim", null=True, blank=True, on_delete=models.CASCADE, related_name="jobs")
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=3)
    run_after = models.DateTimeField(default=timezone.now, help_text="Not to be run before this time.")
    lease_until = models.DateTimeField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True, help_text="What it is doing now, for people.")
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        permissions = [("start_job", "Can start coverage jobs")]
        constraints = [
            # Asking for coverage again while a search runs joins that search.
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(kind="find_coverage", status__in=ACTIVE),
                name="job_one_active_search_per_claim",
            ),
            models.CheckConstraint(condition=Q(status__in=JobStatus.values), name="job_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=JobKind.values), name="job_kind_valid"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="job_progress_0_to_100"),
            models.CheckConstraint(
                condition=~Q(status="running") | Q(lease_until__isnull=False), name="job_running_has_a_lease"
            ),
        ]
        indexes = [models.Index(fields=["status", "run_after"], name="job_status_due")]

    def __str__(self) -> str:
        target = f" for claim #{self.claim_id}" if self.claim_id else ""
        return f"{self.get_kind_display()}{target} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


class ExistingFactCheck(models.Model):
    """A fact-check another organisation already published about a claim like ours
    (Google Fact Check Tools). Kept and shown as such: it is someone else's verdict,
    never coverage that supports or disputes the claim."""

    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="existing_fact_checks")
    url = models.URLField("fact-check URL", max_length=2048)
    title = models.CharField(max_length=1000, blank=True)
    publisher_name = models.CharField(max_length=300, blank=True)
    publisher_site = models.CharField(max_length=253, blank=True)
    textual_rating = models.CharField(
        max_length=500, blank=True, help_text="The publisher's verdict in its own words (\u201cPants on Fire\u201d)."
    )
    review_date = models.DateTimeField(null=True, blank=True, help_text="Empty when the provider did not say.")
    claim_text = models.TextField(blank=True, help_text="The claim as the fact-checker worded it.")
    claimant = models.CharField(max_length=500, blank=True)
    claim_date = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=16, blank=True)
    query = models.CharField(max_length=500, blank=True, help_text="What we searched for.")
    provider = models.CharField(max_length=20, choices=ArticleProvider.choices, default=ArticleProvider.FACTCHECK_TOOLS)
    raw_payload = models.JSONField(null=True, blank=True, help_text="What the provider sent, kept for audit.")
    found_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-review_date", "-found_at"]
        # The table keeps the name it had when these lived in the sources app.
        db_table = "sources_existingfactcheck"
        constraints = [
            models.UniqueConstraint(fields=["claim", "url"], name="existing_fact_check_once_per_claim"),
        ]

    def __str__(self) -> str:
        return f"{self.publisher_name or self.publisher_site}: {self.textual_rating}"
