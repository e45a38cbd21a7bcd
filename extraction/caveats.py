"""The anonymity caveat record read from the words around an anonymous source.

Each function takes the text that speaks of the source (its descriptor, the clauses set
off around it, or a sentence whose subject it is) and returns what that text states, or
``None`` when it states nothing; the extractor then fills "unstated" and "not_given".
"""

from __future__ import annotations

import re
from typing import Final

from corroboration.text import ANONYMITY_CONDITION, NOT_AUTHORIZED
from extraction.values import Access, Reason

_ACCESS_RULES: Final[tuple[tuple[Access, re.Pattern[str]], ...]] = (
    (
        "direct",
        re.compile(
            r"\b(direct knowledge|with knowledge of|involved in|who (attended|witnessed)|"
            r"(was|were) present|present at|took part in|participated in)\b",
            re.I,
        ),
    ),
    (
        "documents",
        re.compile(r"\b(who (has|had|have) (seen|read|reviewed)|who (saw|read|reviewed)|documents seen)\b", re.I),
    ),
    ("briefed", re.compile(r"\bbriefed\b", re.I)),
    ("familiar_with", re.compile(r"\bfamiliar with\b", re.I)),
)

# The forms copy grants anonymity with; one vocabulary for extraction and coverage.
CONDITION: Final = ANONYMITY_CONDITION

_REASON_RULES: Final[tuple[tuple[Reason, re.Pattern[str]], ...]] = (
    ("not_authorized", re.compile(NOT_AUTHORIZED, re.I)),
    ("sensitive_intelligence", re.compile(r"\b(sensitive intelligence|classified|intelligence matters?)\b", re.I)),
    ("safety", re.compile(r"\b(safety|for fear for|feared for)\b", re.I)),
    (
        "reprisal",
        re.compile(r"\b(reprisals?|retaliation|retribution|losing (his|her|their) jobs?|being fired)\b", re.I),
    ),
)
# A stated reason that fits no code: "because the talks are private", "to avoid …".
_OTHER_REASON: Final = re.compile(r"\b(because|since|as|to avoid|for fear of|so as not to)\b[^,.;]*", re.I)
# A clause ends at a comma, a semicolon or a full stop; "and" starts the next part.
_CLAUSE_END: Final = re.compile(r"[,;.]|\s+and\s+(?:spoke|said|asked|requested)\b")

_LIMIT_VERBS: Final = re.compile(r"^(cautioned|conceded|acknowledged|admitted)$", re.I)
_LIMIT_CLAUSE: Final = re.compile(
    r"^(it (was|is|remained|remains) (not (yet )?clear|unclear|not known)|"
    r".*\b(did not know|do not know|could not (say|confirm|verify)|had not (yet )?(seen|confirmed|verified|"
    r"been (tested|verified|confirmed)))\b)",
    re.I,
)


def access_of(text: str) -> Access | None:
    for code, pattern in _ACCESS_RULES:
        if pattern.search(text):
            return code
    return None


def condition_of(text: str) -> str | None:
    match = CONDITION.search(text)
    return match.group(0) if match else None


def reason_of(text: str) -> tuple[Reason, str] | None:
    """The coded reason and its words, from the cue to the end of its clause."""
    for code, pattern in _REASON_RULES:
        match = pattern.search(text)
        if match:
            return code, _clause_around(text, match.start())
    # Anything else offered as a reason, but not the grant itself ("because they …" after
    # "spoke on condition of anonymity" is the reason; the grant is the condition).
    condition = CONDITION.search(text)
    after = text[condition.end() :] if condition else text
    match = _OTHER_REASON.search(after)
    if match and (condition or re.search(r"\b(anonymity|named|identified)\b", text, re.I)):
        return "other", match.group(0).strip()
    return None


def _clause_around(text: str, at: int) -> str:
    # Start at the clause's subject when one is right before the cue ("they were not authorized").
    start = at
    before = text[:at]
    subject = re.search(r"(?:because |as )?(?:\b(?:he|she|they|it|who)\b\s+(?:was|were|is|are|had|has)?\s*)$", before)
    if subject:
        start = subject.start()
        if before[start:].startswith(("because ", "as ")):
            start += before[start:].index(" ") + 1
    end_match = _CLAUSE_END.search(text, at)
    end = end_match.start() if end_match else len(text)
    return text[start:end].strip()


def is_limit(verb: str, clause: str) -> bool:
    """Whether a source's statement is a caveat on its own account rather than a claim."""
    return bool(_LIMIT_VERBS.match(verb)) or bool(_LIMIT_CLAUSE.match(clause))
