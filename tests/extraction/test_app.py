"""The extractor stays a pure module of its own, and speaks the product's values."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from claims.models import Access, Addresses, AnonymityReason, AttributionRole, ContentKind, RelationKind, Side
from extraction import values
from sources.models import SourceKind

ROOT = Path(__file__).resolve().parents[2]


def test_the_extractor_imports_no_django():
    probe = (
        "import sys, extraction.extractor, extraction.values, extraction.errors; "
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_extractors_values_are_the_models_values():
    assert list(values.ROLES) == AttributionRole.values
    assert list(values.SOURCE_KINDS) == SourceKind.values
    assert list(values.ACCESS) == Access.values
    assert list(values.REASONS) == AnonymityReason.values
    assert list(values.SIDES) == Side.values
    assert list(values.CONTENT_TYPES) == ContentKind.values
    assert list(values.RELATION_KINDS) == RelationKind.values
    assert list(values.ADDRESSES) == Addresses.values
