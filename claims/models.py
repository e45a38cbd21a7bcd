"""Claims as they were reported, who they are attributed to (with the caveats of
anonymous sourcing), and how claims relate to one another."""

from __future__ import annotations

import datetime
import functools
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Exists, F, Func, OuterRef, Q
from django.utils import timezone

from core.history import tracked
from core.policy import visible_claims
from sources.models import Article, SourceKind, is_anonymous_kind


class Status(models.TextChoices):
    """Where a claim stands in the verification workflow. It changes only along the
    edges of the workflow table (reviews/workflow.py), which the database enforces."""

    SUBMITTED = "submitted", "Submitted"
    RESEARCHING = "researching", "Researching"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    REJECTED = "rejected", "Rejected"


class Priority(models.IntegerChoices):
    """How check-worthy a claim is."""

    LOW = 1, "Low"
    NORMAL = 2, "Normal"
    HIGH = 3, "High"
    URGENT = 4, "Urgent"


def claim_languages() -> list[str]:
    """The languages of the claims, in order: a walk of the `claim_language` index from
    one language to the next (a query per language), where `SELECT DISTINCT` would read
    every claim; the admin's language filter lists them on every page of its list."""
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH RECURSIVE found(language) AS ("
            " SELECT min(language) FROM claims_claim"
            " UNION ALL"
            " SELECT (SELECT min(c.language) FROM claims_claim c WHERE c.language > found.language)"
            " FROM found WHERE found.language IS NOT NULL"
            ") SELECT language FROM found WHERE language IS NOT NULL"
        )
        return [row[0] for row in cursor.fetchall()]


def sourcing_prefetch() -> models.Prefetch:
    """What the sourcing summary reads of a claim: its attributions with their sources
    (for `ClaimQuerySet.with_sourcing`, or `prefetch_related_objects` on a claim in hand)."""
    return models.Prefetch("attributions", queryset=Attribution.objects.select_related("source").order_by("pk"))


class ClaimQuerySet(models.QuerySet["Claim"]):
    def published(self) -> ClaimQuerySet:
        return self.filter(status=Status.PUBLISHED)

    def open(self) -> ClaimQuerySet:
        return self.exclude(status__in=[Status.PUBLISHED, Status.REJECTED])

    def with_sourcing(self) -> ClaimQuerySet:
        """Everything the sourcing summary needs, in a fixed number of queries."""
        return self.prefetch_related(sourcing_prefetch())

    def for_list(self) -> ClaimQuerySet:
        """What a row of a claim list shows (claimant, sourcing, verdict, assignee), in a
        number of queries that does not grow with the number of rows."""
        # Not with_sourcing(): the caveat check reads `granted_by`, which must come along.
        return self.select_related("rating", "assignee", "created_by").prefetch_related(
            models.Prefetch(
                "attributions", queryset=Attribution.objects.select_related("source", "granted_by").order_by("pk")
            )
        )

    def for_api(self) -> ClaimQuerySet:
        """What the API's claim shape shows: `for_list()` and the ids of the other
        appearances — ids only, since an article row carries its whole text."""
        return self.for_list().prefetch_related(models.Prefetch("appearances", queryset=Article.objects.only("pk")))

    # --- The reviewer dashboard's queues ------------------------------------------------

    def assigned_to(self, user: Any) -> ClaimQuerySet:
        """Open claims this person is assigned to work on."""
        return self.open().filter(assignee=user)

    def unassigned(self) -> ClaimQuerySet:
        """Claims waiting for someone to take them: submitted or researching, nobody assigned."""
        return self.filter(status__in=[Status.SUBMITTED, Status.RESEARCHING], assignee__isnull=True)

    def rechecks_due(self, today: datetime.date | None = None) -> ClaimQuerySet:
        """Published verdicts (Unproven) whose re-check date has come."""
        return self.published().filter(recheck_on__lte=today or timezone.localdate())

    # --- Search and filters --------------------------------------------------------------

    def search(self, text: str) -> ClaimQuerySet:
        """Full-text search over statement, quote and context (web-search syntax: quoted
        phrases, `or`, `-word`), best matches first."""
        query = SearchQuery(text, config="english", search_type="websearch")
        return (
            self.filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-updated_at")
        )

    def resting_on_anonymous_sourcing(self, rests: bool = True) -> ClaimQuerySet:
        """Claims whose claimant or a supporting attribution is anonymous (or, with
        `rests=False`, claims that rest on named sources only)."""
        anonymous = Attribution.objects.filter(
            claim=OuterRef("pk"),
            role__in=[AttributionRole.CLAIMANT, AttributionRole.SUPPORTS],
            source__kind=SourceKind.ANONYMOUS_GROUP,
        )
        return self.filter(Exists(anonymous)) if rests else self.exclude(Exists(anonymous))

    def tagged(self, tag: str) -> ClaimQuerySet:
        return self.filter(tags__contains=[tag])

    def tag_names(self) -> list[str]:
        """Every tag used on these claims, sorted, for a filter's choices."""
        tags = self.annotate(tag=Func(F("tags"), function="unnest")).values_list("tag", flat=True)
        return sorted(set(tags))

    # --- Who may read what (product.md §1; the rules are in core/policy.py) -----------------

    def visible_to(self, user: Any, token: Any = None) -> ClaimQuerySet:
        """The claims a person, or an API token acting for them, may read (core/policy.py):
        every claim for the newsroom and its read and write tokens, published ones for
        everyone else, plus, for a submit token, the claims it recorded."""
        visible = visible_claims(user, token)
        return self if visible is None else self.filter(visible)


