"""How fast the API answers what integrations read most, against minimal views that
return the same JSON (the lower bounds).

    python -m bench.api [--small | --scale N] [--rounds 60]

For each scale (10,000 and 100,000 claims; 2,000 with `--small`) it makes a database of
its own (`<DATABASE_URL's name>_bench_api_<scale>`, dropped afterwards), fills it with
`bench.fill.fill_claims` and times, in interleaved rounds, each operation and its bound:

- `claims_list`: `GET /api/v1/claims/?page_size=100` with a read token, against
  `minimal_claims` — one SQL query for the page with its attributions and sources, the
  count taken as the product takes it (exact up to API_EXACT_COUNT_LIMIT, the planner's
  estimate beyond), plain `json`;
- `claimreview_feed`: `GET /api/v1/claimreviews/?page_size=100`, against `minimal_feed`
  — one SQL query for the page with what its ClaimReviews show, the same count;
- at the largest scale only, `claim_detail` (`GET /api/v1/claims/{id}/` over 100 claims,
  against `minimal_claim`) and `claims_search` (`?q=tanker&page_size=100`, against
  `minimal_claims` with the same full-text query and rank).

Both sides are requests through Django's test client in this process (URL routing and
every middleware included; no network, no gunicorn), with DEBUG off. The minimal views
are mounted beside the API by `bench/api_urls.py`. `orjson` is not among the
requirements, so the bounds render with the standard library's `json`, as DRF does.
The minimal feed covers what the synthetic claims hold (named claimants, one published
review each, no corrections or sign-offs); `tests/bench/test_api_bench.py` checks that
each bound answers exactly what the product does.

Also printed: the process's resident memory before the first and after the last round.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from typing import Any

from django.http import HttpRequest, HttpResponse

from bench.harness import Result, bench_database, interleaved, interleaved_items, option, report, setup_django

TARGET = 2.0
SCALES = (10_000, 100_000)
SMALL = (2_000,)
PAGE = 100

# --- The minimal views (the lower bounds) ------------------------------------------------

ATTRIBUTION_COLUMNS = (
    "id",
    "claim_id",
    "role",
    "attribution_text",
    "quote",
    "said_on",
    "article_id",
    "response",
    "sources_claimed",
    "independence",
    "access",
    "anonymity_reason",
    "anonymity_reason_text",
    "condition_text",
    "stated_limits",
    "side",
    "motive",
    "content_type",
    "granted_by_id",
    "identity_known_to_editor",
    "vouching_note",
    "credibility",
    "warnings_override_reason",
    "created_at",
    "updated_at",
)
SOURCE_COLUMNS = ("id", "kind", "name", "title", "affiliation", "reliability")
CLAIM_COLUMNS = (
    "id",
    "statement",
    "quote",
    "made_on",
    "context",
    "language",
    "tags",
    "priority",
    "status",
    "recheck_on",
    "version",
    "first_appearance_id",
    "first_published_at",
    "published_at",
    "created_at",
    "updated_at",
)
SEARCH = "websearch_to_tsquery('english'::regconfig, %s)"


def _drf_time(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    text = value.astimezone(dt.UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


class _Rules:
    """The caveat rules' fixed parts (labels, field names), read once."""

    def __init__(self) -> None:
        from claims.models import CAVEAT_RECORD_FIELDS, ContentKind, attribution_field

        self.record = [
            (attribution_field(name).attname, str(attribution_field(name).verbose_name))
            for name in CAVEAT_RECORD_FIELDS
        ]
        self.opinion = {k.value: k.label.lower() for k in ContentKind if k.value != ContentKind.FACT}


_rules: _Rules | None = None


