"""What every API endpoint shares: the error format, strict input fields, filters,
pagination and throttles. (The base viewset is in config/viewsets.py and the OpenAPI
description in config/schema.py: the API settings name classes in this module, so it
must not import DRF's views.)

The error format (product.md Appendix A) is made in one place, `exception_handler`:

    {"detail": "<for a person>", "code": "<for a machine>"}
    + "fields": {"<field>": ["<message>", …]}   on a validation error (400)
    + "current_version": <int>                  on a stale version (409)

Services raise Django's ValidationError and PermissionDenied, and `Conflict`
(StaleVersion); they are answered 400, 403 and 409 here, never 500.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any
from weakref import WeakKeyDictionary

import django_filters
from django import forms
from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import EmptyPage
from django.core.paginator import Page as DjangoPage
from django.core.paginator import Paginator as DjangoPaginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema_field
from redis.exceptions import NoScriptError, RedisError
from rest_framework import exceptions, parsers, renderers, serializers
from rest_framework.metadata import BaseMetadata
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from core.services import Conflict

logger = logging.getLogger(__name__)

# --- Errors ------------------------------------------------------------------------------


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"attributions.0.source": ["…"]}."""
    if isinstance(detail, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            if key in ("non_field_errors", NON_FIELD_ERRORS) and prefix:
                name = prefix  # about the nested object as a whole: "attributions", not "attributions.non_field_errors"
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            for field, messages in _flatten(value, name).items():
                flat.setdefault(field, []).extend(messages)
        return flat
    if isinstance(detail, list) and any(isinstance(item, (Mapping, list)) for item in detail):
        flat = {}
        for index, item in enumerate(detail):
            if item:
                flat.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    items = detail if isinstance(detail, list) else [detail]
    return {prefix or NON_FIELD_ERRORS: [str(item) for item in items]}


def validation_error(fields: dict[str, list[str]], code: str = "invalid") -> dict[str, Any]:
    general = [m for key in (NON_FIELD_ERRORS, "non_field_errors") for m in fields.pop(key, [])]
    if general:
        detail = " ".join(general)
    elif fields:
        detail = "Some fields are not valid: " + ", ".join(fields) + "."
    else:
        detail = "The request is not valid."
    data: dict[str, Any] = {"detail": detail, "code": code}
    if fields:
        data["fields"] = fields
    return data


def _django_validation_error(exc: DjangoValidationError) -> dict[str, Any]:
    if hasattr(exc, "error_dict"):
        fields = {key: list(messages) for key, messages in exc.message_dict.items()}
    else:
        fields = {NON_FIELD_ERRORS: list(exc.messages)}
    codes = {e.code for e in exc.error_list} if hasattr(exc, "error_list") else set()
    code = codes.pop() if len(codes) == 1 else None
    return validation_error(fields, code or "invalid")


def _conflict(exc: Conflict) -> dict[str, Any]:
    data: dict[str, Any] = {"detail": str(exc), "code": "conflict"}
    current = getattr(exc, "current_version", None)
    if current is not None:
        data.update(code="stale_version", current_version=current)
    return data


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    # Imported here: rest_framework.views reads the API settings, which name this module.
    from rest_framework.views import exception_handler as drf_exception_handler
    from rest_framework.views import set_rollback

    if isinstance(exc, RequestDataTooBig):
        # Django refuses to read the body at all (and answers 400 for it elsewhere); say how
        # much it reads, in the API's format.
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        detail = f"The request body is too large: at most {limit:,} bytes are read." if limit else str(exc)
        return Response({"detail": detail, "code": "too_large"}, status=400)
    if isinstance(exc, DjangoValidationError):
        set_rollback()
        return Response(_django_validation_error(exc), status=400)
    if isinstance(exc, Conflict):
        set_rollback()
        return Response(_conflict(exc), status=409)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, exceptions.ValidationError):
        response.data = validation_error(_flatten(exc.detail))
    else:
        codes = exc.get_codes()
        response.data = {
            "detail": str(exc.detail),
            "code": codes if isinstance(codes, str) else exc.default_code,
        }
    return response


