"""Prior checks on the pages: "Already checked by …: rated …, date" on the claim page,
the reviewer's confirm and reject, and the dashboard's flag for submitted claims."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from corroboration.models import PriorCheckMatch
from corroboration.services import prior_checks_import
from tests.factories import make_claim

pytestmark = pytest.mark.django_db

DEMO_FEED = Path(__file__).resolve().parents[2] / "demo" / "data" / "claimreviews.json"
INTELLIGENCE = (
    "Russia has provided Iran with information that could help Tehran strike U.S. warships, aircraft and other "
    "assets in the Middle East."
)


@pytest.fixture
def checked(reviewer):
    claim = make_claim(actor=reviewer, statement=INTELLIGENCE)
    prior_checks_import(actor=None, body=DEMO_FEED.read_bytes())
    return claim


def test_the_claim_page_says_who_may_already_have_checked_it(client, reviewer, checked):
    client.force_login(reviewer)
    html = client.get(reverse("claims:detail", args=[checked.pk])).content.decode()
    assert "Possibly already checked by Northfield Verify</strong>: rated “Unproven”" in html
    assert 'on our scale: <span class="verdict verdict--unproven">Unproven</span>' in html
    assert "9 Mar 2026." in html
    assert "Confirm: about this claim" in html


def test_a_reviewer_confirms_and_the_line_says_already_checked(client, reviewer, checked):
    client.force_login(reviewer)
    match = PriorCheckMatch.objects.get(claim=checked)
    url = reverse("corroboration:decide_prior_check", args=[checked.pk, match.pk])
    response = client.post(url, {"state": "confirmed"})
    assert response.status_code == 302
    html = client.get(reverse("claims:detail", args=[checked.pk])).content.decode()
    assert "Already checked by Northfield Verify</strong>: rated “Unproven”" in html
    assert "Confirmed</strong> as about this claim by" in html
    client.post(url, {"state": "rejected"})
    html = client.get(reverse("claims:detail", args=[checked.pk])).content.decode()
    assert "Rejected matches (1)" in html
    assert "Already checked by" not in html


def test_the_dashboard_flags_submitted_claims_checked_elsewhere(client, reviewer, checked):
    client.force_login(reviewer)
    html = client.get(reverse("dashboard")).content.decode()
    queue = html.split('id="queue-already_checked"')[1].split("</section>")[0]
    assert 'aria-label="1 claims">1</span>' in queue
    assert f"#{checked.pk}</span>" in queue
    assert "badge--checked" in html  # flagged wherever the claim is listed
    listed = client.get(reverse("claims:list") + "?queue=already_checked").content.decode()
    assert INTELLIGENCE[:60] in listed
    PriorCheckMatch.objects.filter(claim=checked).update(state="rejected", decided_at="2026-03-10T10:00:00Z")
    html = client.get(reverse("dashboard")).content.decode()
    assert 'aria-label="0 claims">0</span>' in html.split('id="queue-already_checked"')[1].split("</section>")[0]