def _warnings(a: dict[str, Any]) -> list[dict[str, str]]:
    global _rules
    _rules = _rules or _Rules()
    warnings = []
    if a["content_type"] in _rules.opinion:
        warnings.append(
            {
                "code": "anonymous_opinion",
                "message": f"Anonymous source used for {_rules.opinion[a['content_type']]}: anonymous sources "
                "may carry information, not opinion. Publishing needs an editor's override with a reason.",
            }
        )
    missing = [label for attname, label in _rules.record if a[attname] in (None, "")]
    if missing:
        warnings.append(
            {
                "code": "caveats_incomplete",
                "message": "Caveat record incomplete: " + ", ".join(missing) + " not recorded.",
            }
        )
    return warnings


def _claims_sql(where: str, order: str) -> str:
    claim = ", ".join(f"c.{name}" for name in CLAIM_COLUMNS)
    attribution = ", ".join(f"a.{name}" for name in ATTRIBUTION_COLUMNS)
    source = ", ".join(f"s.{name}" for name in SOURCE_COLUMNS)
    # Built from this module's constants only; the caller's values are parameters.
    sql = f"""
        WITH page AS (
            SELECT o.id, o.n FROM unnest(ARRAY(
                SELECT c.id FROM claims_claim c {where} ORDER BY {order} LIMIT %s OFFSET %s
            )) WITH ORDINALITY AS o(id, n)
        )
        SELECT {claim}, r.value, r.label, u.username,
            ARRAY(SELECT ar.id FROM claims_claim_appearances ca JOIN sources_article ar ON ar.id = ca.article_id
                  WHERE ca.claim_id = c.id ORDER BY ar.published_at DESC, ar.seen_at DESC),
            {attribution}, {source}
        FROM page p JOIN claims_claim c ON c.id = p.id
        LEFT JOIN reviews_rating r ON r.id = c.rating_id
        LEFT JOIN auth_user u ON u.id = c.assignee_id
        LEFT JOIN claims_attribution a ON a.claim_id = c.id
        LEFT JOIN sources_source s ON s.id = a.source_id
        ORDER BY p.n, a.id
    """  # noqa: S608
    return sql


def _count(cursor: Any, where: str, params: list[Any]) -> tuple[int, bool]:
    from django.conf import settings

    limit = settings.API_EXACT_COUNT_LIMIT
    # `where` is one of this module's constants; the caller's values are parameters.
    counting = f"SELECT count(*) FROM (SELECT c.id FROM claims_claim c {where} LIMIT %s) t"  # noqa: S608
    cursor.execute(counting, [*params, limit + 1])
    counted = cursor.fetchone()[0]
    if counted <= limit:
        return counted, False
    cursor.execute(f"EXPLAIN (FORMAT JSON) SELECT c.id FROM claims_claim c {where}", params)  # noqa: S608
    plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return max(int(plan[0]["Plan"]["Plan Rows"]), counted), True