def error_response(status: int, detail: str, code: str) -> JsonResponse:
    """The API's error format, for answers made outside DRF (unknown addresses, a
    refused CSRF check, a server error)."""
    return JsonResponse({"detail": detail, "code": code}, status=status)


# Exempt from the CSRF check: it changes nothing, and a POST to a mistyped address
# deserves the same 404 as a GET rather than Django's HTML CSRF page.
@csrf_exempt
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any URL under /api/ that names no endpoint: the same JSON error as the rest."""
    detail = "There is no API endpoint at this address."
    if not request.path.endswith("/"):
        try:
            if resolve(request.path + "/").func is not not_found:
                detail += f" Did you mean {request.path}/ (with the trailing slash)?"
        except Resolver404:
            pass
    return error_response(404, detail, "not_found")


class Metadata(BaseMetadata):
    """The answer to OPTIONS (the methods are in its Allow header): what the endpoint is,
    and where its full description lives. The OpenAPI schema describes every operation."""

    def determine_metadata(self, request: Request, view: Any) -> dict[str, Any]:
        return {
            "name": view.get_view_name(),
            "description": view.get_view_description(),
            "methods": list(view.allowed_methods),
            "schema": request.build_absolute_uri("/api/schema/"),
        }


# --- Parsing -----------------------------------------------------------------------------

MAX_JSON_DEPTH = 32


def json_depth_exceeds(value: Any, limit: int) -> bool:
    """Whether `value` nests arrays and objects more than `limit` deep (iteratively, so
    the check itself cannot run out of stack)."""
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    """JSON bodies, nested at most MAX_JSON_DEPTH deep. No request of this API needs
    more than a few levels, and Python's decoder (and everything that walks the result
    afterwards) recurses: a body of ten thousand brackets would otherwise be a server
    error instead of a 400."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        too_deep = exceptions.ParseError(f"JSON parse error - the body nests more than {MAX_JSON_DEPTH} levels deep.")
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise too_deep from None
        if json_depth_exceeds(data, MAX_JSON_DEPTH):
            raise too_deep
        return data


class JSONRenderer(renderers.JSONRenderer):
    """UTF-8 JSON. An error message may quote what the caller sent, and JSON text may
    carry lone surrogates that UTF-8 cannot: such an answer is sent with every
    non-ASCII character escaped rather than failing."""

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            return _ASCII_JSON.render(data, accepted_media_type, renderer_context)


class _AsciiJSONRenderer(renderers.JSONRenderer):
    ensure_ascii = True


_ASCII_JSON = _AsciiJSONRenderer()


class JSONErrors:
    """For views whose answers are not JSON (the OpenAPI schema, its HTML readers): their
    errors (405, 406, 429…) are still the API's JSON errors."""

    def handle_exception(self, exc: Exception) -> Response:
        request = self.request  # type: ignore[attr-defined]
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
        return super().handle_exception(exc)  # type: ignore[misc]


# --- Strict input ------------------------------------------------------------------------
# JSON has types; an API that turns 12 into "12" or "yes" into True hides mistakes in the
# caller's code. These fields take exactly the JSON type the schema documents.


class StrictCharField(serializers.CharField):
    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        # The length limit applies to what was sent (as the schema says), not to what is
        # left once surrounding spaces are trimmed.
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictChoiceField(serializers.ChoiceField):
    def to_internal_value(self, data: Any) -> Any:
        if data == "" and self.allow_blank:
            return ""
        if isinstance(data, bool) or not any(type(data) is type(choice) for choice in self.choices):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


class StrictDateField(serializers.DateField):
    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", data):
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(data)


class StrictPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 0 < data < 2**63:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


