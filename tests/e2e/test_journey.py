"""The whole journey of a claim, in a real browser, on the demo data: a reviewer records
a claim resting on anonymous sources, an editor accepts and assigns it, the reviewer
reviews and submits it but cannot publish it, the editor signs off the sourcing and
publishes, then reopens it for a correction."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from claims.models import Claim
from reviews.models import AP_CONDITIONS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

STATEMENT = "Russia has shared satellite imagery of Gulf shipping lanes with Iran."
AP = "The Associated Press"
OFFICIALS = "Officials familiar with U.S. intelligence"


def record_the_claim(page: Page, live_server: Any, shot: Any) -> int:
    page.get_by_role("link", name="Record a claim").first.click()
    expect(page.get_by_role("heading", name="Record a claim")).to_be_visible()
    shot("new-claim-empty")
    page.get_by_label("Statement").fill(STATEMENT)
    page.get_by_label("Verbatim quote").fill("Moscow has passed satellite imagery of shipping lanes to Tehran")
    page.get_by_label("Made on").fill("2026-03-07")
    page.get_by_label("Check-worthiness").select_option(label="High")
    page.get_by_label("Tags").fill("russia, iran, imagery")
    claimant = "#id_attributions-0-"
    page.locator(f"{claimant}source").select_option(label=OFFICIALS)
    page.locator(f"{claimant}content_type").select_option(label="Information (fact)")
    page.locator(f"{claimant}attribution_text").fill("two officials familiar with U.S. intelligence")
    page.locator(f"{claimant}sources_claimed").fill("2")
    page.locator(f"{claimant}independence").select_option("unknown")
    page.locator(f"{claimant}access").select_option("familiar_with")
    page.locator(f"{claimant}anonymity_reason").select_option("not_authorized")
    page.locator(f"{claimant}anonymity_reason_text").fill("not authorized to discuss intelligence matters")
    page.locator(f"{claimant}condition_text").fill("spoke on condition of anonymity")
    page.locator(f"{claimant}stated_limits").fill("said they could not tell how Iran has used the imagery")
    page.locator(f"{claimant}side").select_option("government")
    page.locator(f"{claimant}granted_by").select_option(label=AP)
    page.locator(f"{claimant}identity_known_to_editor").select_option(label="Yes")
    shot("new-claim-filled")
    page.get_by_role("button", name="Record the claim").click()
    expect(page.get_by_text(re.compile(r"Claim #\d+ recorded"))).to_be_visible()
    address = re.search(r"/claims/(\d+)/", page.url)
    assert address is not None, page.url
    claim_id = int(address.group(1))
    caveats = page.locator("#sourcing")
    for badge in ("Anonymous", "2 sources", "Access: “Familiar with”", "Reason: Not authorised to speak"):
        expect(caveats.get_by_text(badge, exact=True).first).to_be_visible()
    expect(caveats).to_contain_text("said they could not tell how Iran has used the imagery")
    expect(page.locator("#signoff")).to_contain_text("Needed before publishing")
    shot("claim-recorded")
    return claim_id


def take(page: Page, button: str, done: str) -> None:
    """Press a transition's button; the panel posts with htmx and the page reloads in place."""
    page.locator("#transitions").get_by_role("button", name=button, exact=True).click()
    expect(page.locator(".messages")).to_contain_text(done)


