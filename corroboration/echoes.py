"""Does an article re-cite another outlet's reporting (an echo), and whose?

    finding = find_echo(text, outlets, own_outlet=outlet_id, passage=found.sentences)
    finding.outlet_id, finding.cue, finding.cue_span

An echo repeats what another outlet's sources told it; however many echoes there are,
they add no independent confirmation. The credit can sit anywhere on the page, so the
whole text is read, for two kinds of cue:

- credits that attribute the story itself — "first reported by X", "according to a
  report by/in X", "as reported by X", "X, which first reported", "X contributed to
  this report", "(X) —" in a dateline — count wherever they are;
- credits that attribute one statement — "X reported", "according to X", "citing X",
  "told X", "an X report" — count only in the passage that carries the claim or next to it, since
  elsewhere they may be about something else on the page.

X must resolve to a known outlet, by name or alias ("the AP", "Associated Press"), the
longest name at the credit winning ("the Northgate Observer", not the "Northgate"
another outlet goes by). An outlet crediting itself ("told The Capital Dispatch", or
"told the Courier" in a Courier whose short name another Courier shares) is not an
echo, and neither is a speaker who "told reporters": reporters are no outlet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from corroboration.text import ANONYMITY_CONDITION, NOT_AUTHORIZED, sentence_spans

__all__ = ["EchoFinding", "OutletNames", "find_echo", "outlet_names"]

Span = tuple[int, int]


@dataclass(frozen=True)
class OutletNames:
    """An outlet as copy names it."""

    id: int | str
    name: str
    aliases: Sequence[str] = ()


@dataclass(frozen=True)
class EchoFinding:
    """The outlet re-cited and the credit that says so (offsets into the text)."""

    outlet_id: int | str
    cue: str
    cue_span: Span
    sentence: Span
    strong: bool  # a credit for the story itself, not for one statement


def outlet_names(name: str, aliases: Iterable[str] = ()) -> list[str]:
    """How copy refers to an outlet: its name, without a leading "The", its initials
    (The Associated Press → Associated Press, AP) and its aliases."""
    bare = re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE)
    initials = "".join(word[0] for word in bare.split() if word[:1].isupper())
    names = [name.strip(), bare]
    if len(initials) >= 2:
        names.append(initials)
    for alias in aliases:
        alias = alias.strip()
        names.append(alias)
        names.append(re.sub(r"^the\s+", "", alias, flags=re.IGNORECASE))
    return list(dict.fromkeys(n for n in names if n))


_THE = r"(?:[Tt]he\s+)?"
# The claim's words given to an outlet: "in a statement to Northwire", "The ministry's
# comments were made to the Ledger".
_GIVEN_TO_WORDS = r"(?:statement|comments?|remarks?) (?:were |was )?(?:made |given )?to"
# When, between the verb and the credit: "first reported on Tuesday by", "last week by".
_WHEN = (
    r"(?:(?:(?:on|last|earlier|late|early|this)\s+(?:[\w-]+\s+){0,2}?)"
    r"|(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|yesterday|today)\s+(?:(?:morning|afternoon|evening|night)\s+)?)?"
)
# What an outlet carries when it carries a story: not a game or a debate.
_CARRIED_WHAT = (
    r"(?:reports?|stor(?:y|ies)|news|figures|numbers|comments|remarks|statements?|interview|article|quotes?|"
    r"results|confirmation|announcement)"
)
_STRONG_BEFORE = [
    rf"(?:first|originally|initially|earlier|previously) (?:reported|published|revealed|broken|disclosed) {_WHEN}"
    r"(?:by|in|on)",
    r"according to (?:a|an|the) (?:\w+ )?"
    r"(?:report|story|article|investigation|reporting|dispatch|exclusive) (?:by|in|from|of)",
    rf"as (?:first |originally |previously )?(?:reported|revealed|disclosed) {_WHEN}(?:by|in|on)",
    r"(?:a|the|an earlier) (?:report|story|article|investigation) (?:by|in|from)",
    rf"reported (?:first |earlier )?{_WHEN}by",
    # "The figures were first carried by the Meridian wire service", "His comments were
    # carried by the CPA"; not "the game was carried by Fox".
    rf"{_CARRIED_WHAT}(?:\s+(?:were|was|had been|have been))?(?:\s+(?:first|earlier))?\s+carried\s+"
    rf"(?:first |earlier )?{_WHEN}by",
    r"(?:a|the|an earlier) (?:piece|post|article) (?:on|in)",
    # Credit lines, at the start of the line: "Source: Gazeta Desportiva", "h/t CESW".
    r"^\W*(?:sources?\s*:|credit\s*:|h/t|hat tip(?: to)?|via)",
    r"first appeared (?:on|in)",
    r"(?:story|report|article) (?:was )?(?:first )?(?:published|reported|broken) (?:by|in|on)",
]
_STRONG_AFTER = [
    r",? which (?:first )?(?:reported|broke|revealed)",
    rf",? which (?:first )?carried (?:the|its|his|her) (?:[\w'’-]+ )?{_CARRIED_WHAT}",
    r" (?:was|were) (?:the )?first to report",
    r" first reported",
    # "…, which the Meridian news agency first carried on Tuesday"; not "Fox first carried
    # the game".
    r"(?:\s+(?:news\s+)?(?:agency|wire(?:\s+service)?|newspaper|daily|broadcaster))?\s+first\s+carried\b"
    r"(?!\s+(?:the|a|an|its)\s+(?:[\w-]+\s+)?(?:game|match|debate|race|fight|event|broadcast|coverage)\b)",
    r" contributed to this (?:report|story|article)",
    r" broke (?:the|this) (?:story|news)",
]
_WEAK_BEFORE = [
    r"according to",
    r"citing",
    r"told",
    r"(?:said|spoke) (?:to|in an interview with)",
    r"in an interview with",
    r"quoted by",
    r"confirmed to",
    # "…, per Gazeta Desportiva", "in a statement to Northwire", "comments were made to the
    # Archipelago Ledger", "in an interview published on Tuesday by the North Star Ledger".
    r"per",
    _GIVEN_TO_WORDS,
    rf"interview (?:published|aired|broadcast) {_WHEN}by",
    # A fact-check's finding relayed: "the fact-checkers at ClearCheck Canada found".
    r"fact[- ]checkers? (?:at|from|of)",
]
_WEAK_AFTER = [
    r",? (?:reported|reports|said|says|wrote|writes|revealed|learned|has learned|disclosed)\b",
    r",? citing\b",
    r"['’]s (?:report|reporting|story)\b",
    # The name used of its report: "denied a Halvard Press Agency report that…".
    r" (?:report|reports|story|investigation|exclusive)\b",
]


# Sources who go unnamed: "people familiar with the plans", "two officials who were not
# authorized to speak publicly", "sources close to the club".
_ANONYMOUS = re.compile(
    # The sources as the subject: "people familiar with the plans", "two officials who
    # were not authorized to speak", "sources close to the club", "unnamed bankers".
    r"\b(?:people|persons|sources?|officials?|insiders?|executives?|managers?|bankers?|diplomats?|"
    r"members?|employees?|staff)\b[^.;:!?]{0,60}?(?:\b(?:familiar with|close to|with (?:direct )?knowledge of|"
    r"briefed on)\b|" + NOT_AUTHORIZED + "|" + ANONYMITY_CONDITION.pattern + r")|\b(?:unnamed|anonymous)\s+\w+",
    re.IGNORECASE,
)
_GIVEN_TO = re.compile(_GIVEN_TO_WORDS + r"\b", re.IGNORECASE)
_TOLD = re.compile(r"(?:told|confirmed to)\b", re.IGNORECASE)
# The outlet as the one who reported: "X reported on Sunday that …".
_REPORTED = re.compile(r",? (?:reported|revealed|disclosed|has learned|learned)\b", re.IGNORECASE)


def _mention_pattern(names: Sequence[str]) -> str:
    """A regex for any of the names. Proper names are matched in their own case
    ("the Post" is not "the post"); only a leading "The" may change case."""
    alternatives = []
    for name in sorted(set(names), key=len, reverse=True):
        bare = re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)
        alternatives.append(re.escape(bare).replace(r"\ ", r"\s+"))
    return rf"(?<![\w]){_THE}(?:{'|'.join(alternatives)})(?![\w])"


def find_echo(
    text: str,
    outlets: Iterable[OutletNames],
    *,
    own_outlet: int | str | None = None,
    own_names: Iterable[str] = (),
    passage: tuple[int, int] | None = None,
    naming: Iterable[int] = (),
    carrying: Iterable[int] = (),
) -> EchoFinding | None:
    """The first credit on the page to another known outlet, preferring story credits
    over statement credits; None when the article credits nobody else.

    `own_outlet` (an id in `outlets`) and `own_names` (what the page calls itself) are
    never an echo. `passage` is the [first, last) sentence range carrying the claim;
    statement credits count only there and in the sentence on either side. Without a
    passage they count anywhere. `naming` are the sentences that name the claim's subject:
    an outlet said to have reported something there ("The Weekly reported on Sunday that
    Holubová had ruled herself out") is credited for it wherever the sentence is.
    `carrying` are the sentences that carry the claim on their own: a statement credit
    there ("Cuprandina told Sur Press it had no plans to cut jobs") counts as at the passage."""
    outlets = list(outlets)
    own_keys = {_key(n) for n in own_names}
    # Every name the page's own outlet goes by, shared with another outlet or not.
    self_names = own_keys | {
        _key(n) for outlet in outlets if outlet.id == own_outlet for n in outlet_names(outlet.name, outlet.aliases)
    }
    candidates: list[tuple[OutletNames, str]] = []
    for outlet in outlets:
        names = outlet_names(outlet.name, outlet.aliases)
        if outlet.id == own_outlet or own_keys & {_key(n) for n in names}:
            continue
        mention = _mention_pattern(names)
        if re.search(mention, text):  # only outlets the page names are read sentence by sentence
            candidates.append((outlet, mention))
    if not candidates:
        return None
    spans = sentence_spans(text)
    near = set(range(len(spans)) if passage is None else range(max(passage[0] - 1, 0), passage[1] + 1))
    near |= set(carrying)
    about = set(naming)
    # Each finding with where its name starts: at one credit, the name starting first is
    # the longest ("the Manila Daily Ledger", not the "Daily Ledger" inside it).
    strong: list[tuple[EchoFinding, int]] = []
    weak: list[tuple[EchoFinding, int]] = []
    elsewhere: list[tuple[EchoFinding, int]] = []
    for index, (start, end) in enumerate(spans):
        sentence = text[start:end]
        for outlet, mention in candidates:
            for found in re.finditer(mention, sentence):
                if _key(found.group()) in self_names:
                    continue  # a name the page's own outlet goes by too ("told the Courier" in the Courier)
                before = sentence[: found.start()].rstrip()
                after = sentence[found.end() :]
                cue = _cue(before, after, found, sentence)
                if cue is None:
                    continue
                kind, cue_span = cue
                finding = EchoFinding(
                    outlet.id,
                    sentence[cue_span[0] : cue_span[1]],
                    (start + cue_span[0], start + cue_span[1]),
                    (start, end),
                    kind,
                )
                if kind:
                    strong.append((finding, found.start()))
                elif index in near:
                    weak.append((finding, found.start()))
                elif index in about and (_REPORTED.match(after) or _GIVEN_TO.match(finding.cue)):
                    elsewhere.append((finding, found.start()))
    # A credit at the claim's passage ("told the news agency Northwire") before one for
    # another report about its subject further off ("The Nordic Ledger reported …").
    found_all = strong or weak or elsewhere
    # The first credit; at one credit, the longest name ("the Northgate Observer", not the
    # "Northgate" another outlet goes by).
    # A name two outlets go by ("the Ledger") is the one the page names in full elsewhere.
    in_full = {outlet.id for outlet, _ in candidates if re.search(_mention_pattern([outlet.name]), text)}
    first = (
        min(found_all, key=lambda f: (f[0].cue_span[0], -f[0].cue_span[1], f[1], f[0].outlet_id not in in_full))
        if found_all
        else None
    )
    return first[0] if first else None


# What copy may put between a credit and the outlet's name: "told the public
# broadcaster EBC", "according to the business daily Meridian Post", "told Brazilian
# broadcaster TV Capibaribe", "told the Düsseldorf-based Morgenblatt".
_DESCRIPTOR = (
    r"(?:\s+(?:(?:the|an?)\s+)?(?:[\w-]+\s+){0,2}(?:broadcaster|newspaper|news\s+agency|agency|daily|weekly|paper|"
    r"magazine|channel|station|radio|network|website|site|outlet|tabloid|wire|wire\s+service)"
    r"|\s+the\s+(?:[\w-]+\s+)?[\w-]+-based)?"
)


def _cue(before: str, after: str, mention: re.Match[str], sentence: str) -> tuple[bool, Span] | None:
    """(strong?, span of cue and name in the sentence) if the words round the mention credit it."""
    for pattern in _STRONG_BEFORE:
        hit = re.search(rf"\b{pattern}{_DESCRIPTOR}$", before, re.IGNORECASE)
        if hit:
            return True, (hit.start(), mention.end())
    for pattern in _STRONG_AFTER:
        hit = re.match(pattern, after, re.IGNORECASE)
        if hit:
            return True, (mention.start(), mention.end() + hit.end())
    # A dateline credit: "MOSCOW (AP) —".
    if before.endswith("(") and re.match(r"\)\s*[—–-]", after):
        return True, (mention.start() - 1, mention.end() + 1)
    for pattern in _WEAK_BEFORE:
        hit = re.search(rf"\b{pattern}{_DESCRIPTOR}$", before, re.IGNORECASE)
        if hit:
            # "Three people familiar with the plans told the Morgenblatt": the sources the
            # story rests on are that outlet's, a credit for the story wherever it stands.
            clause = re.split(r"[.;:!?]", before[: hit.start()])[-1]
            return bool(_TOLD.match(hit.group()) and _ANONYMOUS.search(clause)), (hit.start(), mention.end())
    for pattern in _WEAK_AFTER:
        hit = re.match(pattern, after, re.IGNORECASE)
        if hit:
            return False, (mention.start(), mention.end() + hit.end())
    return None


def _key(name: str) -> str:
    return re.sub(r"^the ", "", " ".join(re.sub(r"[^\w\s]", " ", name.lower()).split()))
