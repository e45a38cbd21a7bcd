"""The demo: the sample AP story, served by the demo corpus, read by its address —
the demo's own intelligence claim and Peskov's reply come back as already tracked."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from claims.models import Claim
from demo.corpus import SAMPLE_PAGE
from demo.management.commands.serve_demo_corpus import CorpusHandler, _pages
from demo.story import INTELLIGENCE_CLAIM_START
from extraction.services import extraction_request
from tests.extraction.conftest import INTELLIGENCE, run_job, suggestion

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus_url(allow_loopback: None) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), CorpusHandler)
    CorpusHandler.pages = _pages()
    CorpusHandler.base_url = f"http://127.0.0.1:{server.server_port}/"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield CorpusHandler.base_url
    server.shutdown()
    server.server_close()


@pytest.fixture
def demo(roles: Any, default_scale: Any) -> None:
    call_command("load_demo", verbosity=0)


def test_the_demo_story_is_read_by_its_address_and_its_tracked_claims_are_recognised(demo, corpus_url, editor):
    extraction = run_job(extraction_request(actor=editor, url=f"{corpus_url}{SAMPLE_PAGE}"))
    assert extraction.status == "read"
    assert extraction.article.title == "Russia answers the Iran war with indignation but no visible help for its ally"
    intelligence = suggestion(extraction, INTELLIGENCE)
    (source,) = intelligence.attributions
    assert (source["count"], source["access"], source["reason"], source["condition"]) == (
        2,
        "familiar_with",
        "not_authorized",
        "spoke on the condition of anonymity",
    )
    assert intelligence.tracked_claim == Claim.objects.get(statement__startswith=INTELLIGENCE_CLAIM_START)
    reply = suggestion(extraction, "received no such requests from Tehran")
    assert reply.tracked_claim is not None
    assert reply.tracked_claim.quote == "it has received no such requests from Tehran"
    assert {(r["from"], r["to"]) for r in extraction.relations} >= {(reply.position, intelligence.position)}


def test_the_page_offers_the_demo_story_when_the_corpus_is_served(client: Client, reviewer, settings):
    client.force_login(reviewer)
    assert "Read the demo story" not in client.get("/extractions/new/").content.decode()
    settings.DEMO_CORPUS_URL = "http://127.0.0.1:8765/"
    page = client.get("/extractions/new/").content.decode()
    assert "Read the demo story" in page
    assert f'value="http://127.0.0.1:8765/{SAMPLE_PAGE}"' in page
