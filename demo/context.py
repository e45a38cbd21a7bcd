"""What every page may need to know about the demo: where its sample story is served."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from demo.corpus import SAMPLE_PAGE


def demo_story(request: HttpRequest) -> dict[str, Any]:
    """`demo_story_url`: the sample AP story's address when the demo corpus is served
    (`make run`), for "New claims from an article" to offer; "" otherwise."""
    base = settings.DEMO_CORPUS_URL
    return {"demo_story_url": f"{base.rstrip('/')}/{SAMPLE_PAGE}" if base else ""}
