"""Recorded response shapes of every provider (shared/providers.md), hostile feeds, and
small helpers to serve them from the local servers in conftest.py."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.sources.conftest import Handler, static

# --- routes ---------------------------------------------------------------------------------------


def json_route(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Handler:
    body = data if isinstance(data, bytes) else json.dumps(data).encode()
    return static(status, body, {"Content-Type": "application/json; charset=utf-8", **(headers or {})})


def text_route(text: str, status: int = 200, content_type: str = "text/plain; charset=utf-8") -> Handler:
    return static(status, text.encode(), {"Content-Type": content_type})


def feed_route(body: bytes, content_type: str = "application/rss+xml", **headers: str) -> Handler:
    return static(200, body, {"Content-Type": content_type, **headers})


def sequence(*handlers: Handler) -> Handler:
    """Each request gets the next handler; the last one repeats."""
    pending = list(handlers)

    def handle(request: BaseHTTPRequestHandler) -> None:
        (pending.pop(0) if len(pending) > 1 else pending[0])(request)

    return handle


def query_of(path: str) -> dict[str, str]:
    from urllib.parse import parse_qsl, urlsplit

    return dict(parse_qsl(urlsplit(path).query))


# --- article pages ----------------------------------------------------------------------------------

PARAGRAPHS = [
    "Russia has provided Iran with information that could help Tehran strike U.S. warships, aircraft "
    "and other assets in the region, two officials familiar with U.S. intelligence said.",
    "The officials spoke on the condition of anonymity because they were not authorized to comment publicly.",
    "They cautioned that U.S. intelligence has not uncovered that Russia is directing Iran in what to do.",
    "Kremlin spokesman Dmitry Peskov said Moscow had received no such requests from Tehran.",
]


def article_page(
    *,
    title: str = "Russia gave Iran targeting help, officials say",
    site_name: str = "Meridian Post",
    canonical: str | None = None,
    published: str = "2026-03-08T14:05:00-05:00",
    author: str = "Jane Reporter",
    lang: str = "en",
    extra_head: str = "",
    paragraphs: list[str] | None = None,
) -> bytes:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    body = "".join(f"<p>{p}</p>" for p in (paragraphs or PARAGRAPHS))
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": title,
            "datePublished": published,
            "author": [{"@type": "Person", "name": author}],
            "publisher": {"@type": "Organization", "name": site_name},
        }
    )
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title} | {site_name}</title>{link}
<meta property="og:site_name" content="{site_name}">
<script type="application/ld+json">{ld}</script>{extra_head}
</head><body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article><h1>{title}</h1><p class="byline">By {author}</p>{body}</article>
<footer>© {site_name}</footer></body></html>""".encode()


# --- feeds ------------------------------------------------------------------------------------------


def rss(items: str, *, declaration: str = '<?xml version="1.0" encoding="utf-8"?>', title: str = "World") -> bytes:
    return f"""{declaration}
<rss version="2.0"><channel><title>{title}</title><link>https://www.meridianpost.com/</link>
<description>World news</description>{items}</channel></rss>""".encode()


def rss_item(
    link: str,
    title: str = "Russia gave Iran targeting help",
    pub_date: str = "Sun, 08 Mar 2026 19:05:00 GMT",
    extra: str = "",
) -> str:
    return (
        f"<item><title>{title}</title><link>{link}</link><pubDate>{pub_date}</pubDate>"
        f"<description>&lt;p&gt;Officials say &lt;b&gt;Russia&lt;/b&gt; helped.&lt;/p&gt;</description>"
        f'<guid isPermaLink="true">{link}</guid><author>desk@meridianpost.com (Jane Reporter)</author>{extra}</item>'
    )


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Harbor City Times</title><id>urn:uuid:60a76c80-d399-11d9-b91C-0003939e0af6</id>
  <updated>2026-03-08T20:00:00Z</updated>
  <entry>
    <title type="html">Peskov: &lt;em&gt;no such requests&lt;/em&gt; from Tehran</title>
    <link rel="alternate" href="https://harborcitytimes.net/world/peskov-no-requests"/>
    <id>tag:harborcitytimes.net,2026:peskov</id>
    <published>2026-03-08T18:30:00+01:00</published><updated>2026-03-08T19:00:00Z</updated>
    <author><name>Sam Writer</name></author>
    <summary>The Kremlin responds.</summary>
  </entry>
</feed>"""

GOOGLE_NEWS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>
<title>"Russia Iran warships" - Google News</title><link>https://news.google.com/search?q=russia+iran</link>
<item><title>Russia gave Iran intelligence to target US warships, officials say - Reuters</title>
<link>https://news.google.com/rss/articles/CBMiWkFVX3lxTE1hc2tz?oc=5</link>
<guid isPermaLink="false">CBMiWkFVX3lxTE1hc2tz</guid>
<pubDate>Sun, 08 Mar 2026 21:14:00 GMT</pubDate>
<description>&lt;a href="https://news.google.com/rss/articles/CBMiWkFVX3lxTE1hc2tz?oc=5"&gt;Russia&lt;/a&gt;
</description>
<source url="https://www.reuters.com">Reuters</source></item>
</channel></rss>"""

# --- hostile XML ------------------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title><link>https://x.example/a</link></item>
</channel></rss>"""


def quadratic_blowup(size: int = 100_000, references: int = 100_000) -> bytes:
    """One big entity referenced many times: no nesting for a parser to notice, and
    gigabytes once expanded."""
    entity = "A" * size
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "{entity}">]>'
        f"<rss><channel><title>{'&a;' * references}</title></channel></rss>"
    ).encode()


def external_entity(target: str) -> bytes:
    return f"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{target}">]>
<rss version="2.0"><channel><title>&xxe;</title>
<item><title>&xxe;</title><link>https://x.example/a</link></item></channel></rss>""".encode()


