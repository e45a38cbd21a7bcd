"""Stored XSS, in a real browser: more than a hundred payloads stored as statements,
quotes, context, attribution texts, caveat texts, source names, notes and reviews are
rendered by the claim list, the claim pages, the dashboard and the admin — and nothing
runs, loads or acts.

The pages are loaded with the Content-Security-Policy *bypassed*, so what is proved is
that escaping alone holds; that the policy is sent on every page is checked separately.
A positive control renders the raw payloads the same way and must trip the detectors,
so a silent detector cannot pass the test."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, BrowserContext, Dialog, Page, Route

from claims.models import AttributionRole, Claim, Rating, RelationKind
from claims.services import claim_create, relation_create
from reviews.services import review_create, transition_take
from reviews.workflow import TransitionName
from sources.html import clean_html
from sources.models import SourceKind
from sources.services import outlet_create, source_create
from tests.e2e.conftest import Screenshots, log_in
from tests.xss_corpus import CANARY, PAYLOADS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

GALLERY_SIZE = 30  # payload attributions per claim page, so each page stays a readable length

# Runs in the page after it loaded: anything a payload could have become in the DOM.
FIND_INJECTED = """(canary) => {
  const found = [];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.trim().toLowerCase();
      if (name.startsWith("on")) found.push(`${el.tagName} ${name}`);
      const htmx = name.startsWith("hx-") || name.startsWith("data-hx-");
      if (htmx && value.includes(canary)) found.push(`${el.tagName} ${name}`);
      if (["href", "src", "action", "formaction", "xlink:href", "data"].includes(name)
          && (value.startsWith("javascript:") || value.startsWith("data:text/html") || value.includes(canary))) {
        found.push(`${el.tagName} ${name}=${value}`);
      }
    }
  }
  for (const script of document.querySelectorAll("script")) {
    if (!script.src && script.type !== "application/json") found.push("inline script: " + script.textContent);
  }
  for (const el of document.querySelectorAll("iframe, object, embed, base, meta[http-equiv], svg script, template")) {
    found.push(el.outerHTML.slice(0, 80));
  }
  return found;
}"""


@dataclass
class Detectors:
    """What a payload that ran would leave behind."""

    canary_requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def attach(self, context: BrowserContext, page: Page) -> None:
        def canary(route: Route) -> None:
            self.canary_requests.append(route.request.url)
            route.fulfill(status=204, body="")

        def dialog_opened(dialog: Dialog) -> None:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        context.route(re.compile(rf".*{re.escape(CANARY)}.*"), canary)
        page.on("dialog", dialog_opened)

    def check(self, page: Page) -> list[str]:
        # Handlers (onerror, onload, htmx's "load" trigger) get a moment to fire.
        page.wait_for_timeout(250)
        problems = page.evaluate(FIND_INJECTED, CANARY)
        if page.evaluate("() => window.__xss !== undefined || (window.parent && window.parent.__xss !== undefined)"):
            problems.append("window.__xss was set")
        return problems


@pytest.fixture
def unprotected(browser: Browser) -> Iterator[tuple[BrowserContext, Page]]:
    """A browser that ignores the Content-Security-Policy: only escaping stands between
    a stored payload and the reader."""
    context = browser.new_context(bypass_csp=True, viewport={"width": 1360, "height": 900})
    page = context.new_page()
    yield context, page
    context.close()


def store_payloads() -> list[Claim]:
    """Every payload in every kind of text a person or a source supplies, written
    through the services like any other data. Returns the gallery claims, whose pages
    hold the attributions."""
    User = get_user_model()
    editor, reviewer = User.objects.get(username="editor"), User.objects.get(username="reviewer")
    outlet = outlet_create(actor=editor, name=PAYLOADS[0][:200], notes=PAYLOADS[1])
    sources = [
        source_create(actor=reviewer, kind=SourceKind.ANONYMOUS_GROUP, name=p[:300], affiliation=p[:300])
        for p in PAYLOADS
    ]
    for payload, source in zip(PAYLOADS, sources, strict=True):
        claim_create(
            actor=reviewer,
            statement=payload,
            quote=payload,
            context=payload,
            tags=["xss"],
            attributions=[{"source": source, "role": AttributionRole.CLAIMANT, "attribution_text": payload}],
        )
    galleries = []
    for start in range(0, len(PAYLOADS), GALLERY_SIZE):
        chunk = list(zip(PAYLOADS[start : start + GALLERY_SIZE], sources[start : start + GALLERY_SIZE], strict=True))
        first_payload, first_source = chunk[0]
        gallery = claim_create(
            actor=reviewer,
            statement=f"Gallery of stored payloads {start // GALLERY_SIZE + 1}: {first_payload}",
            quote=first_payload,
            tags=["xss-gallery"],
            attributions=[
                {"source": first_source, "role": AttributionRole.CLAIMANT, "attribution_text": first_payload},
                *(
                    {
                        "source": source,
                        "role": AttributionRole.SUPPORTS,
                        "attribution_text": payload,
                        "quote": payload,
                        "anonymity_reason_text": payload,
                        "condition_text": payload,
                        "stated_limits": payload,
                        "motive": payload,
                        "vouching_note": payload,
                        "granted_by": outlet,
                    }
                    for payload, source in chunk
                ),
            ],
        )
        galleries.append(gallery)
    first = galleries[0]
    others = list(Claim.objects.filter(tags__contains=["xss"]).order_by("pk")[:10])
    for other, payload in zip(others, PAYLOADS[10:20], strict=True):
        relation_create(actor=reviewer, from_claim=other, to_claim=first, kind=RelationKind.RELATED, note=payload)
    transition_take(actor=editor, claim=first, name=TransitionName.ACCEPT, assignee=reviewer, note=PAYLOADS[2])
    review_create(
        actor=reviewer,
        claim=first,
        rating=Rating.objects.get(scale__is_default=True, value="false"),
        summary=PAYLOADS[3],
        rationale="\n".join(PAYLOADS[4:12]),
        evidence_urls=["https://evidence.example/?q=%3Cscript%3E"],
        evidence_attributions=list(first.attributions.all()[:3]),
    )
    return galleries


def visit(page: Page, url: str, shot: Screenshots, name: str, detectors: Detectors) -> dict[str, Any]:
    response = page.goto(url)
    assert response is not None
    assert response.status == 200, (url, response.status)
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy, (url, policy)
    assert "object-src 'none'" in policy, (url, policy)
    problems = detectors.check(page)
    shot(name)
    return {"url": url, "problems": problems, "text": page.locator("body").inner_text()}


def test_stored_payloads_render_harmlessly(unprotected, live_server, demo, screenshot_dir: Path):
    context, page = unprotected
    detectors = Detectors()
    detectors.attach(context, page)
    galleries = store_payloads()
    shot = Screenshots(page, screenshot_dir)
    base = live_server.url
    visited = []

    log_in(page, base, "editor")  # an editor sees both the reviewer pages and the admin
    visited.append(visit(page, f"{base}/", shot, "dashboard", detectors))
    pages = -(-Claim.objects.filter(tags__contains=["xss"]).count() // 25)
    for number in range(1, pages + 1):
        visited.append(visit(page, f"{base}/claims/?tag=xss&page={number}", shot, f"claim-list-{number}", detectors))
    for number, gallery in enumerate(galleries, start=1):
        visited.append(visit(page, f"{base}/claims/{gallery.pk}/", shot, f"claim-page-gallery-{number}", detectors))
    single = Claim.objects.filter(tags__contains=["xss"]).order_by("pk").first()
    assert single is not None
    visited.append(visit(page, f"{base}/claims/{single.pk}/", shot, "claim-page-single", detectors))
    visited.append(visit(page, f"{base}/claims/{single.pk}/edit/", shot, "claim-edit-form", detectors))
    visited.append(visit(page, f"{base}/admin/claims/claim/", shot, "admin-claim-list", detectors))
    visited.append(
        visit(page, f"{base}/admin/claims/claim/{galleries[0].pk}/change/", shot, "admin-claim-change", detectors)
    )
    visited.append(visit(page, f"{base}/admin/sources/source/", shot, "admin-source-list", detectors))

    assert {v["url"]: v["problems"] for v in visited if v["problems"]} == {}
    assert detectors.canary_requests == []
    assert detectors.dialogs == []
    # The payloads are there, as text a reader can see, not as markup.
    every_text = "\n".join(v["text"] for v in visited)
    shown = [p for p in PAYLOADS if p.strip() in every_text]
    assert len(shown) >= 100, f"only {len(shown)} payloads were shown as text"
    assert "{{7*191}}" in every_text
    assert "1337" not in every_text


def test_the_sanitiser_output_runs_nothing_even_with_htmx_present(unprotected, live_server, screenshot_dir: Path):
    context, page = unprotected
    detectors = Detectors()
    detectors.attach(context, page)
    shot = Screenshots(page, screenshot_dir)
    htmx = '<script src="/static/django_htmx/htmx-2.min.js"></script>'

    page.goto(f"{live_server.url}/accounts/login/")
    page.set_content(htmx + "".join(f"<section>{clean_html(p)}</section>" for p in PAYLOADS))
    page.wait_for_function("() => window.htmx !== undefined")
    problems = detectors.check(page)
    shot("clean-html-output")
    assert problems == []
    assert detectors.canary_requests == []
    assert detectors.dialogs == []

    # Positive control: payloads of each kind, rendered as they came, trip the detectors.
    # (Rendered together, the raw corpus swallows itself: one unclosed <textarea> turns
    # everything after it into text, so the control takes one payload of each kind.)
    control = [
        next(p for p in PAYLOADS if p.startswith("<script>window.__xss")),
        next(p for p in PAYLOADS if p.startswith("<img src=x onerror=")),
        next(p for p in PAYLOADS if p.startswith(f'<img src="{CANARY}/img.png"')),
        next(p for p in PAYLOADS if p.startswith(f'<div hx-get="{CANARY}/hx-get"')),
    ]
    page.goto(f"{live_server.url}/accounts/login/")
    page.set_content(htmx + "".join(f"<section>{p}</section>" for p in control))
    page.wait_for_function("() => window.htmx !== undefined")
    page.wait_for_timeout(500)
    problems = detectors.check(page)
    shot("raw-payloads-control")
    assert "window.__xss was set" in problems
    assert any(name.startswith("IMG onerror") for name in problems)
    assert any(url.endswith("/hx-get") for url in detectors.canary_requests), detectors.canary_requests
    assert any(url.endswith("/img.png") for url in detectors.canary_requests), detectors.canary_requests
