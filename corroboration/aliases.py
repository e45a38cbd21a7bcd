"""Names that stand for one another in news copy: a capital or a seat of power for its
state ("Moscow", "the Kremlin" for Russia), a demonym for its nation ("Iranian"), a
formal name ("the Islamic Republic").

The table is data the caller passes in (canonical name → other names), so a newsroom
can extend it from the admin; `SEED_ALIASES` is the starting set used by the demo and
whenever no table is given. `AliasTable` compiles a table into a matcher over tokens.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from corroboration.text import Token, tokens

__all__ = ["SEED_ALIASES", "AliasTable", "Entity"]

SEED_ALIASES: Mapping[str, Sequence[str]] = {
    "Iran": ["Islamic Republic", "Islamic Republic of Iran", "Tehran", "Iranian", "Iranians"],
    "Russia": ["Russian Federation", "Moscow", "Kremlin", "Russian", "Russians"],
    "United States": ["U.S.", "US", "U.S.A.", "USA", "Washington", "American", "Americans", "Pentagon", "White House"],
    "Ukraine": ["Kyiv", "Kiev", "Ukrainian", "Ukrainians"],
    "Israel": ["Israeli", "Israelis", "Jerusalem"],
    "China": ["Beijing", "Chinese", "People's Republic of China"],
    "United Kingdom": ["U.K.", "UK", "Britain", "Great Britain", "British", "London", "Downing Street"],
    "Germany": ["Berlin", "German", "Germans"],
    "France": ["Paris", "French", "Élysée"],
    "Poland": ["Warsaw", "Polish", "Poles"],
    "European Union": ["EU", "E.U.", "Brussels"],
}

# Aliases this short and written in capitals are acronyms: matched only in capitals,
# so "US" is the United States and "us" stays a pronoun.
_ACRONYM = re.compile(r"^[A-Z][A-Z.]{0,5}$")


@dataclass(frozen=True)
class Entity:
    """A run of tokens naming a canonical entity: tokens[first:last] → key."""

    first: int
    last: int
    key: str


class AliasTable:
    """A compiled alias table. Each entity gets a key ("@iran") that stands in for
    every way of naming it, so "Tehran" in a page meets "Iran" in a claim."""

    def __init__(self, table: Mapping[str, Sequence[str]] | None = None) -> None:
        table = SEED_ALIASES if table is None else table
        # phrase (plain words) → (key, acronym surface or None)
        self._phrases: dict[tuple[str, ...], list[tuple[str, str | None]]] = {}
        self._longest = 1
        self.names: dict[str, str] = {}
        for canonical, aliases in table.items():
            key = "@" + " ".join(t.plain for t in tokens(canonical))
            self.names[key] = canonical
            for name in (canonical, *aliases):
                words = tokens(name)
                if words and words[0].plain == "the" and len(words) > 1:
                    words = words[1:]  # "the Kremlin" is also just "Kremlin"
                if not words:
                    continue
                phrase = tuple(_base(w.plain) for w in words)
                acronym = name.strip() if _ACRONYM.match(name.strip()) else None
                self._phrases.setdefault(phrase, []).append((key, acronym))
                self._longest = max(self._longest, len(phrase))

    def entities(self, words: Sequence[Token]) -> list[Entity]:
        """The entities named in a token sequence, longest name first at each place."""
        found: list[Entity] = []
        i = 0
        while i < len(words):
            hit = None
            for size in range(min(self._longest, len(words) - i), 0, -1):
                phrase = tuple(_base(w.plain) for w in words[i : i + size])
                for key, acronym in self._phrases.get(phrase, ()):
                    surface = "".join(w.surface for w in words[i : i + size])
                    if acronym is not None and surface.replace(".", "") != acronym.replace(".", ""):
                        continue
                    hit = Entity(i, i + size, key)
                    break
                if hit:
                    break
            if hit:
                found.append(hit)
                i = hit.last
            else:
                i += 1
        return found

    def is_entity(self, term: str) -> bool:
        return term in self.names


def _base(plain: str) -> str:
    # "Iran's" names Iran.
    return plain[:-2] if plain.endswith("'s") else plain
