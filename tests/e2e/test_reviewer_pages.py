"""The reviewer pages, the public page and the admin's claim screens in Chromium:
accessibility (axe-core, shipped by axe-playwright-python, runs in the page, offline),
keyboard focus and live announcements after in-place updates, phones at 390×844, the
evidence loop, and nothing loaded from another site."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, FloatRect, Locator, Page, ViewportSize, expect

from claims.models import Claim
from corroboration.models import Coverage, CoverageIndependence, Stance
from demo.story import INTELLIGENCE_CLAIM_START
from sources.models import Ownership
from tests.e2e.conftest import log_in
from tests.factories import ArticleFactory, OutletFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Axe()
PHONE: ViewportSize = {"width": 390, "height": 844}
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


def violations(page: Page, *, impacts: tuple[str, ...] = ("minor", "moderate", "serious", "critical")) -> list[str]:
    """axe-core's violations on the page as it is now, one line each (rule, impact, where)."""
    results = AXE.run(page)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in impacts:
            where = ", ".join(str(node["target"]) for node in violation["nodes"][:3])
            found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {where}")
    return found


@pytest.fixture
def story(demo: Any) -> dict[str, Claim]:
    """The demo claims the pages show, with coverage a reviewer confirmed on the one in research."""
    intelligence = Claim.objects.get(statement__startswith=INTELLIGENCE_CLAIM_START)
    state = OutletFactory(name="State Wire", ownership=Ownership.STATE_CONTROLLED)
    for title, stance, outlet in (
        ("An independent confirmation", Stance.SUPPORTS, None),
        ("Moscow denies any help", Stance.DISPUTES, state),
    ):
        Coverage.objects.create(
            claim=intelligence,
            article=ArticleFactory.create(title=title, **({"outlet": outlet} if outlet else {})),
            score=0.8,
            excerpt="The passage that carries the claim.",
            suggested_stance=stance,
            stance=stance,
            independence=CoverageIndependence.INDEPENDENT,
        )
    Coverage.objects.create(
        claim=intelligence,
        article=ArticleFactory.create(title="Not yet confirmed"),
        score=0.7,
        excerpt="Another passage.",
        suggested_stance=Stance.SUPPORTS,
        independence=CoverageIndependence.INDEPENDENT,
    )
    return {
        "researching": intelligence,
        "in_review": Claim.objects.get(status="in_review"),
        # The story's published claim, not one of the demo's earlier published history.
        "published": Claim.objects.get(
            status="published", first_appearance__canonical_url__startswith="https://apnews.com/"
        ),
    }


def reviewer_pages(story: dict[str, Claim]) -> list[str]:
    researching, in_review = story["researching"].pk, story["in_review"].pk
    return [
        "/",
        "/claims/",
        "/claims/new/",
        f"/claims/{researching}/",
        f"/claims/{researching}/edit/",
        f"/claims/{researching}/reviews/new/",
        f"/claims/{in_review}/",
        f"/claims/{in_review}/preview/",
        f"/reviews/{story['in_review'].reviews.get().pk}/edit/",
    ]


# --- Accessibility --------------------------------------------------------------------------


def test_axe_finds_nothing_on_the_reviewer_pages_and_the_public_page(page: Page, live_server: Any, story: Any):
    page.goto(f"{live_server.url}/accounts/login/")
    found = {"/accounts/login/": violations(page)}
    log_in(page, live_server.url, "editor")
    for path in [*reviewer_pages(story), f"/fact-checks/{story['published'].pk}/"]:
        page.goto(live_server.url + path)
        found[path] = violations(page)
    problems = {path: v for path, v in found.items() if v}
    assert not problems, "\n".join(f"{p}: {line}" for p, lines in problems.items() for line in lines)


def test_axe_finds_no_critical_or_serious_violation_on_the_admin_claim_pages(page: Page, live_server: Any, story: Any):
    log_in(page, live_server.url, "editor")
    claim = story["researching"].pk
    found = {}
    for path in (
        "/admin/claims/claim/",
        f"/admin/claims/claim/{claim}/change/",
        f"/admin/claims/claim/{claim}/history/",
        "/admin/claims/claim/add/",
    ):
        page.goto(live_server.url + path)
        found[path] = violations(page, impacts=("serious", "critical"))
    problems = {path: v for path, v in found.items() if v}
    assert not problems, "\n".join(f"{p}: {line}" for p, lines in problems.items() for line in lines)


