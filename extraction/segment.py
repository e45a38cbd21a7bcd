"""Paragraphs, sentences and quotations of a story, as offsets into the exact text given.

Sentences come from syntok (rules for English, offsets kept, no model). Quotations are
found here, because news style lets a quotation run on into the next paragraph: a
paragraph that ends inside an open quotation, followed by a paragraph that opens with a
quotation mark, continues the same quotation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

import syntok.segmenter

OPENING = '“"'
CLOSING = '”"'
# A blank line separates paragraphs; a single line break inside one is only wrapping.
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    paragraph: int


@dataclass(frozen=True)
class Quotation:
    """Words between quotation marks: ``start``/``end`` exclude the marks themselves."""

    start: int
    end: int


def paragraphs(text: str) -> list[tuple[int, int]]:
    spans, at = [], 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        spans.append((at, match.start()))
        at = match.end()
    spans.append((at, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


# A wire dateline before the first words: "HARBOR CITY, Ohio (AP) — ". The segmenter
# cuts after a one-word place ("MOSCOW (AP)") but not after a longer one.
_DATELINE: Final = re.compile(
    r"[A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+)*(?:, [A-Z][\w.]+(?: [A-Z][\w.]+)*)? \([^)\n]{1,40}\)(?= [—–-] )"
)


def sentences(text: str) -> list[Sentence]:
    """Sentences in order; each lies within one paragraph. A dateline is a sentence of its own."""
    found: list[Sentence] = []
    for number, (para_start, para_end) in enumerate(paragraphs(text)):
        for start, end in sentence_spans(text[para_start:para_end]):
            dateline = _DATELINE.match(text, para_start + start, para_start + end)
            if dateline is not None:
                found.append(Sentence(dateline.start(), dateline.end(), number))
                start = dateline.end() + 1 - para_start
            found.append(Sentence(para_start + start, para_start + end, number))
    return found


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence boundaries from syntok, as offsets into ``text``."""
    spans = []
    for paragraph in syntok.segmenter.analyze(text):
        for sentence in paragraph:
            tokens = list(sentence)
            if tokens:
                spans.append((tokens[0].offset, tokens[-1].offset + len(tokens[-1].value)))
    return spans


def quotations(text: str, paragraph_spans: list[tuple[int, int]]) -> list[Quotation]:
    """Quotations in order, a run-on quotation across paragraphs counted as one."""
    found: list[Quotation] = []
    open_at: int | None = None
    run_on = False
    for index, (para_start, para_end) in enumerate(paragraph_spans):
        # A run-on quotation's paragraph opens with a mark that reopens, not closes.
        for at in range(para_start + 1 if run_on else para_start, para_end):
            char = text[at]
            if char not in '“”"':
                continue
            if open_at is None:
                if char != "”":
                    open_at = at
                continue
            # A closing mark ends the quotation; so does a straight mark, and so does a
            # mistyped opening mark with a space after it ("order,“ “Iran").
            if char == "“" and not (at + 1 < para_end and text[at + 1].isspace()):
                continue
            found.append(Quotation(open_at + 1, at))
            open_at = None
        run_on = False
        if open_at is not None:
            following = paragraph_spans[index + 1][0] if index + 1 < len(paragraph_spans) else None
            if following is not None and text[following] in OPENING:
                run_on = True
                continue
            found.append(Quotation(open_at + 1, para_end))
            open_at = None
    return found
