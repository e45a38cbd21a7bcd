"""An echo credits another outlet's reporting; the credit may be far from the claim."""

import pytest

from corroboration.echoes import OutletNames, find_echo, outlet_names

OUTLETS = [
    OutletNames("ap", "The Associated Press", ["AP"]),
    OutletNames("dispatch", "The Capital Dispatch", ["the Dispatch"]),
    OutletNames("post", "The Meridian Post", ["the Post"]),
]
CLAIM = "Russia has provided Iran with information to strike U.S. warships."


@pytest.mark.parametrize(
    "credit",
    [
        "The report was first reported by The Associated Press.",
        "The AP, which first reported the intelligence, cited two officials.",
        "According to a report by the Associated Press, officials were briefed.",
        "As reported by AP, the officials spoke on condition of anonymity.",
        "The Associated Press contributed to this report.",
    ],
)
def test_a_credit_for_the_story_counts_anywhere_on_the_page(credit):
    text = f"{CLAIM}\nOil prices rose.\nMarkets were calm.\nThe weather was mild.\n{credit}"
    finding = find_echo(text, OUTLETS, own_outlet="dispatch", passage=(0, 1))
    assert finding is not None
    assert finding.outlet_id == "ap"
    assert finding.strong
    assert text[finding.cue_span[0] : finding.cue_span[1]] == finding.cue


def test_a_credit_for_one_statement_counts_only_next_to_the_claim():
    near = f"{CLAIM} The Associated Press reported Friday, citing two officials."
    far = f"{CLAIM}\nOil prices rose.\nMarkets were calm.\nThe Associated Press reported that rain is due."
    assert find_echo(near, OUTLETS, passage=(0, 1)).outlet_id == "ap"
    assert find_echo(far, OUTLETS, passage=(0, 1)) is None


def test_telling_an_outlet_is_its_reporting():
    text = "Russia gave Iran targeting data, officials told the AP on Friday."
    assert find_echo(text, OUTLETS, passage=(0, 1)).outlet_id == "ap"


def test_an_outlet_crediting_itself_is_not_an_echo():
    text = "A U.S. official told The Capital Dispatch that Russia shared targeting data with Iran."
    assert find_echo(text, OUTLETS, own_outlet="dispatch", passage=(0, 1)) is None
    assert find_echo(text, OUTLETS, own_names=["The Capital Dispatch"], passage=(0, 1)) is None


def test_an_official_telling_reporters_is_not_an_echo():
    text = "Peskov told reporters that Moscow had received no requests from Tehran."
    assert find_echo(text, OUTLETS, passage=(0, 1)) is None


def test_a_common_word_spelled_like_an_alias_is_not_an_outlet():
    text = "The post appears to have added a zero, officials said, and the post was shared widely."
    assert find_echo(text, OUTLETS, passage=(0, 1)) is None


def test_outlets_are_known_by_their_short_names():
    assert outlet_names("The Associated Press") == ["The Associated Press", "Associated Press", "AP"]


def test_an_outlet_may_be_introduced_by_what_it_is():
    outlets = [*OUTLETS, OutletNames("ebc", "Estmark Broadcasting Corporation", ["EBC"])]
    text = "Peeter Lind will step down at the end of June, he told the public broadcaster EBC on Friday."
    finding = find_echo(text, outlets, own_outlet="dispatch", passage=(0, 1))
    assert finding is not None
    assert finding.outlet_id == "ebc"
    assert finding.cue == "told the public broadcaster EBC"


def test_an_outlet_s_name_used_of_its_report_credits_it_next_to_the_claim():
    """ "denied an AP report that…": the outlet's report is where the claim comes from."""
    text = f"The ministry denied an AP report that {CLAIM[0].lower()}{CLAIM[1:]}"
    finding = find_echo(text, OUTLETS, passage=(0, 1))
    assert finding is not None
    assert (finding.outlet_id, finding.cue, finding.strong) == ("ap", "AP report", False)
    # Away from the claim it may be about anything else on the page.
    far = f"{CLAIM} Officials met on Monday. Talks went on. An AP report last year covered the port."
    assert find_echo(far, OUTLETS, passage=(0, 1)) is None


def test_a_credit_names_the_outlet_with_the_longest_name_it_holds():
    # "Northgate" alone is what one outlet goes by; "the Northgate Observer" is another.
    outlets = [
        OutletNames("chronicle", "Northgate Chronicle", ["Northgate"]),
        OutletNames("observer", "The Northgate Observer", ["the Observer"]),
    ]
    text = f"{CLAIM}\nAccording to a report in the Northgate Observer, inspectors were briefed."
    finding = find_echo(text, outlets, own_outlet="dispatch", passage=(0, 1))
    assert finding is not None
    assert finding.outlet_id == "observer"
    assert find_echo(f"{CLAIM} Northgate reported.", outlets, passage=(0, 1)).outlet_id == "chronicle"


