"""The verification workflow, as one table: each transition, the states it leaves
from, the state it leads to, who may take it, the guard it must pass and what it does
besides changing the status.

    submitted --accept--> researching --submit_for_review--> in_review --publish--> published
        |                      ^                                  |                     |
        +--reject--> rejected  +------------send_back-------------+                     |
                        |      +--------------------------reopen------------------------+
                        +--restore--> submitted

Status is separate from the verdict (the claim's rating). A claim's status values are
`claims.models.Status`; this table is the only place that says how it moves. Transitions
are taken only through `reviews.services.transition_take`, which checks the rule, runs
its effect, bumps the claim's version and writes the one `Transition` row in one
transaction. The database refuses any status change that is not an edge of this table
(`STATUS_EDGES`; the trigger is installed by reviews/migrations/0004).

The API's description of the transitions and the table in docs/architecture.md are
generated from `WORKFLOW` (`describe()` and `markdown_table()`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from claims.models import Claim, RelationKind, Status
from claims.services import relation_create
from core.policy import is_editor
from corroboration.services import coverage_publication_seen, ledger
from reviews.models import Assignment, RejectReason, Review, StandardsSignOff, TransitionName


@dataclass
class TransitionRequest:
    """What the person asked for: their note and the transition's parameters, plus the
    review the transition acts on (found by the service, see `Rule.review`)."""

    note: str = ""
    priority: int | None = None
    assignee: Any = None
    reason: str = ""
    duplicate_of: Claim | None = None
    review: Review | None = None


@dataclass(frozen=True)
class Effect:
    """What a transition changes besides the status: fields of the claim's row, and what
    the workflow log records of it (`Transition.details`)."""

    changes: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    then: Callable[[], Any] | None = None  # a write that needs the claim's new state


# --- Who may take a transition ----------------------------------------------------------


def editor(user: Any, claim: Claim) -> bool:
    return is_editor(user)


def assigned_reviewer_or_editor(user: Any, claim: Claim) -> bool:
    return bool(user.has_perm("reviews.submit_claim_for_review")) and (claim.assignee_id == user.pk or is_editor(user))


def editor_not_author(user: Any, claim: Claim) -> bool:
    # The author side of four-eyes is a guard (below), where the review is known.
    return is_editor(user)


# --- Guards: each returns what is wrong, in words for the person ------------------------


def accept_guard(claim: Claim, user: Any, request: TransitionRequest) -> list[str]:
    problems = []
    if request.assignee is not None and not request.assignee.has_perm("reviews.submit_claim_for_review"):
        problems.append(f"{request.assignee} is not a reviewer or an editor and cannot be assigned.")
    return problems


def reject_guard(claim: Claim, user: Any, request: TransitionRequest) -> list[str]:
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


def no_guard(claim: Claim, user: Any, request: TransitionRequest) -> list[str]:
    return []


def draft_review_ready(claim: Claim, user: Any, request: TransitionRequest) -> list[str]:
    if request.review is None:
        return ["Write a draft review first: a rating, a rationale and at least one piece of evidence."]
    problems = request.review.readiness_problems()
    return [f"The draft review is not ready: {', '.join(problems)}."] if problems else []


def note_required(claim: Claim, user: Any, request: TransitionRequest) -> list[str]:
    return [] if request.note.strip() else ["Add a note saying what needs more work."]


def publishable(claim: Claim, user: Any, request: TransitionRequest) -> list[str]:
    review = request.review
    if review is None:
        return ["There is no submitted review to publish."]
    problems = []
    if Review.objects.filter(pk=review.pk).worked_on_by(user).exists():
        problems.append("Four eyes: you wrote or edited this review, so another editor must publish it.")
    if claim.rests_on_anonymous_sourcing and StandardsSignOff.objects.current_for(claim) is None:
        problems.append(
            "This claim rests on anonymous sourcing: a standards editor must sign off the sourcing "
            "against the AP conditions before it can be published."
        )
    for attribution in claim.attributions.all():
        for warning in attribution.unresolved_warnings():
            problems.append(f"Unresolved caveat warning on {attribution.source}: {warning.message}")
    problems.extend(f"The review is not ready: {p}." for p in review.readiness_problems())
    return problems


def correction_reason_required(claim: Claim, user: Any, request: TransitionRequest) -> list[str]:
    return [] if request.note.strip() else ["Give the correction reason: what was wrong or is being re-examined."]


# --- Effects: what a transition does besides the status ---------------------------------
# Each runs inside `transition_take`'s transaction, after the guard passed.


def assignment_record(claim: Claim, assignee: Any, actor: Any, *, at: datetime) -> Assignment | None:
    """End the claim's open assignment and, with an assignee, open theirs. Part of a
    service's transaction (accept, and `assignment_create`), never called alone."""
    Assignment.objects.filter(claim=claim, ended_at__isnull=True).update(ended_at=at)
    if assignee is None:
        return None
    return Assignment.objects.create(claim=claim, assignee=assignee, assigned_by=actor, assigned_at=at)


