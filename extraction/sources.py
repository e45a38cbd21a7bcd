"""What a descriptor says about a source: its kind, name, count and side.

News style names sources in a few set ways ("Kremlin spokesman Dmitry Peskov", "two
officials familiar with U.S. intelligence", "court filings", "the company"); these rules
read those ways and nothing more. A descriptor they cannot place is an organisation
when it carries a capitalised name and an anonymous group otherwise.
"""

from __future__ import annotations

import re
from typing import Final

from extraction.values import Side, SourceKind

PRONOUNS: Final = {"he", "she", "they", "it", "him", "her", "them", "i", "we"}

_DOCUMENT_WORDS: Final = re.compile(
    r"\b(reports?|study|studies|filings?|records?|documents?|memo|memos|figures|estimates|data|application|"
    r"draft|audit|survey|analysis|letter|lawsuit|indictment|complaint|ruling|statement released|budget document)\b",
    re.IGNORECASE,
)
_PEOPLE_WORDS: Final = re.compile(
    r"\b(officials?|people|person|sources?|aides?|diplomats?|officers?|employees?|engineers?|investigators?|"
    r"managers?|administrators?|executives?|members?|workers?|pharmacists?|analysts?|residents?|parents?|"
    r"advocates?|families|nurses?|scientists?|leaders?|observers?|critics?|experts?|lawmakers?|staffers?|"
    r"insiders?|witnesses|witness|doctors?|teachers?|players?|fans|supporters|one of them|both|neither)\b",
    re.IGNORECASE,
)
# Bodies that speak in public as such; an unnumbered plural of these is on the record.
_INSTITUTIONAL_PLURALS: Final = re.compile(r"^(the )?(prosecutors|police|authorities|investigators|regulators)$", re.I)
_SPOKESPERSON: Final = re.compile(r"\bspokes(man|woman|person)\b", re.IGNORECASE)
_ORG_WORDS: Final = re.compile(
    r"\b(company|ministry|department|agency|office|administration|council|commission|committee|court|board|"
    r"union|party|bank|federation|authority|regulator|body|institute|university|college|hospital|group|team|"
    r"club|league|government|kremlin|white house|inc|corp|co|ltd|llc|holdings|partners|airlines|pharmaceuticals|"
    r"semiconductor|medical|foods|logistics|data|analytics|research|securities|racing|united|sons|project|"
    r"center|centre|mission|elementary|school|firm|developer|manufacturer|operator|chain|times|post|journal|"
    r"ledger|gazette|"
    r"herald|tribune|courier|chronicle|review|observer|independent|sentinel|news|press|wire|radio|daily|"
    r"newspaper|site|channel|broadcaster|magazine|reuters|bloomberg|tribuna|sportif|matin|cdc|fbi|nasa|"
    r"pentagon|state department)\b",
    re.IGNORECASE,
)
OUTLET_WORDS: Final = re.compile(
    r"\b(times|post|journal|ledger|gazette|herald|tribune|courier|chronicle|review|observer|independent|"
    r"sentinel|news|press|wire|radio|television|daily|newspaper|site|channel|broadcaster|magazine|reuters|"
    r"bloomberg|tribuna|sportif)\b",
    re.IGNORECASE,
)
_TITLES: Final = {
    "president",
    "vice",
    "prime",
    "minister",
    "secretary",
    "senator",
    "sen.",
    "rep.",
    "representative",
    "gov.",
    "governor",
    "mayor",
    "judge",
    "justice",
    "dr.",
    "mr.",
    "ms.",
    "mrs.",
    "prof.",
    "professor",
    "chief",
    "coach",
    "superintendent",
    "councilman",
    "councilwoman",
    "councilmember",
    "commissioner",
    "director",
    "general",
    "gen.",
    "col.",
    "capt.",
    "officer",
    "sheriff",
    "attorney",
    "assistant",
    "district",
    "speaker",
    "house",
    "senate",
    "majority",
    "minority",
    "leader",
    "resident",
    "astrobiologist",
    "economist",
    "analyst",
    "researcher",
    "security",
    "team",
    "board",
    "union",
    "city",
    "county",
    "state",
    "banking",
    "transportation",
    "chairman",
    "chairwoman",
    "ceo",
    "executive",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "foreign",
    "supporters’",
    "supporters'",
    "group",
    "kremlin",
    "former",
    "democrat",
    "republican",
    "the",
    "a",
    "an",
}
_NUMBERS: Final = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "both": 2,
    "single": 1,
    "another": 1,
}
_US_STATES: Final = {
    "Ala.",
    "Alaska",
    "Ariz.",
    "Ark.",
    "Calif.",
    "Colo.",
    "Conn.",
    "Del.",
    "Fla.",
    "Ga.",
    "Hawaii",
    "Idaho",
    "Ill.",
    "Ind.",
    "Iowa",
    "Kan.",
    "Ky.",
    "La.",
    "Maine",
    "Md.",
    "Mass.",
    "Mich.",
    "Minn.",
    "Miss.",
    "Mo.",
    "Mont.",
    "Neb.",
    "Nev.",
    "N.H.",
    "N.J.",
    "N.M.",
    "N.Y.",
    "N.C.",
    "N.D.",
    "Ohio",
    "Okla.",
    "Ore.",
    "Pa.",
    "R.I.",
    "S.C.",
    "S.D.",
    "Tenn.",
    "Texas",
    "Utah",
    "Vt.",
    "Va.",
    "Wash.",
    "W.Va.",
    "Wis.",
    "Wyo.",
    "D.C.",
}
# AP datelines name big American cities without a state.
_US_CITIES: Final = {
    "WASHINGTON",
    "NEW YORK",
    "LOS ANGELES",
    "CHICAGO",
    "DALLAS",
    "HOUSTON",
    "ATLANTA",
    "BOSTON",
    "DETROIT",
    "SAN FRANCISCO",
    "PHILADELPHIA",
    "MIAMI",
    "SEATTLE",
    "DENVER",
    "PHOENIX",
    "BALTIMORE",
    "CLEVELAND",
    "NEW ORLEANS",
    "LAS VEGAS",
    "MINNEAPOLIS",
    "PITTSBURGH",
    "SAN DIEGO",
    "SAN ANTONIO",
    "HONOLULU",
}
_DATELINE: Final = re.compile(r"^\s*(?:Date:[^\n]*\n\s*)?([A-Z][A-Z .'-]+?)(?:, ([A-Z][\w. ]+?))? \([^)\n]+\) [—–-]")
_US_MARKERS: Final = re.compile(
    r"(\bU\.S\.|\bAmerican\b|\bfederal\b|\bcongressional\b|\bWhite House\b|\bNASA\b|\bFBI\b)"
)
_FOREIGN_MARKERS: Final = re.compile(r"\b(diplomats?|embassy|foreign)\b", re.IGNORECASE)
_NATIONALITY: Final = re.compile(
    r"\b(?!American\b)[A-Z][a-z]+(?:ian|an|ese|ish|i)\b|\b(?:Arab|Western|European|Qatari)\b"
)
_GOVERNMENT_WORDS: Final = re.compile(
    r"\b(officials?|aides?|officers?|investigators?|inspectors?|council|congressional|city|county|state|"
    r"federal|government|ministry|military|army|police|agency|board member|poll worker|lawmakers?|"
    r"legislators?|administration|staff members?|civil servants?|soldiers?|troops|intelligence|NASA|FBI)\b",
    re.IGNORECASE,
)
_OPPOSITION_WORDS: Final = re.compile(r"\b(opposition|rebels?|dissidents?|insurgents?|militia)\b", re.IGNORECASE)
_COMPANY_WORDS: Final = re.compile(
    r"\b(company|companies|firm|executives?|employees?|engineers?|managers?|administrators?|pharmacists?|"
    r"chain|bank|airline|hospital|industry|staffers?)\b",
    re.IGNORECASE,
)
_OTHER_WORDS: Final = re.compile(
    r"\b(advocates?|unions?|residents?|parents?|families|nurses?|analysts?|experts?|scientists?|leaders?|"
    r"observers?|critics?|witnesses|fans|supporters|activists?|doctors?|teachers?)\b",
    re.IGNORECASE,
)
# Where the source's affiliation ends and its access begins ("officials | familiar with …").
_ACCESS_START: Final = re.compile(
    r"\b(familiar with|with (direct )?knowledge|who|briefed|involved in|close to|with access)\b", re.I
)