def test_a_name_the_page_s_own_outlet_shares_with_another_is_the_page_itself():
    outlets = [
        OutletNames("fenwick", "The Fenwick Courier", ["the Courier"]),
        OutletNames("emajogi", "The Emajõgi Courier", ["the Courier"]),
    ]
    text = f"{CLAIM}, three people familiar with the talks have told the Courier."
    assert find_echo(text, outlets, own_outlet="fenwick", passage=(0, 1)) is None
    # From a third outlet the same credit is an echo of a Courier.
    assert find_echo(text, [*outlets, *OUTLETS], own_outlet="post", passage=(0, 1)) is not None
    # Its full name still tells the other Courier apart.
    credited = f"{CLAIM}, the Emajõgi Courier reported."
    assert find_echo(credited, outlets, own_outlet="fenwick", passage=(0, 1)).outlet_id == "emajogi"


def test_an_outlet_reporting_on_the_claim_s_subject_is_credited_anywhere_on_the_page():
    text = (
        f"{CLAIM}\nOil prices rose.\nMarkets were calm.\n"
        "The Meridian Post reported on Sunday that Russia had shared the information."
    )
    # Sentence 3 names the claim's subject: the report it credits is the claim's.
    finding = find_echo(text, OUTLETS, own_outlet="dispatch", passage=(0, 1), naming=(0, 3))
    assert finding is not None
    assert finding.outlet_id == "post"
    # Without the subject named there, a statement credit that far away is about something else.
    assert find_echo(text, OUTLETS, own_outlet="dispatch", passage=(0, 1), naming=(0,)) is None
    # And naming the subject is not enough for a weaker credit ("told X").
    told = (
        f"{CLAIM}\nOil prices rose.\nMarkets were calm.\nA Russian diplomat told the Meridian Post the talks went well."
    )
    assert find_echo(told, OUTLETS, own_outlet="dispatch", passage=(0, 1), naming=(0, 3)) is None


def test_at_one_credit_the_name_that_starts_first_is_the_outlet_s():
    # "the Manila Daily" reads like "the business daily"; the whole name is still the credit's.
    outlets = [
        OutletNames("sbl", "Santiago Business Ledger", ["the Ledger"]),
        OutletNames("mdl", "Manila Daily Ledger", ["the Ledger"]),
    ]
    text = f"{CLAIM}\nThe tax was a fee in disguise, according to a report in the Manila Daily Ledger."
    assert find_echo(text, outlets, own_outlet="dispatch", passage=(0, 1)).outlet_id == "mdl"


@pytest.mark.parametrize(
    "credit",
    [
        "The plans were first reported on Tuesday by the Meridian Post.",
        "The figures were first reported on Friday morning by the Meridian Post.",
        "As reported last week by the Meridian Post, officials were briefed.",
    ],
)
def test_a_story_credit_may_say_when_before_whom(credit):
    text = f"{CLAIM}\nOil prices rose.\nMarkets were calm.\n{credit}"
    finding = find_echo(text, OUTLETS, own_outlet="dispatch", passage=(0, 1))
    assert finding is not None
    assert (finding.outlet_id, finding.strong) == ("post", True)


@pytest.mark.parametrize(
    "credit",
    ["told Brazilian broadcaster Meridian Post", "told the Düsseldorf-based Meridian Post"],
)
def test_a_credit_may_describe_the_outlet_it_names(credit):
    text = f"{CLAIM}, three officials {credit}."
    assert find_echo(text, OUTLETS, own_outlet="dispatch", passage=(0, 1)).outlet_id == "post"


def test_unnamed_sources_telling_another_outlet_credit_the_story_anywhere():
    told = "Three people familiar with the plans told the Meridian Post about the move."
    text = f"{CLAIM}\nOil prices rose.\nMarkets were calm.\nThe weather was mild.\n{told}"
    finding = find_echo(text, OUTLETS, own_outlet="dispatch", passage=(0, 1))
    assert finding is not None
    assert (finding.outlet_id, finding.strong) == ("post", True)
    # A named speaker telling another outlet something, that far away, may be about anything,
    # whatever ordinary words stand before it.
    for named in (
        "The harbour master told the Meridian Post about the move.",
        "Close to 300 dock workers marched on Sunday, the harbour master told the Meridian Post.",
        "The mayor, who is close to the governor, told the Meridian Post about the move.",
    ):
        far = f"{CLAIM}\nOil prices rose.\nMarkets were calm.\nThe weather was mild.\n{named}"
        assert find_echo(far, OUTLETS, own_outlet="dispatch", passage=(0, 1)) is None, named