@tracked(exclude=["search_vector", "match_vector"])
class Claim(models.Model):
    """A proposition as it was reported, restated neutrally, with the verbatim words."""

    statement = models.TextField(
        help_text="The proposition restated neutrally, as one checkable sentence.",
    )
    quote = models.TextField(
        "verbatim quote",
        blank=True,
        help_text="The words exactly as published, without correction.",
    )
    made_on = models.DateField("made on", null=True, blank=True, help_text="When the claim was made.")
    first_appearance = models.ForeignKey(
        "sources.Article",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="first_claims",
        help_text="Where the claim first appeared.",
    )
    appearances = models.ManyToManyField(
        "sources.Article", blank=True, related_name="claims", help_text="Other places it appeared."
    )
    context = models.TextField(blank=True, help_text="What a reader needs to understand the claim.")
    language = models.CharField(max_length=16, default="en")
    tags = ArrayField(models.CharField(max_length=50), default=list, blank=True)
    priority = models.PositiveSmallIntegerField("check-worthiness", choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED, editable=False)
    rating = models.ForeignKey(
        "Rating",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
        editable=False,
        help_text="The published verdict.",
    )
    recheck_on = models.DateField("re-check on", null=True, blank=True, editable=False)
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the current verdict was published."
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_claims",
        editable=False,
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="created_claims",
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    submitted_with = models.ForeignKey(
        "core.ApiToken",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claims",
        editable=False,
        help_text="The API token that recorded it, if any (a submit token may read the claims it recorded).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = models.GeneratedField(
        expression=SearchVector("statement", weight="A", config="english")
        + SearchVector("quote", weight="B", config="english")
        + SearchVector("context", weight="C", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # What coverage matching looks a new article up by: the words of the statement
    # (weight A) and of the quote (weight B), each wording weighed apart by the scorer;
    # the context is for readers, not part of what the claim says.
    match_vector = models.GeneratedField(
        expression=SearchVector("statement", weight="A", config="english")
        + SearchVector("quote", weight="B", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="claim_status_valid"),
            models.CheckConstraint(condition=Q(priority__in=Priority.values), name="claim_priority_valid"),
            models.CheckConstraint(condition=Q(version__gte=1), name="claim_version_positive"),
            models.CheckConstraint(condition=~Q(statement=""), name="claim_statement_not_empty"),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="claim_search_gin"),
            # Read for every new article (corroboration.candidates) and written at the pace
            # of people: no pending list of recent claims for each lookup to scan through.
            GinIndex(fields=["match_vector"], name="claim_match_gin", fastupdate=False),
            GinIndex(fields=["tags"], name="claim_tags_gin"),
            models.Index(fields=["status", "-updated_at"], name="claim_status_updated"),
            # The API's default order (most recently updated first, ties by id): a page is
            # read from the index instead of sorting every claim.
            models.Index(fields=["-updated_at", "-id"], name="claim_list_order"),
            # The languages recorded (`claim_languages`): one probe of it per language.
            models.Index(fields=["language"], name="claim_language"),
            # The ClaimReview feed's order, over published claims only.
            models.Index(
                fields=["-published_at", "-id"], name="claim_published_order", condition=Q(status="published")
            ),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="new_claims_are_submitted",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert,
                condition=pgtrigger.Q(new__status__df="submitted"),
                func="""
                RAISE EXCEPTION 'a new claim starts as submitted, not %', NEW.status USING ERRCODE = 'check_violation';
                """,
            ),
            # Exactly one claimant per claim: the partial unique index on Attribution
            # allows at most one; these deferred triggers check at commit that there
            # is at least one, so a claim and its claimant can be written in any order.
            pgtrigger.Trigger(
                name="claim_has_a_claimant",
                when=pgtrigger.After,
                operation=pgtrigger.Insert,
                timing=pgtrigger.Deferred,
                func="""
                IF NOT EXISTS (
                    SELECT 1 FROM claims_attribution WHERE claim_id = NEW.id AND role = 'claimant'
                ) AND EXISTS (SELECT 1 FROM claims_claim WHERE id = NEW.id) THEN
                    RAISE EXCEPTION 'claim % has no claimant: every claim needs one attribution with role "claimant"',
                        NEW.id USING ERRCODE = 'check_violation';
                END IF;
                RETURN NULL;
                """,
            ),
        ]

    def __str__(self) -> str:
        return self.statement if len(self.statement) <= 90 else self.statement[:89] + "…"

    @property
    def claimant(self) -> Attribution | None:
        return next((a for a in self.attributions.all() if a.role == AttributionRole.CLAIMANT), None)

    def sourcing(self) -> Sourcing:
        return Sourcing.of(list(self.attributions.all()))

    def sourcing_fingerprint(self) -> str:
        """A digest of what the claim rests on: who, in what role, with which caveats.
        A standards sign-off holds only while this stays the same."""
        return sourcing_fingerprint_of(self.attributions.all())

    @property
    def rests_on_anonymous_sourcing(self) -> bool:
        """Its claimant or any supporting attribution is anonymous."""
        return rests_on_anonymous((a.is_anonymous, a.role) for a in self.attributions.all())


