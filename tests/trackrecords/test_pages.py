"""Track records on the pages: a line beside each attribution and under where the claim
first appeared, the full record pages with the claims behind every figure, an editor's
acceptance of a suggested grade, and the compact line in the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

INTELLIGENCE_WORDS = "two officials familiar with U.S. intelligence"


@pytest.fixture
def story(history, outlet):
    """An outlet with five published claims from one named source, and two resting on
    anonymous officials it described in two ways."""
    source = SourceFactory(name="Oleh Kiper", title="Governor")
    for rating in ("true", "true", "mostly_true", "false", "half_true"):
        history.published(rating, outlet=outlet, claimant=source)
    officials = SourceFactory(anonymous=True, name="officials familiar with US intelligence")
    history.published("false", outlet=outlet, claimant=officials, wording="officials familiar with US intelligence")
    current = history.recorded(outlet=outlet, claimant=officials, wording=INTELLIGENCE_WORDS)
    named = history.recorded(outlet=outlet, claimant=source)
    return {"outlet": outlet, "source": source, "officials": officials, "anonymous": current, "named": named}


def page(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_beside_each_attribution_the_claim_page_shows_its_records(client, reviewer, story):
    html = page(client, reviewer, reverse("claims:detail", args=[story["named"].pk]))
    assert (
        "Source&#x27;s record:</span> 5 published verdicts · 60% true or mostly true · 20% false or mostly false"
        in html
    )
    assert reverse("trackrecords:source", args=[story["source"].pk]) in html
    # Under where it first appeared: the outlet's record.
    assert "Harbor City Times&#x27;s record:</span> 6 published verdicts" in html
    assert reverse("trackrecords:outlet", args=[story["outlet"].pk]) in html


def test_an_anonymous_attribution_shows_its_descriptors_record_at_the_outlet(client, reviewer, story):
    html = page(client, reviewer, reverse("claims:detail", args=[story["anonymous"].pk]))
    assert "at Harbor City Times:</span> 1 published verdict · too few to judge (1 on the scale, 5 needed)" in html


def test_the_outlet_page_traces_every_figure_to_its_claims(client, reviewer, story):
    url = reverse("trackrecords:outlet", args=[story["outlet"].pk])
    html = page(client, reviewer, url)
    assert "Track record" in html
    assert "Claims resting on anonymous sources" in html
    assert "“officials familiar with US intelligence”" in html  # the descriptor group
    assert html.count('class="verdict verdict--') >= 6
    narrowed = page(client, reviewer, url + "?side=false")
    assert "The claims behind it: rated false or mostly false" in narrowed
    assert narrowed.count("<tr>") == 1 + 2  # the header, and the two false claims


def test_the_source_page_suggests_a_grade_an_editor_may_accept(client, reviewer, editor, story):
    url = reverse("trackrecords:source", args=[story["source"].pk])
    html = page(client, reviewer, url)
    assert "The record suggests:" in html
    assert "C — fairly reliable" in html
    assert "Accept C for this source" not in html  # a reviewer may not
    response = client.post(reverse("trackrecords:accept_reliability", args=[story["source"].pk]))
    story["source"].refresh_from_db()
    assert story["source"].reliability == "F"
    assert "Accept C for this source" in page(client, editor, url)
    client.post(reverse("trackrecords:accept_reliability", args=[story["source"].pk]))
    story["source"].refresh_from_db()
    assert story["source"].reliability == "C"
    assert response.status_code == 302


def test_the_admin_shows_the_compact_line_with_a_link(client, editor, story):
    html = page(client, editor, reverse("admin:sources_source_change", args=[story["source"].pk]))
    assert "5 published verdicts · 60% true or mostly true" in html
    assert "Suggested reliability: <strong>C</strong>" in html
    html = page(client, editor, reverse("admin:sources_outlet_change", args=[story["outlet"].pk]))
    assert "6 published verdicts" in html
    html = page(client, editor, reverse("admin:claims_claim_change", args=[story["anonymous"].pk]))
    assert "at Harbor City Times:</strong> 1 published verdict" in html
