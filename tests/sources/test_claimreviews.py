"""Reading ClaimReview: a DataFeed, a JSON list, one review or a page's JSON-LD; bytes
that are none of these are refused whole, and items that lack what a prior check needs
are skipped, each with its reason."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from sources.claimreviews import ClaimReviewUnreadable, read_claimreviews


def review(n: int = 1, **fields: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"https://checker.example/checks/{n}",
        "claimReviewed": f"Claim number {n} was made.",
        "datePublished": "2026-03-09",
        "author": {"@type": "Organization", "name": "Checker", "url": "https://www.checker.example/"},
        "reviewRating": {"@type": "Rating", "alternateName": "Mostly False"},
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Person", "name": "A Minister"},
            "datePublished": "2026-03-02",
            "appearance": [{"@type": "CreativeWork", "url": "https://news.example/story"}],
        },
    }
    item.update(fields)
    return {k: v for k, v in item.items() if v is not None}


def feed(*items: dict[str, Any]) -> bytes:
    return json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "DataFeed",
            "dataFeedElement": [{"@type": "DataFeedItem", "item": [item]} for item in items],
        }
    ).encode()


def test_a_data_feed_gives_each_review_with_what_a_prior_check_keeps():
    reading = read_claimreviews(feed(review(1), review(2)))
    assert reading.shape == "data_feed"
    assert reading.skipped == []
    first, second = reading.items
    assert (first.url, second.url) == ("https://checker.example/checks/1", "https://checker.example/checks/2")
    assert first.claim_reviewed == "Claim number 1 was made."
    assert first.rating_text == "Mostly False"
    assert (first.publisher_name, first.publisher_site) == ("Checker", "checker.example")
    assert first.claimant == "A Minister"
    assert first.review_date == datetime(2026, 3, 9, tzinfo=UTC)
    assert first.claim_date == datetime(2026, 3, 2, tzinfo=UTC)
    assert first.appearance_url == "https://news.example/story"
    assert first.raw["reviewRating"]["alternateName"] == "Mostly False"


def test_a_plain_list_a_single_review_and_a_graph_are_read_too():
    assert read_claimreviews(json.dumps([review(1), review(2)]).encode()).shape == "list"
    assert [i.url for i in read_claimreviews(json.dumps(review(3)).encode()).items] == [
        "https://checker.example/checks/3"
    ]
    graph = {"@context": "https://schema.org", "@graph": [{"@type": "WebPage", "name": "x"}, review(4)]}
    reading = read_claimreviews(json.dumps(graph).encode())
    assert [i.url for i in reading.items] == ["https://checker.example/checks/4"]
    assert [s.reason for s in reading.skipped] == ["not a ClaimReview (its @type is WebPage)"]


def test_a_data_feed_item_may_hold_the_review_itself_and_types_may_be_full_urls():
    data = {
        "@type": "https://schema.org/DataFeed",
        "dataFeedElement": [review(1, **{"@type": "http://schema.org/ClaimReview"}), review(2)],
    }
    assert len(read_claimreviews(json.dumps(data).encode()).items) == 2


def test_properties_given_as_lists_and_authors_given_as_names_are_understood():
    item = review(
        1,
        claimReviewed=["The first wording.", "A second one."],
        author="Fact Desk",
        reviewRating={"@type": "Rating", "name": "Pants on Fire"},  # no alternateName: the name will do
    )
    (read,) = read_claimreviews(json.dumps([item]).encode()).items
    assert (read.claim_reviewed, read.publisher_name, read.publisher_site) == ("The first wording.", "Fact Desk", "")
    assert read.rating_text == "Pants on Fire"


def test_items_missing_what_a_prior_check_needs_are_skipped_each_with_its_reason():
    items = [
        review(1),
        review(2, url=None),
        review(3, claimReviewed="  "),
        review(4, reviewRating={"@type": "Rating", "ratingValue": 2}),
        review(5, author=None),
        review(6, url="ftp://checker.example/6"),
        {"@type": "NewsArticle", "url": "https://news.example/a"},
        "just text",
    ]
    reading = read_claimreviews(json.dumps(items).encode())
    assert [i.url for i in reading.items] == ["https://checker.example/checks/1"]
    assert [(s.position, s.reason) for s in reading.skipped] == [
        (2, "no url (the address of the review)"),
        (3, "no claimReviewed (the claim that was checked)"),
        (4, "no rating in words (reviewRating.alternateName)"),
        (5, "no author (the organisation that published the review)"),
        (6, "its url is not a web address: ftp://checker.example/6"),
        (7, "not a ClaimReview (its @type is NewsArticle)"),
        (8, "not an object but str"),
    ]
    assert str(reading.skipped[1]) == (
        "item 3 (https://checker.example/checks/3): no claimReviewed (the claim that was checked)"
    )


def test_markup_in_the_publishers_text_is_stripped_and_bad_dates_are_left_unknown():
    item = review(1, claimReviewed="<b>Bold</b> claim &amp; more", datePublished="last Tuesday")
    (read,) = read_claimreviews(json.dumps([item]).encode()).items
    assert read.claim_reviewed == "Bold claim & more"
    assert read.review_date is None


def test_a_page_gives_the_reviews_in_its_embedded_json_ld():
    page = f"""<!doctype html><html><head><title>Fact check</title>
    <script type="application/ld+json">{json.dumps({"@type": "NewsArticle", "headline": "x"})}</script>
    <script type="application/ld+json">{json.dumps(review(7))}</script>
    </head><body><p>Our verdict…</p></body></html>""".encode()
    reading = read_claimreviews(page, content_type="text/html", url="https://checker.example/checks/7")
    assert reading.shape == "page"
    assert [i.url for i in reading.items] == ["https://checker.example/checks/7"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"@type": "DataFeed", "dataFeedElement": [', "not valid JSON"),
        (b'{"name": "a config file"}', "not a schema.org DataFeed, a list of ClaimReviews or a ClaimReview"),
        (b"title,url\nx,y\n", "neither JSON"),
        (b"<html><body><p>No structured data here.</p></body></html>", "no ClaimReview"),
        (b"", "neither JSON"),
    ],
)
def test_bytes_that_are_no_feed_list_or_page_with_claimreview_are_refused_whole(body: bytes, message: str):
    with pytest.raises(ClaimReviewUnreadable, match=message):
        read_claimreviews(body)


def test_an_empty_feed_is_read_as_no_reviews():
    reading = read_claimreviews(feed())
    assert (reading.items, reading.skipped) == ([], [])


def test_a_byte_order_mark_and_another_declared_encoding_are_read():
    text = json.dumps([review(1, claimReviewed="Café owners said so.")], ensure_ascii=False)
    body = "\ufeff".encode() + text.encode()
    assert read_claimreviews(body).items[0].claim_reviewed == "Café owners said so."
    latin = json.dumps([review(1, claimReviewed="Café owners said so.")], ensure_ascii=False).encode("latin-1")
    assert read_claimreviews(latin, charset="latin-1").items[0].claim_reviewed == "Café owners said so."