def sourcing_fingerprint_of(attributions: Iterable[Any]) -> str:
    """`Claim.sourcing_fingerprint` of these attributions: model instances, or any records
    with the same attribute names (`source_id`, `granted_by_id` and the other columns)."""
    rows = sorted(
        (
            a.source_id,
            a.role,
            a.attribution_text,
            a.content_type,
            a.warnings_override_reason,
            *(str(getattr(a, attribution_field(name).attname)) for name in CAVEAT_RECORD_FIELDS),
            a.anonymity_reason_text,
            a.condition_text,
            a.stated_limits,
        )
        for a in attributions
    )
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def rests_on_anonymous(attributions: Iterable[tuple[bool, str]]) -> bool:
    """Whether a claim whose attributions are these (anonymous or not, role) rests on
    anonymous sourcing: its claimant or a supporting source is anonymous."""
    return any(
        anonymous and role in (AttributionRole.CLAIMANT, AttributionRole.SUPPORTS) for anonymous, role in attributions
    )


class AttributionRole(models.TextChoices):
    CLAIMANT = "claimant", "Claimant"
    SUPPORTS = "supports", "Supports"
    DISPUTES = "disputes", "Disputes"
    RESPONDS = "responds", "Responds (on the record)"


class SourcesIndependence(models.TextChoices):
    INDEPENDENT = "independent", "Independent of each other"
    NOT_INDEPENDENT = "not_independent", "Not independent"
    UNKNOWN = "unknown", "Unknown"


class Access(models.TextChoices):
    DIRECT = "direct", "Direct knowledge"
    DOCUMENTS = "documents", "Reviewed documents"
    BRIEFED = "briefed", "Briefed"
    FAMILIAR_WITH = "familiar_with", "“Familiar with”"
    UNSTATED = "unstated", "Not stated"


class AnonymityReason(models.TextChoices):
    NOT_AUTHORIZED = "not_authorized", "Not authorised to speak"
    SENSITIVE_INTELLIGENCE = "sensitive_intelligence", "Sensitive intelligence"
    SAFETY = "safety", "Safety"
    REPRISAL = "reprisal", "Fear of reprisal"
    OTHER = "other", "Other"
    NOT_GIVEN = "not_given", "Not given"


