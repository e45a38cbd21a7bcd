"""The demo's coverage corpus: a wire story, three republished copies, two independent
reports, an echo, a denial from a state-controlled outlet and five unrelated articles
that share the story's vocabulary — fictional pages written for the demo around the
sample story, served on loopback in development so "find coverage" works offline."""

from __future__ import annotations

from pathlib import Path

from sources.models import Ownership

CORPUS_DIR = Path(__file__).resolve().parent / "corpus_pages"

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
# The sample AP story itself (the one the demo's claims were recorded from), served as a
# web page so that "New claims from an article" can read it by its address. It is not
# part of the coverage corpus: no feed lists it and the GDELT-shaped search never finds it.
SAMPLE_STORY = (
    Path(__file__).resolve().parents[1] / "evaluation" / "extraction" / "sample" / "ap-2026-03-08-russia-iran.txt"
)
SAMPLE_PAGE = "ap/2026-03-08-russia-iran.html"

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
