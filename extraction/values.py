"""The public values of an extraction (product.md, Appendix A), in one place.

The JSON an extraction produces, the gold files of the evaluation corpus and, later,
the Django models all use these spellings; nothing else in the package spells them.
"""

from __future__ import annotations

from typing import Final, Literal

Role = Literal["claimant", "supports", "disputes", "responds"]
SourceKind = Literal["person", "organization", "anonymous_group", "document"]
Access = Literal["direct", "documents", "briefed", "familiar_with", "unstated"]
Reason = Literal["not_authorized", "sensitive_intelligence", "safety", "reprisal", "other", "not_given"]
Side = Literal["government", "opposition", "foreign_government", "company", "other", "unknown"]
ContentType = Literal["fact", "opinion", "speculation", "characterization"]
RelationKind = Literal["contradicts", "responds_to", "duplicate_of", "related"]
Addresses = Literal["fully", "partly", "different_proposition"]
Reply = Literal["denial", "non_denial", "declined_to_comment", "no_response"]

ROLES: Final = ("claimant", "supports", "disputes", "responds")
SOURCE_KINDS: Final = ("person", "organization", "anonymous_group", "document")
ACCESS: Final = ("direct", "documents", "briefed", "familiar_with", "unstated")
REASONS: Final = ("not_authorized", "sensitive_intelligence", "safety", "reprisal", "other", "not_given")
SIDES: Final = ("government", "opposition", "foreign_government", "company", "other", "unknown")
CONTENT_TYPES: Final = ("fact", "opinion", "speculation", "characterization")
RELATION_KINDS: Final = ("contradicts", "responds_to", "duplicate_of", "related")
ADDRESSES: Final = ("fully", "partly", "different_proposition")
REPLIES: Final = ("denial", "non_denial", "declined_to_comment", "no_response")
