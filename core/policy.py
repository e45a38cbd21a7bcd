"""Who may do what over the API: product.md §1 in one place.

A caller is a person (signed in, or the user behind a token) plus, for token requests,
the token. The person's role sets the ceiling; the token's scope narrows it:

    action              role needed                          read   submit   write
    READ                nobody (published claims)             ✓      ✓        ✓
    READ_UNPUBLISHED    a newsroom role (view claims)         ✓      own*     ✓
    CREATE_CLAIM        may add claims                        –      ✓        ✓
    EDIT                may change claims                     –      –        ✓
    TRANSITION          a newsroom role                       –      –        ✓
    MANAGE              editor                                –      –        ✓
    EXTRACT             may add claims                        –      ✓**      ✓
    READ_RECORDS        a newsroom role                       ✓      –        ✓
    READ_NEWSROOM       a newsroom role                       ✓      –        ✓
    IMPORT_PRIOR_CHECKS editor (may import prior checks)      –      –        ✓
    DECIDE_PRIOR_CHECK  may confirm or reject matches         –      –        ✓

    * a submit token reads only the claims it created (`Claim.submitted_with`).
    ** run an extraction, read it, accept or dismiss its suggestions: a submit token
       only the extractions it started, and a claim it accepts is one it owns.
    READ_NEWSROOM is the newsroom's own set-up that belongs to no claim (its feeds): a
    submit token, which sees only what it submitted, sees none of it.

Finer rules stay in the services: which claims a reviewer may edit
(`claims.services.claim_editable_by`) and who may take each transition
(`reviews.workflow`). Visibility — which rows a caller may see at all — is
`Claim.objects.visible_to(user, token)`; a claim outside it answers 404, never 403.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Exists, OuterRef, Q, QuerySet
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from core.models import ApiToken, Scope


class Action(StrEnum):
    READ = "read"
    READ_UNPUBLISHED = "read_unpublished"
    CREATE_CLAIM = "create_claim"
    EDIT = "edit"
    TRANSITION = "transition"
    MANAGE = "manage"
    EXTRACT = "extract"
    READ_RECORDS = "read_records"
    READ_NEWSROOM = "read_newsroom"
    IMPORT_PRIOR_CHECKS = "import_prior_checks"
    DECIDE_PRIOR_CHECK = "decide_prior_check"


ROLE_NEEDS: dict[Action, str | None] = {
    Action.READ: None,
    Action.READ_UNPUBLISHED: "claims.view_claim",
    Action.CREATE_CLAIM: "claims.add_claim",
    Action.EDIT: "claims.change_claim",
    Action.TRANSITION: "claims.view_claim",
    Action.MANAGE: "reviews.publish_claim",  # editors: see is_editor()
    Action.EXTRACT: "claims.add_claim",
    # Track records and prior checks: newsroom work, but not for submit tokens (§1).
    Action.READ_RECORDS: "claims.view_claim",
    Action.READ_NEWSROOM: "claims.view_claim",
    Action.IMPORT_PRIOR_CHECKS: "corroboration.import_priorchecks",
    Action.DECIDE_PRIOR_CHECK: "corroboration.decide_priorcheckmatch",
}

SCOPE_ALLOWS: dict[str, frozenset[Action]] = {
    Scope.READ: frozenset({Action.READ, Action.READ_UNPUBLISHED, Action.READ_RECORDS, Action.READ_NEWSROOM}),
    # READ_UNPUBLISHED narrowed to the token's own claims by visible_to().
    Scope.SUBMIT: frozenset({Action.READ, Action.READ_UNPUBLISHED, Action.CREATE_CLAIM, Action.EXTRACT}),
    Scope.WRITE: frozenset(Action),
}


def role_allows(user: Any, action: Action) -> bool:
    permission = ROLE_NEEDS[action]
    if permission is None:
        return True
    return bool(user is not None and user.is_authenticated and user.is_active and user.has_perm(permission))


def is_editor(user: Any) -> bool:
    """Editors manage the newsroom's data and take the editors' transitions."""
    return role_allows(user, Action.MANAGE)


def allows(user: Any, token: ApiToken | None, action: Action) -> bool:
    """The role allows it and, for a token request, so does the token's scope."""
    return role_allows(user, action) and (token is None or action in SCOPE_ALLOWS[token.scope])


def reads_unpublished(user: Any, token: ApiToken | None) -> bool:
    """Reads every claim, source and history (not only published ones, not only its own)."""
    return allows(user, token, Action.READ_UNPUBLISHED) and (token is None or token.scope != Scope.SUBMIT)