class StrictSlugRelatedField(serializers.SlugRelatedField):
    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid")
        # PostgreSQL cannot even compare text holding NUL or lone surrogates: such a
        # value names nothing, and must not reach the query.
        if "\x00" in data or any("\ud800" <= char <= "\udfff" for char in data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return super().to_internal_value(data)


class InputSerializer(serializers.Serializer):
    """A request body. An unknown field is an error, not silently dropped: a PATCH with a
    misspelt "contxt" would otherwise answer 200 and change nothing."""

    def to_internal_value(self, data: Any) -> Any:
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, Mapping) else []
        errors = {key: ["Unknown field."] for key in unknown}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if not errors:
                raise
            detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
            raise serializers.ValidationError({**detail, **errors}) from None
        if errors:
            raise serializers.ValidationError(errors)
        return value

    def create(self, validated_data: Any) -> Any:  # pragma: no cover - views call services
        raise NotImplementedError

    def update(self, instance: Any, validated_data: Any) -> Any:  # pragma: no cover
        raise NotImplementedError


# --- Output ------------------------------------------------------------------------------


class ReadSerializer(serializers.ModelSerializer):
    """A model as the API shows it. Keeps `allow_blank` on read-only fields, so that the
    schema says an unset choice ("") may appear (DRF drops it for read-only fields)."""

    def include_extra_kwargs(
        self, kwargs: MutableMapping[str, Any], extra_kwargs: MutableMapping[str, Any]
    ) -> MutableMapping[str, Any]:
        allow_blank = kwargs.get("allow_blank")
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if allow_blank:
            kwargs["allow_blank"] = True
        return kwargs


class NewsroomOnlyFields(serializers.Serializer):
    """Fields named in `Meta.newsroom_only` (internal notes, who is assigned) are blanked
    for callers who see published work only; the view says which kind of caller it serves."""

    def to_representation(self, instance: Any) -> Any:
        data = super().to_representation(instance)
        if not self.context.get("reads_unpublished", False):
            data.update((name, blank) for name, blank in self.newsroom_blanks().items() if name in data)
        return data

    def newsroom_blanks(self) -> dict[str, Any]:
        """What each newsroom-only field shows to a caller who sees published work only."""
        names = getattr(getattr(self, "Meta", None), "newsroom_only", ())
        return {name: None if self.fields[name].allow_null else "" for name in names}


# The largest whole number a query parameter takes unless it says otherwise: what an
# integer column holds (a claim's version, say).
MAX_QUERY_INT = 2**31 - 1


