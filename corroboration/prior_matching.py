"""Is another organisation's fact-check about one of our claims?

The same judgement as coverage (`corroboration.matching`), made both ways. A claim's
profile — its distinguishing terms, weighted, with names folded through the alias
table, and the parties it is about — is looked for in the claim the other publisher
reviewed (how much of ours their wording carries, halved when it leaves out a party),
and the reviewed claim's profile is looked for in ours (how much of theirs we carry).
Coverage needs only the first: an article carries a claim among much else. A prior
check is about *this* claim only if each wording carries the other, so the score is
the harmonic mean of the two: "Russia has been an effective operator in the Middle
East" is carried by a review of "Russia gave Iran information to strike U.S. warships
in the Middle East", but carries little of it, and does not match.

The reason says which words carried it, which party is missing, who each side says
made the claim, and whether one wording negates the other (a "False" on "Iran asked for weapons"
is not a "False" on "Iran asked for no weapons").

Pure: strings in, a `PriorMatch` out; the services decide what to store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from corroboration.matching import RELATED, ClaimProfile, match
from corroboration.text import NEGATORS, tokens

__all__ = ["PriorMatch", "match_prior_check"]

MAX_WORDS_IN_REASON = 8


@dataclass(frozen=True)
class PriorMatch:
    score: float
    reason: str
    ours_in_theirs: float = 0.0  # share of our claim's weight the reviewed claim carries
    theirs_in_ours: float = 0.0  # share of the reviewed claim's weight ours carries
    carried: tuple[str, ...] = ()  # words of the reviewed claim that carry ours
    missing_parties: tuple[str, ...] = ()
    opposite: bool = False  # one wording negates what the other asserts

    @property
    def related(self) -> bool:
        return self.score >= RELATED


def match_prior_check(
    profile: ClaimProfile,
    claim_reviewed: str,
    *,
    ours: Sequence[str] = (),
    reviewed_claimant: str = "",
    our_claimant: str = "",
) -> PriorMatch:
    """How well `claim_reviewed` (the other publisher's wording) and our claim — its
    `profile`, and its wordings `ours` (statement, quote) — carry each other, and why,
    in words."""
    if not claim_reviewed.strip():
        return PriorMatch(0.0, "The publisher gave no claim text to match.")
    found = match(profile, claim_reviewed)
    if found.score <= 0:
        return PriorMatch(0.0, "The reviewed claim shares none of the terms that distinguish this claim.")
    theirs = ClaimProfile.of(claim_reviewed, aliases=profile.aliases)
    back = max((match(theirs, text).score for text in ours if text.strip()), default=0.0)
    score = round(2 * found.score * back / (found.score + back), 3) if back > 0 else 0.0
    carried = tuple(dict.fromkeys(claim_reviewed[a:b] for a, b in found.marks))
    parts = [f"The reviewed claim carries {found.score:.0%} of what distinguishes this claim"]
    if carried:
        shown = ", ".join(carried[:MAX_WORDS_IN_REASON]) + (" …" if len(carried) > MAX_WORDS_IN_REASON else "")
        parts[0] += f" ({shown})"
    parts[0] += f", and this claim {back:.0%} of what distinguishes the reviewed one"
    if found.missing_parties:
        parts.append(f"it does not name {', '.join(found.missing_parties)}")
    opposite = _negated(claim_reviewed) != (profile.negations > 0)
    if opposite:
        parts.append("one wording negates what the other asserts, so its rating does not carry over as it stands")
    agreement = _claimants(reviewed_claimant, our_claimant)
    if agreement:
        parts.append(agreement)
    return PriorMatch(
        score=score,
        reason="; ".join(parts) + ".",
        ours_in_theirs=found.score,
        theirs_in_ours=back,
        carried=carried,
        missing_parties=found.missing_parties,
        opposite=opposite,
    )


def _negated(text: str) -> bool:
    return any(t.plain in NEGATORS or t.plain.endswith("n't") for t in tokens(text))


def _claimants(theirs: str, ours: str) -> str:
    """Both claimants side by side, for the reviewer to judge: the same words from
    someone else may be another claim, and "Social media" says little either way."""
    if not theirs.strip() or not ours.strip():
        return ""
    return f"the publisher names the claimant “{theirs}” (ours: “{ours}”)"
