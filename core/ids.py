"""A number as a request spells it: what a URL path, a query string or a form field names.

`str.isdigit` says yes to "³" and "٣", which `int` turns down or reads as another digit;
a row id is ASCII digits within PostgreSQL's bigint, nothing else.
"""

from __future__ import annotations

import re

__all__ = ["parse_id"]

_ID = re.compile(r"[0-9]{1,19}")
_BIGINT = 2**63


def parse_id(value: str | None) -> int | None:
    """The non-negative integer `value` spells in ASCII digits, or None when it spells
    none ("", "³", "12a", a number beyond a bigint)."""
    if value is None or not _ID.fullmatch(value):
        return None
    number = int(value)
    return number if number < _BIGINT else None
