"""Anonymous descriptors, grouped: "two officials familiar with U.S. intelligence" and
"officials familiar with US intelligence" describe the same kind of source at the same
outlet, and their track record is one.

A descriptor's key is what is left when what only counts or rewords is taken out:

- counts ("two", "several", "a number of", "3"), articles and other small words go;
- names fold through the alias table ("U.S.", "US", "American" are one), and other words
  to their stems ("official" and "officials" are one);
- the stock phrases for knowing something ("familiar with", "with knowledge of", "aware
  of") are one, as are the words for people in general ("people", "persons", "sources",
  "individuals");
- how the story says they spoke ("who spoke on condition of anonymity") goes: the
  caveat record holds that;
- the order of what remains does not matter.

What distinguishes one kind of source from another stays: "senior", "military",
"Iranian", "diplomats", "documents". Pure: text in, key out.
"""

from __future__ import annotations

from corroboration.aliases import AliasTable
from corroboration.text import STOPWORDS, stem, tokens

__all__ = ["descriptor_key"]

_COUNTS = frozenset(
    """a an one two three four five six seven eight nine ten eleven twelve dozen dozens several some many
    multiple few various numerous number handful couple pair both more least""".split()  # noqa: SIM905
)
# Words that say someone knows something, not who they are.
_KNOWING = frozenset(stem(w) for w in ("familiar", "knowledge", "aware", "knowledgeable"))
# Words for people in general.
_PEOPLE = frozenset(stem(w) for w in ("people", "person", "persons", "individuals", "individual", "sources", "source"))
# How the story says they spoke, not who they are ("who spoke on condition of anonymity",
# "not authorized to discuss it publicly", "asked not to be named").
_HOW_THEY_SPOKE = frozenset(
    stem(w)
    for w in """spoke speak speaking condition anonymity anonymous anonymously insisted requested asked declined
    named identified authorized authorised publicly discuss comment because""".split()  # noqa: SIM905
)
_TABLE = AliasTable()


def descriptor_key(text: str) -> str:
    """The group an anonymous descriptor belongs to; "" for one that says nothing
    beyond a count ("two people")."""
    words = tokens(text or "")
    entities = {e.first: e for e in _TABLE.entities(words)}
    kept: set[str] = set()
    i = 0
    while i < len(words):
        entity = entities.get(i)
        if entity is not None:
            kept.add(entity.key)
            i = entity.last
            continue
        plain = words[i].plain
        i += 1
        if plain in STOPWORDS or plain in _COUNTS or plain[:1].isdigit() or len(plain) < 2:
            continue
        term = stem(plain)
        if term in _HOW_THEY_SPOKE:
            continue
        if term in _KNOWING:
            term = "~familiar"
        elif term in _PEOPLE:
            term = "~people"
        kept.add(term)
    if kept <= {"~people", "~familiar"}:
        return ""
    return " ".join(sorted(kept))