def is_pronoun(descriptor: str) -> bool:
    return descriptor.lower() in PRONOUNS


def head_of(descriptor: str) -> str:
    """The descriptor without its access phrase: "two officials" of "two officials familiar with …"."""
    match = _ACCESS_START.search(descriptor)
    return descriptor[: match.start()].strip(" ,") if match else descriptor


def capitalized_runs(descriptor: str) -> list[list[str]]:
    """Runs of capitalised words (a name's shape), ignoring the descriptor's first word's capital."""
    words = re.findall(r"[\w.’'&-]+", descriptor)
    runs: list[list[str]] = []
    current: list[str] = []
    for index, word in enumerate(words):
        capital = word[:1].isupper() and not (index == 0 and word.lower() in _TITLES | _NUMBERS.keys())
        joins = bool(current) and word in {"&", "of", "for", "de", "da", "van", "von"}
        if capital or joins:
            current.append(word)
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    return [run[:-1] if run[-1] in {"&", "of", "for", "de", "da", "van", "von"} else run for run in runs]


def person_name(descriptor: str) -> str | None:
    """A person's name in the descriptor: the last capitalised run of two or three words, titles dropped."""
    # The name before the first comma ("Mark Galeotti, an expert …"), else in an appositive
    # ("The clinic’s owner, Dr. Raymond Pike").
    chunks = descriptor.split(",")
    candidates = list(reversed(capitalized_runs(chunks[0])))
    for chunk in chunks[1:]:
        candidates += capitalized_runs(chunk)
    for run in candidates:
        words = [w for w in run if w.lower().strip(".") + "." not in _TITLES and w.lower() not in _TITLES]
        while words and words[0].lower() in _TITLES:
            words = words[1:]
        name = " ".join(words)
        if 2 <= len(words) <= 4 and not _ORG_WORDS.search(name) and not name.endswith(("’s", "'s")):
            return name.rstrip(".,")
    return None


