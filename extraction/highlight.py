"""The story as HTML, with every suggestion's words and its source's mention marked
where the offsets say, each mark a link to that suggestion. Everything the story says
is escaped; only the marks are ours."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    suggestion: int  # its position
    source: bool  # the source's mention rather than the claim's words
    state: str


def spans_of(suggestions: Iterable[object]) -> list[Span]:
    """The claim's words and every attribution's mention, for each suggestion (objects
    with `position`, `start`, `end`, `state` and `attributions`)."""
    spans = []
    for s in suggestions:
        spans.append(Span(s.start, s.end, s.position, False, s.state))  # type: ignore[attr-defined]
        for a in s.attributions:  # type: ignore[attr-defined]
            spans.append(Span(int(a["start"]), int(a["end"]), s.position, True, s.state))  # type: ignore[attr-defined]
    return spans


def highlighted(
    text: str, spans: Iterable[Span], *, link: Callable[[int], str], current: int | None = None
) -> SafeString:
    """`text` as HTML with each span in a <mark>. Where spans overlap (a mention inside
    the quoted words), the claim's words win and the mention is marked within them; the
    first mark of each suggestion carries the id `s<n>` to link to."""
    bounds = sorted({0, len(text), *(b for s in spans for b in (s.start, s.end) if 0 <= b <= len(text))})
    ordered = sorted(spans, key=lambda s: (s.start, s.source, s.suggestion))
    parts: list[str] = []
    anchored: set[int] = set()
    active: list[Span] = []
    index = 0
    for left, right in itertools.pairwise(bounds):
        while index < len(ordered) and ordered[index].start <= left:
            active.append(ordered[index])
            index += 1
        active = [s for s in active if s.end > left]
        words = text[left:right]
        claim = next((s for s in active if not s.source), None)
        mention = next((s for s in active if s.source), None)
        owner = claim or mention
        if owner is None:
            parts.append(escape(words))
            continue
        classes = ["hl", f"hl--{owner.state}"]
        if claim is not None:
            classes.append("hl--claim")
        if mention is not None:
            classes.append("hl--source")
        if current is not None and owner.suggestion == current:
            classes.append("hl--current")
        anchor = f"s{owner.suggestion}"
        id_attribute = "" if owner.suggestion in anchored else anchor
        anchored.add(owner.suggestion)
        parts.append(
            format_html(
                '<mark class="{}"{}><a href="{}">{}</a></mark>',
                " ".join(classes),
                format_html(' id="{}"', id_attribute) if id_attribute else "",
                link(owner.suggestion),
                words,
            )
        )
    return mark_safe("".join(parts))  # noqa: S308 - every piece above was escaped
