"""Who a workflow transition concerns: the people emailed once it has committed.

One table says it, and is read twice: by the worker (`reviews.tasks.notify_transition`),
which finds the people and their addresses, and by `transition_take`, which sends the
worker nothing for a transition that can concern nobody but the person who took it (an
accept without an assignee, a restore of a claim nobody is recorded as having written).
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from django.contrib.auth import get_user_model

from core.roles import EDITOR
from reviews.models import Transition, TransitionName


class Concerned(Enum):
    ASSIGNEE = "the claim's assigned reviewer"
    REVIEW_AUTHOR = "the author of the review the transition acts on"
    CREATOR = "whoever recorded the claim"
    EDITORS = "every active editor"


T, C = TransitionName, Concerned
CONCERNS: dict[str, tuple[Concerned, ...]] = {
    T.ACCEPT: (C.ASSIGNEE,),
    T.REJECT: (C.CREATOR,),
    T.RESTORE: (C.CREATOR,),
    T.SUBMIT_FOR_REVIEW: (C.EDITORS,),
    T.SEND_BACK: (C.ASSIGNEE, C.REVIEW_AUTHOR),
    T.PUBLISH: (C.REVIEW_AUTHOR, C.ASSIGNEE),
    T.REOPEN: (C.ASSIGNEE, C.REVIEW_AUTHOR),
}
SUBJECTS: dict[str, str] = {
    T.ACCEPT: "{claim} is assigned to you",
    T.REJECT: "{claim} was rejected",
    T.RESTORE: "{claim} was submitted",
    T.SUBMIT_FOR_REVIEW: "{claim} awaits review",
    T.SEND_BACK: "{claim} was sent back",
    T.PUBLISH: "{claim} was published",
    T.REOPEN: "{claim} was reopened for correction",
}


def may_concern_anyone(
    name: str, *, actor_id: int | None, assignee_id: int | None, review_author_id: int | None, creator_id: int | None
) -> bool:
    """Whether a transition, as it was just taken, concerns anyone besides its actor:
    if not, there is nobody to email and nothing to queue."""
    people = {C.ASSIGNEE: assignee_id, C.REVIEW_AUTHOR: review_author_id, C.CREATOR: creator_id}
    for concerned in CONCERNS.get(name, ()):
        if concerned is C.EDITORS:
            return True
        if people[concerned] is not None and people[concerned] != actor_id:
            return True
    return False


def recipients(transition: Transition) -> tuple[str, set[Any]]:
    """The subject line and the people `transition` concerns (its actor among them if
    so: the worker leaves out whoever took it)."""
    claim = transition.claim
    users: set[Any] = set()
    for concerned in CONCERNS.get(transition.name, ()):
        if concerned is C.EDITORS:
            users.update(get_user_model().objects.filter(groups__name=EDITOR, is_active=True))
            continue
        if concerned is C.ASSIGNEE:
            person = claim.assignee
        elif concerned is C.REVIEW_AUTHOR:
            person = transition.review.author if transition.review else None
        else:
            person = claim.created_by
        if person is not None:
            users.add(person)
    subject = SUBJECTS.get(transition.name, "{claim}").format(claim=f"Claim #{claim.pk}")
    return subject, users