class Side(models.TextChoices):
    GOVERNMENT = "government", "Government"
    OPPOSITION = "opposition", "Opposition"
    FOREIGN_GOVERNMENT = "foreign_government", "Foreign government"
    COMPANY = "company", "Company"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class ContentKind(models.TextChoices):
    FACT = "fact", "Information (fact)"
    OPINION = "opinion", "Opinion"
    SPECULATION = "speculation", "Speculation"
    CHARACTERIZATION = "characterization", "Characterisation of a person"


class ResponseKind(models.TextChoices):
    """What an on-the-record response does with the claim."""

    CONFIRMS = "confirms", "Confirms"
    DENIES = "denies", "Denies"
    DECLINES_TO_COMMENT = "declines_to_comment", "Declines to comment"
    NEITHER = "neither", "Neither confirms nor denies"


class Credibility(models.IntegerChoices):
    """Admiralty information credibility for one item of information."""

    CONFIRMED = 1, "1 — confirmed by other sources"
    PROBABLY_TRUE = 2, "2 — probably true"
    POSSIBLY_TRUE = 3, "3 — possibly true"
    DOUBTFUL = 4, "4 — doubtful"
    IMPROBABLE = 5, "5 — improbable"
    CANNOT_BE_JUDGED = 6, "6 — truth cannot be judged"


# Caveat fields that only make sense for an anonymous source.
ANONYMITY_FIELDS = ("sources_claimed", "independence", "access", "anonymity_reason", "condition_text")
# The caveat record a standards editor expects to see filled in for an anonymous source.
CAVEAT_RECORD_FIELDS = (
    "sources_claimed",
    "independence",
    "access",
    "anonymity_reason",
    "side",
    "content_type",
    "granted_by",
)


@dataclass(frozen=True)
class CaveatWarning:
    """A standards concern about an attribution. Warnings block publishing until they
    are fixed or an editor overrides them with a reason."""

    code: str
    message: str


class AttributionQuerySet(models.QuerySet["Attribution"]):
    def anonymous(self) -> AttributionQuerySet:
        return self.filter(source__kind=SourceKind.ANONYMOUS_GROUP)


