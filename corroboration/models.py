"""What the coverage pipeline knows: which articles are copies of one story, which
articles carry a claim (and how), the jobs that find them, and the fact-checks other
organisations already published (prior checks) with the claims of ours they match."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone

from claims.models import ClaimQuerySet
from core.history import tracked
from core.retention import unreferenced
from corroboration.rating_labels import rating_key


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
    # The article's five-word shingle hashes (fingerprint.pack_shingles) as they were
    # when it was grouped, so that a later copy is compared with it without reading and
    # shingling its text again. Empty (null) for an article grouped without text. Made
    # by text.shingles: were that to change, they would have to be made again.
    shingles = models.BinaryField(null=True, editable=False)

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


class ArticleBand(models.Model):
    """One locality-sensitive band of an article's MinHash fingerprint
    (`corroboration.fingerprint.band_keys`, hashed to 64 bits). Two copies of one story
    share at least one band, so a new article finds the copies already stored by an
    indexed equality lookup, however many articles the tracker holds."""

    # Derived from the article's text, for finding copies: not a use that keeps an
    # unused article from retention (core.retention.unreferenced).
    indexes_only = True

    article = models.ForeignKey("sources.Article", on_delete=models.CASCADE, related_name="bands")
    band = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "band"], name="article_band_once")]
        indexes = [models.Index(fields=["band"], name="article_band_lookup")]

    def __str__(self) -> str:
        return f"article {self.article_id} band {self.band}"


class ArticleMatching(models.Model):
    """How far matching an article to the open claims has got. Claims are taken in
    order of id, in chunks; `claims_through` is the last claim id whose chunk is
    written, so a retry after a crash or a time limit carries on from there. The
    article counts as matched only once `finished_at` is set."""

    article = models.OneToOneField(
        "sources.Article", primary_key=True, on_delete=models.CASCADE, related_name="matching"
    )
    claims_through = models.BigIntegerField(default=0, help_text="Claims up to this id are matched.")
    finished_at = models.DateTimeField(null=True, blank=True, help_text="When matching to every open claim finished.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["finished_at"], name="article_matching_finished")]

    def __str__(self) -> str:
        state = "matched" if self.finished_at else f"through claim {self.claims_through}"
        return f"article {self.article_id}: {state}"


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
    echo_cue = models.CharField(
        max_length=300, blank=True, help_text="The credit on the page that names the outlet it re-cites."
    )
    origin_group = models.PositiveBigIntegerField(
        null=True,
        blank=True,
        help_text="The article id of the origin of this page's story among the claim's coverage (its copies share it).",
    )
    stance_reason = models.TextField(blank=True, help_text="Why the stance was suggested, in words.")
    stance_cue = models.CharField(max_length=300, blank=True, help_text="The words that decided the suggestion.")
    stance_sentence = models.TextField(blank=True, help_text="The sentence the cue is in.")
    excerpt_marks = models.JSONField(
        default=list, blank=True, help_text="[start, end) offsets in the excerpt of the claim's words it holds."
    )
    new_since_publication = models.BooleanField(
        default=False,
        help_text="Found after the claim's verdict was published and not yet confirmed by a reviewer.",
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
    IMPORT_CLAIMREVIEWS = "import_claimreviews", "Import prior fact-checks (ClaimReview)"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


class JobQuerySet(models.QuerySet["Job"]):
    def active(self) -> JobQuerySet:
        return self.filter(status__in=ACTIVE)

    def prunable(self, cutoff: datetime) -> JobQuerySet:
        """Finished jobs last changed before `cutoff` that nothing points at (an
        extraction keeps the job that read it, and so does the history that names it):
        what retention deletes (core/retention.py, RETENTION_JOBS_DAYS)."""
        return self.filter(status__in=(JobStatus.DONE, JobStatus.FAILED), updated_at__lt=cutoff).filter(
            unreferenced(Job)
        )

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


# --- Prior checks: fact-checks other organisations already published ----------------------


@tracked(exclude=["updated_at"])
class RatingMapping(models.Model):
    """Which of our ratings a publisher's wording of a verdict stands for. Editors keep
    the table in the admin; a wording not in it stays as the publisher's text."""

    label = models.CharField(
        "wording",
        max_length=200,
        unique=True,
        help_text="The publisher's verdict, compared without case or punctuation (“pants on fire”).",
    )
    example = models.CharField(max_length=200, blank=True, help_text="The wording as a publisher writes it.")
    rating = models.ForeignKey("claims.Rating", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["rating__position", "label"]
        verbose_name = "rating mapping"
        constraints = [models.CheckConstraint(condition=~Q(label=""), name="rating_mapping_label_not_empty")]

    def __str__(self) -> str:
        return f"“{self.example or self.label}” → {self.rating}"

    def save(self, *args: object, **kwargs: object) -> None:
        # The key is what prior checks are looked up by: never stored unnormalised.
        self.label = rating_key(self.label)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class AliasKind(models.TextChoices):
    ENTITY = "entity", "Entity (a name: a party a claim is about)"
    WORDING = "wording", "Wording (what happened: never a party)"


class Alias(models.Model):
    """Another way news copy says something a claim says. An entity alias is another
    name for a party: "the Kremlin" or "Moscow" for Russia, "the Islamic Republic" for
    Iran. A wording is an equivalent of a predicate: "quit" or "stood down" for "step
    down", "acquire" for "buy" (matched on stems: list irregular forms on their own).
    Matching reads a claim and a page through this table, so a paraphrase that names
    the party or says what happened differently still carries the claim. Editors keep
    it in the admin; it starts with seed tables (migrations 0007 and 0009)."""

    kind = models.CharField(
        max_length=10,
        choices=AliasKind.choices,
        default=AliasKind.ENTITY,
        help_text="Entity: another name for a party. Wording: another way of saying what happened.",
    )
    name = models.CharField(
        max_length=200,
        help_text="The entity as claims name it (“Russia”), or the wording's canonical term (“step down”).",
    )
    alias = models.CharField(
        max_length=200,
        help_text="Another name for it (“the Kremlin”; short capitals such as “US” match only in capitals), "
        "or another way of saying it (“quit”, “stood down”).",
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "name", "alias"]
        verbose_name_plural = "aliases"
        constraints = [
            models.UniqueConstraint(Lower("name"), Lower("alias"), name="alias_once_per_name"),
            models.CheckConstraint(condition=~Q(name="") & ~Q(alias=""), name="alias_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.alias} → {self.name}"


def alias_mappings() -> dict[str, dict[str, list[str]]]:
    """The alias table as it is now, in one read: kind → name → its other forms."""
    tables: dict[str, dict[str, list[str]]] = {kind: {} for kind in AliasKind.values}
    rows = Alias.objects.order_by("kind", "name", "alias").values_list("kind", "name", "alias")
    for kind, name, alias in rows:
        tables[kind].setdefault(name, []).append(alias)
    return tables


def rating_mappings() -> dict[str, Any]:
    """The mapping table as it is now: wording key → our Rating."""
    return {m.label: m.rating for m in RatingMapping.objects.select_related("rating")}


class PriorCheckFoundBy(models.TextChoices):
    FACTCHECK_TOOLS = "factcheck_tools", "Google Fact Check Tools search"
    IMPORT = "import", "ClaimReview import"


class PriorCheckQuerySet(models.QuerySet["PriorCheck"]):
    def with_our_rating(self) -> PriorCheckQuerySet:
        """Each with `our_rating_id` through the mapping table as it is now (None: unmapped)."""
        mapping = RatingMapping.objects.filter(label=OuterRef("rating_key")).values("rating_id")[:1]
        return self.annotate(our_rating_id=models.Subquery(mapping))


@tracked(exclude=["updated_at", "search_vector"])
class PriorCheck(models.Model):
    """A fact-check another organisation published: its verdict on a claim, in its own
    words. Someone else's verdict, kept as such — never coverage, never ours. One row
    per review URL, however often it is imported or found, and however many of our
    claims it matches."""

    url = models.URLField("review URL", max_length=2048, unique=True)
    title = models.CharField(max_length=1000, blank=True)
    publisher_name = models.CharField(max_length=300, blank=True)
    publisher_site = models.CharField(max_length=253, blank=True)
    # Imports refuse an item without these two; only fact-checks found before prior
    # checks existed may lack them (Fact Check Tools does not always say).
    claim_reviewed = models.TextField(blank=True, help_text="The claim as the publisher worded it.")
    claimant = models.CharField(max_length=500, blank=True, help_text="Who made the claim, per the publisher.")
    claim_date = models.DateTimeField(null=True, blank=True, help_text="When the claim was made; empty if not given.")
    review_date = models.DateTimeField(null=True, blank=True, help_text="When the review was published.")
    rating_text = models.CharField(
        "rating", max_length=500, blank=True, help_text="The publisher's verdict in its own words (“Pants on Fire”)."
    )
    rating_key = models.CharField(max_length=200, editable=False, db_index=True)
    appearance_url = models.URLField("where the claim appeared", max_length=2048, blank=True)
    language = models.CharField(max_length=16, blank=True)
    found_by = models.CharField(max_length=20, choices=PriorCheckFoundBy.choices)
    found_in = models.CharField(
        max_length=500, blank=True, help_text="The file or address it was imported from, or what was searched for."
    )
    raw_payload = models.JSONField(null=True, blank=True, help_text="The item as published, kept for audit.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = models.GeneratedField(
        expression=SearchVector("claim_reviewed", weight="A", config="english")
        + SearchVector("title", weight="B", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = PriorCheckQuerySet.as_manager()

    class Meta:
        ordering = ["-review_date", "-created_at"]
        verbose_name = "prior check"
        permissions = [("import_priorchecks", "Can import prior checks (ClaimReview)")]
        constraints = [
            models.CheckConstraint(condition=Q(found_by__in=PriorCheckFoundBy.values), name="prior_check_found_by"),
        ]
        indexes = [GinIndex(fields=["search_vector"], name="prior_check_search_gin")]

    def __str__(self) -> str:
        return f"{self.publisher}: {self.rating_text}"

    @property
    def publisher(self) -> str:
        return self.publisher_name or self.publisher_site or "an unnamed publisher"


class MatchState(models.TextChoices):
    SUGGESTED = "suggested", "Suggested"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"


class MatchFoundBy(models.TextChoices):
    MATCHING = "matching", "Matching (distinguishing terms)"
    SEARCH = "search", "A search for this claim"


class PriorCheckMatchQuerySet(models.QuerySet["PriorCheckMatch"]):
    def standing(self) -> PriorCheckMatchQuerySet:
        """Matches a reviewer has not rejected: what the claim page and the dashboard flag."""
        return self.exclude(state=MatchState.REJECTED)

    def confirmed(self) -> PriorCheckMatchQuerySet:
        return self.filter(state=MatchState.CONFIRMED)


def claims_with_new_coverage(claims: ClaimQuerySet) -> ClaimQuerySet:
    """Published claims with coverage found after their verdict was published that no
    reviewer has confirmed yet: the public ledger is the one as it stood at publication,
    so an editor decides whether the new reporting changes the verdict."""
    return claims.filter(
        Exists(Coverage.objects.filter(claim=OuterRef("pk"), new_since_publication=True)), status="published"
    )


def claims_already_checked(claims: ClaimQuerySet) -> ClaimQuerySet:
    """The claims another organisation may already have checked: a match that no
    reviewer rejected."""
    return claims.filter(Exists(PriorCheckMatch.objects.standing().filter(claim=OuterRef("pk"))))


@tracked(exclude=["updated_at"])
class PriorCheckMatch(models.Model):
    """A prior check that may be about one of our claims: how well it matches, why, and
    what a reviewer decided (suggested until confirmed or rejected)."""

    prior_check = models.ForeignKey(PriorCheck, on_delete=models.CASCADE, related_name="matches")
    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="prior_check_matches")
    score = models.FloatField(
        null=True, blank=True, help_text="How much of what distinguishes our claim the reviewed claim carries (0–1)."
    )
    reason = models.TextField(help_text="Why it matches, in words.")
    found_by = models.CharField(max_length=10, choices=MatchFoundBy.choices, default=MatchFoundBy.MATCHING)
    state = models.CharField(max_length=10, choices=MatchState.choices, default=MatchState.SUGGESTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PriorCheckMatchQuerySet.as_manager()

    class Meta:
        ordering = ["-score", "pk"]
        verbose_name = "prior-check match"
        verbose_name_plural = "prior-check matches"
        permissions = [("decide_priorcheckmatch", "Can confirm or reject a prior-check match")]
        constraints = [
            models.UniqueConstraint(fields=["prior_check", "claim"], name="prior_check_match_once_per_claim"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=1), name="prior_check_match_score_0_to_1"
            ),
            models.CheckConstraint(condition=Q(state__in=MatchState.values), name="prior_check_match_state_valid"),
            models.CheckConstraint(
                condition=Q(found_by__in=MatchFoundBy.values), name="prior_check_match_found_by_valid"
            ),
            models.CheckConstraint(
                condition=Q(state="suggested") | Q(decided_at__isnull=False),
                name="prior_check_match_decision_has_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.claim_id} ~ {self.prior_check} ({self.state})"
