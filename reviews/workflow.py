"""The verification workflow, as one table: each transition, the states it leaves
from, the state it leads to, who may take it, and the guard it must pass.

    submitted --accept--> researching --submit_for_review--> in_review --publish--> published
        |                      ^                                  |                     |
        +--reject--> rejected  +------------send_back-------------+                     |
                        |      +--------------------------reopen------------------------+
                        +--restore--> submitted

Status is separate from the verdict (the claim's rating). Transitions are taken only
through `reviews.services.claim_transition`, which checks the rule, writes the
`Transition` row and bumps the claim's version in one transaction. The database
refuses any status change that is not an edge of this table (see `STATUS_EDGES`).

This module imports no models at load time: claims.models builds its trigger from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from claims.models import Claim


class Status(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    RESEARCHING = "researching", "Researching"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    REJECTED = "rejected", "Rejected"


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


@dataclass
class Request:
    """What the person asked for: the transition, their note and its parameters."""

    note: str = ""
    priority: int | None = None
    assignee: Any = None
    reason: str = ""
    duplicate_of: Claim | None = None
    review: Any = None  # the review to submit or publish; found by the service


# --- Who may take a transition ----------------------------------------------------------


def is_editor(user: Any, claim: Claim) -> bool:
    return user.has_perm("reviews.publish_claim")


def assigned_reviewer_or_editor(user: Any, claim: Claim) -> bool:
    return user.has_perm("reviews.submit_claim_for_review") and (claim.assignee_id == user.pk or is_editor(user, claim))


def editor_not_author(user: Any, claim: Claim) -> bool:
    # The author side of four-eyes is a guard (below), where the review is known.
    return is_editor(user, claim)


# --- Guards: each returns what is wrong, in words for the person ------------------------


def accept_guard(claim: Claim, user: Any, request: Request) -> list[str]:
    problems = []
    if request.assignee is not None and not request.assignee.has_perm("reviews.submit_claim_for_review"):
        problems.append(f"{request.assignee} is not a reviewer or an editor and cannot be assigned.")
    return problems


def reject_guard(claim: Claim, user: Any, request: Request) -> list[str]:
    if request.reason not in RejectReason.values:
        return ["Give a reason for rejecting: not check-worthy, opinion, duplicate, or other."]
    if request.reason == RejectReason.DUPLICATE:
        if request.duplicate_of is None:
            return ["A duplicate needs a link to the claim it duplicates."]
        if request.duplicate_of.pk == claim.pk:
            return ["A claim cannot be a duplicate of itself."]
    if request.reason == RejectReason.OTHER and not request.note.strip():
        return ["Explain the reason in the note."]
    return []


def no_guard(claim: Claim, user: Any, request: Request) -> list[str]:
    return []


def draft_review_ready(claim: Claim, user: Any, request: Request) -> list[str]:
    if request.review is None:
        return ["Write a draft review first: a rating, a rationale and at least one piece of evidence."]
    problems = request.review.readiness_problems()
    return [f"The draft review is not ready: {', '.join(problems)}."] if problems else []


def note_required(claim: Claim, user: Any, request: Request) -> list[str]:
    return [] if request.note.strip() else ["Add a note saying what needs more work."]


def publishable(claim: Claim, user: Any, request: Request) -> list[str]:
    from reviews.services import review_contributors, sourcing_signed_off

    review = request.review
    if review is None:
        return ["There is no submitted review to publish."]
    problems = []
    if user in review_contributors(review):
        problems.append("Four eyes: you wrote or edited this review, so another editor must publish it.")
    if claim.rests_on_anonymous_sourcing and not sourcing_signed_off(claim):
        problems.append(
            "This claim rests on anonymous sourcing: a standards editor must sign off the sourcing "
            "against the AP conditions before it can be published."
        )
    for attribution in claim.attributions.all():
        for warning in attribution.unresolved_warnings():
            problems.append(f"Unresolved caveat warning on {attribution.source}: {warning.message}")
    problems.extend(f"The review is not ready: {p}." for p in review.readiness_problems())
    return problems


def correction_reason_required(claim: Claim, user: Any, request: Request) -> list[str]:
    return [] if request.note.strip() else ["Give the correction reason: what was wrong or is being re-examined."]


# --- The table --------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    name: TransitionName
    sources: tuple[Status, ...]
    target: Status
    who: Callable[[Any, Claim], bool]
    who_text: str
    guard: Callable[[Claim, Any, Request], list[str]] = field(default=no_guard)


S, T = Status, TransitionName
WORKFLOW: tuple[Rule, ...] = (
    #     transition            from              to              who may take it              guard
    Rule(T.ACCEPT,            (S.SUBMITTED,),   S.RESEARCHING,  is_editor,                   "an editor",                   accept_guard),
    Rule(T.REJECT,            (S.SUBMITTED,),   S.REJECTED,     is_editor,                   "an editor",                   reject_guard),
    Rule(T.RESTORE,           (S.REJECTED,),    S.SUBMITTED,    is_editor,                   "an editor"),
    Rule(T.SUBMIT_FOR_REVIEW, (S.RESEARCHING,), S.IN_REVIEW,    assigned_reviewer_or_editor, "the assigned reviewer or an editor", draft_review_ready),
    Rule(T.SEND_BACK,         (S.IN_REVIEW,),   S.RESEARCHING,  is_editor,                   "an editor",                   note_required),
    Rule(T.PUBLISH,           (S.IN_REVIEW,),   S.PUBLISHED,    editor_not_author,           "an editor who did not write the review", publishable),
    Rule(T.REOPEN,            (S.PUBLISHED,),   S.RESEARCHING,  is_editor,                   "an editor",                   correction_reason_required),
)  # fmt: skip

RULES: dict[str, Rule] = {rule.name: rule for rule in WORKFLOW}

# Every (from, to) pair the workflow allows; the database refuses any other change of status.
STATUS_EDGES: frozenset[tuple[str, str]] = frozenset(
    (source.value, rule.target.value) for rule in WORKFLOW for source in rule.sources
)


def available(claim: Claim, user: Any) -> list[Rule]:
    """The transitions this user may take from the claim's current status (guards are
    checked when they take one, so that the page can say what is missing)."""
    return [rule for rule in WORKFLOW if claim.status in rule.sources and rule.who(user, claim)]