def organization_name(descriptor: str) -> str | None:
    for run in capitalized_runs(descriptor):
        name = " ".join(run)
        if name.lower() not in _TITLES:
            return re.sub(r"^The ", "", name).rstrip(".,")
    return None


def kind_of(descriptor: str) -> SourceKind:
    """The kind of a descriptor that is not a pronoun or a back-reference."""
    text = descriptor.strip()
    first_words = " ".join(text.split()[:4])
    if _DOCUMENT_WORDS.search(first_words) and not OUTLET_WORDS.search(first_words):
        return "document"
    if _INSTITUTIONAL_PLURALS.match(text):
        return "organization"
    if _SPOKESPERSON.search(text) and person_name(text) is None:
        return "organization"
    head = head_of(text)
    head_words = re.findall(r"[\w’']+", head.split(",")[0])
    if head_words and _ORG_WORDS.fullmatch(head_words[-1]) and not _PEOPLE_WORDS.fullmatch(head_words[-1]):
        return "organization" if person_name(text) is None else "person"
    if _PEOPLE_WORDS.search(" ".join(head_words[:2])) and not re.match(r"(?i)(one|each|both|neither)\b", text):
        return "anonymous_group"
    if person_name(text) is not None:
        return "person"
    if _PEOPLE_WORDS.search(head):
        return "anonymous_group"
    return "organization"


def count_of(descriptor: str) -> int | None:
    words = descriptor.lower().split()
    if not words:
        return None
    if words[0] in {"one", "neither", "each"} and len(words) > 1 and words[1] == "of":
        return 1
    if words[0].isdigit():
        return int(words[0])
    return _NUMBERS.get(words[0])


def home_country_is_dateline(text: str) -> bool:
    """Whether the story is set in the United States, judged from its dateline (no dateline: yes)."""
    match = _DATELINE.match(text[:400])
    if match is None:
        return True
    city, region = match.group(1).strip(), match.group(2)
    if region is not None:
        return region.strip() in _US_STATES
    return city in _US_CITIES


def side_of(descriptor: str, *, story_in_us: bool) -> Side:
    head = head_of(descriptor)
    if _OPPOSITION_WORDS.search(head):
        return "opposition"
    if _FOREIGN_MARKERS.search(head):
        return "foreign_government"
    if _GOVERNMENT_WORDS.search(head) and not re.search(r"\b(company|firm|chain)\b", head, re.I):
        if _US_MARKERS.search(descriptor):
            return "government"
        if _NATIONALITY.search(head):
            return "foreign_government"
        return "government" if story_in_us else "foreign_government"
    if _COMPANY_WORDS.search(head) or (capitalized_runs(head) and re.search(r"\b(employees?|engineers?)\b", head)):
        return "company"
    if _OTHER_WORDS.search(head):
        return "other"
    return "unknown"