@tracked()
class Attribution(models.Model):
    """The link between a claim and a source, with the source's role and, for an
    anonymous source, the whole anonymity caveat record."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="attributions")
    source = models.ForeignKey("sources.Source", on_delete=models.PROTECT, related_name="attributions")
    role = models.CharField(max_length=20, choices=AttributionRole.choices)
    attribution_text = models.CharField(
        max_length=500,
        blank=True,
        help_text='Verbatim, as the story attributes it: "two officials familiar with U.S. intelligence".',
    )
    quote = models.TextField(blank=True, help_text="What this source said, verbatim, when it is not the claim itself.")
    said_on = models.DateField(null=True, blank=True)
    article = models.ForeignKey(
        "sources.Article",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attributions",
        help_text="The coverage this attribution appears in.",
    )
    response = models.CharField(
        max_length=30,
        choices=ResponseKind.choices,
        blank=True,
        help_text="For an on-the-record response: does it confirm, deny, or neither?",
    )

    # The anonymity caveat record.
    sources_claimed = models.PositiveSmallIntegerField(
        "sources claimed", null=True, blank=True, help_text="How many sources the story says there are."
    )
    independence = models.CharField(max_length=20, choices=SourcesIndependence.choices, blank=True)
    access = models.CharField(max_length=20, choices=Access.choices, blank=True, help_text="How the sources know.")
    anonymity_reason = models.CharField(
        "reason for anonymity", max_length=30, choices=AnonymityReason.choices, blank=True
    )
    anonymity_reason_text = models.CharField(
        "reason as stated",
        max_length=500,
        blank=True,
        help_text='Verbatim: "not authorized to comment publicly on the sensitive matter".',
    )
    condition_text = models.CharField(
        "condition",
        max_length=500,
        blank=True,
        help_text='Verbatim: "spoke on the condition of anonymity".',
    )
    stated_limits = models.TextField(
        blank=True,
        help_text='The sources\' own caveats: "cautioned that U.S. intelligence has not uncovered…".',
    )
    side = models.CharField(max_length=20, choices=Side.choices, blank=True)
    motive = models.CharField(max_length=500, blank=True, help_text="The source's motive, if the story states one.")
    content_type = models.CharField(max_length=20, choices=ContentKind.choices, blank=True)
    granted_by = models.ForeignKey(
        "sources.Outlet",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="granted_anonymity",
        verbose_name="anonymity granted by",
    )
    identity_known_to_editor = models.BooleanField(
        null=True, blank=True, help_text="Does an editor at that outlet know who the sources are?"
    )
    vouching_note = models.CharField(max_length=500, blank=True, help_text='"per AP policy"')
    credibility = models.PositiveSmallIntegerField(
        "information credibility",
        choices=Credibility.choices,
        default=Credibility.POSSIBLY_TRUE,
        help_text="Admiralty 1–6 for this item of information; 3 until corroborated.",
    )

    # An editor may accept a caveat warning (e.g. an anonymous opinion) with a reason.
    warnings_override_reason = models.TextField(blank=True, editable=False)
    warnings_overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    warnings_overridden_at = models.DateTimeField(null=True, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AttributionQuerySet.as_manager()

    class Meta:
        ordering = ["claim", "pk"]
        permissions = [("override_caveat_warnings", "Can override caveat warnings with a reason")]
        constraints = [
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(role="claimant"),
                name="attribution_one_claimant_per_claim",
                violation_error_message="This claim already has its claimant; a claim has exactly one.",
            ),
            models.UniqueConstraint(
                fields=["claim", "source", "role"],
                name="attribution_unique_role",
                violation_error_message="This source is already attributed with that role on this claim.",
            ),
            models.CheckConstraint(condition=Q(role__in=AttributionRole.values), name="attribution_role_valid"),
            models.CheckConstraint(
                condition=Q(sources_claimed__isnull=True) | Q(sources_claimed__gte=1),
                name="attribution_sources_claimed_at_least_one",
            ),
            models.CheckConstraint(
                condition=Q(credibility__gte=1, credibility__lte=6), name="attribution_credibility_1_to_6"
            ),
            models.CheckConstraint(
                condition=Q(independence__in=[*SourcesIndependence.values, ""]), name="attribution_independence_valid"
            ),
            models.CheckConstraint(condition=Q(access__in=[*Access.values, ""]), name="attribution_access_valid"),
            models.CheckConstraint(
                condition=Q(anonymity_reason__in=[*AnonymityReason.values, ""]),
                name="attribution_anonymity_reason_valid",
            ),
            models.CheckConstraint(condition=Q(side__in=[*Side.values, ""]), name="attribution_side_valid"),
            models.CheckConstraint(
                condition=Q(content_type__in=[*ContentKind.values, ""]), name="attribution_content_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(role="responds", response__in=ResponseKind.values) | (~Q(role="responds") & Q(response="")),
                name="attribution_response_only_for_responds",
            ),
        ]
        triggers = [
            # See Claim.Meta.triggers: the claimant may be moved or removed only if
            # another takes its place before the transaction commits.
            pgtrigger.Trigger(
                name="claimant_kept",
                when=pgtrigger.After,
                operation=pgtrigger.Update | pgtrigger.Delete,
                condition=pgtrigger.Q(old__role="claimant"),
                timing=pgtrigger.Deferred,
                func="""
                IF EXISTS (SELECT 1 FROM claims_claim WHERE id = OLD.claim_id) AND NOT EXISTS (
                    SELECT 1 FROM claims_attribution WHERE claim_id = OLD.claim_id AND role = 'claimant'
                ) THEN
                    RAISE EXCEPTION 'claim % has no claimant: every claim needs one attribution with role "claimant"',
                        OLD.claim_id USING ERRCODE = 'check_violation';
                END IF;
                RETURN NULL;
                """,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.source}"

    @property
    def is_anonymous(self) -> bool:
        return is_anonymous_kind(self.source.kind)

    @property
    def source_count(self) -> int:
        """How many people this attribution stands for (the story's own count)."""
        return people_counted(self.sources_claimed)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.source_id is None:
            return
        if self.is_anonymous:
            if not self.attribution_text.strip():
                errors["attribution_text"] = (
                    "An anonymous attribution needs the story's own words for who the sources are, "
                    "for example “two officials familiar with U.S. intelligence”."
                )
            if (self.sources_claimed or 0) > 1 and self.independence == SourcesIndependence.NOT_INDEPENDENT:
                errors["independence"] = (
                    f"The story counts {self.sources_claimed} sources, but they are marked as not independent "
                    "of each other. Sources that are not independent count as one: set “sources claimed” to 1, "
                    "or record their independence as independent or unknown."
                )
        else:
            present = [name for name in ANONYMITY_FIELDS if getattr(self, name) not in (None, "")]
            if present:
                labels = ", ".join(str(attribution_field(name).verbose_name) for name in present)
                errors[present[0]] = (
                    f"{labels}: these caveats are for anonymous sources only, and {self.source} is named. "
                    "Clear them, or choose an anonymous source."
                )
        if self.role == AttributionRole.RESPONDS and not self.response:
            errors["response"] = "Say whether this on-the-record response confirms, denies, or neither."
        if self.role != AttributionRole.RESPONDS and self.response:
            errors["response"] = "Only an on-the-record response (role “responds”) records a response."
        if errors:
            raise ValidationError(errors)

    def caveat_warnings(self) -> list[CaveatWarning]:
        """Standards concerns that block publishing until fixed or overridden."""
        if not self.is_anonymous:
            return []
        return caveat_warnings_of(self.content_type, lambda attname: getattr(self, attname))

    @property
    def warnings_overridden(self) -> bool:
        return warnings_overridden(self.warnings_override_reason)

    def unresolved_warnings(self) -> list[CaveatWarning]:
        return [] if self.warnings_overridden else self.caveat_warnings()


# The rules about one attribution, over plain values: the models above and the API's
# claim shape (claims/shape.py, which reads rows, not model instances) both use them.


def people_counted(sources_claimed: int | None) -> int:
    """How many people an attribution stands for: the story's count, or one."""
    return sources_claimed or 1


def warnings_overridden(override_reason: str) -> bool:
    """An editor overrode the attribution's caveat warnings (with this reason)."""
    return bool(override_reason)


OPINION_KINDS = (ContentKind.OPINION, ContentKind.SPECULATION, ContentKind.CHARACTERIZATION)


@functools.cache
def _caveat_record() -> tuple[tuple[str, str], ...]:
    """(attribute name, label) of each field of the caveat record: by attname, so a
    foreign key (granted_by) is checked without loading the row."""
    return tuple(
        (attribution_field(name).attname, str(attribution_field(name).verbose_name)) for name in CAVEAT_RECORD_FIELDS
    )


def caveat_warnings_of(content_type: str, recorded: Callable[[str], Any]) -> list[CaveatWarning]:
    """The caveat warnings of an anonymous attribution: `recorded(attname)` is the value
    of one of its columns."""
    warnings = []
    if content_type in OPINION_KINDS:
        warnings.append(
            CaveatWarning(
                "anonymous_opinion",
                f"Anonymous source used for {ContentKind(content_type).label.lower()}: anonymous sources "
                "may carry information, not opinion. Publishing needs an editor's override with a reason.",
            )
        )
    missing = [label for attname, label in _caveat_record() if recorded(attname) in (None, "")]
    if missing:
        warnings.append(
            CaveatWarning("caveats_incomplete", "Caveat record incomplete: " + ", ".join(missing) + " not recorded.")
        )
    return warnings


def attribution_field(name: str) -> models.Field[Any, Any]:
    """One of Attribution's own columns, by name (its label and its attribute name)."""
    field = Attribution._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def claimant_problem(roles: Iterable[str]) -> str | None:
    """Why these attribution roles cannot stand for one claim, or None: a claim has
    exactly one claimant (the database checks it too, at commit)."""
    claimants = sum(1 for role in roles if role == AttributionRole.CLAIMANT)
    if claimants == 1:
        return None
    return f"A claim needs exactly one claimant — the source that made the claim (role “claimant”); {claimants} given."


@dataclass(frozen=True)
class Sourcing:
    """What a claim rests on, at a glance: "1 named · 2 anonymous · caveats complete"."""

    named: int
    anonymous: int
    warnings: int
    incomplete: bool

    @classmethod
    def of(cls, attributions: list[Attribution]) -> Sourcing:
        return cls.tally(
            (a.source_id, a.is_anonymous, a.sources_claimed, a.unresolved_warnings() if a.is_anonymous else [])
            for a in attributions
        )

    @classmethod
    def tally(cls, attributions: Iterable[tuple[int, bool, int | None, list[CaveatWarning]]]) -> Sourcing:
        """The summary of attributions given as (source id, anonymous or not, sources
        claimed, unresolved caveat warnings)."""
        named: set[int] = set()
        anonymous = 0
        warnings: list[CaveatWarning] = []
        for source_id, is_anonymous, sources_claimed, unresolved in attributions:
            if is_anonymous:
                anonymous += people_counted(sources_claimed)
                warnings += unresolved
            else:
                named.add(source_id)
        return cls(
            named=len(named),
            anonymous=anonymous,
            warnings=len(warnings),
            incomplete=any(w.code == "caveats_incomplete" for w in warnings),
        )

    def __str__(self) -> str:
        # Only what there is: "2 anonymous", never "0 named · 2 anonymous".
        parts = [f"{self.named} named"] if self.named or not self.anonymous else []
        if self.anonymous:
            parts.append(f"{self.anonymous} anonymous")
            if self.incomplete:
                parts.append("caveats incomplete")
            elif self.warnings:
                parts.append(f"{self.warnings} caveat warning{'s' if self.warnings != 1 else ''}")
            else:
                parts.append("caveats complete")
        return " · ".join(parts)


class RelationKind(models.TextChoices):
    CONTRADICTS = "contradicts", "Contradicts"
    RESPONDS_TO = "responds_to", "Responds to"
    DUPLICATE_OF = "duplicate_of", "Duplicate of"
    RELATED = "related", "Related"


class Addresses(models.TextChoices):
    """Does a response address the same proposition as the claim it responds to?"""

    FULLY = "fully", "Fully"
    PARTLY = "partly", "Partly"
    DIFFERENT_PROPOSITION = "different_proposition", "A different proposition"


@tracked()
class ClaimRelation(models.Model):
    """Claim to claim. A response records whether it addresses the same proposition:
    "received no such requests" answers a question about weapons, not the claim
    about intelligence, and must not be counted as a denial of it."""

    from_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="relations_from")
    to_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="relations_to")
    kind = models.CharField(max_length=20, choices=RelationKind.choices)
    addresses = models.CharField(
        "addresses the same proposition",
        max_length=30,
        choices=Addresses.choices,
        blank=True,
        help_text="For a response: does it address the same proposition as the claim?",
    )
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_claim=F("to_claim")),
                name="relation_not_to_itself",
                violation_error_message="A claim cannot be related to itself.",
            ),
            models.UniqueConstraint(
                fields=["from_claim", "to_claim", "kind"],
                name="relation_unique",
                violation_error_message="These two claims are already related that way.",
            ),
            models.CheckConstraint(condition=Q(kind__in=RelationKind.values), name="relation_kind_valid"),
            models.CheckConstraint(
                condition=Q(kind="responds_to", addresses__in=Addresses.values)
                | (~Q(kind="responds_to") & Q(addresses="")),
                name="relation_addresses_only_for_responses",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.from_claim_id} {self.get_kind_display().lower()} #{self.to_claim_id}"

    def clean(self) -> None:
        errors = {}
        if self.from_claim_id and self.from_claim_id == self.to_claim_id:
            errors["to_claim"] = "A claim cannot be related to itself."
        if self.kind == RelationKind.RESPONDS_TO and not self.addresses:
            errors["addresses"] = (
                "Say whether the response addresses the same proposition: fully, partly, or a different one."
            )
        if self.kind != RelationKind.RESPONDS_TO and self.addresses:
            errors["addresses"] = "Only a “responds to” relation records whether it addresses the same proposition."
        if errors:
            raise ValidationError(errors)


# --- The rating scale: what a verdict is measured on -------------------------------------------


class RatingScaleQuerySet(models.QuerySet["RatingScale"]):
    def default(self) -> RatingScale:
        return self.get(is_default=True)


@tracked(meta={"db_table": "reviews_ratingscaleevent"})
class RatingScale(models.Model):
    name = models.CharField(max_length=100, unique=True)
    best_rating = models.SmallIntegerField(help_text="ClaimReview bestRating.")
    worst_rating = models.SmallIntegerField(help_text="ClaimReview worstRating.")
    is_default = models.BooleanField(default=False)

    objects = RatingScaleQuerySet.as_manager()

    class Meta:
        # The rating scale's tables keep the names they had when it lived in the reviews app.
        db_table = "reviews_ratingscale"
        constraints = [
            models.CheckConstraint(condition=Q(best_rating__gt=F("worst_rating")), name="scale_best_above_worst"),
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="scale_one_default"),
        ]

    def __str__(self) -> str:
        return self.name


@tracked(meta={"db_table": "reviews_ratingevent"})
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
        db_table = "reviews_rating"
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