def accept_effect(claim: Claim, actor: Any, request: TransitionRequest, now: datetime) -> Effect:
    changes: dict[str, Any] = {}
    details: dict[str, Any] = {}
    if request.priority is not None:
        changes["priority"] = details["priority"] = request.priority
    if request.assignee is not None:
        changes["assignee"] = request.assignee
        details["assignee"] = request.assignee.get_username()
        assignment_record(claim, request.assignee, actor, at=now)
    return Effect(changes, details)


def reject_effect(claim: Claim, actor: Any, request: TransitionRequest, now: datetime) -> Effect:
    details: dict[str, Any] = {"reason": request.reason}
    original = request.duplicate_of
    if original is None:
        return Effect(details=details)
    details["duplicate_of"] = original.pk
    return Effect(
        details=details,
        then=lambda: relation_create(
            actor=actor, from_claim=claim, to_claim=original, kind=RelationKind.DUPLICATE_OF, note=request.note
        ),
    )


def no_effect(claim: Claim, actor: Any, request: TransitionRequest, now: datetime) -> Effect:
    return Effect()


def submit_effect(claim: Claim, actor: Any, request: TransitionRequest, now: datetime) -> Effect:
    assert request.review is not None  # the guard required one
    return Effect(details={"review": request.review.pk})


def publish_effect(claim: Claim, actor: Any, request: TransitionRequest, now: datetime) -> Effect:
    review = request.review
    # The guard required a ready review, and so a rating.
    assert review is not None
    assert review.rating is not None
    review.published_at = now
    # The evidence as it stood when the verdict went out, for the public page: coverage
    # found later changes the claim's ledger, not what this verdict rested on.
    review.ledger_at_publication = ledger(claim).as_dict()
    review.save(update_fields=["published_at", "ledger_at_publication", "updated_at"])
    # Whatever was new since the last publication is in this verdict's ledger now.
    coverage_publication_seen(claim)
    changes = {
        "rating": review.rating,
        "recheck_on": review.recheck_on,
        "published_at": now,
        "first_published_at": claim.first_published_at or now,
    }
    return Effect(changes, {"rating": review.rating.value, "review": review.pk})


def reopen_effect(claim: Claim, actor: Any, request: TransitionRequest, now: datetime) -> Effect:
    """The published verdict is withdrawn (kept, and shown as corrected), not deleted."""
    details: dict[str, Any] = {}
    review = request.review
    if review is not None:
        review.withdrawn_at = now
        review.save(update_fields=["withdrawn_at", "updated_at"])
        details = {"withdrawn_review": review.pk, "withdrawn_rating": review.rating.value if review.rating else None}
    return Effect({"rating": None, "recheck_on": None, "published_at": None}, details)


# --- Which review a transition acts on ----------------------------------------------------


def no_review(claim: Claim) -> Review | None:
    return None