def positive_int_param(request: Request, name: str, *, default: int, maximum: int = MAX_QUERY_INT) -> int:
    """A whole number from 1 to `maximum` given as ?name=; the message says exactly that,
    whatever was wrong (not a number, 0, or too large)."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    # Digits beyond the maximum's own length are too large whatever they are (and a
    # thousand-digit number is never converted).
    if re.fullmatch(r"[0-9]+", raw) and len(raw.lstrip("0")) <= len(str(maximum)) and 1 <= int(raw) <= maximum:
        return int(raw)
    raise exceptions.ValidationError({name: [f"Must be a whole number from 1 to {maximum}."]})


# --- Filters -----------------------------------------------------------------------------


class StrictFilterSet(django_filters.FilterSet):
    """A filter given with no value (?status=) or twice (?status=a&status=b) is an error,
    never silently ignored: the caller meant something by it."""

    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name in self.filters:
            if name not in self.data:
                continue
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else [self.data[name]]
            if len(values) > 1:
                self.form.add_error(name, "Give this parameter once.")
                valid = False
            elif not str(values[0]).strip():
                self.form.add_error(name, "Give a value, or leave the parameter out.")
                valid = False
        return valid


class IdField(forms.Field):
    def to_python(self, value: Any) -> int | None:
        if value in (None, ""):
            return None
        if not re.fullmatch(r"[0-9]{1,18}", str(value)) or int(value) < 1:
            raise DjangoValidationError("Give an id: a whole number of 1 or more.", code="invalid")
        return int(value)


@extend_schema_field({"type": "integer", "minimum": 1})
class IdFilter(django_filters.Filter):
    field_class = IdField


MOMENT = r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?)?"


class MomentField(forms.Field):
    """An ISO 8601 date (2026-03-08: midnight at its start, in the site's time zone) or
    date-time (2026-03-08T14:00:00Z; without an offset, in the site's time zone)."""

    def to_python(self, value: Any) -> datetime | None:
        if value in (None, ""):
            return None
        try:
            if not re.fullmatch(MOMENT, str(value)):
                raise ValueError
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            raise DjangoValidationError(
                "Give a date (2026-03-08) or a date and time (2026-03-08T14:00:00Z).", code="invalid"
            ) from None
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


@extend_schema_field(
    {
        "type": "string",
        "pattern": f"^{MOMENT}$",
        "description": "ISO 8601 date (start of that day) or date-time; inclusive for *_after, exclusive for *_before.",
    }
)
class MomentFilter(django_filters.Filter):
    field_class = MomentField


def text_filter(description: str, **kwargs: Any) -> django_filters.CharFilter:
    """A free-text filter; given, it must not be empty (see StrictFilterSet)."""
    return extend_schema_field({"type": "string", "minLength": 1, "description": description})(
        django_filters.CharFilter(help_text=description, **kwargs)
    )


class StableOrderingFilter(django_filters.OrderingFilter):
    """?ordering=priority,-created_at; ties are broken by id so that pages never overlap."""

    def filter(self, qs: Any, value: Any) -> Any:
        if not value:
            return qs
        ordering = [self.get_ordering_value(param) for param in value if param]
        tie_breaker = "-pk" if ordering and ordering[-1].startswith("-") else "pk"
        return qs.order_by(*ordering, tie_breaker)


# --- Pagination --------------------------------------------------------------------------

MAX_PAGE_SIZE = 100
# Far past any page a list will have (a million pages); documented, so that a caller's
# page number is refused by the schema exactly when the server refuses it.
MAX_PAGE = 1_000_000


def planner_estimate(items: QuerySet[Any]) -> int:
    """How many rows PostgreSQL's planner expects `items` to return: read from EXPLAIN, so
    it costs a plan, not a scan. Close for a whole table (pg_class.reltuples), rougher
    under filters."""
    plan = json.loads(items.order_by().values("pk").explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedPage(DjangoPage):
    """A page of a list whose count is an estimate: whether there is a next page comes
    from the rows themselves (one more than the page was read), not from the count."""

    def __init__(self, object_list: Any, number: int, paginator: Any, *, more: bool) -> None:
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more


class CountingPaginator(DjangoPaginator):
    """Django's paginator with a count that does not scan a large table on every page.

    Up to `exact_up_to` matching rows it counts them (a scan stopped after that many
    rows); past it, the planner's estimate stands in, `count_is_estimate` is set, and a
    page is valid as long as it has rows, so that an estimate below the truth never
    hides the last pages."""

    count_is_estimate = False

    def __init__(self, object_list: Any, per_page: int, *, exact_up_to: int, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.exact_up_to = exact_up_to

    @cached_property
    def count(self) -> int:
        items = self.object_list
        if not isinstance(items, QuerySet):
            return len(items)
        counted = items.order_by().values("pk")[: self.exact_up_to + 1].count()
        if counted <= self.exact_up_to:
            return counted
        self.count_is_estimate = True
        return max(planner_estimate(items), counted)

    def validate_number(self, number: Any) -> int:
        if self.count <= self.exact_up_to:
            return super().validate_number(number)
        number = int(number)
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        return number

    def page(self, number: Any) -> DjangoPage:
        number = self.validate_number(number)
        if not self.count_is_estimate:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage("That page contains no results")
        return EstimatedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)


class Pagination(PageNumberPagination):
    """?page= and ?page_size= (at most 100); the items are in `results`, with `count` —
    exact up to API_EXACT_COUNT_LIMIT matching items, the planner's estimate beyond it
    (`count_is_estimate`: true)."""

    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    # Items per page unless the caller asks: API_PAGE_SIZE, or the size a subclass documents.
    default_size: int | None = None

    @property
    def default_page_size(self) -> int:
        return self.default_size or settings.API_PAGE_SIZE

    def get_page_size(self, request: Request) -> int:
        return positive_int_param(request, "page_size", default=self.default_page_size, maximum=MAX_PAGE_SIZE)

    def get_page_number(self, request: Request, paginator: Any) -> int:
        return positive_int_param(request, "page", default=1, maximum=MAX_PAGE)

    def django_paginator_class(self, items: Any, per_page: int) -> CountingPaginator:  # type: ignore[override]
        return CountingPaginator(items, per_page, exact_up_to=settings.API_EXACT_COUNT_LIMIT)

    @property
    def count_is_estimate(self) -> bool:
        page = getattr(self, "page", None)
        return bool(page is not None and getattr(page.paginator, "count_is_estimate", False))

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        response.data = {
            "count": response.data["count"],
            "count_is_estimate": self.count_is_estimate,
            **{k: v for k, v in response.data.items() if k != "count"},
        }
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        described = super().get_paginated_response_schema(schema)
        properties = described["properties"]
        properties["count"]["description"] = (
            "Matching items: exact up to API_EXACT_COUNT_LIMIT (default 10,000), the database's estimate "
            "beyond it (then count_is_estimate is true)."
        )
        described["properties"] = {
            "count": properties["count"],
            "count_is_estimate": {
                "type": "boolean",
                "description": "True when count is an estimate: a large list is not counted row by row on "
                "every page. Pages past the estimate are still served while they have items; next is "
                "null on the last one.",
            },
            **{k: v for k, v in properties.items() if k != "count"},
        }
        described["required"] = ["count", "count_is_estimate", "results"]
        return described

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": "page",
                "required": False,
                "in": "query",
                "description": f"Page number, from 1 to {MAX_PAGE}. A page past the last answers 404.",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
            },
            {
                "name": "page_size",
                "required": False,
                "in": "query",
                "description": f"Items per page (default {self.default_page_size}, at most {MAX_PAGE_SIZE}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ]


def link_header(links: dict[str, str | None]) -> str:
    """An RFC 8288 Link header: <url>; rel="next", … for the links that exist."""
    return ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items() if url)


# --- Throttles ---------------------------------------------------------------------------
# Rates are read from settings on every request (not frozen at import), so a deployment
# and the tests can change them. Each request counted by a throttle carries its quota in
# RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset (core.middleware adds them);
# a 429 carries Retry-After (DRF). The counts live in the shared cache (Redis): when it
# cannot be reached, requests are let through and the failure is logged — an outage of
# the counter must not become an outage of the API.


@dataclass(frozen=True)
class Quota:
    limit: int
    remaining: int
    reset: int  # seconds until the oldest counted request leaves the window (Remaining goes up)


QUOTA_ATTRIBUTE = "api_quota"


# One round trip per counted request: the window's times are a Redis list (newest
# first, as DRF keeps its history), trimmed, counted and, if the request is allowed,
# added to in one script, so two requests at once cannot both take the last place.
# Returns whether the request is allowed, the requests now in the window, and the time
# of the oldest of them ("" when there is none).
WINDOW_SCRIPT = """
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local oldest = redis.call('LINDEX', KEYS[1], -1)
while oldest and tonumber(oldest) <= now - window do
    redis.call('RPOP', KEYS[1])
    oldest = redis.call('LINDEX', KEYS[1], -1)
end
local counted = redis.call('LLEN', KEYS[1])
if counted >= limit then
    return {0, counted, oldest or ''}
end
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], window)
return {1, counted + 1, oldest or ARGV[1]}
"""
WINDOW_SCRIPT_SHA = hashlib.sha1(WINDOW_SCRIPT.encode()).hexdigest()  # noqa: S324 - Redis names scripts by SHA-1


# A Redis client for each of Django's cache connections (one per thread): Django makes a
# new one, with its table of some 170 reply handlers, on every cache call.
_redis_clients: WeakKeyDictionary[Any, Any] = WeakKeyDictionary()


def _redis_client(store: Any) -> Any:
    """The Redis client that writes to `store` (django's RedisCache)."""
    connection = store._cache
    client = _redis_clients.get(connection)
    if client is None:
        client = _redis_clients[connection] = connection.get_client(write=True)
    return client


class QuotaThrottle(SimpleRateThrottle):
    """DRF's sliding window (a request is allowed while fewer than the rate's number were
    allowed in the last period), counted in Redis in one round trip (WINDOW_SCRIPT)
    rather than DRF's read of the whole history and write of it back."""

    # Not DRF's key: its value there is a pickled list, here a Redis list.
    cache_format = "throttle-window_%(scope)s_%(ident)s"
    # Set by SimpleRateThrottle (its stubs do not declare them).
    num_requests: int | None
    duration: int | None
    now: float
    counted: int = 0
    oldest: float | None = None

    def allow_request(self, request: Request, view: Any) -> bool:
        try:
            allowed = self._count(request, view)
        except (RedisError, OSError) as exc:
            logger.warning("API throttle store unreachable; the request is let through uncounted: %s", exc)
            return True
        if getattr(self, "key", None) is not None and self.num_requests is not None and self.duration is not None:
            oldest = self.oldest if self.oldest is not None else self.now
            quota = Quota(
                limit=self.num_requests,
                remaining=max(0, self.num_requests - self.counted),
                reset=max(0, math.ceil(oldest + self.duration - self.now)),
            )
            previous = getattr(request._request, QUOTA_ATTRIBUTE, None)
            if previous is None or quota.remaining < previous.remaining:
                setattr(request._request, QUOTA_ATTRIBUTE, quota)
        return allowed

    def _count(self, request: Request, view: Any) -> bool:
        if self.rate is None or self.num_requests is None or self.duration is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        store = caches[DEFAULT_CACHE_ALIAS]
        key = store.make_and_validate_key(self.key)
        client = _redis_client(store)
        self.now = self.timer()
        args = (repr(self.now), self.duration, self.num_requests)
        try:
            allowed, counted, oldest = client.evalsha(WINDOW_SCRIPT_SHA, 1, key, *args)
        except NoScriptError:
            allowed, counted, oldest = client.eval(WINDOW_SCRIPT, 1, key, *args)
        self.counted = int(counted)
        self.oldest = float(oldest) if oldest else None
        return bool(allowed)

    def wait(self) -> float | None:
        """Seconds until the oldest request in the window leaves it (DRF's wait, shared
        among the requests still allowed then)."""
        if self.duration is None or self.num_requests is None:
            return None
        remaining = self.duration - (self.now - self.oldest) if self.oldest is not None else self.duration
        available = self.num_requests - self.counted + 1
        return remaining / available if available > 0 else None


class AnonymousThrottle(QuotaThrottle, AnonRateThrottle):
    """Callers without credentials, counted by address."""

    def get_rate(self) -> str:
        return settings.API_THROTTLE_ANON


class CallerThrottle(QuotaThrottle):
    """Each token on its own; a signed-in person by account."""

    scope = "caller"

    def get_rate(self) -> str:
        return settings.API_THROTTLE_USER

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if request.auth is not None and hasattr(request.auth, "pk"):
            ident = f"token-{request.auth.pk}"
        elif request.user is not None and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}
