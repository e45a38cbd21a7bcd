"""Test data, written through the services so that every rule holds."""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User
from django.db import connection

from claims.models import Access, AnonymityReason, AttributionRole, Claim, ContentKind, Side, SourcesIndependence
from claims.services import claim_create
from core.roles import EDITOR
from core.services import Actor
from sources.models import Article, Outlet, Source, SourceKind

PASSWORD = "a-long-test-password-1"


def _grant_role(user: User, create: bool, role: str | None, **kwargs: Any) -> None:
    if create and role:
        user.groups.add(Group.objects.get(name=role))
        if role == EDITOR:
            user.is_staff = True
            user.save(update_fields=["is_staff"])


# Each factory names the model it makes, so `XFactory.create()` is typed as that model
# (calling `XFactory()` makes the same row, but type checkers see the factory class).
class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(PASSWORD)
    role = factory.PostGeneration(_grant_role)


class OutletFactory(factory.django.DjangoModelFactory[Outlet]):
    class Meta:
        model = Outlet
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Outlet {n}")
    domains = factory.LazyAttribute(lambda o: [o.name.lower().replace(" ", "") + ".example"])


class SourceFactory(factory.django.DjangoModelFactory[Source]):
    class Meta:
        model = Source

    kind = SourceKind.PERSON
    name = factory.Sequence(lambda n: f"Named Person {n}")
    title = "Spokesperson"

    class Params:
        anonymous = factory.Trait(kind=SourceKind.ANONYMOUS_GROUP, name="officials familiar with the matter", title="")


class ArticleFactory(factory.django.DjangoModelFactory[Article]):
    class Meta:
        model = Article

    canonical_url = factory.Sequence(lambda n: f"https://news.example/story-{n}")
    url = factory.LazyAttribute(lambda a: a.canonical_url)
    title = factory.Sequence(lambda n: f"Story {n}")
    outlet = factory.SubFactory(OutletFactory)


def complete_caveats(**overrides: Any) -> dict[str, Any]:
    """A full anonymity caveat record, as a standards editor would want it."""
    return {
        "attribution_text": "two officials familiar with the matter",
        "sources_claimed": 2,
        "independence": SourcesIndependence.UNKNOWN,
        "access": Access.FAMILIAR_WITH,
        "anonymity_reason": AnonymityReason.NOT_AUTHORIZED,
        "anonymity_reason_text": "not authorized to comment publicly",
        "condition_text": "spoke on the condition of anonymity",
        "side": Side.GOVERNMENT,
        "content_type": ContentKind.FACT,
        "granted_by": OutletFactory(name="Wire Service"),
        **overrides,
    }


def make_claim(
    *,
    actor: Actor = None,
    statement: str = "The minister signed the agreement on Tuesday.",
    claimant: Source | None = None,
    claimant_fields: dict[str, Any] | None = None,
    others: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> Claim:
    claimant = claimant or SourceFactory.create()
    return claim_create(
        actor=actor,
        statement=statement,
        attributions=[
            {"source": claimant, "role": AttributionRole.CLAIMANT, **(claimant_fields or {})},
            *(others or []),
        ],
        **fields,
    )


def make_anonymous_claim(**fields: Any) -> Claim:
    return make_claim(
        statement="Country A has shared targeting information with Country B.",
        claimant=SourceFactory.create(anonymous=True),
        claimant_fields=complete_caveats(),
        **fields,
    )


def force_status(claim: Claim, status: str, **fields: Any) -> None:
    """Put a claim in `status` directly, past the workflow's database guard: for tests of
    what happens to claims in a state, where the way there is tested elsewhere."""
    with connection.cursor() as cursor:
        # Deferred checks still pending in this transaction would forbid the ALTER TABLE.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE claims_claim DISABLE TRIGGER claim_status_follows_workflow")
        Claim.objects.filter(pk=claim.pk).update(status=status, **fields)
        cursor.execute("ALTER TABLE claims_claim ENABLE TRIGGER claim_status_follows_workflow")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
