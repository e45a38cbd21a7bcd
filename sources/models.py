"""Who information comes from (sources), who publishes it (outlets), the pieces of
coverage themselves (articles), the feeds they arrive by, and fact-checks others
already published (existing fact-checks)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, router
from django.db.models import Q
from django.db.models.constants import OnConflict
from django.db.models.functions import Lower
from django.utils import timezone

from core.history import tracked
from core.retention import unreferenced


class Ownership(models.TextChoices):
    INDEPENDENT = "independent", "Independent"
    PUBLIC_BROADCASTER = "public_broadcaster", "Public broadcaster"
    STATE_CONTROLLED = "state_controlled", "State-controlled"
    PARTY = "party", "Party-owned"
    UNKNOWN = "unknown", "Unknown"


@tracked()
class Outlet(models.Model):
    """A news organisation."""

    name = models.CharField(max_length=200)
    domains = ArrayField(
        models.CharField(max_length=253),
        default=list,
        blank=True,
        help_text="Domains the outlet publishes under, without scheme or www (apnews.com).",
    )
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code (US, RU).")
    ownership = models.CharField(max_length=20, choices=Ownership.choices, default=Ownership.UNKNOWN)
    is_wire = models.BooleanField("wire service", default=False, help_text="AP, Reuters, AFP…")
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="outlet_name_unique_ci"),
            models.CheckConstraint(condition=Q(ownership__in=Ownership.values), name="outlet_ownership_valid"),
        ]
        indexes = [GinIndex(fields=["domains"], name="outlet_domains_gin")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_state_controlled(self) -> bool:
        return self.ownership == Ownership.STATE_CONTROLLED


class SourceKind(models.TextChoices):
    PERSON = "person", "Named person"
    ORGANIZATION = "organization", "Organisation"
    ANONYMOUS_GROUP = "anonymous_group", "Anonymous source(s)"
    DOCUMENT = "document", "Document"


def is_anonymous_kind(kind: str) -> bool:
    """A source of this kind is anonymous (its attributions carry the caveat record)."""
    return kind == SourceKind.ANONYMOUS_GROUP


class Reliability(models.TextChoices):
    """Admiralty (NATO AJP-2.1) source reliability."""

    A = "A", "A — completely reliable"
    B = "B", "B — usually reliable"
    C = "C", "C — fairly reliable"
    D = "D", "D — not usually reliable"
    E = "E", "E — unreliable"
    F = "F", "F — reliability cannot be judged"


class SourceQuerySet(models.QuerySet["Source"]):
    def anonymous(self) -> SourceQuerySet:
        return self.filter(kind=SourceKind.ANONYMOUS_GROUP)

    def named(self) -> SourceQuerySet:
        return self.exclude(kind=SourceKind.ANONYMOUS_GROUP)


@tracked()
class Source(models.Model):
    """Who or what information comes from: a named person, an organisation, a
    document, or an anonymous group as the story describes it."""

    kind = models.CharField(max_length=20, choices=SourceKind.choices)
    name = models.CharField(
        max_length=300,
        help_text=(
            'For an anonymous group, the description the story gives ("officials familiar with U.S. intelligence").'
        ),
    )
    title = models.CharField(max_length=300, blank=True, help_text="Kremlin spokesman, professor…")
    affiliation = models.CharField(max_length=300, blank=True, help_text="Kremlin, King's College London…")
    outlet = models.ForeignKey(
        Outlet,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sources",
        help_text="When the source is a news organisation itself (its own reporting).",
    )
    reliability = models.CharField(
        "source reliability",
        max_length=1,
        choices=Reliability.choices,
        default=Reliability.F,
        help_text="Admiralty grade. F (cannot be judged) until there is a track record.",
    )
    reliability_note = models.TextField(blank=True, help_text="Why this grade.")
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=SourceKind.values), name="source_kind_valid"),
            models.CheckConstraint(condition=Q(reliability__in=Reliability.values), name="source_reliability_a_to_f"),
        ]

    def __str__(self) -> str:
        if self.title and self.kind == SourceKind.PERSON:
            return f"{self.name}, {self.title}"
        return self.name

    @property
    def is_anonymous(self) -> bool:
        return is_anonymous_kind(self.kind)


class ArticleProvider(models.TextChoices):
    MANUAL = "manual", "Entered by hand"
    FEED = "feed", "RSS/Atom feed"
    GDELT = "gdelt", "GDELT DOC 2.0"
    FACTCHECK_TOOLS = "factcheck_tools", "Google Fact Check Tools"
    MEDIACLOUD = "mediacloud", "Media Cloud"
    URL = "url", "URL pasted by a reviewer"
    PASTED = "pasted", "Text pasted by a reviewer"
    DEMO = "demo", "Demo fixture"


class ArticleQuerySet(models.QuerySet["Article"]):
    def prunable(self, cutoff: datetime) -> ArticleQuerySet:
        """Articles stored, and last changed, before `cutoff` that nothing points at: no
        claim's first appearance, appearances or attributions, no coverage, no review's
        evidence, no extraction, no copy of it grouped with it, and no entry in the
        change history (core.retention.unreferenced works this out from the models, so a
        use added later keeps its articles too). What retention deletes
        (RETENTION_ARTICLES_DAYS); every article a claim uses is kept for ever."""
        return self.filter(seen_at__lt=cutoff, updated_at__lt=cutoff).filter(unreferenced(Article))


class Article(models.Model):
    """One piece of coverage, fetched or entered by hand.

    An article is known by its canonical URL, stored once. The one exception is a
    story a reviewer pasted without saying where it was published: it has no address
    (NULL, which the unique constraint lets repeat) and is known by its text alone."""

    canonical_url = models.URLField(max_length=2048, unique=True, null=True, blank=True)
    url = models.URLField("URL seen", max_length=2048, blank=True)
    outlet = models.ForeignKey(Outlet, null=True, blank=True, on_delete=models.PROTECT, related_name="articles")
    title = models.CharField(max_length=1000, blank=True)
    byline = models.CharField(max_length=500, blank=True)
    dateline = models.CharField(max_length=200, blank=True, help_text="Where it was filed from (MOSCOW).")
    published_at = models.DateTimeField(null=True, blank=True)
    seen_at = models.DateTimeField(auto_now_add=True)
    # When the record last changed: a published ClaimReview that shows this article (as
    # an appearance or as evidence) is modified then too.
    updated_at = models.DateTimeField(auto_now=True)
    language = models.CharField(max_length=16, blank=True, default="en")
    summary = models.TextField(blank=True, help_text="A short summary in the newsroom's own words.")
    text = models.TextField(blank=True, help_text="Extracted plain text.")
    fingerprint = models.CharField(max_length=64, blank=True, db_index=True)
    provider = models.CharField(max_length=20, choices=ArticleProvider.choices, default=ArticleProvider.MANUAL)
    raw_payload = models.JSONField(null=True, blank=True, help_text="What the provider sent, kept for audit.")
    search_vector = models.GeneratedField(
        expression=SearchVector("title", weight="A", config="english")
        + SearchVector("summary", "text", weight="B", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-seen_at"]
        indexes = [GinIndex(fields=["search_vector"], name="article_search_gin")]
        constraints = [
            # Without an address, the text is all there is of it.
            models.CheckConstraint(
                condition=Q(canonical_url__isnull=False) | ~Q(text=""),
                name="article_has_an_address_or_its_text",
                violation_error_message="An article without a URL needs its text.",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.canonical_url or f"Pasted text #{self.pk}"

    def _do_insert(self, manager: Any, using: Any, fields: Any, returning_fields: Any, raw: Any) -> Any:
        # Django reads every generated column back after an INSERT; the search vector of
        # a whole story is large and nothing that stores an article reads it. It is left
        # deferred instead (loaded if something ever asks for it).
        returning_fields = [f for f in returning_fields if f.attname != "search_vector"]
        self.__dict__.pop("search_vector", None)
        return super()._do_insert(manager, using, fields, returning_fields, raw)  # type: ignore[misc]

    def insert_unless_stored(self) -> bool:
        """Insert this new article unless one with its canonical URL is stored already:
        True if this row went in. One `INSERT … ON CONFLICT DO NOTHING`: losing to the
        unique constraint is an answer, not an error, so it needs no savepoint to keep a
        caller's transaction usable, and outside one it commits by itself."""
        meta = self._meta
        fields = [f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field]
        using = router.db_for_write(type(self), instance=self)
        self._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]
        rows = Article._base_manager.using(using)._insert(  # type: ignore[attr-defined]
            [self], fields=fields, returning_fields=[meta.pk], on_conflict=OnConflict.IGNORE
        )
        if not rows or rows[0] is None:
            return False
        self.pk = rows[0][0]
        self.__dict__.pop("search_vector", None)  # deferred, as after a save (see _do_insert)
        self._state.adding = False
        self._state.db = using
        return True