def test_a_claim_from_recording_to_correction(page: Page, live_server, demo, login, logout, shot, console_errors):
    # A reviewer records a claim with an anonymous attribution.
    login("reviewer", screenshot=shot)
    claim_id = record_the_claim(page, live_server, shot)
    claim_url = f"{live_server.url}/claims/{claim_id}/"
    expect(page.locator("#transitions")).to_contain_text("an editor triages new claims")
    logout()

    # An editor finds it unassigned, accepts it with a priority and assigns the reviewer.
    login("editor", screenshot=shot)
    expect(page.get_by_role("region", name=re.compile("Unassigned"))).to_contain_text(STATEMENT)
    page.get_by_role("link", name=re.compile(re.escape(STATEMENT[:40]))).first.click()
    expect(page).to_have_url(claim_url)
    page.locator("#id_accept-priority").select_option(label="Urgent")
    page.locator("#id_accept-assignee").select_option(label="Riley Reviewer (reviewer)")
    page.locator("#id_accept-note").fill("Find an on-record response from the Pentagon.")
    shot("editor-accepts")
    take(page, "Accept", "Accept: the claim is now researching.")
    expect(page.locator("#workflow")).to_contain_text("Riley Reviewer")
    expect(page.locator("#timeline")).to_contain_text("Find an on-record response from the Pentagon.")
    shot("accepted")
    logout()

    # The reviewer writes a review and submits it.
    login("reviewer", screenshot=shot)
    expect(page.get_by_role("region", name=re.compile("Assigned to me"))).to_contain_text(STATEMENT)
    page.goto(claim_url)
    shot("assigned-claim")
    page.get_by_role("link", name="Write a review").first.click()
    shot("review-form")
    page.get_by_label("Verdict").select_option(label="Unproven")
    page.get_by_label("Confidence").select_option("roughly_even")
    page.get_by_label("Summary").fill("Two anonymous officials; no independent confirmation yet.")
    page.get_by_label("Rationale").fill("Only one report, resting on two officials whose independence is unknown.")
    page.get_by_label(f"Claimant: {OFFICIALS}").check()
    page.get_by_label("Other evidence (web addresses)").fill("https://apnews.com/article/sample-2026-03-08-russia-iran")
    page.get_by_role("button", name="Save draft review").click()
    # The service's rule comes back inline: Unproven needs a re-check date.
    expect(page.locator("#id_recheck_on_error")).to_contain_text("needs a re-check date")
    shot("review-refused-inline")
    page.get_by_label("Re-check on").fill("2026-04-07")
    page.get_by_role("button", name="Save draft review").click()
    expect(page.locator(".messages")).to_contain_text("Draft review saved")
    expect(page.locator("#reviews")).to_contain_text("Draft")
    shot("review-saved")
    take(page, "Submit for review", "Submit for review: the claim is now in review.")
    shot("submitted-for-review")

    # The same reviewer cannot publish: no button, and a forged request is refused.
    expect(page.get_by_role("button", name="Publish")).to_have_count(0)
    version = Claim.objects.get(pk=claim_id).version
    page.evaluate(
        """([action, version]) => {
            const form = document.createElement("form");
            form.method = "post";
            form.action = action;
            const token = document.querySelector("input[name=csrfmiddlewaretoken]").value;
            for (const [name, value] of Object.entries({
                csrfmiddlewaretoken: token, transition: "publish", "publish-version": version, "publish-note": ""
            })) {
                const input = document.createElement("input");
                input.type = "hidden"; input.name = name; input.value = value;
                form.appendChild(input);
            }
            document.body.appendChild(form);
            form.submit();
        }""",
        [f"/claims/{claim_id}/transitions/", str(version)],
    )
    expect(page.get_by_role("heading", name="You cannot do that")).to_be_visible()
    expect(page.locator("main")).to_contain_text(
        "“Publish” can be taken only by an editor who did not write or edit the review."
    )
    shot("reviewer-cannot-publish")
    assert Claim.objects.get(pk=claim_id).status == "in_review"
    logout()

    # The editor sees Publish disabled because the sourcing needs a sign-off, signs it off and publishes.
    login("editor", screenshot=shot)
    expect(page.get_by_role("region", name=re.compile("Awaiting my review"))).to_contain_text(STATEMENT)
    page.goto(claim_url)
    shot("claim-awaiting-review")
    expect(page.locator("#transitions").get_by_role("button", name="Publish", exact=True)).to_be_disabled()
    expect(page.locator("#publish-blockers")).to_contain_text("a standards editor must sign off the sourcing")
    shot("publish-disabled-needs-sign-off")
    for condition in AP_CONDITIONS.values():
        page.get_by_label(condition).check()
    page.locator("#id_signoff-note").fill("Two officials; AP editor knows their identity.")
    page.get_by_role("button", name="Sign off the sourcing").click()
    expect(page.locator(".messages")).to_contain_text("Sourcing signed off against the AP conditions.")
    expect(page.locator("#signoff")).to_contain_text("Signed off by Dana Editor")
    shot("signed-off")
    page.locator("#id_publish-note").fill("Published as Unproven pending confirmation.")
    take(page, "Publish", "Publish: the claim is now published.")
    expect(page.locator("#workflow")).to_contain_text("Unproven")
    expect(page.locator("#reviews")).to_contain_text("Published")
    shot("published")

    # A correction: the editor reopens it with the reason.
    page.locator("#transitions").get_by_role("button", name="Reopen for correction").click()
    expect(page.locator("#transitions [role=alert]")).to_contain_text("Give the correction reason")
    page.locator("#id_reopen-note").fill("The imagery was of the Caspian, not the Gulf; re-examine.")
    take(page, "Reopen for correction", "Reopen for correction: the claim is now researching.")
    expect(page.locator("#reviews")).to_contain_text("Withdrawn")
    expect(page.locator("#timeline")).to_contain_text("The imagery was of the Caspian, not the Gulf; re-examine.")
    shot("reopened-for-correction")

    # The claim list filters in place with htmx as one types, and keeps the address.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Claims", exact=True).click()
    shot("claim-list")
    page.get_by_label("Search").fill("satellite imagery")
    expect(page.locator("#results-title")).to_contain_text("1 claim matching")
    expect(page).to_have_url(re.compile(r"[?&]q=satellite(\+|%20)imagery"))
    expect(page.locator("#results")).to_contain_text(STATEMENT)
    page.get_by_label("Status").select_option("researching")
    expect(page).to_have_url(re.compile(r"status=researching"))
    expect(page.locator("#results")).to_contain_text(STATEMENT)
    shot("claim-list-search")

    claim = Claim.objects.get(pk=claim_id)
    assert claim.status == "researching"
    assert [t.name for t in claim.transitions.order_by("created_at", "pk")] == [
        "accept",
        "submit_for_review",
        "publish",
        "reopen",
    ]
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