def _claims_from(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    from claims.models import Sourcing

    width = len(CLAIM_COLUMNS)
    claims: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for row in rows:
        c = dict(zip(CLAIM_COLUMNS, row[:width], strict=True))
        if current is None or current["id"] != c["id"]:
            rating, label, assignee, appearances = row[width : width + 4]
            current = {
                "id": c["id"],
                "statement": c["statement"],
                "quote": c["quote"],
                "made_on": _date(c["made_on"]),
                "context": c["context"],
                "language": c["language"],
                "tags": c["tags"],
                "priority": c["priority"],
                "status": c["status"],
                "rating": rating,
                "rating_label": label,
                "recheck_on": _date(c["recheck_on"]),
                "version": c["version"],
                "assignee": assignee,
                "first_appearance": c["first_appearance_id"],
                "appearances": appearances,
                "attributions": [],
                "first_published_at": _drf_time(c["first_published_at"]),
                "published_at": _drf_time(c["published_at"]),
                "created_at": _drf_time(c["created_at"]),
                "updated_at": _drf_time(c["updated_at"]),
            }
            claims.append(current)
        offset = width + 4
        a = dict(zip(ATTRIBUTION_COLUMNS, row[offset : offset + len(ATTRIBUTION_COLUMNS)], strict=True))
        if a["id"] is None:
            continue
        s = dict(zip(SOURCE_COLUMNS, row[offset + len(ATTRIBUTION_COLUMNS) :], strict=True))
        anonymous = s["kind"] == "anonymous_group"
        warnings = _warnings(a) if anonymous else []
        current["attributions"].append(
            {
                "id": a["id"],
                "claim": a["claim_id"],
                "claim_version": c["version"],
                "role": a["role"],
                "source": {**s, "is_anonymous": anonymous},
                "attribution_text": a["attribution_text"],
                "quote": a["quote"],
                "said_on": _date(a["said_on"]),
                "article": a["article_id"],
                "response": a["response"],
                "sources_claimed": a["sources_claimed"],
                "independence": a["independence"],
                "access": a["access"],
                "anonymity_reason": a["anonymity_reason"],
                "anonymity_reason_text": a["anonymity_reason_text"],
                "condition_text": a["condition_text"],
                "stated_limits": a["stated_limits"],
                "side": a["side"],
                "motive": a["motive"],
                "content_type": a["content_type"],
                "granted_by": a["granted_by_id"],
                "identity_known_to_editor": a["identity_known_to_editor"],
                "vouching_note": a["vouching_note"],
                "credibility": a["credibility"],
                "warnings": warnings,
                "warnings_overridden": bool(a["warnings_override_reason"]),
                "warnings_override_reason": a["warnings_override_reason"],
                "created_at": _drf_time(a["created_at"]),
                "updated_at": _drf_time(a["updated_at"]),
            }
        )
    for claim in claims:
        named, anonymous_count, warned, incomplete = set(), 0, 0, False
        rests = False
        for a in claim["attributions"]:
            if a["source"]["is_anonymous"]:
                anonymous_count += a["sources_claimed"] or 1
                if not a["warnings_overridden"]:
                    warned += len(a["warnings"])
                    incomplete = incomplete or any(w["code"] == "caveats_incomplete" for w in a["warnings"])
                rests = rests or a["role"] in ("claimant", "supports")
            else:
                named.add(a["source"]["id"])
        sourcing = Sourcing(named=len(named), anonymous=anonymous_count, warnings=warned, incomplete=incomplete)
        claim["sourcing"] = {
            "named": sourcing.named,
            "anonymous": sourcing.anonymous,
            "warnings": sourcing.warnings,
            "incomplete": sourcing.incomplete,
            "summary": str(sourcing),
        }
        claim["rests_on_anonymous_sourcing"] = rests
    return claims


def _json(data: Any, status: int = 200) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return HttpResponse(body, status=status, content_type="application/json")


def _public(request: HttpRequest, path: str) -> str:
    """This request's address as the API's own (`path`), so that the links match."""
    query = request.META.get("QUERY_STRING", "")
    return request.build_absolute_uri(path + (f"?{query}" if query else ""))


def _page_links(here: str, number: int, more: bool) -> tuple[str | None, str | None]:
    from rest_framework.utils.urls import remove_query_param, replace_query_param

    following = replace_query_param(here, "page", number + 1) if more else None
    if number == 1:
        return following, None
    earlier = remove_query_param(here, "page") if number == 2 else replace_query_param(here, "page", number - 1)
    return following, earlier


def minimal_claims(request: HttpRequest) -> HttpResponse:
    """The claim list as a read token sees it (every claim): one query for the page."""
    from django.db import connection

    size, number = int(request.GET.get("page_size", 25)), int(request.GET.get("page", 1))
    text = request.GET.get("q")
    where, params, order = "", [], "c.updated_at DESC, c.id DESC"
    if text:
        where, params = f"WHERE c.search_vector @@ {SEARCH}", [text]
        order = f"ts_rank(c.search_vector, {SEARCH}) DESC, c.updated_at DESC"
    with connection.cursor() as cursor:
        count, estimate = _count(cursor, where, params)
        take = size + 1 if estimate else size
        cursor.execute(_claims_sql(where, order), [*params, *([text] if text else []), take, (number - 1) * size])
        claims = _claims_from(cursor.fetchall())
    more = len(claims) > size if estimate else number * size < count
    following, earlier = _page_links(_public(request, "/api/v1/claims/"), number, more)
    return _json(
        {
            "count": count,
            "count_is_estimate": estimate,
            "next": following,
            "previous": earlier,
            "results": claims[:size],
        }
    )


def minimal_claim(request: HttpRequest, pk: int) -> HttpResponse:
    """One claim, as the API's detail shows it to a read token."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_claims_sql("WHERE c.id = %s", "c.id"), [pk, 1, 0])
        claims = _claims_from(cursor.fetchall())
    if not claims:
        return _json({"detail": "Not found.", "code": "not_found"}, status=404)
    return _json(claims[0])


FEED_SQL = """
    WITH page AS (
        SELECT c.id, row_number() OVER (ORDER BY c.published_at DESC, c.id DESC) AS n
        FROM claims_claim c WHERE c.status = 'published'
        ORDER BY c.published_at DESC, c.id DESC LIMIT %s OFFSET %s
    )
    SELECT c.id, c.statement, c.made_on, c.first_published_at, c.published_at,
        r.rating_value, r.alternate_name, r.label, sc.best_rating, sc.worst_rating,
        fa.canonical_url, fa.title, fa.published_at, fa.updated_at, fo.name, fo.updated_at,
        s.kind, s.name, s.title, s.affiliation, s.updated_at, a.attribution_text,
        v.summary, v.evidence_urls,
        ARRAY(SELECT ar.id FROM claims_claim_appearances ca JOIN sources_article ar ON ar.id = ca.article_id
              WHERE ca.claim_id = c.id ORDER BY ar.published_at, ar.id),
        ARRAY(SELECT ar.canonical_url FROM claims_claim_appearances ca JOIN sources_article ar ON ar.id = ca.article_id
              WHERE ca.claim_id = c.id ORDER BY ar.published_at, ar.id),
        ARRAY(SELECT ar.title FROM claims_claim_appearances ca JOIN sources_article ar ON ar.id = ca.article_id
              WHERE ca.claim_id = c.id ORDER BY ar.published_at, ar.id),
        ARRAY(SELECT ar.published_at FROM claims_claim_appearances ca JOIN sources_article ar ON ar.id = ca.article_id
              WHERE ca.claim_id = c.id ORDER BY ar.published_at, ar.id),
        ARRAY(SELECT greatest(ar.updated_at, o.updated_at) FROM claims_claim_appearances ca
              JOIN sources_article ar ON ar.id = ca.article_id LEFT JOIN sources_outlet o ON o.id = ar.outlet_id
              WHERE ca.claim_id = c.id ORDER BY ar.published_at, ar.id),
        ARRAY(SELECT o.name FROM claims_claim_appearances ca JOIN sources_article ar ON ar.id = ca.article_id
              LEFT JOIN sources_outlet o ON o.id = ar.outlet_id WHERE ca.claim_id = c.id
              ORDER BY ar.published_at, ar.id),
        c.first_appearance_id
    FROM page p JOIN claims_claim c ON c.id = p.id
    JOIN reviews_rating r ON r.id = c.rating_id JOIN reviews_ratingscale sc ON sc.id = r.scale_id
    LEFT JOIN sources_article fa ON fa.id = c.first_appearance_id LEFT JOIN sources_outlet fo ON fo.id = fa.outlet_id
    LEFT JOIN claims_attribution a ON a.claim_id = c.id AND a.role = 'claimant'
    LEFT JOIN sources_source s ON s.id = a.source_id
    LEFT JOIN reviews_review v ON v.claim_id = c.id AND v.published_at IS NOT NULL AND v.withdrawn_at IS NULL
    ORDER BY p.n
"""


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _work(url: str | None, title: str, publisher: str | None, published: dt.datetime | None) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": "CreativeWork"}
    if url:
        node["url"] = url
    if title:
        node["headline"] = title
    if publisher is not None:
        node["publisher"] = {"@type": "Organization", "name": publisher}
    if published is not None:
        node["datePublished"] = _iso(published)
    return node


def _feed_node(row: tuple[Any, ...], site: str, organization: dict[str, Any]) -> dict[str, Any]:
    (pk, statement, made_on, first_published, published, value, alternate, label, best, worst) = row[:10]
    (fa_url, fa_title, fa_published, fa_updated, fo_name, fo_updated) = row[10:16]
    (kind, name, title, affiliation, source_updated, _text, summary, evidence) = row[16:24]
    ids, urls, titles, dates, changed, outlets, first_id = row[24:31]
    url = f"{site}/fact-checks/{pk}/"
    node: dict[str, Any] = {
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": statement,
        "author": organization,
        "datePublished": _iso(first_published),
    }
    moments = [m for m in (fa_updated, fo_updated, source_updated, *changed) if m is not None]
    later = [m for m in moments if m > published]
    if later:
        node["dateModified"] = _iso(max(later))
    rating: dict[str, Any] = {"@type": "Rating"}
    if value is not None:
        rating["ratingValue"] = value
    rating.update(bestRating=best, worstRating=worst, alternateName=alternate, name=label)
    if summary and summary.strip():
        rating["ratingExplanation"] = summary.strip()
    node["reviewRating"] = rating
    claim: dict[str, Any] = {"@type": "Claim"}
    if kind == "person":
        author: dict[str, Any] = {"@type": "Person", "name": name}
        if title:
            author["jobTitle"] = title
        if affiliation:
            author["affiliation"] = {"@type": "Organization", "name": affiliation}
        claim["author"] = author
    if made_on is not None:
        claim["datePublished"] = made_on.isoformat()
    works = [_work(fa_url, fa_title, fo_name, fa_published)] if first_id is not None else []
    works += [
        _work(*item)
        for article_id, *item in zip(ids, urls, titles, outlets, dates, strict=True)
        if article_id != first_id
    ]
    if works:
        claim["appearance"] = works
    if first_id is not None:
        claim["firstAppearance"] = works[0]
    node["itemReviewed"] = claim
    if evidence:
        node["citation"] = [{"@type": "CreativeWork", "url": address} for address in evidence]
    return node


def minimal_feed(request: HttpRequest) -> HttpResponse:
    """The ClaimReview feed's page: one query for its claims and what they show."""
    from django.conf import settings
    from django.db import connection
    from rest_framework.utils.urls import replace_query_param

    from core.rest import link_header
    from reviews.claimreview import organization

    size, number = int(request.GET.get("page_size", 50)), int(request.GET.get("page", 1))
    site = settings.SITE_URL.rstrip("/")
    publisher = organization()
    where = "WHERE c.status = 'published'"
    with connection.cursor() as cursor:
        count, estimate = _count(cursor, where, [])
        cursor.execute(FEED_SQL, [size + 1 if estimate else size, (number - 1) * size])
        rows = cursor.fetchall()
    items = []
    for row in rows[:size]:
        review = _feed_node(row, site, publisher)
        items.append(
            {
                "@type": "DataFeedItem",
                "dateCreated": review["datePublished"],
                "dateModified": review.get("dateModified", review["datePublished"]),
                "item": review,
            }
        )
    feed: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "name": f"{settings.ORGANIZATION_NAME}: fact checks",
        "url": site + "/api/v1/claimreviews/",
        "publisher": publisher,
    }
    if items:
        feed["dateModified"] = max(item["dateModified"] for item in items)
    feed["dataFeedElement"] = items
    response = _json(feed)
    more = len(rows) > size if estimate else number * size < count
    here = _public(request, "/api/v1/claimreviews/")
    following, earlier = _page_links(here, number, more)
    pages = -(-count // size) if count else 1
    response["Link"] = link_header(
        {
            "next": following,
            "prev": earlier,
            "first": replace_query_param(here, "page", 1),
            "last": replace_query_param(here, "page", pages),
        }
    )
    return response


# --- Running it ------------------------------------------------------------------------------


def rss_mb() -> float:
    """This process's resident memory now, in MB (Linux)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    import resource

    return pages * resource.getpagesize() / 2**20


class Api:
    """The product's API and the minimal views, through one test client each."""

    def __init__(self) -> None:
        from django.contrib.auth import get_user_model
        from django.test import Client

        from core.tokens import token_create

        editor = get_user_model().objects.get(username="bench-editor")
        _, key = token_create(actor=None, user=editor, name="bench", scope="read")
        self.client = Client(HTTP_AUTHORIZATION=f"Token {key}")

    def get(self, url: str) -> Any:
        response = self.client.get(url)
        if response.status_code != 200:
            raise AssertionError(f"{url}: {response.status_code} {response.content[:300]!r}")
        return response

    def json(self, url: str) -> Any:
        return json.loads(self.get(url).content)


def measure(scale: int, *, rounds: int, full: bool) -> list[Result]:
    """The rows for one filled database: the list and the feed; with `full`, detail and search too."""
    from claims.models import Claim

    api = Api()
    listing = f"?page_size={PAGE}"
    results = [
        interleaved(
            "claims_list",
            scale=scale,
            target=TARGET,
            operation=lambda: api.get(f"/api/v1/claims/{listing}"),
            bound=lambda: api.get(f"/bench/claims/{listing}"),
            rounds=rounds,
        ),
        interleaved(
            "claimreview_feed",
            scale=scale,
            target=TARGET,
            operation=lambda: api.get(f"/api/v1/claimreviews/{listing}"),
            bound=lambda: api.get(f"/bench/claimreviews/{listing}"),
            rounds=rounds,
        ),
    ]
    if full:
        ids = list(Claim.objects.order_by("?").values_list("pk", flat=True)[:PAGE])
        detail = interleaved_items(
            "claim_detail",
            items=ids,
            target=TARGET,
            operation=lambda pk: api.get(f"/api/v1/claims/{pk}/"),
            bound=lambda pk: api.get(f"/bench/claims/{pk}/"),
            rounds=max(1, rounds // 20),
        )
        detail.scale = scale
        search = f"?q=tanker&page_size={PAGE}"
        results += [
            detail,
            interleaved(
                "claims_search",
                scale=scale,
                target=TARGET,
                operation=lambda: api.get(f"/api/v1/claims/{search}"),
                bound=lambda: api.get(f"/bench/claims/{search}"),
                rounds=rounds,
            ),
        ]
    return results


def main(argv: list[str]) -> int:
    setup_django()
    from django.conf import settings
    from django.test.utils import override_settings, setup_test_environment

    from bench.fill import fill_claims

    setup_test_environment()  # DEBUG off, the test client's host allowed
    scales = SMALL if "--small" in argv else SCALES
    if "--scale" in argv:
        scales = (option(argv, "--scale", 0),)
    rounds = option(argv, "--rounds", 60)
    rows: list[Result] = []
    start_rss = rss_mb()
    with override_settings(ROOT_URLCONF="bench.api_urls", API_THROTTLE_USER="1000000/minute", DEBUG=False):
        for scale in scales:
            with bench_database(f"api_{scale}"):
                started = time.perf_counter()
                fill_claims(scale)
                print(f"filled {scale} claims in {time.perf_counter() - started:.0f} s", flush=True)
                rows += measure(scale, rounds=rounds, full=scale == scales[-1])
    print(f"memory (RSS) of this process: {start_rss:.0f} MB at the start, {rss_mb():.0f} MB at the end")
    print(f"in-process (Django test client), DEBUG off, API_EXACT_COUNT_LIMIT={settings.API_EXACT_COUNT_LIMIT}")
    return report(rows, scale_label="claims")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