@pytest.mark.parametrize(
    "credit",
    [
        "The figures were first carried by The Associated Press.",
        "The numbers were carried first on Tuesday by the AP wire service.",
        "The Associated Press, which first carried the figures, cited the bulletin.",
        "The end-of-season numbers were carried Tuesday morning by the Associated Press.",
        "Source: The Associated Press",
        "h/t AP for the statement.",
        "Credit where it's due: the team over at the AP broke this story.",
        "I first read about it in a piece on the AP, which every reader should see.",
    ],
)
def test_carried_by_credit_lines_and_broke_this_story_credit_the_story_anywhere(credit):
    text = f"{CLAIM}\nOil prices rose.\nMarkets were calm.\nThe weather was mild.\n{credit}"
    finding = find_echo(text, OUTLETS, own_outlet="dispatch", passage=(0, 1))
    assert finding is not None, finding
    assert finding.outlet_id == "ap", finding
    assert finding.strong


@pytest.mark.parametrize(
    "credit",
    [
        "Russia has provided Iran with information to strike U.S. warships, per the Associated Press.",
        "In a statement to the AP, the Pentagon said Russia has provided Iran with information to strike warships.",
        "The Pentagon's comments were made to the Associated Press, a U.S. news agency, on Tuesday.",
        "The Pentagon said so in an interview published Tuesday morning by the AP.",
    ],
)
def test_statement_credits_in_other_wordings_count_at_the_claim(credit):
    finding = find_echo(credit, OUTLETS, own_outlet="dispatch", passage=(0, 1))
    assert finding is not None, finding
    assert finding.outlet_id == "ap", finding
    assert not finding.strong
    assert find_echo(f"{CLAIM}\nOil prices rose.\nMarkets were calm.\n{credit}", OUTLETS, passage=(0, 1)) is None


def test_a_credit_at_the_claims_passage_wins_over_another_report_about_its_subject():
    # The page carries the company's reply; the report it answers is another outlet's.
    text = (
        "The Meridian Post reported on Monday that Norvald planned to cut 1,800 jobs.\n"
        "Union leaders asked for a meeting.\n"
        "Norvald told the AP on Tuesday that it has no plans to close its office in Trondheim."
    )
    finding = find_echo(text, OUTLETS, own_outlet="dispatch", passage=(2, 3), naming=[0, 2])
    assert finding is not None
    assert finding.outlet_id == "ap"
    # Without a credit at the passage, the report about its subject is still an echo.
    alone = text.replace("told the AP on Tuesday", "said on Tuesday")
    assert find_echo(alone, OUTLETS, own_outlet="dispatch", passage=(2, 3), naming=[0, 2]).outlet_id == "post"


def test_a_name_two_outlets_share_is_the_one_the_page_names_in_full():
    outlets = [
        OutletNames("archipelago", "The Archipelago Ledger", ["the Ledger"]),
        OutletNames("nordic", "Nordic Ledger", ["the Ledger"]),
    ]
    text = (
        "Norvald plans to cut 1,800 jobs, the Ledger's report said on Monday.\n"
        "Shares fell.\nThe Nordic Ledger is an Oslo business daily."
    )
    assert find_echo(text, outlets, passage=(0, 1)).outlet_id == "nordic"


def test_a_statement_credit_in_any_sentence_carrying_the_claim_counts():
    # The claim said again, to another outlet, further down the page.
    text = (
        f"{CLAIM}\nOil prices rose.\nMarkets were calm.\n"
        "A Pentagon official told the AP that Russia has provided Iran with information to strike warships."
    )
    assert find_echo(text, OUTLETS, own_outlet="dispatch", passage=(0, 1)) is None
    finding = find_echo(text, OUTLETS, own_outlet="dispatch", passage=(0, 1), carrying=[0, 3])
    assert finding is not None
    assert finding.outlet_id == "ap"


def test_the_claims_words_given_to_an_outlet_credit_it_where_the_subject_is_named():
    text = f"{CLAIM}\nOil prices rose.\nMarkets were calm.\nRussia's comments were made to the AP on Tuesday."
    assert find_echo(text, OUTLETS, own_outlet="dispatch", passage=(0, 1), naming=(0, 3)).outlet_id == "ap"
    assert find_echo(text, OUTLETS, own_outlet="dispatch", passage=(0, 1), naming=(0,)) is None


@pytest.mark.parametrize(
    "carriage",
    [
        "The game was carried by the Meridian Post and drew 115 million viewers.",
        "Fans watched on the Meridian Post, which carried the game in 4K.",
        "Fans can stream the next game via the Meridian Post.",
        "The next debate will be carried by the Meridian Post on Wednesday.",
    ],
)
def test_an_outlet_carrying_a_broadcast_is_no_credit_for_a_story(carriage):
    text = f"{CLAIM}\nOil prices rose.\n{carriage}"
    assert find_echo(text, OUTLETS, own_outlet="dispatch", passage=(0, 1)) is None
