"""The demo's coverage corpus: a wire story, three republished copies, two independent
reports, an echo, a denial from a state-controlled outlet and five unrelated articles
that share the story's vocabulary — fictional pages written for the demo around the
sample story, served on loopback in development so "find coverage" works offline."""

from __future__ import annotations

from pathlib import Path

from sources.models import Ownership

CORPUS_DIR = Path(__file__).resolve().parent / "demo_corpus"

# name, ownership, wire service, domains. The fictional outlets list no domains: served
# from loopback, their pages are recognised by the site name they state, which
# sources.services.outlet_recognise allows only for outlets with no domains of their own.
CORPUS_OUTLETS = [
    ("The Associated Press", Ownership.INDEPENDENT, True, ["apnews.com"]),
    ("Lakeside Gazette", Ownership.INDEPENDENT, False, []),
    ("The Prairie Herald", Ownership.INDEPENDENT, False, []),
    ("Harbor City Times", Ownership.INDEPENDENT, False, []),
    ("The Meridian Post", Ownership.INDEPENDENT, False, []),
    ("The Capital Dispatch", Ownership.INDEPENDENT, False, []),
    ("The Daily Roundup", Ownership.INDEPENDENT, False, []),
    ("Federal News Agency", Ownership.STATE_CONTROLLED, False, []),
]
WIRE_PAGE = "wire/russia-iran-intelligence.html"

# What each page is, for tests and for people reading the corpus.
PAGES = {
    "wire/russia-iran-intelligence.html": "origin",
    "lakeside-gazette/world/russia-holds-back-on-iran.html": "syndicated",
    "prairie-herald/news/2026/03/07/kremlin-keeps-its-distance.html": "syndicated",
    "harbor-city-times/ap/russia-iran-targeting-information.html": "syndicated",
    "meridian-post/world/satellite-imagery-iran.html": "independent",
    "capital-dispatch/national-security/russia-iran-intelligence-sharing.html": "independent",
    "daily-roundup/briefing/2026-03-07.html": "echo",
    "federal-news-agency/politics/moscow-rejects-reports.html": "denial",
    "lakeside-gazette/business/russia-iran-oil-swaps.html": "unrelated",
    "harbor-city-times/world/navy-sends-more-warships.html": "unrelated",
    "meridian-post/europe/diplomats-expelled.html": "unrelated",
    "capital-dispatch/world/iran-inspectors.html": "unrelated",
    "prairie-herald/business/oil-windfall-kremlin.html": "unrelated",
}

# The corpus's feeds: name -> (title, page path prefixes it lists).
DEMO_FEEDS = {
    "wire": ("Demo wire service", ("wire/",)),
    "regional": ("Demo regional papers", ("lakeside-gazette/", "prairie-herald/", "harbor-city-times/")),
    "national": (
        "Demo national and international outlets",
        ("meridian-post/", "capital-dispatch/", "daily-roundup/", "federal-news-agency/"),
    ),
}


def register_corpus(*, actor: object, base_url: str) -> dict[str, int]:
    """Register the corpus served at `base_url` (idempotent): its outlets, its feeds, and
    its wire page as where the demo story is read — the demo's AP article, recorded with
    a summary only, points at it, so a search that finds the page fills in its text and
    the story the claims first appeared in is known to the ledger."""
    from claims.demo import STORY_URL
    from sources.canonical import canonical_url
    from sources.models import Article, Feed, Outlet
    from sources.services import article_update, feed_create, outlet_create

    created = {"outlets": 0, "feeds": 0}
    story = Article.objects.filter(canonical_url=STORY_URL, text="").first()
    if story is not None:
        wire = f"{base_url}{WIRE_PAGE}"
        article_update(actor=actor, article=story, url=wire, canonical_url=canonical_url(wire))
    for name, ownership, is_wire, domains in CORPUS_OUTLETS:
        if not Outlet.objects.filter(name__iexact=name).exists():
            outlet_create(actor=actor, name=name, ownership=ownership, is_wire=is_wire, domains=domains)
            created["outlets"] += 1
    for key, (title, _) in DEMO_FEEDS.items():
        url = f"{base_url}feeds/{key}.xml"
        if not Feed.objects.filter(url=url).exists():
            feed_create(actor=actor, name=title, url=url, poll_interval=10)
            created["feeds"] += 1
    return created