# --- Keyboard focus and live announcements after in-place updates ------------------------------


def focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_with_the_keyboard_only_focus_stays_on_the_control_after_each_update(
    page: Page, live_server: Any, story: Any, shot: Any
):
    claim = story["researching"]
    pending = Coverage.objects.get(claim=claim, article__title="Not yet confirmed")
    confirmed = Coverage.objects.get(claim=claim, article__title="An independent confirmation")
    log_in(page, live_server.url, "reviewer")
    page.goto(f"{live_server.url}/claims/{claim.pk}/")

    # Confirm a stance: the whole coverage section is redrawn, focus stays on the button.
    button = f"stance-{pending.pk}-supports"
    page.locator(f"#{button}").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#announcer")).to_have_text("Stance confirmed: Supports — Not yet confirmed.")
    expect(page.locator(f"#{button}")).to_have_attribute("aria-pressed", "true")
    assert focused_id(page) == button
    shot("stance-confirmed-by-keyboard")

    # Cite it: the button becomes a link to the draft, with the focus on it.
    control = f"cite-{confirmed.pk}-control"
    page.locator(f"#{control}").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#announcer")).to_have_text("Cited in your draft review.")
    expect(page.locator(f"#cite-{confirmed.pk}")).to_contain_text("Cited in your draft review")
    assert focused_id(page) == control
    assert page.evaluate("document.activeElement.tagName") == "A"
    shot("cited-by-keyboard")

    # The draft holds it, and the form lists confirmed coverage first, by ledger class.
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Edit the draft review")).to_be_visible()
    expect(page.get_by_label("An independent confirmation", exact=False)).to_be_checked()
    groups = page.locator(".evidence-group").all_inner_texts()
    assert groups[:2] == ["Independent confirmations", "Denials"]
    page.get_by_label("Verdict").select_option(label="Mostly true")
    page.get_by_role("button", name="Save draft review").click()
    # The message is in sight although the page opened at the review.
    expect(page.locator("#messages")).to_be_in_viewport()
    expect(page.locator("#messages")).to_contain_text("Review saved.")
    shot("review-saved")


def test_clear_all_filters_follows_filtering_in_place(page: Page, live_server: Any, story: Any):
    log_in(page, live_server.url, "reviewer")
    page.goto(f"{live_server.url}/claims/")
    expect(page.get_by_role("link", name="Clear all filters")).to_have_count(0)
    page.get_by_label("Status").focus()
    page.get_by_label("Status").select_option("submitted")
    expect(page.get_by_role("link", name="Clear all filters")).to_be_visible()
    expect(page.locator("#announcer")).to_have_text("8 claims found")  # read out after filtering in place
    assert focused_id(page) == "id_status"
    expect(page.locator("#results-title")).to_contain_text("claims")
    page.get_by_role("link", name="Clear all filters").click()
    expect(page.get_by_role("link", name="Clear all filters")).to_have_count(0)


def test_the_stale_edit_message_names_the_person_and_offers_a_reload(page: Page, live_server: Any, story: Any):
    from django.contrib.auth import get_user_model

    from claims.services import claim_update

    claim = story["researching"]
    log_in(page, live_server.url, "reviewer")
    page.goto(f"{live_server.url}/claims/{claim.pk}/edit/")
    editor = get_user_model().objects.get(username="editor")
    claim.refresh_from_db()
    claim_update(actor=editor, claim=claim, version=claim.version, context="Changed meanwhile.")
    page.get_by_role("button", name="Save").first.click()
    errors = page.locator(".form-errors")
    expect(errors).to_contain_text("Dana Editor")
    expect(errors.get_by_role("link", name="Reload the claim")).to_be_visible()


# --- Phones ---------------------------------------------------------------------------------------