# --- Feeds and providers -----------------------------------------------------------------


class FeedQuerySet(models.QuerySet["Feed"]):
    def due(self, now: datetime | None = None) -> FeedQuerySet:
        """Active feeds whose next poll time has come (or that were never polled)."""
        now = now or timezone.now()
        return self.filter(is_active=True).filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))

    def failing(self) -> FeedQuerySet:
        return self.filter(consecutive_failures__gt=0)


# Poll state changes with every poll; the change history records what editors set.
FEED_POLL_STATE = [
    "etag",
    "last_modified",
    "next_poll_at",
    "lease_until",
    "last_polled_at",
    "last_success_at",
    "last_error",
    "last_error_at",
    "consecutive_failures",
    "items_seen",
    "articles_created",
    "last_items",
    "last_new_articles",
    "last_skipped",
    "updated_at",
]


class FeedStatus(TypedDict):
    """What `Feed.status()` reports: the API's `status` of a feed."""

    state: str
    last_polled_at: datetime | None
    last_success_at: datetime | None
    last_error: str
    last_error_at: datetime | None
    consecutive_failures: int
    next_poll_at: datetime | None
    items_seen: int
    articles_created: int
    last_items: int
    last_new_articles: int
    last_skipped: list[str]


@tracked(exclude=FEED_POLL_STATE)
class Feed(models.Model):
    """An RSS or Atom feed polled for coverage, with what its last polls did."""

    name = models.CharField(max_length=200)
    url = models.URLField("feed URL", max_length=2048, unique=True)
    outlet = models.ForeignKey(
        Outlet,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feeds",
        help_text="The publisher of every item in the feed. Leave empty for feeds that mix outlets "
        "(each item's outlet is then recognised from its address).",
    )
    is_active = models.BooleanField("active", default=True)
    poll_interval = models.PositiveIntegerField(
        "poll every (minutes)",
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(7 * 24 * 60)],
    )
    # Conditional GET: what the server said last time.
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    next_poll_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    # While a poll runs, no second one starts; a poll killed mid-way frees it when this passes.
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_polled_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    last_error_at = models.DateTimeField(null=True, blank=True, editable=False)
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    items_seen = models.PositiveIntegerField(default=0, editable=False, help_text="Items read, over all polls.")
    articles_created = models.PositiveIntegerField(default=0, editable=False, help_text="New articles, over all polls.")
    last_items = models.PositiveIntegerField("items in last poll", default=0, editable=False)
    last_new_articles = models.PositiveIntegerField("new articles in last poll", default=0, editable=False)
    last_skipped = models.TextField(
        "items skipped in last poll", blank=True, editable=False, help_text="Each with the reason."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FeedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(poll_interval__gte=5), name="feed_poll_interval_min"),
        ]

    def __str__(self) -> str:
        return self.name

    def status(self) -> FeedStatus:
        """How the feed is doing, in one place (for the API and monitoring)."""
        return {
            "state": self.state,
            "last_polled_at": self.last_polled_at,
            "last_success_at": self.last_success_at,
            "last_error": self.last_error,
            "last_error_at": self.last_error_at,
            "consecutive_failures": self.consecutive_failures,
            "next_poll_at": self.next_poll_at,
            "items_seen": self.items_seen,
            "articles_created": self.articles_created,
            "last_items": self.last_items,
            "last_new_articles": self.last_new_articles,
            "last_skipped": self.last_skipped.splitlines(),
        }

    @property
    def state(self) -> str:
        """One word for lists: inactive, never polled, failing or ok."""
        if not self.is_active:
            return "inactive"
        if self.consecutive_failures:
            return "failing"
        if self.last_success_at is None:
            return "never polled"
        return "ok"
