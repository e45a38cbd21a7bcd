"""`{% marked_excerpt item %}`: a coverage excerpt with the claim's words it holds in
<mark>, every character of the stored text escaped (it comes from pages on the web)."""

from __future__ import annotations

from collections.abc import Sequence

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def mark_text(text: str, marks: Sequence[Sequence[int]]) -> SafeString:
    """`text` escaped, with the [start, end) spans in `marks` wrapped in <mark>.
    Spans that overlap, run backwards or fall outside the text are skipped."""
    parts: list[str] = []
    at = 0
    for span in sorted((int(m[0]), int(m[1])) for m in marks if len(m) == 2):
        start, end = span
        if start < at or end <= start or end > len(text):
            continue
        parts.append(escape(text[at:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        at = end
    parts.append(escape(text[at:]))
    # Every piece of stored text went through escape(); only <mark> is ours.
    return mark_safe("".join(parts))  # noqa: S308


@register.simple_tag
def marked_excerpt(item: object) -> SafeString:
    text = str(getattr(item, "excerpt", "") or "")
    marks = getattr(item, "excerpt_marks", None) or []
    return mark_text(text, marks if isinstance(marks, list) else [])
