"""The public page /fact-checks/{id}/: anyone may read a published verdict, nothing
else is there, and its embedded JSON-LD is exactly the ClaimReview, safely escaped."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any

import extruct
import pytest
from django.conf import settings
from django.core.management import call_command

from claims.models import Claim
from reviews.claimreview import claimreview_for
from reviews.services import transition_take
from reviews.workflow import TransitionName
from tests.integrations.test_claimreview import INTELLIGENCE, publish_the_intelligence_claim

pytestmark = pytest.mark.django_db

TREATY = "Russia and Iran signed a comprehensive strategic partnership treaty in January 2025."
ATTACK = "The minister said </script><script>alert(1)</script> on Tuesday."


class Scripts(HTMLParser):
    """Every <script> element of a page as a browser would split it: attributes and text."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._open = dict(attrs)
            self.found.append((self._open, ""))

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            attrs, text = self.found[-1]
            self.found[-1] = (attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._open = None


def scripts_of(html: str) -> list[tuple[dict[str, str | None], str]]:
    parser = Scripts()
    parser.feed(html)
    return parser.found


def json_ld_of(html: str) -> list[Any]:
    return [json.loads(text) for attrs, text in scripts_of(html) if attrs.get("type") == "application/ld+json"]


def page(client: Any, claim: Claim) -> Any:
    return client.get(f"/fact-checks/{claim.pk}/")


def test_anyone_can_read_a_published_verdict(client, workflow):
    claim = workflow.published()
    response = page(client, claim)  # no login
    assert response.status_code == 200
    html = response.content.decode()
    assert claim.statement in html
    assert "Our verdict: True" in html
    assert "Checked against the official record." in html  # the rationale


def test_the_demo_page_shows_the_verdict_summary_and_rationale(client, roles):
    call_command("load_demo", verbosity=0)
    treaty = Claim.objects.get(statement=TREATY)
    html = page(client, treaty).content.decode()
    assert "Verdict: True" in html
    assert "in Moscow in January 2025." in html  # summary
    assert "Presidents Putin and Pezeshkian signed the Treaty" in html  # rationale


def test_the_embedded_json_ld_is_the_claimreview(client, workflow):
    claim = workflow.published()
    response = page(client, claim)

    (embedded,) = json_ld_of(response.content.decode())

    assert embedded == claimreview_for(claim)
    assert embedded["url"] == f"{settings.SITE_URL.rstrip('/')}/fact-checks/{claim.pk}/"


def test_a_structured_data_reader_finds_the_same_claimreview(client, workflow):
    claim = workflow.published()
    response = page(client, claim)
    found = extruct.extract(
        response.content.decode(), base_url=f"http://testserver/fact-checks/{claim.pk}/", syntaxes=["json-ld"]
    )
    assert found["json-ld"] == [claimreview_for(claim)]


@pytest.mark.parametrize("state", ["submitted", "researching", "in_review", "rejected"])
def test_an_unpublished_claim_is_not_found(client, workflow, state):
    assert page(client, getattr(workflow, state)()).status_code == 404


def test_a_reopened_claim_is_not_found_and_a_missing_one_neither(client, workflow):
    claim = workflow.published()
    transition_take(actor=workflow.editor, claim=claim, name=TransitionName.REOPEN, note="Checking the date.")
    assert page(client, claim).status_code == 404
    assert client.get("/fact-checks/999999/").status_code == 404


def test_the_page_is_read_only(client, workflow):
    claim = workflow.published()
    assert client.post(f"/fact-checks/{claim.pk}/").status_code == 405


def test_a_statement_quoting_a_script_tag_cannot_break_out_of_the_json_ld(client, workflow):
    claim = workflow.published(statement=ATTACK)

    html = page(client, claim).content.decode()

    assert "<script>alert(1)" not in html
    scripts = scripts_of(html)
    # The product's own htmx and page script, and the JSON-LD: nothing the statement could have added.
    assert [attrs.get("type") or attrs.get("src") for attrs, _ in scripts] == [
        "/static/django_htmx/htmx-2.min.js",
        "/static/corroborate/site.js",
        "application/ld+json",
    ]
    (embedded,) = json_ld_of(html)
    assert embedded["claimReviewed"] == ATTACK
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text


def test_the_anonymous_sourcing_caveats_are_shown_plainly(client, roles):
    call_command("load_demo", verbosity=0)
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.all()}
    claim = publish_the_intelligence_claim(users)

    html = page(client, claim).content.decode()

    assert claim.statement.startswith(INTELLIGENCE)
    assert "This claim rests on anonymous sources" in html
    assert "“two officials familiar with U.S. intelligence”" in html
    for shown in (
        "<dt>Sources claimed</dt><dd>2</dd>",
        "<dt>Access</dt><dd>“Familiar with”</dd>",
        "<dt>Reason for anonymity</dt><dd>not authorized to comment publicly on the sensitive matter</dd>",
        "<dt>Condition</dt><dd>spoke on the condition of anonymity</dd>",
        "<dt>Stated limits</dt><dd>cautioned that the U.S. intelligence has not uncovered",
    ):
        assert shown in html
    assert "We will look at this claim again on 8 April 2026." in html  # Unproven re-check


def test_the_correction_note_is_shown(client, workflow):
    claim = workflow.published()
    transition_take(actor=workflow.editor, claim=claim, name=TransitionName.REOPEN, note="The date was wrong.")
    workflow.draft(claim, rating="mostly_true")
    transition_take(actor=workflow.reviewer, claim=claim, name=TransitionName.SUBMIT_FOR_REVIEW)
    transition_take(actor=workflow.editor, claim=claim, name=TransitionName.PUBLISH)

    html = page(client, claim).content.decode()

    assert "The date was wrong." in html
    assert "the earlier verdict was “True”" in html
    assert "Our verdict: Mostly true" in html
