"""HTML from elsewhere (article bodies, provider snippets), cleaned to an allow-list
before it is stored or shown.

Everything a person typed is escaped by the templates and never needs this. This is
for the rare text we keep *as HTML* because its structure matters (paragraphs, quotes,
links in an article). What survives is text structure only: no scripts, styles,
frames, forms, images, event handlers, classes, ids, inline styles or `data-*` /
`hx-*` attributes (htmx acts on attributes, so one kept `hx-get` would be a request
the page makes on the reader's behalf). Links may point only to http, https or
mailto addresses and open without handing the reader's session or referrer over.
"""

from __future__ import annotations

from typing import Any

import nh3

ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "del",
        "em",
        "figcaption",
        "figure",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "ins",
        "li",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "small",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "time",
        "tr",
        "u",
        "ul",
    }
)

# Attributes by tag. Nothing is allowed on every tag except the language, so class,
# id, style, on* and hx-* / data-* never survive. No `cite`: the cleaner checks the
# scheme of href only, and a quotation's source is shown as a link anyway.
ALLOWED_ATTRIBUTES = {
    "*": {"lang", "dir"},
    "a": {"href", "title"},
    "abbr": {"title"},
    "del": {"datetime"},
    "ins": {"datetime"},
    "time": {"datetime"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}

# Removed together with everything inside them: their content is code or controls,
# never article text.
REMOVED_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "template",
        "noscript",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "svg",
        "math",
        "form",
        "select",
        "textarea",
        "button",
        "title",
        "head",
    }
)

URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"


def _cleaner(url_relative: Any) -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(REMOVED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        url_relative=url_relative,
        link_rel=LINK_REL,
        strip_comments=True,
    )


_DENY_RELATIVE = _cleaner("deny")


def clean_html(value: str, *, base_url: str | None = None) -> str:
    """Return `value` reduced to the allow-list above.

    Relative links are dropped unless `base_url` (the address the HTML came from) is
    given to resolve them against: left relative, they would point into this site."""
    if not value:
        return ""
    cleaner = _cleaner(("rewrite_with_base", base_url)) if base_url else _DENY_RELATIVE
    return cleaner.clean(value)
