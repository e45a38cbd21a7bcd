"""The scoring on the demo corpus: the pages that carry the claim score high with the
right stance and echo; those that only share its vocabulary do not."""

import re

import pytest
import trafilatura

from corroboration.matching import ClaimProfile, match_article, outlet_names
from demo.corpus import CORPUS_DIR, CORPUS_OUTLETS, PAGES

STATEMENT = (
    "Russia has provided Iran with information that could help Tehran strike U.S. warships, aircraft and other "
    "assets in the Middle East."
)
QUOTE = (
    "Russia has provided Iran with information that could help Tehran strike American warships, aircraft and other "
    "assets in the region."
)
OUTLETS = [name for name, *_ in CORPUS_OUTLETS]


def page(path):
    html = (CORPUS_DIR / path).read_text()
    site = re.search(r'og:site_name" content="([^"]+)"', html).group(1)
    return trafilatura.extract(html), site


@pytest.fixture(scope="module")
def profile():
    return ClaimProfile.of(STATEMENT, QUOTE)


@pytest.mark.parametrize("path", list(PAGES))
def test_each_corpus_page_is_read_as_what_it_is(profile, path):
    text, site = page(path)
    match = match_article(profile, text, own_outlet=site, other_outlets=[o for o in OUTLETS if o != site])
    kind = PAGES[path]
    if kind == "unrelated":
        assert not match.related, (match.score, match.excerpt)
        return
    assert match.related
    expected = {"denial": "disputes"}.get(kind, "supports")
    assert match.stance == expected, match.excerpt
    assert (match.echo_of == "The Associated Press") == (kind == "echo")


def test_an_article_naming_only_some_of_the_parties_is_not_support(profile):
    text = (
        "Iran will provide information to international inspectors about damage, officials said, "
        "as U.S. warships gathered."
    )
    assert not match_article(profile, text).related


def test_hedged_reports_only_mention_the_claim(profile):
    text = (
        "Unverified reports said Russia has provided Iran with information that could help Tehran strike "
        "American warships, aircraft and other assets in the region."
    )
    assert match_article(profile, text).stance == "mentions"


def test_the_excerpt_is_the_best_passage(profile):
    text, site = page("capital-dispatch/national-security/russia-iran-intelligence-sharing.html")
    match = match_article(profile, text, own_outlet=site)
    assert "A U.S. defense official told The Capital Dispatch on Saturday that Russia has shared" in match.excerpt
    assert "no evidence" not in match.excerpt  # a later caveat is not read as a denial


def test_outlets_are_known_by_their_short_names():
    assert outlet_names("The Associated Press") == ["The Associated Press", "Associated Press", "AP"]
