"""Sources, outlets, articles and webhook endpoints over the API: everyone reads the
catalogue as far as the claims they may see reach, editors change it, and webhook
endpoints are for editors only (their secret shown once)."""

from __future__ import annotations

from typing import Any

import pytest

from claims.models import Claim
from integrations.models import WebhookEndpoint
from sources.models import Article
from tests.api.conftest import CALLERS, mismatches, new_source_claim, row
from tests.factories import ArticleFactory, OutletFactory, SourceFactory, make_claim

pytestmark = pytest.mark.django_db

API = "/api/v1/"

#                                 anon rev  ed   rR   sR   wR   rE   sE   wE   exp  revk
READ_ALL = row(                   200, 200, 200, 200, 200, 200, 200, 200, 200, 401, 401)  # fmt: skip
EDITORS_CREATE = row(             401, 403, 201, 403, 403, 403, 403, 403, 201, 401, 401)  # fmt: skip
EDITORS_CHANGE = row(             401, 403, 200, 403, 403, 403, 403, 403, 200, 401, 401)  # fmt: skip
EDITORS_READ = row(               401, 403, 200, 403, 403, 403, 403, 403, 200, 401, 401)  # fmt: skip
NEWSROOM_READ = row(              404, 200, 200, 200, 404, 200, 200, 404, 200, 401, 401)  # fmt: skip

counter = iter(range(10**6))


def cases() -> list[tuple[str, dict[str, int], Any]]:
    def outlet_payload() -> dict:
        return {"name": f"Outlet {next(counter)}", "domains": ["www.Example.org"], "ownership": "independent"}

    return [
        ("GET sources", READ_ALL, lambda c: c.get(f"{API}sources/")),
        ("GET outlets", READ_ALL, lambda c: c.get(f"{API}outlets/")),
        ("GET articles", READ_ALL, lambda c: c.get(f"{API}articles/")),
        ("GET an unpublished claim's source", NEWSROOM_READ, lambda c: c.get(f"{API}sources/{private_source().pk}/")),
        ("POST sources", EDITORS_CREATE, lambda c: c.post(f"{API}sources/", {"kind": "person", "name": "A Minister"})),
        (
            "PATCH sources/{id}",
            EDITORS_CHANGE,
            lambda c: c.patch(f"{API}sources/{SourceFactory.create().pk}/", {"reliability": "B"}),
        ),
        ("POST outlets", EDITORS_CREATE, lambda c: c.post(f"{API}outlets/", outlet_payload())),
        (
            "PATCH outlets/{id}",
            EDITORS_CHANGE,
            lambda c: c.patch(f"{API}outlets/{OutletFactory.create().pk}/", {"is_wire": True}),
        ),
        (
            "POST articles",
            EDITORS_CREATE,
            lambda c: c.post(f"{API}articles/", {"canonical_url": f"https://news.example/a/{next(counter)}"}),
        ),
        (
            "PATCH articles/{id}",
            EDITORS_CHANGE,
            lambda c: c.patch(f"{API}articles/{ArticleFactory.create().pk}/", {"title": "T"}),
        ),
        ("GET webhooks", EDITORS_READ, lambda c: c.get(f"{API}webhooks/")),
        ("POST webhooks", EDITORS_CREATE, lambda c: c.post(f"{API}webhooks/", {"url": "https://cms.example/hooks"})),
        (
            "PATCH webhooks/{id}",
            EDITORS_CHANGE,
            lambda c: c.patch(f"{API}webhooks/{endpoint().pk}/", {"is_active": False}),
        ),
    ]


def private_source():
    """A source cited only by a claim that is not published."""
    source = SourceFactory()
    make_claim(claimant=source)
    return source


def endpoint() -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        url="https://cms.example/hooks", secret="s" * 40, events=["claim.transitioned"]
    )


CASE_NAMES = [name for name, _, _ in cases()]


@pytest.mark.parametrize("case", CASE_NAMES)
def test_every_caller_gets_what_the_policy_says(case, callers, public_dns):
    _, expected, call = next(c for c in cases() if c[0] == case)
    assert mismatches(callers, expected, call) == []


def test_every_row_names_every_caller():
    assert all(len(expected) == len(CALLERS) for _, expected, _ in cases())


# --- Visibility ---------------------------------------------------------------------------------


def test_callers_who_see_only_some_claims_see_only_what_those_claims_cite(callers, workflow):
    outlet = OutletFactory(name="Public Wire")
    public_source = SourceFactory(name="Port authority", outlet=outlet)
    published = workflow.published(claimant=public_source)
    article = ArticleFactory(outlet=outlet)
    Claim.objects.filter(pk=published.pk).update(first_appearance=article)
    hidden_source = private_source()
    hidden_article = ArticleFactory(outlet=OutletFactory(name="Private Outlet"))
    submit = callers["submit_token_editor"]
    own = submit.post(API + "claims/", new_source_claim()).json()
    own_source = own["attributions"][0]["source"]["id"]

    def listed(caller, kind) -> set[int]:
        return {item["id"] for item in caller.get(f"{API}{kind}/", page_size=100).json()["results"]}

    anonymous = callers["anonymous"]
    assert listed(anonymous, "sources") == {public_source.pk}
    assert listed(anonymous, "outlets") == {outlet.pk}
    assert listed(anonymous, "articles") == {article.pk}
    assert listed(submit, "sources") == {public_source.pk, own_source}
    everything = listed(callers["read_token_reviewer"], "sources")
    assert {public_source.pk, hidden_source.pk, own_source} <= everything
    assert hidden_article.pk in listed(callers["reviewer"], "articles")
    assert anonymous.get(f"{API}sources/{hidden_source.pk}/").status_code == 404