def submitted_review(claim: Claim) -> Review | None:
    """The draft to submit, or the one submitted that a publish acts on."""
    return Review.objects.awaiting_decision(claim)


def current_verdict(claim: Claim) -> Review | None:
    return claim.reviews.current_verdicts().first()


# --- The table --------------------------------------------------------------------------

Who = Callable[[Any, Claim], bool]
Guard = Callable[[Claim, Any, TransitionRequest], list[str]]
Apply = Callable[[Claim, Any, TransitionRequest, datetime], Effect]


@dataclass(frozen=True)
class Rule:
    name: TransitionName
    sources: tuple[Status, ...]
    target: Status
    who: Who
    who_text: str
    guard: Guard = no_guard
    needs: str = ""  # what the caller gives and the guard checks, in words
    effect: Apply = no_effect
    does: str = ""  # what the effect does, in words
    review: Callable[[Claim], Review | None] = no_review


S, T = Status, TransitionName
WORKFLOW: tuple[Rule, ...] = (
    Rule(
        T.ACCEPT, (S.SUBMITTED,), S.RESEARCHING, editor, "an editor",
        accept_guard, "priority and assignee (a reviewer or an editor), both optional",
        accept_effect, "sets the priority; assigns the reviewer",
    ),
    Rule(
        T.REJECT, (S.SUBMITTED,), S.REJECTED, editor, "an editor",
        reject_guard, "reason: not_check_worthy, opinion, duplicate (with duplicate_of) or other (with a note)",
        reject_effect, "records the reason; a duplicate is related to the claim it duplicates",
    ),
    Rule(T.RESTORE, (S.REJECTED,), S.SUBMITTED, editor, "an editor"),
    Rule(
        T.SUBMIT_FOR_REVIEW, (S.RESEARCHING,), S.IN_REVIEW, assigned_reviewer_or_editor,
        "the assigned reviewer or an editor",
        draft_review_ready, "a draft review with a rating, a rationale and at least one piece of evidence",
        submit_effect, "records which review was submitted", submitted_review,
    ),
    Rule(
        T.SEND_BACK, (S.IN_REVIEW,), S.RESEARCHING, editor, "an editor",
        note_required, "a note saying what needs more work",
    ),
    Rule(
        T.PUBLISH, (S.IN_REVIEW,), S.PUBLISHED, editor_not_author, "an editor who did not write or edit the review",
        publishable,
        "the submitted review, ready; a standards sign-off when the claim rests on anonymous sourcing; "
        "no unresolved caveat warning",
        publish_effect, "publishes the review: its rating becomes the claim's verdict", submitted_review,
    ),
    Rule(
        T.REOPEN, (S.PUBLISHED,), S.RESEARCHING, editor, "an editor",
        correction_reason_required, "a note: the correction reason",
        reopen_effect, "withdraws the published verdict (kept in the record as corrected)", current_verdict,
    ),
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


# --- The table in words, for the API's schema and the docs --------------------------------


def describe() -> str:
    """One line per transition, for the API description of POST …/transitions/."""
    lines = []
    for rule in WORKFLOW:
        parts = [rule.who_text]
        if rule.needs:
            parts.append(f"needs {rule.needs}")
        lines.append(f"- `{rule.name.value}` ({'; '.join(parts)})")
    return "\n".join(lines)


def markdown_table() -> str:
    """The workflow as a Markdown table (docs/architecture.md holds a copy a test keeps equal)."""
    rows = [
        "| transition | from | to | who | needs | does |",
        "|---|---|---|---|---|---|",
    ]
    for rule in WORKFLOW:
        sources = ", ".join(f"`{s.value}`" for s in rule.sources)
        rows.append(
            f"| `{rule.name.value}` | {sources} | `{rule.target.value}` | {rule.who_text} "
            f"| {rule.needs or '—'} | {rule.does or '—'} |"
        )
    return "\n".join(rows)
