"""Every list endpoint runs the same number of queries for one item as for fifty."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Attribution, RelationKind
from claims.services import relation_create
from integrations.models import WebhookEndpoint
from reviews.services import transition_take
from tests.factories import ArticleFactory, OutletFactory, SourceFactory, complete_caveats

pytestmark = pytest.mark.django_db

ITEMS = 6  # enough that one query per item would show


@pytest.fixture
def busy(workflow, editor):
    """Several of everything, each with the parts its list shows."""
    claims = []
    for n in range(ITEMS):
        outlet = OutletFactory(name=f"Outlet {n}")
        claim = workflow.published(
            statement=f"Claim number {n} about the harbour.",
            claimant=SourceFactory(outlet=outlet),
            first_appearance=ArticleFactory(outlet=outlet),
            appearances=[ArticleFactory(outlet=outlet)],
            tags=["harbour"],
        )
        Attribution.objects.create(
            claim=claim, source=SourceFactory(anonymous=True), role="disputes", **complete_caveats()
        )
        claims.append(claim)
    hub = claims[0]
    for other in claims[1:]:
        relation_create(actor=editor, from_claim=hub, to_claim=other, kind=RelationKind.RELATED)
        Attribution.objects.create(claim=hub, source=SourceFactory(), role="supports")
    for _ in range(ITEMS // 2):  # reopen and publish again: more transitions and reviews
        transition_take(actor=editor, claim=hub, name="reopen", note="A correction.")
        workflow.draft(hub)
        transition_take(actor=workflow.reviewer, claim=hub, name="submit_for_review")
        transition_take(actor=editor, claim=hub, name="publish")
    for n in range(ITEMS):
        WebhookEndpoint.objects.create(url=f"https://cms.example/{n}", secret="s" * 40, events=["claim.transitioned"])
    return hub


LISTS = [
    "/api/v1/claims/",
    "/api/v1/claims/{hub}/attributions/",
    "/api/v1/claims/{hub}/relations/",
    "/api/v1/claims/{hub}/reviews/",
    "/api/v1/claims/{hub}/history/",
    "/api/v1/claims/{hub}/transitions/",
    "/api/v1/claimreviews/",
    "/api/v1/sources/",
    "/api/v1/outlets/",
    "/api/v1/articles/",
    "/api/v1/webhooks/",
]


def queries(caller, url: str, page_size: int) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as context:
        response = caller.get(url, page_size=page_size)
    assert response.status_code == 200, response.content
    body = response.json()
    shown = len(body.get("results", body.get("dataFeedElement", [])))
    return len(context.captured_queries), shown


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("who", ["write_token_editor", "anonymous", "submit_token_reviewer"])
def test_a_list_costs_the_same_for_one_item_as_for_fifty(url, who, callers, busy):
    if who != "write_token_editor" and "webhooks" in url:
        pytest.skip("editors only")
    if who != "write_token_editor" and url.endswith(("history/", "transitions/")):
        pytest.skip("newsroom only")
    caller = callers[who]
    url = url.format(hub=busy.pk)
    caller.get(url)  # the first request of a token also records its use
    one, shown_one = queries(caller, url, 1)
    fifty, shown_fifty = queries(caller, url, 50)
    assert shown_one == 1
    assert shown_fifty >= 4
    assert one == fifty, f"{url}: {one} queries for 1 item, {fifty} for {shown_fifty}"
