"""The one error an extraction raises: input refused outright, before any rule runs."""

from __future__ import annotations


class ExtractionError(ValueError):
    """Text that cannot be read as a news story at all.

    ``code`` is for machines (``empty``, ``binary``, ``too_large``); the message is for the
    person who pasted the text.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