def parameter_entity(target: str) -> bytes:
    return f"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY % remote SYSTEM "{target}"> %remote;]>
<rss version="2.0"><channel><title>t</title></channel></rss>""".encode()


def external_dtd(target: str) -> bytes:
    """No entity declared here, but a DTD to be loaded from `target` (which could)."""
    return f"""<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "{target}">
<rss version="2.0"><channel><title>Ordinary</title>
<item><title>An ordinary item</title><link>https://x.example/dtd-item</link></item></channel></rss>""".encode()


def utf16(body: bytes) -> bytes:
    return (
        body.decode("utf-8")
        .replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="utf-16"?>')
        .encode("utf-16")
    )


# --- GDELT DOC 2.0 (artlist, format=json) --------------------------------------------------------------

GDELT_ARTLIST: dict[str, Any] = {
    "articles": [
        {
            "url": "https://www.meridianpost.com/world/russia-iran-intel?utm_source=gdelt",
            "url_mobile": "https://m.meridianpost.com/world/russia-iran-intel",
            "title": "Russia gave Iran targeting help, officials say",
            "seendate": "20260308T191500Z",
            "socialimage": "https://www.meridianpost.com/img/1.jpg",
            "domain": "meridianpost.com",
            "language": "English",
            "sourcecountry": "United States",
        },
        {
            "url": "https://capitaldispatch.org/2026/03/08/iran-russia",
            "url_mobile": "",
            "title": "Kremlin: &quot;no such requests&quot; <b>from Tehran</b>",
            "seendate": "not a date",
            "socialimage": "",
            "domain": "capitaldispatch.org",
            "language": "Spanish",
            "sourcecountry": "Spain",
        },
        {"url_mobile": "https://m.example/no-url", "title": "An item without its url"},
    ]
}
GDELT_THROTTLED = "Please limit requests to one every 5 seconds or contact kalev.leetaru5@gmail.com for larger queries."
GDELT_QUERY_ERROR = "The specified phrase is too short."

# --- Google Fact Check Tools (claims:search) --------------------------------------------------------------

FACTCHECK_PAGE_1: dict[str, Any] = {
    "claims": [
        {
            "text": "Russia is giving Iran intelligence to attack US ships",
            "claimant": "Social media",
            "claimDate": "2026-03-07T00:00:00Z",
            "claimReview": [
                {
                    "publisher": {"name": "Lakeside Gazette Fact Check", "site": "lakesidegazette.org"},
                    "url": "https://lakesidegazette.org/fact-check/russia-iran-ships?utm_source=api",
                    "title": "Fact check: Did Russia give Iran <i>targeting</i> data?",
                    "reviewDate": "2026-03-09T10:00:00Z",
                    "textualRating": "Unproven",
                    "languageCode": "en",
                },
                {
                    "publisher": {"name": "Daily Roundup", "site": "dailyroundup.net"},
                    "url": "https://dailyroundup.net/checks/1234",
                    "title": "Claims about Russian help to Iran",
                    "textualRating": "Pants on Fire",
                    "languageCode": "en-US",
                },
            ],
        },
        {
            "text": "Iran asked Moscow for help",
            "claimReview": [
                {
                    "publisher": {"site": "federalnewsagency.ru"},
                    "url": "https://federalnewsagency.ru/checks/99",
                    "reviewDate": "sometime last week",
                    "textualRating": "False",
                }
            ],
        },
    ],
    "nextPageToken": "CAo",
}
FACTCHECK_PAGE_2: dict[str, Any] = {
    "claims": [
        {
            "text": "Russia shares satellite images with Iran",
            "claimant": "A television commentator",
            "claimReview": [
                {
                    "publisher": {"name": "Capital Dispatch", "site": "capitaldispatch.org"},
                    "url": "https://capitaldispatch.org/verify/sat-images",
                    "title": "Satellite images claim",
                    "reviewDate": "2026-03-10",
                    "textualRating": "Misleading",
                    "languageCode": "en",
                }
            ],
        }
    ]
}

# --- Media Cloud (search/story-list) ------------------------------------------------------------------

MEDIACLOUD_PAGE_1: dict[str, Any] = {
    "stories": [
        {
            "id": "a1b2c3",
            "title": "Russia aiding Iran's targeting, U.S. officials say",
            "url": "https://harborcitytimes.net/world/russia-iran?utm_medium=social",
            "language": "en",
            "media_name": "Harbor City Times",
            "media_url": "harborcitytimes.net",
            "publish_date": "2026-03-08 20:01:00",
            "indexed_date": "2026-03-08T20:30:11.123456",
            "text": "Russia has provided Iran with information, officials said.",
        },
        {
            "id": "d4e5f6",
            "title": "Moscow denies Iranian requests",
            "url": "https://federalnewsagency.ru/en/2026/03/08/denial",
            "language": "ru",
            "media_name": "Federal News Agency",
            "media_url": "federalnewsagency.ru",
            "publish_date": None,
            "indexed_date": "2026-03-08T21:00:00",
        },
    ],
    "pagination_token": "eyJwYWdlIjogMn0=",
}
MEDIACLOUD_PAGE_2: dict[str, Any] = {
    "stories": [
        {
            "id": "g7h8i9",
            "title": "Analysis: what Russia's help to Iran means",
            "url": "https://lakesidegazette.org/analysis/russia-iran",
            "language": "en",
            "media_name": "Lakeside Gazette",
            "media_url": "lakesidegazette.org",
            "publish_date": "2026-03-09",
            "indexed_date": "2026-03-09T08:00:00",
        }
    ],
    "pagination_token": None,
}
