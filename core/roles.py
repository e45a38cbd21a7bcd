"""Roles are Django groups with permissions. They are brought up to date after every
`migrate`, so a fresh database and an old one end with the same rights."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from core.database import last_migrated_app

EDITOR = "editor"
REVIEWER = "reviewer"

# app label -> the codename prefixes each role gets for every model in the app,
# plus individual permissions by "app.codename".
ROLE_PERMISSIONS: dict[str, dict[str, Any]] = {
    EDITOR: {
        "models": {
            "claims": ("add", "change", "view"),
            "sources": ("add", "change", "delete", "view"),
            "reviews": ("add", "change", "view"),
            "core": ("add", "change", "view"),  # API tokens
            "integrations": ("add", "change", "view"),
            # Extractions are records of what was read and decided; decisions go through the pages.
            "extraction": ("view",),
            "pghistory": ("view",),
            # Failed-login records: editors see them, and unlock an account by deleting its attempts.
            "axes": ("view",),
            # Who has a second factor set up (never its secret); a reset is a user-admin action.
            "otp_totp": ("view",),
            "otp_static": ("view",),
        },
        "extra": [
            "reviews.accept_claim",
            "reviews.reject_claim",
            "reviews.restore_claim",
            "reviews.submit_claim_for_review",
            "reviews.send_back_claim",
            "reviews.publish_claim",
            "reviews.reopen_claim",
            "reviews.assign_reviewer",
            "reviews.sign_off_sourcing",
            "claims.override_caveat_warnings",
            "claims.delete_attribution",
            "claims.delete_claimrelation",
            "corroboration.confirm_coverage",
            "corroboration.start_job",
            "corroboration.view_coverage",
            "corroboration.view_job",
            "corroboration.view_syndication",
            "corroboration.view_articlematching",
            "corroboration.view_priorcheck",
            "corroboration.view_priorcheckmatch",
            "corroboration.decide_priorcheckmatch",
            "corroboration.import_priorchecks",
            "corroboration.view_ratingmapping",
            "corroboration.add_ratingmapping",
            "corroboration.change_ratingmapping",
            "corroboration.delete_ratingmapping",
            "corroboration.view_alias",
            "corroboration.add_alias",
            "corroboration.change_alias",
            "corroboration.delete_alias",
            # Editors manage newsroom accounts; the admin keeps superuser rights to superusers.
            "auth.add_user",
            "auth.change_user",
            "auth.view_user",
            "auth.view_group",
            "axes.delete_accessattempt",
        ],
    },
    REVIEWER: {
        "models": {
            "claims": ("add", "change", "view"),
            "sources": ("view",),
            "reviews": ("view",),
        },
        "extra": [
            "reviews.submit_claim_for_review",
            # Reviewers name new sources and articles as they record claims; feeds,
            # outlets and providers stay with editors.
            "sources.add_source",
            "sources.add_article",
            "reviews.add_review",
            "reviews.change_review",
            "claims.delete_attribution",
            "claims.delete_claimrelation",
            "corroboration.confirm_coverage",
            "corroboration.start_job",
            "corroboration.view_coverage",
            "corroboration.view_job",
            "corroboration.view_priorcheck",
            "corroboration.view_priorcheckmatch",
            "corroboration.decide_priorcheckmatch",
        ],
    },
}


def role_permissions(role: str) -> list[Permission]:
    spec = ROLE_PERMISSIONS[role]
    query = Q(pk__in=[])
    for app_label, actions in spec["models"].items():
        for action in actions:
            rule = Q(content_type__app_label=app_label, codename__startswith=f"{action}_")
            if action != "view":
                # History rows are written by database triggers and never by hand.
                rule &= ~Q(content_type__model__endswith="event")
            query |= rule
    for dotted in spec["extra"]:
        app_label, codename = dotted.split(".")
        query |= Q(content_type__app_label=app_label, codename=codename)
    return list(Permission.objects.filter(query))


def sync_roles(sender: Any = None, **kwargs: Any) -> None:
    """Give each role its permissions. Run after `migrate`, once the last app has
    created its permissions (post_migrate is sent once per app, in INSTALLED_APPS order)."""
    if sender is not None and sender is not last_migrated_app():
        return
    for role in ROLE_PERMISSIONS:
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(role_permissions(role))


def assignable_users() -> Any:
    """Active users who may work on a claim (reviewers and editors)."""
    perm = Q(codename="submit_claim_for_review", content_type__app_label="reviews")
    holders = Permission.objects.filter(perm)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__permissions__in=holders) | Q(user_permissions__in=holders) | Q(is_superuser=True))
        .distinct()
        .order_by("username")
    )