def visible_claims(user: Any, token: ApiToken | None) -> Q | None:
    """The claims a caller may read, as a filter on Claim; None for every claim. Anyone
    reads published claims; a submit token also the claims it recorded."""
    if reads_unpublished(user, token):
        return None
    visible = Q(status="published")
    if token is not None and allows(user, token, Action.READ_UNPUBLISHED):
        visible |= Q(submitted_with=token)
    return visible


def _under(q: Q, path: str) -> Q:
    """The same filter, applied to the claim at the end of `path` ("attributions__claim")."""
    moved = Q()
    moved.connector, moved.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            moved.children.append(_under(child, path))
        else:
            lookup, value = child  # type: ignore[misc]  # a Q's leaves are (lookup, value) pairs
            moved.children.append((f"{path}__{lookup}", value))
    return moved


def visible_through(queryset: QuerySet, user: Any, token: ApiToken | None, *, via: list[str]) -> QuerySet:
    """Sources, outlets and articles a caller may read: everything for a caller who reads
    unpublished work; otherwise only what the claims they may see point to (a published
    claim shows its sources anyway). `via` are the paths from the queryset's model to Claim."""
    visible = visible_claims(user, token)
    if visible is None:
        return queryset
    model = queryset.model
    reachable = Q(pk__in=[])
    for path in via:
        reachable |= Q(Exists(model.objects.filter(_under(visible, path), pk=OuterRef("pk"))))
    return queryset.filter(reachable)


def reads_claim_fully(user: Any, token: ApiToken | None, claim: Any) -> bool:
    """May read the claim's unpublished parts: drafts, history, the workflow log."""
    if reads_unpublished(user, token):
        return True
    return (
        token is not None
        and token.scope == Scope.SUBMIT
        and allows(user, token, Action.READ_UNPUBLISHED)
        and claim.submitted_with_id == token.pk
    )


# --- DRF -------------------------------------------------------------------------------


def required_action(view: Any, method: str) -> Action:
    """The action a view's handler needs: each viewset names it per DRF action in
    `required`, so a missing entry is a programming error, not an open door."""
    required: dict[str | None, Action] = getattr(view, "required", {})
    name = getattr(view, "action", None)
    action_map: dict[str, str] = getattr(view, "action_map", None) or {}
    # The handler this method reaches: the browsable API asks about other methods than
    # the request's own to decide which forms to show.
    name = action_map.get(method.lower(), name)
    if name in required:
        return required[name]
    if name in (None, "metadata") and method in SAFE_METHODS:
        return Action.READ
    if name is None and not hasattr(view, method.lower()):
        return Action.READ  # no handler for this method: the answer is 405 anyway
    raise ImproperlyConfigured(f"{type(view).__name__} does not say what {name or method} requires.")


REFUSALS = {
    Action.READ_UNPUBLISHED: "Reading unpublished work needs a newsroom role.",
    Action.CREATE_CLAIM: "Recording claims needs a reviewer's or an editor's role.",
    Action.EDIT: "Changing claims needs a reviewer's or an editor's role.",
    Action.TRANSITION: "Workflow transitions need a newsroom role.",
    Action.MANAGE: "Only editors manage sources, outlets, articles and webhooks.",
    Action.EXTRACT: "Extracting claims from articles needs a reviewer's or an editor's role.",
    Action.READ_RECORDS: "Track records and prior checks are for the newsroom: a reviewer's or an editor's role, "
    "with a read or write token.",
    Action.READ_NEWSROOM: "The newsroom's feeds are for the newsroom: a reviewer's or an editor's role, "
    "with a read or write token.",
    Action.IMPORT_PRIOR_CHECKS: "Only editors import prior checks.",
    Action.DECIDE_PRIOR_CHECK: "Confirming or rejecting a prior-check match needs a reviewer's or an editor's role.",
}


def refusal(user: Any, token: ApiToken | None, action: Action) -> str:
    if token is not None and role_allows(user, action):
        needed = "a read or write token" if action in SCOPE_ALLOWS[Scope.READ] else "a token with the write scope"
        return f"A {token.scope} token cannot do this; it needs {needed}."
    return REFUSALS.get(action, "You cannot do this.")


class Allowed(BasePermission):
    """The one permission class of the API: the view's required action, per the table above."""

    def has_permission(self, request: Request, view: Any) -> bool:
        action = required_action(view, request.method or "GET")
        token = request.auth if isinstance(request.auth, ApiToken) else None
        if allows(request.user, token, action):
            return True
        self.message = refusal(request.user, token, action)
        return False
