"""Words that stand for one another in news copy, of two kinds:

- **Entities**: a capital or a seat of power for its state ("Moscow", "the Kremlin"
  for Russia), a demonym for its nation ("Iranian"), a formal name ("the Islamic
  Republic"). A name folded this way is a party a claim can be about.
- **Wordings**: equivalent ways of saying what happened ("quit", "resign", "stood
  down" for "step down"; "acquire", "take over" for "buy"). A wording is matched on
  Snowball stems, so "steps down" and "stepped down" are "step down"; irregular forms
  are listed as forms of their own ("stood down", "bought"). A wording folded this way
  is one term of what the claim says, never a party.

The tables are data the caller passes in (canonical → other forms), so a newsroom can
extend them from the admin; `SEED_ALIASES` and `SEED_WORDINGS` are the starting sets
used by the demo and whenever no table is given. `AliasTable` compiles both into a
matcher over tokens.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from corroboration.text import Token, stem, tokens

__all__ = ["SEED_ALIASES", "SEED_WORDINGS", "AliasTable", "Entity"]

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

# Common news predicates, each group under one canonical term. Kept to words that say
# the same thing in any story: a word with an everyday other sense that would say
# something else ("fire" a minister or a missile, "lift" a ban or the economy, "lower"
# rates or the lower court, "defeat" said of the winner or the loser) is left out, and
# so are phrases holding a negation.
# Forms are matched on stems: list a form only when its stem differs from the
# canonical's (irregular verbs, nouns such as "acquisition").
SEED_WORDINGS: Mapping[str, Sequence[str]] = {
    "step down": ["stand down", "stood down", "step aside", "resign", "quit", "leave office", "left office"],
    "buy": ["bought", "acquire", "acquisition", "purchase", "take over", "took over", "taken over", "takeover"],
    "sell": ["sold", "divest", "offload"],
    "ban": ["prohibit", "outlaw", "forbid", "forbade", "forbidden"],
    "strike down": ["struck down", "overturn", "annul", "quash", "invalidate", "nullify"],
    "arrest": ["detain", "detention", "apprehend", "take into custody", "took into custody", "taken into custody"],
    "raise": ["increase", "hike"],
    "cut": ["reduce", "reduction", "slash"],
    "dismiss": ["sack"],
    "kill": ["slay", "slain"],
    "attack": ["assault"],
    "approve": ["adopt", "ratify"],
    "reject": ["rebuff", "rebuffed", "vote down", "turn down"],
    "sue": ["sued", "suing", "lawsuit"],
    "convict": ["found guilty", "find guilty"],
    "release": ["freed", "set free"],
    "close": ["shut"],
    "withdraw": ["withdrew", "withdrawn", "pull out"],
    "repeal": ["abolish", "scrap", "rescind", "revoke"],
    "postpone": ["delay", "defer"],
    "cancel": ["call off"],
    "win": ["won", "victory"],
    "lose": ["lost"],
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
    every way of naming it, so "Tehran" in a page meets "Iran" in a claim; each
    wording a key ("~step down") that stands in for every way of saying it, so "quit"
    in a page meets "step down" in a claim. `wordings` None: the seed wordings."""

    def __init__(
        self,
        table: Mapping[str, Sequence[str]] | None = None,
        wordings: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        table = SEED_ALIASES if table is None else table
        wordings = SEED_WORDINGS if wordings is None else wordings
        # phrase (plain words) → (key, acronym surface or None)
        self._phrases: dict[tuple[str, ...], list[tuple[str, str | None]]] = {}
        self._longest = 1
        self.names: dict[str, str] = {}
        # Every form of each key, canonical first: what the candidate index looks for.
        self.forms: dict[str, tuple[str, ...]] = {}
        for canonical, aliases in table.items():
            key = entity_key(canonical)
            self.names[key] = canonical
            self.forms[key] = (*self.forms.get(key, ()), canonical, *aliases)
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
        self._starts = frozenset(phrase[0] for phrase in self._phrases)
        # phrase (stems) → key; a form already taken by another group keeps its first.
        self._wordings: dict[tuple[str, ...], str] = {}
        self._wording_longest = 1
        self.wording_names: dict[str, str] = {}
        for canonical, forms in sorted(wordings.items()):
            key = wording_key(canonical)
            if key == "~":
                continue
            self.wording_names[key] = canonical
            self.forms[key] = (*self.forms.get(key, ()), canonical, *forms)
            for form in (canonical, *forms):
                phrase = tuple(stem(w.plain) for w in tokens(form))
                if phrase and all(phrase):
                    self._wordings.setdefault(phrase, key)
                    self._wording_longest = max(self._wording_longest, len(phrase))
        self._wording_starts = frozenset(phrase[0] for phrase in self._wordings)

    def entities(self, words: Sequence[Token]) -> list[Entity]:
        """The entities named in a token sequence, longest name first at each place."""
        bases = [_base(w.plain) for w in words]
        found: list[Entity] = []
        i = 0
        while i < len(words):
            hit = None
            # Most words start no name: only a name's first word is looked further.
            sizes = range(min(self._longest, len(words) - i), 0, -1) if bases[i] in self._starts else ()
            for size in sizes:
                phrase = tuple(bases[i : i + size])
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

    def wordings(self, words: Sequence[Token]) -> list[Entity]:
        """The wordings said in a token sequence, longest form first at each place
        ("stood down", not "stood" then "down")."""
        stems = [stem(w.plain) for w in words]
        found: list[Entity] = []
        i = 0
        while i < len(words):
            hit = None
            if stems[i] in self._wording_starts:
                for size in range(min(self._wording_longest, len(words) - i), 0, -1):
                    key = self._wordings.get(tuple(stems[i : i + size]))
                    if key is not None:
                        hit = Entity(i, i + size, key)
                        break
            if hit:
                found.append(hit)
                i = hit.last
            else:
                i += 1
        return found

    def is_entity(self, term: str) -> bool:
        return term in self.names

    def is_wording(self, term: str) -> bool:
        return term in self.wording_names

    @cached_property
    def signature(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Every key with its forms, in a fixed order: equal for equal tables."""
        return tuple(sorted(self.forms.items()))


def entity_key(canonical: str) -> str:
    """The term an entity is folded into: "@" and its canonical name's plain words."""
    return "@" + " ".join(t.plain for t in tokens(canonical))


def wording_key(canonical: str) -> str:
    """The term a wording is folded into: "~" and its canonical term's plain words."""
    return "~" + " ".join(t.plain for t in tokens(canonical))


def _base(plain: str) -> str:
    # "Iran's" names Iran.
    return plain[:-2] if plain.endswith("'s") else plain
