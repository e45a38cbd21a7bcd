"""Workflow services: transitions, assignments, reviews and standards sign-offs.

Every transition goes through `transition_take`, which reads the rule from
`reviews.workflow`, checks who is asking and the guard, runs the rule's effect, writes
the claim's new state with a conditional UPDATE on its version, writes the one
`Transition` row (and the webhook deliveries, an outbox) in the same transaction, and
queues side effects to run only after the transaction commits.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any, Unpack

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import OuterRef, Subquery, prefetch_related_objects
from django.utils import timezone

from claims.models import Attribution, Claim, Status, sourcing_prefetch
from claims.services import StaleVersion, claim_bump_version, require_edit
from core.compiled import CompiledValues
from core.policy import is_editor
from core.services import Actor, model_update, service, task_send
from corroboration.models import PriorCheck
from integrations.services import enqueue_deliveries, webhook_deliveries_record, webhook_endpoints_wanting
from reviews.models import (
    AP_CONDITIONS,
    APConditions,
    Assignment,
    Review,
    StandardsSignOff,
    Transition,
    unconfirmed_prior_checks,
)
from reviews.notifications import may_concern_anyone
from reviews.webhooks import TRANSITION_EVENT, transition_event
from reviews.workflow import RULES, TransitionName, TransitionRequest, assignment_record
from sources.models import Article

REVIEW_FIELDS = frozenset({"rating", "confidence", "summary", "rationale", "evidence_urls", "recheck_on"})
REVIEWABLE = (Status.RESEARCHING, Status.IN_REVIEW)
# Transitions that give a claim a verdict or take it back: the track records that count
# published verdicts (trackrecords, a floor above) are counted again after they commit.
RECORD_CHANGING = frozenset({"publish", "reopen"})
# What no transition reads of its claim: the generated search vectors, large for a long
# statement and quote.
UNREAD_COLUMNS = ("search_vector", "match_vector")


# --- Transitions --------------------------------------------------------------------------


@service
def transition_take(
    *,
    actor: User,
    claim: Claim,
    name: str,
    version: int | None = None,
    note: str = "",
    priority: int | None = None,
    assignee: Actor = None,
    reason: str = "",
    duplicate_of: Claim | None = None,
) -> Transition:
    """Take one workflow transition. Raises ValidationError (unknown transition, wrong
    state, failed guard), PermissionDenied (not this person's to take) or StaleVersion
    (someone changed the claim since `version`); in every case nothing is written."""
    rule = RULES.get(name)
    if rule is None:
        raise ValidationError(
            {
                "transition": ValidationError(
                    f"“{name}” is not a transition. Use one of: {', '.join(RULES)}.", code="unknown_transition"
                )
            }
        )
    callers_claim, claim = claim, _claim_as_transitions_read(claim.pk)
    if rule.name == TransitionName.PUBLISH:
        # The publish guard reads the sourcing and its caveats.
        prefetch_related_objects([claim], sourcing_prefetch())
    # Without a version from the person, the one just read: the status change below is
    # still conditional on it, so two concurrent transitions cannot both apply.
    seen = claim.version if version is None else version
    if claim.version != seen:
        raise StaleVersion(Claim.objects.select_related("updated_by").get(pk=claim.pk), seen_version=seen)
    if claim.status not in rule.sources:
        allowed = ", ".join(s.label.lower() for s in rule.sources)
        raise ValidationError(
            {
                "transition": ValidationError(
                    f"A claim that is {claim.get_status_display().lower()} cannot take "
                    f"“{rule.name.label}”; that transition starts from {allowed}.",
                    code="invalid_transition",
                )
            }
        )
    if not rule.who(actor, claim):
        raise PermissionDenied(f"“{rule.name.label}” can be taken only by {rule.who_text}.")

    request = TransitionRequest(
        note=note.strip(),
        priority=priority,
        assignee=assignee,
        reason=reason,
        duplicate_of=duplicate_of,
        review=rule.review(claim),
    )
    problems = rule.guard(claim, actor, request)
    if problems:
        # One error per problem, each keeping its code (a list would drop it).
        raise ValidationError([ValidationError(problem, code="guard") for problem in problems])

    from_status = claim.status
    effect = rule.effect(claim, actor, request, timezone.now())
    # One conditional UPDATE writes the status and the effect's changes: it settles a
    # race for the claim, and holds its row until commit, so the sequence below cannot
    # be taken twice.
    claim_bump_version(claim=claim, actor=actor, version=seen, status=rule.target, **effect.changes)
    if effect.then is not None:
        effect.then()
    last = claim.last_sequence or 0  # type: ignore[attr-defined]
    logged = Transition.objects.create(
        claim=claim,
        name=rule.name,
        from_status=from_status,
        to_status=rule.target,
        actor=actor,
        note=request.note,
        review=request.review,
        claim_version=claim.version,
        sequence=last + 1,
        details=effect.details,
    )
    deliveries = webhook_deliveries_record(
        transition_event(logged, claim),
        endpoint_ids=claim.webhook_endpoints,  # type: ignore[attr-defined]
    )
    notify = may_concern_anyone(
        rule.name,
        actor_id=actor.pk,
        assignee_id=claim.assignee_id,
        review_author_id=request.review.author_id if request.review else None,
        creator_id=claim.created_by_id,
    )
    # robust: the transition is committed whatever happens to its side effects; a broker
    # that is down is logged, and the webhook sweeper sends the recorded deliveries later.
    counts_again = claim.pk if rule.name in RECORD_CHANGING else None
    transaction.on_commit(
        lambda: _after_commit(logged.pk, [d.pk for d in deliveries], notify=notify, track_records_of=counts_again),
        robust=True,
    )
    if effect.then is None:
        # The claim as written (claim_bump_version applied every change to it): the
        # caller's copy takes its fields without reading the row again. The columns left
        # unread are generated from the statement and quote, which no transition changes.
        for column in Claim._meta.concrete_fields:
            if column.attname in claim.__dict__:
                setattr(callers_claim, column.attname, getattr(claim, column.attname))
        callers_claim._state.fields_cache.clear()
        callers_claim._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    else:
        callers_claim.refresh_from_db()  # the effect wrote more than the transition's UPDATE
    return logged


def _claim_as_transitions_read(pk: int) -> Claim:
    """The claim a transition starts from, with the log's last sequence number and the
    webhook endpoints that want to hear of it (the outbox below): one query, compiled
    once (it runs on every transition). The conditional UPDATE that follows proves that
    no other transition came in between: each one moves the version. The claim's
    search vectors are large and nothing here reads them."""
    rows = _transitions_read().rows([pk])
    if not rows:
        raise Claim.DoesNotExist("Claim matching query does not exist.")
    values = rows[0]
    last_sequence, endpoints = values.pop("last_sequence"), values.pop("webhook_endpoints")
    claim = Claim.from_db(DEFAULT_DB_ALIAS, list(values), list(values.values()))
    claim.last_sequence = last_sequence  # type: ignore[attr-defined]
    claim.webhook_endpoints = endpoints  # type: ignore[attr-defined]
    return claim


_PK_MARKER = -48_271  # where the claim's id goes in the compiled query


@functools.cache
def _transitions_read() -> CompiledValues:
    last_sequence = Transition.objects.filter(claim=OuterRef("pk")).order_by("-sequence").values("sequence")[:1]
    columns = [f.attname for f in Claim._meta.concrete_fields if f.attname not in UNREAD_COLUMNS]
    claims = (
        Claim.objects.annotate(
            last_sequence=Subquery(last_sequence), webhook_endpoints=webhook_endpoints_wanting(TRANSITION_EVENT)
        )
        .filter(pk=_PK_MARKER)
        .values(*columns, "last_sequence", "webhook_endpoints")
    )
    return CompiledValues(claims, using=DEFAULT_DB_ALIAS, markers=(_PK_MARKER,))


def _after_commit(
    transition_id: int, delivery_ids: list[int], *, notify: bool, track_records_of: int | None = None
) -> None:
    """Side effects of a committed transition, queued for the worker (ids only)."""
    enqueue_deliveries(delivery_ids)
    if notify:
        task_send("reviews.notify_transition", transition_id)
    if track_records_of is not None:
        task_send("trackrecords.refresh_claim", track_records_of)


# --- Assignment ---------------------------------------------------------------------------


@service
def assignment_create(*, actor: User, claim: Claim, assignee: Actor, version: int | None = None) -> Assignment | None:
    """Assign a reviewer to a claim (or none), ending any earlier assignment."""
    if not actor.has_perm("reviews.assign_reviewer"):
        raise PermissionDenied("Only an editor can assign reviewers.")
    if assignee is not None and not assignee.has_perm("reviews.submit_claim_for_review"):
        raise ValidationError({"assignee": f"{assignee} is not a reviewer or an editor."})
    if claim.status in (Status.PUBLISHED, Status.REJECTED):
        raise ValidationError(
            {"assignee": "A published or rejected claim is not assigned; reopen or restore it first."}
        )
    if claim.assignee_id == (assignee.pk if assignee else None):
        return claim.assignments.filter(ended_at__isnull=True).first()
    claim_bump_version(claim=claim, actor=actor, version=version, assignee=assignee)
    return assignment_record(claim, assignee, actor, at=timezone.now())


# --- Reviews ------------------------------------------------------------------------------


def _check_reviewable(actor: Any, claim: Claim) -> None:
    require_edit(actor, claim)
    if claim.status not in REVIEWABLE:
        raise ValidationError(
            f"Reviews are written while a claim is researching or in review; this one is "
            f"{claim.get_status_display().lower()}."
        )


def _set_evidence(
    review: Review,
    attributions: Iterable[Attribution] | None,
    articles: Iterable[Article] | None,
    prior_checks: Iterable[PriorCheck] | None = None,
) -> bool:
    changed = False
    if prior_checks is not None:
        prior_checks = list(prior_checks)
        unconfirmed = unconfirmed_prior_checks(review.claim_id, prior_checks)
        if unconfirmed:
            raise ValidationError(
                {
                    "evidence_prior_checks": "Cite a prior check only once it is confirmed as about this claim; "
                    "not confirmed: " + ", ".join(f"{c.publisher} ({c.url})" for c in unconfirmed) + "."
                }
            )
        if set(prior_checks) != set(review.evidence_prior_checks.all()):
            review.evidence_prior_checks.set(prior_checks)
            changed = True
    if attributions is not None:
        attributions = list(attributions)
        foreign = [a for a in attributions if a.claim_id != review.claim_id]
        if foreign:
            raise ValidationError({"evidence_attributions": "Cite attributions of this claim only."})
        if set(attributions) != set(review.evidence_attributions.all()):
            review.evidence_attributions.set(attributions)
            changed = True
    if articles is not None and set(articles) != set(review.evidence_articles.all()):
        review.evidence_articles.set(articles)
        changed = True
    return changed


EMPTY_REVIEW = (
    "The review is empty: give a verdict, a summary, a rationale or a piece of evidence before saving it "
    "(or discard the draft)."
)


def _refuse_empty(review: Review) -> None:
    if review.is_empty(review.evidence_count):
        raise ValidationError(EMPTY_REVIEW, code="empty_review")


@service
def review_create(
    *,
    actor: User,
    claim: Claim,
    version: int | None = None,
    evidence_attributions: Iterable[Attribution] = (),
    evidence_articles: Iterable[Article] = (),
    evidence_prior_checks: Iterable[PriorCheck] = (),
    **data: Any,
) -> Review:
    _check_reviewable(actor, claim)
    review = Review(claim=claim, author=actor)
    model_update(review, data, fields=REVIEW_FIELDS)
    review.full_clean()
    review.save()
    _set_evidence(review, evidence_attributions, evidence_articles, evidence_prior_checks)
    _refuse_empty(review)  # the whole service is one transaction: nothing stays
    claim_bump_version(claim=claim, actor=actor, version=version)
    return review


@service
def review_update(
    *,
    actor: User,
    review: Review,
    version: int | None = None,
    evidence_attributions: Iterable[Attribution] | None = None,
    evidence_articles: Iterable[Article] | None = None,
    evidence_prior_checks: Iterable[PriorCheck] | None = None,
    **data: Any,
) -> Review:
    claim = review.claim
    _check_reviewable(actor, claim)
    if review.discarded_at is not None:
        raise ValidationError("This draft was discarded; write a new review instead.")
    if not review.is_draft:
        raise ValidationError("A published verdict is not edited; reopen the claim to correct it.")
    changed = model_update(review, data, fields=REVIEW_FIELDS)
    evidence_changed = _set_evidence(review, evidence_attributions, evidence_articles, evidence_prior_checks)
    if not changed and not evidence_changed:
        return review
    review.full_clean()
    _refuse_empty(review)
    # Saved even when only the evidence changed, so the history names this editor
    # among the review's contributors (four-eyes).
    review.save()
    claim_bump_version(claim=claim, actor=actor, version=version)
    return review


@service
def review_discard(*, actor: User, review: Review, version: int | None = None) -> Review:
    """Take a draft out of the workflow. It is kept (with its history), shown as
    discarded, and no transition acts on it any more."""
    claim = review.claim
    require_edit(actor, claim)
    if not review.is_draft:
        raise ValidationError("Only a draft can be discarded; a published verdict is withdrawn by reopening the claim.")
    if review.author_id != actor.pk and not is_editor(actor):
        raise PermissionDenied("Only the draft's author or an editor can discard it.")
    if claim.status == Status.IN_REVIEW and Review.objects.awaiting_decision(claim) == review:
        raise ValidationError(
            "This draft is the one submitted for review: an editor sends the claim back before it can be discarded."
        )
    review.discarded_at = timezone.now()
    review.save(update_fields=["discarded_at", "updated_at"])
    claim_bump_version(claim=claim, actor=actor, version=version)
    return review


@service
def review_cite(*, actor: User, claim: Claim, article: Article, version: int | None = None) -> tuple[Review, bool]:
    """Cite an article that carries the claim in this person's own draft review: their
    most recently saved draft gets it, or a new draft is started with it. (review, cited):
    cited is False when the draft already cited it."""
    _check_reviewable(actor, claim)
    if not claim.coverage.filter(article=article).exists():
        raise ValidationError({"article": "Cite coverage of this claim: this article is not among it."})
    draft = Review.objects.drafts().filter(claim=claim, author=actor).order_by("-updated_at", "-pk").first()
    if draft is None:
        return review_create(actor=actor, claim=claim, version=version, evidence_articles=[article]), True
    if draft.evidence_articles.filter(pk=article.pk).exists():
        return draft, False
    cited = [*draft.evidence_articles.all(), article]
    return review_update(actor=actor, review=draft, version=version, evidence_articles=cited), True


# --- Standards sign-off -------------------------------------------------------------------


@service
def sourcing_sign_off(
    *,
    actor: User,
    claim: Claim,
    version: int | None = None,
    note: str = "",
    **conditions: Unpack[APConditions],
) -> StandardsSignOff:
    """Record that a standards editor checked the claim's anonymous sourcing against the
    AP conditions. Every condition must hold; the sign-off covers the sourcing as it is now."""
    if not actor.has_perm("reviews.sign_off_sourcing"):
        raise PermissionDenied("Only a standards editor can sign off anonymous sourcing.")
    unknown = set(conditions) - set(AP_CONDITIONS)
    if unknown:
        raise TypeError(f"Unknown AP conditions: {sorted(unknown)}")
    claim = Claim.objects.with_sourcing().get(pk=claim.pk)
    if not claim.rests_on_anonymous_sourcing:
        raise ValidationError("This claim does not rest on anonymous sourcing; it needs no sign-off.")
    unmet = [text for key, text in AP_CONDITIONS.items() if not conditions.get(key)]
    if unmet:
        raise ValidationError(
            {
                "conditions": [
                    "Anonymous sourcing can be signed off only when every AP condition holds. Not met:",
                    *unmet,
                ]
            }
        )
    signoff = StandardsSignOff.objects.create(
        claim=claim,
        signed_by=actor,
        note=note.strip(),
        sourcing_fingerprint=claim.sourcing_fingerprint(),
        **dict.fromkeys(AP_CONDITIONS, True),
    )
    claim_bump_version(claim=claim, actor=actor, version=version)
    return signoff