@pytest.fixture
def phone(browser: Browser) -> Any:
    context = browser.new_context(viewport=PHONE, locale="en-GB", is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def box_of(locator: Locator) -> FloatRect:
    """Where the element is drawn; a hidden one has no box, and that fails the test here."""
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not drawn"
    return box


def horizontal_overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_no_reviewer_page_scrolls_sideways_on_a_phone(phone: Page, live_server: Any, story: Any, screenshot_dir):
    log_in(phone, live_server.url, "editor")
    wide = {}
    for number, path in enumerate([*reviewer_pages(story), f"/fact-checks/{story['published'].pk}/"]):
        phone.goto(live_server.url + path)
        phone.screenshot(path=str(screenshot_dir / f"{number:02d}-phone.png"), full_page=True)
        if horizontal_overflow(phone) > 0:
            wide[path] = horizontal_overflow(phone)
    assert wide == {}


def test_on_a_phone_the_claim_list_is_cards_with_the_filters_folded(phone: Page, live_server: Any, story: Any):
    log_in(phone, live_server.url, "reviewer")
    phone.goto(f"{live_server.url}/claims/")
    filters = phone.locator("details.filters__more")
    expect(filters).not_to_have_attribute("open", "")
    expect(phone.locator("table.claims thead")).not_to_be_in_viewport()
    first = phone.locator("table.claims tbody tr").first
    expect(first).to_be_in_viewport()  # the first result is on the first screen
    assert box_of(first)["width"] <= PHONE["width"]
    filters.locator("summary").click()
    expect(phone.get_by_label("Status")).to_be_visible()


def test_on_a_phone_the_claim_page_starts_with_status_and_next_steps(phone: Page, live_server: Any, story: Any):
    log_in(phone, live_server.url, "editor")
    phone.goto(f"{live_server.url}/claims/{story['in_review'].pk}/")
    steps = phone.get_by_role("heading", name="Next steps")
    said = phone.get_by_role("heading", name="What was said")
    assert box_of(phone.get_by_role("heading", name="Where it stands"))["y"] < box_of(said)["y"]
    assert box_of(steps)["y"] < box_of(said)["y"]


# --- The admin's claim screens ------------------------------------------------------------------


def test_the_admin_claim_screens_fit_and_history_is_the_real_one(page: Page, live_server: Any, story: Any):
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server.url, "editor")
    claim = story["researching"]
    page.goto(f"{live_server.url}/admin/claims/claim/")
    assert horizontal_overflow(page) <= 0
    assignee = page.locator("#result_list th.column-assignee")
    box = assignee.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= 1366

    page.goto(f"{live_server.url}/admin/claims/claim/{claim.pk}/change/")
    expect(page.locator("#content")).to_contain_text("Relations to other claims")
    title = box_of(page.locator("#content h2, #content h1").last)
    for tool in page.locator(".object-tools li").all():
        box = box_of(tool)
        overlaps = not (
            box["x"] + box["width"] <= title["x"]
            or title["x"] + title["width"] <= box["x"]
            or box["y"] + box["height"] <= title["y"]
            or title["y"] + title["height"] <= box["y"]
        )
        assert not overlaps, tool.inner_text()
    page.get_by_role("link", name="History", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Change history: claim #{claim.pk}")
    expect(page.locator("table.history-table")).to_contain_text("created")


# --- Nothing from another site -------------------------------------------------------------------


def test_no_page_loads_anything_from_another_site(page: Page, live_server: Any, story: Any, console_errors):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    log_in(page, live_server.url, "editor")
    claim = story["researching"].pk
    for path in [
        *reviewer_pages(story),
        f"/fact-checks/{story['published'].pk}/",
        "/admin/",
        "/admin/claims/claim/",
        f"/admin/claims/claim/{claim}/change/",
        "/api/docs/",
        "/api/redoc/",
    ]:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    if "/api/redoc/" in page.url:
        expect(page.get_by_text("API docs by Redocly")).to_be_visible()  # the footer drew its logo
    elsewhere = sorted({url for url in requested if url.startswith("http") and urlsplit(url).hostname not in LOOPBACK})
    assert elsewhere == []
    assert [e for e in console_errors if "Content Security Policy" in e] == []
