"""`{{ article.html|clean_html }}`: show HTML from elsewhere, cleaned to the allow-list
of `sources.html`. Wrap it in an element with `hx-disable` as a second fence."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import template
from django.utils.safestring import SafeString, mark_safe

from sources.html import clean_html as _clean_html

register = template.Library()


@register.filter(name="clean_html")
def clean_html(value: object) -> SafeString:
    # The cleaner's output is the allow-list and nothing else, so it may be marked safe.
    return mark_safe(_clean_html("" if value is None else str(value)))  # noqa: S308


@register.filter(name="http_url")
def http_url(value: object) -> str:
    """The address if it is an http(s) one, else an empty string: an href built from
    stored data can then never be a `javascript:` or `data:` link."""
    text = "" if value is None else str(value).strip()
    return text if urlsplit(text).scheme.lower() in ("http", "https") else ""