def test_internal_notes_are_blank_for_the_public(callers, workflow):
    source = SourceFactory(notes="Reached through the press office's mobile line.")
    workflow.published(claimant=source)
    assert callers["anonymous"].get(f"{API}sources/{source.pk}/").json()["notes"] == ""
    assert callers["editor"].get(f"{API}sources/{source.pk}/").json()["notes"].startswith("Reached")


# --- Changes ------------------------------------------------------------------------------------


def test_editors_record_sources_outlets_and_articles(callers):
    editor = callers["write_token_editor"]
    outlet = editor.post(
        f"{API}outlets/", {"name": "TASS", "domains": ["www.TASS.ru"], "ownership": "state_controlled"}
    )
    assert outlet.status_code == 201
    assert outlet.json()["domains"] == ["tass.ru"]
    assert outlet.json()["is_state_controlled"] is True
    source = editor.post(
        f"{API}sources/", {"kind": "organization", "name": "TASS", "outlet": outlet.json()["id"], "reliability": "C"}
    )
    assert source.status_code == 201
    article = editor.post(
        f"{API}articles/",
        {"canonical_url": "https://tass.ru/politika/1", "title": "Kremlin comment", "outlet": outlet.json()["id"]},
    )
    assert article.status_code == 201
    assert article.json()["url"] == "https://tass.ru/politika/1"
    changed = editor.patch(f"{API}sources/{source.json()['id']}/", {"reliability_note": "State agency."})
    assert changed.json()["reliability_note"] == "State agency."


def test_the_same_canonical_url_is_stored_once(callers):
    editor = callers["editor"]
    assert editor.post(f"{API}articles/", {"canonical_url": "https://news.example/x"}).status_code == 201
    again = editor.post(f"{API}articles/", {"canonical_url": "https://news.example/x"})
    assert again.status_code == 400
    assert "canonical_url" in again.json()["fields"]


def test_a_cited_source_cannot_switch_between_named_and_anonymous(callers, workflow):
    source = SourceFactory()
    workflow.submitted(claimant=source)
    response = callers["editor"].patch(f"{API}sources/{source.pk}/", {"kind": "anonymous_group"})
    assert response.status_code == 400
    assert "kind" in response.json()["fields"]


def test_catalogue_filters(callers):
    outlet = OutletFactory(name="Harbour Gazette")
    SourceFactory(name="Harbour master", outlet=outlet)
    SourceFactory(anonymous=True)
    ArticleFactory(outlet=outlet, title="Tankers return")
    editor = callers["editor"]
    assert [s["name"] for s in editor.get(f"{API}sources/", q="harbour").json()["results"]] == ["Harbour master"]
    assert editor.get(f"{API}sources/", kind="anonymous_group").json()["count"] == 1
    assert editor.get(f"{API}sources/", outlet=outlet.pk).json()["count"] == 1
    assert editor.get(f"{API}outlets/", q="gazette").json()["count"] == 1
    assert editor.get(f"{API}articles/", outlet=outlet.pk, q="tanker").json()["count"] == 1
    assert editor.get(f"{API}sources/", kind="").status_code == 400


# --- Webhooks ------------------------------------------------------------------------------------


def test_a_webhook_secret_appears_only_in_the_answer_that_creates_it(callers, public_dns):
    editor = callers["write_token_editor"]
    created = editor.post(f"{API}webhooks/", {"url": "https://cms.example/hooks", "description": "CMS"})
    assert created.status_code == 201
    body = created.json()
    endpoint = WebhookEndpoint.objects.get(pk=body["id"])
    assert body["secret"] == endpoint.secret
    assert body["events"] == ["claim.transitioned"]
    assert "secret" not in editor.get(f"{API}webhooks/{endpoint.pk}/").json()
    assert all("secret" not in item for item in editor.get(f"{API}webhooks/").json()["results"])
    deactivated = editor.patch(f"{API}webhooks/{endpoint.pk}/", {"is_active": False})
    assert deactivated.json()["is_active"] is False
    assert "secret" not in deactivated.json()


def test_a_webhook_to_an_internal_address_is_refused(callers, monkeypatch):
    import ipaddress

    from sources import netguard

    monkeypatch.setattr(netguard, "system_resolve", lambda host, port: [ipaddress.ip_address("10.0.0.5")])
    response = callers["editor"].post(f"{API}webhooks/", {"url": "https://intranet.example/hook"})
    assert response.status_code == 400
    assert "url" in response.json()["fields"]
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    "address",
    [
        "ftp://news.example/story",
        "https://someone:secret@news.example/story",
        "http://10.0.0.8/story",
        "http://127.0.0.1:8000/admin/",
        "http://localhost/story",
    ],
)
def test_an_article_an_editor_adds_is_held_to_the_fetcher_s_rules(callers, address):
    editor = callers["write_token_editor"]
    for body, field in (
        ({"canonical_url": address}, "canonical_url"),
        ({"canonical_url": "https://news.example/ok", "url": address}, "url"),
    ):
        refused = editor.post(f"{API}articles/", body)
        assert refused.status_code == 400, refused.content
        assert field in refused.json()["fields"]
        assert "secret" not in refused.content.decode()
    assert not Article.objects.exists()
    article = editor.post(f"{API}articles/", {"canonical_url": "https://news.example/fine"}).json()
    changed = editor.patch(f"{API}articles/{article['id']}/", {"url": address})
    assert changed.status_code == 400
    assert Article.objects.get().url == "https://news.example/fine"
