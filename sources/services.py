"""The one write path for outlets, sources and articles."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError

from config.services import model_update, service
from sources.models import Article, Outlet, Source, SourceKind

OUTLET_FIELDS = frozenset({"name", "domains", "country", "ownership", "is_wire", "notes"})
SOURCE_FIELDS = frozenset(
    {"kind", "name", "title", "affiliation", "outlet", "reliability", "reliability_note", "notes"}
)
ARTICLE_FIELDS = frozenset(
    {
        "url",
        "canonical_url",
        "outlet",
        "title",
        "byline",
        "dateline",
        "published_at",
        "language",
        "summary",
        "text",
        "provider",
        "raw_payload",
    }
)


def _normalise_domains(domains: list[str]) -> list[str]:
    cleaned = []
    for domain in domains:
        domain = domain.strip().lower().removeprefix("www.").rstrip(".")
        if domain and domain not in cleaned:
            cleaned.append(domain)
    return cleaned


@service
def outlet_create(*, actor: AbstractBaseUser | None, name: str, **data: Any) -> Outlet:
    outlet = Outlet(name=name)
    model_update(outlet, data, fields=OUTLET_FIELDS)
    outlet.domains = _normalise_domains(outlet.domains)
    outlet.full_clean()
    outlet.save()
    return outlet


@service
def outlet_update(*, actor: AbstractBaseUser | None, outlet: Outlet, **data: Any) -> Outlet:
    if "domains" in data:
        data["domains"] = _normalise_domains(data["domains"])
    if model_update(outlet, data, fields=OUTLET_FIELDS):
        outlet.full_clean()
        outlet.save()
    return outlet


@service
def source_create(*, actor: AbstractBaseUser | None, kind: str, name: str, **data: Any) -> Source:
    source = Source(kind=kind, name=name)
    model_update(source, data, fields=SOURCE_FIELDS)
    source.full_clean()
    source.save()
    return source


@service
def source_update(*, actor: AbstractBaseUser | None, source: Source, **data: Any) -> Source:
    was_anonymous = source.kind == SourceKind.ANONYMOUS_GROUP
    if model_update(source, data, fields=SOURCE_FIELDS):
        if was_anonymous != (source.kind == SourceKind.ANONYMOUS_GROUP) and source.attributions.exists():
            raise ValidationError(
                {
                    "kind": "This source is already cited in claims; changing it between named and anonymous "
                    "would change what those claims rest on. Create a new source instead."
                }
            )
        source.full_clean()
        source.save()
    return source


@service
def article_create(*, actor: AbstractBaseUser | None, canonical_url: str, url: str = "", **data: Any) -> Article:
    article = Article(canonical_url=canonical_url, url=url or canonical_url)
    model_update(article, data, fields=ARTICLE_FIELDS)
    article.full_clean()
    article.save()
    return article


@service
def article_update(*, actor: AbstractBaseUser | None, article: Article, **data: Any) -> Article:
    if model_update(article, data, fields=ARTICLE_FIELDS):
        article.full_clean()
        article.save()
    return article
