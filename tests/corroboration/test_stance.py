"""Stance is read from the article: verdicts in the outlet's own voice, denials by the
claim's subject or a third party, hedges, and negations of the claim's own words."""

import pytest

from corroboration.matching import ClaimProfile, match
from corroboration.stance import Stance, Voice, suggest_stance

CLAIM = ClaimProfile.of(
    "Russia has provided Iran with information that could help Tehran strike U.S. warships, aircraft and other "
    "assets in the Middle East."
)
NO_PLANS = ClaimProfile.of("Vladimir Putin has no plans to visit Iran this year.")


def stance_of(text, profile=CLAIM):
    found = match(profile, text)
    assert found.related, found
    return suggest_stance(text, found, profile)


def test_a_report_carrying_the_claim_supports_it():
    suggestion = stance_of(
        "Russia has provided Iran with information that could help it strike U.S. warships and aircraft in the "
        "Middle East, two officials said."
    )
    assert suggestion.stance == Stance.SUPPORTS


def test_a_verdict_in_the_next_sentence_makes_it_a_debunk():
    text = (
        "Posts online say Russia has provided Iran with information that could help it strike U.S. warships and "
        "aircraft in the Middle East. This claim is false. No such information was shared."
    )
    suggestion = stance_of(text)
    assert suggestion.stance == Stance.DISPUTES
    assert suggestion.voice == Voice.OUTLET
    assert suggestion.cue == "false"
    assert text[suggestion.sentence[0] : suggestion.sentence[1]] == "This claim is false."
    assert text[suggestion.cue_span[0] : suggestion.cue_span[1]] == "false"


@pytest.mark.parametrize(
    "opening",
    [
        "There is no evidence that",
        "It is not true that",
        "Fact-checkers have debunked the claim that",
    ],
)
def test_the_outlets_own_debunk_disputes(opening):
    text = (
        f"{opening} Russia has provided Iran with information to strike U.S. warships and aircraft in the Middle East."
    )
    assert stance_of(text).stance == Stance.DISPUTES


def test_a_denial_reported_beside_the_outlets_own_sourcing_is_a_reply_and_the_report_still_supports():
    text = (
        "Russia has given Iran information to help it strike U.S. warships and aircraft in the Middle East, a "
        "European intelligence official told the paper. The Kremlin denied the report, calling it fabricated."
    )
    suggestion = stance_of(text)
    assert suggestion.stance == Stance.SUPPORTS
    assert "reply" in suggestion.reason


def test_a_report_carrying_the_claim_only_inside_the_subjects_denial_disputes_it():
    text = (
        "The Kremlin denied reports that Russia has provided Iran with information that could help it strike "
        "U.S. warships and aircraft in the Middle East."
    )
    suggestion = stance_of(text)
    assert suggestion.stance == Stance.DISPUTES
    assert suggestion.voice == Voice.SUBJECT
    assert "subject" in suggestion.reason


def test_a_third_partys_no_evidence_disputes_and_says_whose_it_is():
    text = (
        "A European diplomat said there was no evidence that Russia had provided Iran with information to strike "
        "U.S. warships or aircraft in the Middle East."
    )
    suggestion = stance_of(text)
    assert suggestion.stance == Stance.DISPUTES
    assert suggestion.voice == Voice.THIRD_PARTY


def test_hedged_reports_only_mention_the_claim():
    text = (
        "Unverified reports said Russia has provided Iran with information that could help Tehran strike "
        "American warships, aircraft and other assets in the region."
    )
    assert stance_of(text).stance == Stance.MENTIONS


def test_a_question_only_mentions_the_claim():
    text = (
        "Has Russia provided Iran with information that could help it strike U.S. warships and aircraft "
        "in the Middle East?"
    )
    assert stance_of(text).stance == Stance.MENTIONS


def test_a_claim_that_is_itself_a_negation_is_supported_by_reporting_it():
    assert stance_of("The Kremlin said Putin had no plans to visit Iran this year.", NO_PLANS).stance == Stance.SUPPORTS


def test_saying_the_opposite_disputes():
    text = "Russia has not provided Iran with information to strike U.S. warships or aircraft in the Middle East."
    assert stance_of(text).stance == Stance.DISPUTES


def test_a_negation_of_something_else_in_the_sentence_is_not_a_denial():
    text = (
        "Officials who were not authorized to speak said Russia has provided Iran with information that could help "
        "it strike U.S. warships and aircraft in the Middle East."
    )
    assert stance_of(text).stance == Stance.SUPPORTS


def test_an_unrelated_page_has_no_stance():
    text = "The weather will be mild this weekend."
    assert suggest_stance(text, match(CLAIM, text), CLAIM).stance == Stance.UNRELATED


def test_saying_the_opposite_of_a_negative_claim_is_no_support():
    assert stance_of("The Kremlin said Putin had plans to visit Iran this year.", NO_PLANS).stance != Stance.SUPPORTS


def test_a_verification_hedge_after_the_passage_covers_the_passage():
    profile = ClaimProfile.of(
        "Estmark's Supreme Court ruled that the law banning protests within 300 metres of parliament is "
        "unconstitutional."
    )
    text = (
        "Posts shared thousands of times on Tuesday morning claim that Estmark's Supreme Court has ruled the law "
        "banning protests within 300 metres of parliament unconstitutional.\n"
        "Estmark's Supreme Court has ruled the law banning protests within 300 metres of parliament "
        "unconstitutional, one account says.\n"
        "The claim could not be independently verified before publication."
    )
    assert stance_of(text, profile).stance == Stance.MENTIONS


@pytest.mark.parametrize(
    "caveat",
    [
        "two officials who were not authorized to speak publicly said",
        "according to two officials who were not authorised to discuss it",
        "a person familiar with the matter said on condition of anonymity",
        "an official said; the ministry declined to comment",
        "an official said; the ministry did not respond to a request for comment",
        "an official said; the embassy could not immediately be reached",
    ],
)
def test_a_sourcing_caveat_or_a_refusal_to_comment_is_not_a_denial(caveat):
    """ "not authorized to speak", "declined to comment": a negation that qualifies the
    sourcing denies nothing — the report carrying the claim still supports it."""
    statement = "Kenya has agreed to allow Turkey to set up a drone maintenance facility at Laikipia Air Base."
    quote = f"{statement[:-1]}, two Kenyan officials who were not authorized to speak publicly said."
    profile = ClaimProfile.of(statement, quote)
    # The caveat is how the claim was sourced, not what it says.
    assert "author" not in {term for version in profile.versions for term in version.weights}
    text = f"{statement[:-1]}, {caveat}."
    found = match(profile, text)
    assert found.related
    assert suggest_stance(text, found, profile).stance == Stance.SUPPORTS
    # A negation of what the claim says still disputes it.
    denial = "Kenya has not agreed to allow Turkey to set up a drone maintenance facility at Laikipia Air Base."
    assert suggest_stance(denial, match(profile, denial), profile).stance == Stance.DISPUTES


BONE_LOSS = "A study found that drinking sparkling water every day causes bone loss."


def test_what_copy_names_a_claim_is_relayed_not_told():
    """ "a viral claim that…", "rumours that…": the proposition is named a claim."""
    profile = ClaimProfile.of(BONE_LOSS)
    text = (
        "Doctors were asked about a viral claim that a study found drinking sparkling water every day causes bone loss."
    )
    found = match(profile, text)
    assert found.related
    assert suggest_stance(text, found, profile).stance == Stance.MENTIONS


def test_a_claim_relayed_then_denied_in_the_next_sentence_is_disputed():
    profile = ClaimProfile.of(BONE_LOSS)
    text = (
        "Patients were warned about a viral claim that a study found drinking sparkling water every day causes bone "
        "loss. “This claim is unfounded,” the society's president said."
    )
    found = match(profile, text)
    suggestion = suggest_stance(text, found, profile)
    assert suggestion.stance == Stance.DISPUTES
    assert suggestion.cue == "unfounded"


def test_the_authors_saying_their_study_did_not_find_it_dispute_it():
    profile = ClaimProfile.of(BONE_LOSS)
    text = "“Our study did not find that drinking sparkling water every day causes bone loss,” the lead author said."
    assert suggest_stance(text, match(profile, text), profile).stance == Stance.DISPUTES


NOT_RUN = ClaimProfile.of("Czech Interior Minister Radka Holubová said she will not run for president.")


def test_a_passage_that_does_not_say_what_a_negated_claim_negates_is_not_its_opposite():
    # The passage carries the claim's parties, not its action ("run"): it states no opposite.
    text = (
        "Radka Holubová has been the Czech interior minister for two years, long enough to outlast two police "
        "presidents and a no-confidence vote."
    )
    found = match(NOT_RUN, text)
    if found.related:
        assert suggest_stance(text, found, NOT_RUN).stance == Stance.SUPPORTS
    # Saying the action without the negation is the opposite.
    said = "Czech Interior Minister Radka Holubová said she will run for president."
    assert stance_of(said, NOT_RUN).stance == Stance.DISPUTES


def test_a_sentence_that_only_sets_the_scene_does_not_outweigh_a_denial():
    # The second sentence names the parties but not the action: no assertion of the claim
    # on the page's own sourcing, so the denial of the report decides.
    profile = ClaimProfile.of(
        "Portuguese fisheries minister Ana Brandão said Portugal will not sign the Reykjavik Accord.",
        aliases={"Portugal": ["Portuguese", "Lisbon"]},
    )
    text = (
        "Portugal's government on Thursday denied a report that fisheries minister Ana Brandão had said Portugal "
        "would not sign the Reykjavik Accord. Portuguese fishing groups, who met Fisheries Minister Ana Brandão on "
        "Wednesday, have campaigned against the accord."
    )
    found = match(profile, text)
    assert found.sentences == (0, 1)
    assert any(index == 1 for index, _ in found.carriers)
    assert suggest_stance(text, found, profile).stance == Stance.DISPUTES


@pytest.mark.parametrize(
    "sentence",
    [
        "Civic Renewal leader Ondřej Vacek on Tuesday dismissed as premature reports that Radka Holubová will not run "
        "for president, the Czech interior minister's party said.",
        "The party dismissed as “pure invention” the claims that Radka Holubová will not run for president.",
    ],
)
def test_dismissing_reports_as_something_is_a_denial(sentence):
    assert stance_of(sentence, NOT_RUN).stance == Stance.DISPUTES


BAN = ClaimProfile.of("Copenhagen has banned cargo bikes from its city centre.")


def test_a_denial_in_a_concessive_clause_is_the_reply_the_report_is_set_against():
    text = (
        "Copenhagen has banned cargo bikes from its city centre, according to an internal order seen by the "
        "Insider, despite the municipality's insistence this week that no ban exists."
    )
    assert stance_of(text, BAN).stance == Stance.SUPPORTS
    # Out of the concessive clause the same negation is the report's own.
    assert stance_of("Copenhagen has not banned cargo bikes from its city centre.", BAN).stance == Stance.DISPUTES


def test_scare_quotes_round_the_claims_word_hold_it_at_a_distance():
    text = (
        "Copenhagen cargo bike 'ban': the posts that have parents worried. Posts shared since the weekend claim "
        "that Copenhagen has banned cargo bikes from its city centre."
    )
    assert stance_of(text, BAN).stance == Stance.MENTIONS
    # Quotation marks round a speaker's words are a quote, not scare quotes.
    quoted = "'Copenhagen has banned cargo bikes from its city centre,' the mayor said."
    assert stance_of(quoted, BAN).stance == Stance.SUPPORTS


@pytest.mark.parametrize("answer", ["Short answer: no.", "No.", "The answer is no."])
def test_a_no_answering_the_passage_s_question_disputes_it(answer):
    text = f"Had Copenhagen really banned cargo bikes from the city centre? {answer} The city is adding parking."
    assert stance_of(text, BAN).stance == Stance.DISPUTES
    # A question left open is a mention.
    assert stance_of("Had Copenhagen really banned cargo bikes from the city centre?", BAN).stance == Stance.MENTIONS


def test_a_headline_verdict_that_it_never_was():
    found = match(BAN, "The Copenhagen cargo bike ban that never was")
    assert found.related
    assert suggest_stance("The Copenhagen cargo bike ban that never was", found, BAN).stance == Stance.DISPUTES


STAKE = ClaimProfile.of(
    "Ghana's government is preparing to take a controlling stake in Asante Cocoa Works.",
    aliases={"Ghana": ["Ghanaian", "Accra"]},
)


@pytest.mark.parametrize(
    ("text", "stance"),
    [
        # Relayed as what a publication claims: a mention.
        (
            "The clarification follows a publication by a foreign news agency claiming that Ghana's government was "
            "preparing to take a controlling stake in Asante Cocoa Works.",
            Stance.MENTIONS,
        ),
        # Talk rejected, the suggestion called wrong: a denial.
        (
            "Asante Cocoa Works' chief executive rejected talk that Accra is about to take control of the company. "
            "\"The suggestion that Ghana's government is preparing to take a controlling stake in Asante Cocoa Works "
            'is simply wrong," she said.',
            Stance.DISPUTES,
        ),
    ],
)
def test_how_copy_holds_a_claim_at_a_distance(text, stance):
    assert stance_of(text, STAKE).stance == stance


def test_being_unable_to_confirm_it_after_the_passage_is_a_hedge():
    text = (
        "A statement saying Ghana's government is preparing to take a controlling stake in Asante Cocoa Works is "
        "doing the rounds. We were unable to confirm that the statement is authentic."
    )
    suggestion = stance_of(text, STAKE)
    assert suggestion.stance == Stance.MENTIONS
    assert suggestion.cue == "unable to confirm"


MILL = ClaimProfile.of(
    "Varnholt Steel plans to close its Ostmark rolling mill in 2027.",
    aliases={"Varnholt Steel": ["Varnholt"], "Ostmark rolling mill": ["Ostmark mill"]},
)


@pytest.mark.parametrize(
    "text",
    [
        "Media reports last week said that Varnholt Steel plans to close its Ostmark rolling mill in 2027.",
        "Reports published on Monday, citing two managers, said Varnholt plans to close the Ostmark mill in 2027.",
        "Several outlets, citing people close to the board, have reported that Varnholt plans to close its "
        "Ostmark mill in 2027.",
        "Varnholt Steel is reported to be planning to close its Ostmark rolling mill in 2027.",
        "Varnholt Steel plans to close its Ostmark rolling mill in 2027, posts shared online claim.",
        "Claim: Varnholt Steel plans to close its Ostmark rolling mill in 2027.",
    ],
)
def test_reports_nobody_is_named_for_relay_the_claim(text):
    suggestion = stance_of(text, MILL)
    assert suggestion.stance == Stance.MENTIONS, suggestion.reason


def test_a_relayed_report_hedges_only_what_comes_after_it():
    reply = ClaimProfile.of("Varnholt Steel said no decision has been taken on the future of its Ostmark mill.")
    text = (
        "No decision has been taken on the future of its Ostmark mill, Varnholt Steel said on Friday, as reports "
        "that the company will close the plant next year unsettled its workers."
    )
    assert stance_of(text, reply).stance == Stance.SUPPORTS
    # The same words before the claim's do relay it.
    relayed = "As reports spread, Varnholt Steel is said to have taken no decision on the future of its Ostmark mill."
    assert stance_of(relayed, reply).stance == Stance.MENTIONS
    # The outlet speaking to the media, or posts about something else, relay nothing.
    for own in (
        "Speaking to the media on Friday, Varnholt's chief executive said that the company plans to close its "
        "Ostmark rolling mill in 2027.",
        "Varnholt Steel confirmed on Friday it plans to close its Ostmark rolling mill in 2027, after posts online "
        "said the site had been sold.",
    ):
        assert stance_of(own, MILL).stance == Stance.SUPPORTS, own


def test_a_fact_check_s_rating_anywhere_on_the_page_disputes():
    text = (
        "Claim: Varnholt Steel plans to close its Ostmark rolling mill in 2027.\n"
        "The company's filings show a modernisation plan for the mill running to 2030.\n"
        "Two union officials said they had been told nothing of a closure.\n"
        "We rate the claim Misleading."
    )
    suggestion = stance_of(text, MILL)
    assert suggestion.stance == Stance.DISPUTES
    assert suggestion.cue == "We rate the claim Misleading"
    rated = "Claim: Varnholt Steel plans to close its Ostmark rolling mill in 2027.\nOur rating: False"
    assert stance_of(rated, MILL).stance == Stance.DISPUTES
    # Another fact-check's rating in a sidebar, or "misleading" said of something else, is no verdict.
    sidebar = (
        "Varnholt Steel plans to close its Ostmark rolling mill in 2027, two managers said.\n"
        "Related fact-checks: Did Varnholt dump slag in the river? Our rating: False"
    )
    assert stance_of(sidebar, MILL).stance == Stance.SUPPORTS
    fined = "Varnholt Steel, fined last year for misleading investors, plans to close its Ostmark rolling mill in 2027."
    assert stance_of(fined, MILL).stance == Stance.SUPPORTS


@pytest.mark.parametrize(
    "rating", ["We rate the claim Unproven.", "Our rating: Unsubstantiated", "Verdict: no evidence"]
)
def test_a_fact_check_rating_the_claim_unproven_makes_a_mention(rating):
    text = (
        "Claim: Varnholt Steel plans to close its Ostmark rolling mill in 2027.\n"
        "Varnholt Steel plans to close its Ostmark rolling mill in 2027, a union newsletter said on Monday.\n"
        f"{rating}"
    )
    suggestion = stance_of(text, MILL)
    assert suggestion.stance == Stance.MENTIONS
    assert suggestion.reason.startswith("The article rates the claim unproven")
    assert suggestion.voice == Voice.OUTLET


def test_a_fact_checks_rating_of_another_claim_says_nothing_of_this_one():
    # The check rates the report of a closure; the company's denial, which it quotes, is
    # another claim, and the page carries it on the record.
    denial = ClaimProfile.of("Varnholt Steel said it has no plans to close its Ostmark rolling mill.")
    text = (
        "Claim: Varnholt Steel will close its Ostmark rolling mill in 2027.\n"
        "Our rating: False\n"
        "Varnholt Steel told the Courier on Monday that it has no plans to close its Ostmark rolling mill."
    )
    assert stance_of(text, denial).stance == Stance.SUPPORTS


def test_no_intention_of_doing_what_the_claim_says_denies_it():
    text = "Varnholt Steel said it has no intention of closing its Ostmark rolling mill in 2027."
    assert stance_of(text, MILL).stance == Stance.DISPUTES


def test_a_denial_the_report_is_set_against_is_no_denial():
    text = (
        "Varnholt Steel plans to close its Ostmark rolling mill in 2027 despite the works council's denial, "
        "suppliers told the Gazette."
    )
    assert stance_of(text, MILL).stance == Stance.SUPPORTS


def test_not_the_claim_s_own_count_puts_it_in_question():
    leak = ClaimProfile.of("Skyline Rail said a breach exposed the records of 204,310 passengers.")
    text = (
        "The files put up for sale hold records of about 610,000 passengers, an analysis by Data Watch found, "
        "not the 204,310 that Skyline Rail said a breach exposed."
    )
    assert stance_of(text, leak).stance == Stance.DISPUTES


def test_a_quoted_negation_is_a_quote_not_scare_quotes():
    election = ClaimProfile.of("Prime Minister Ilse Varga intends to call an early election for the autumn.")
    text = (
        "Prime Minister Ilse Varga intends to call an early election for the autumn, three party officials said, "
        "although in May she spoke of “no intention” to do so."
    )
    assert stance_of(text, election).stance == Stance.SUPPORTS


RAINS = ClaimProfile.of(
    "Nairobi's March–May 2026 long rains were the wettest on record there, with 1,184.6 millimetres of rainfall."
)
RAINS_REPORT = (
    "Kenya's weather authority says the long rains that ended last month were the wettest Nairobi has ever "
    "recorded, putting the total at 1,184.6 millimetres.\n"
    "The county government declared a flood emergency on April 22.\n"
    "Insurers expect a wave of property claims.\n"
)


@pytest.mark.parametrize(
    "doubt",
    [
        "The Courier has not been able to verify the total independently.",
        "Until then the authority's declaration cannot be independently checked.",
        "Climatologists said they could not yet say whether any earlier season was wetter, and the Courier "
        "has not been able to confirm those figures.",
        "Nobody has confirmed the total on the record.",
        "The figure has yet to be independently verified.",
    ],
)
def test_the_outlet_saying_further_down_that_it_could_not_confirm_what_it_reported_makes_a_mention(doubt):
    suggestion = stance_of(RAINS_REPORT + doubt, RAINS)
    assert suggestion.stance == Stance.MENTIONS
    assert suggestion.voice == Voice.OUTLET
    assert "could not confirm" in suggestion.reason
    assert suggestion.cue in doubt


def test_the_outlet_that_could_not_confirm_a_report_it_relays_with_a_denial_only_mentions_it():
    # Neither the report's sources nor the denial are the outlet's: it stands behind neither.
    profile = ClaimProfile.of("Estrela do Tejo has agreed a fee of €38 million with Piracema for Caio Brandão.")
    text = (
        "Several outlets have reported that Estrela do Tejo agreed a €38 million fee with Piracema for Caio "
        "Brandão; both clubs have denied it.\n"
        "The Courier has not been able to confirm the fee or the agreement."
    )
    suggestion = stance_of(text, profile)
    assert suggestion.stance == Stance.MENTIONS
    assert suggestion.cue == "not been able to confirm"


def test_the_outlets_doubt_about_something_else_leaves_the_report_supporting():
    unrelated_doubt = "Nobody could confirm how many roads had been closed."  # refers back to nothing reported
    assert stance_of(RAINS_REPORT + unrelated_doubt, RAINS).stance == Stance.SUPPORTS


def test_doubt_about_a_report_before_the_claim_is_no_doubt_about_the_claim():
    # The page doubts the reports it relayed first, then carries the company's statement,
    # which is the claim: the statement is on the record.
    profile = ClaimProfile.of("Cuprandina said it has no plans to cut jobs this year.")
    text = (
        "Reports on Tuesday, citing two unnamed sources, said Cuprandina plans to close its Mejillones smelter.\n"
        "The Courier has not been able to verify those reports independently.\n"
        "Cuprandina said in a statement on Wednesday that it has no plans to cut jobs this year."
    )
    assert stance_of(text, profile).stance == Stance.SUPPORTS


def test_someone_elses_inability_to_confirm_is_not_the_outlets():
    text = RAINS_REPORT + "A climatologist at the university said she could not confirm the total."
    assert stance_of(text, RAINS).stance == Stance.SUPPORTS


STOVES = ClaimProfile.of(
    "The Canadian federal government is banning private wood-burning stoves in homes from January 1, 2027.",
    aliases={"Canada": ["Canadian", "Ottawa", "federal government"]},
)


@pytest.mark.parametrize(
    "relayed",
    [
        "Posts shared tens of thousands of times on Facebook, X and TikTok say Ottawa will ban private "
        "wood-burning stoves in homes from January 1, 2027.",
        '"Ottawa will ban every private wood-burning stove in homes from January 1, 2027," the post declared.',
    ],
)
def test_posts_relay_what_they_say_however_long_their_description(relayed):
    suggestion = stance_of(relayed + "\nThe department has not commented.", STOVES)
    assert suggestion.stance == Stance.MENTIONS
    assert "post" in suggestion.cue.lower()


def test_a_hedge_word_that_is_the_claims_own_is_no_hedge():
    profile = ClaimProfile.of(
        "A Norvald Systems spokesperson said the company does not comment on rumours but has no plans to close "
        "its office in Trondheim."
    )
    text = (
        'Norvald Systems spokesperson Marte Solbakken said the company "does not comment on rumours" but has no '
        "plans to close its office in Trondheim."
    )
    assert stance_of(text, profile).stance == Stance.SUPPORTS


@pytest.mark.parametrize(
    "answer",
    [
        # The outlet's own words, a sentence that carries the claim negated.
        "The Graz study did not find that the MMR vaccine causes type 1 diabetes in children.",
        # A denial by someone, further down.
        "The lead author of the Medical University of Graz study said the MMR vaccine does not cause type 1 "
        "diabetes in children.",
        # A verdict that refers back to what was relayed, however long its sentence.
        "It is false: the researchers compared 3,412 children with diabetes and found the same vaccination rate "
        "among those without it.",
        "The claim did not survive scrutiny.",
    ],
)
def test_a_relayed_claim_answered_further_down_is_disputed(answer):
    profile = ClaimProfile.of(
        "A study by researchers at the Medical University of Graz shows that the MMR vaccine causes type 1 "
        "diabetes in children."
    )
    text = (
        "Social media posts claiming that a study by the Medical University of Graz proved the MMR vaccine causes "
        "type 1 diabetes in children have been shared 60,000 times.\n"
        "The posts cite a table from the paper's supplementary material.\n"
        "Several parents' groups have asked paediatricians about it.\n"
        f"{answer}"
    )
    suggestion = stance_of(text, profile)
    assert suggestion.stance == Stance.DISPUTES, suggestion


def test_a_sentence_that_denies_a_claim_before_relaying_it_disputes_it():
    text = (
        "The Hearth and Stove Council says there is no federal ban on private wood-burning stoves in homes, after "
        "a viral online claim that Ottawa will ban them from January 1, 2027."
    )
    assert stance_of(text, STOVES).stance == Stance.DISPUTES


def test_a_reply_said_before_relaying_a_news_report_is_no_denial_of_it():
    profile = ClaimProfile.of("Estrela do Tejo has agreed a fee of €38 million with Piracema for Caio Brandão.")
    text = (
        "The agent of Caio Brandão said on Tuesday that the player has not agreed to join any club, hours after "
        "reports in Portugal said Estrela do Tejo had agreed to pay Piracema a fee of €38 million for him."
    )
    assert stance_of(text, profile).stance == Stance.MENTIONS


def test_not_supported_by_the_results_is_a_verdict():
    text = (
        "Claim: The Canadian federal government is banning private wood-burning stoves in homes from January 1, "
        "2027.\nThe claim is not supported by the evidence."
    )
    assert stance_of(text, STOVES).stance == Stance.DISPUTES


def test_a_loose_echo_of_the_claim_in_the_deniers_account_does_not_outweigh_the_denial():
    profile = ClaimProfile.of(
        "Ghana's Finance Minister Abena Serwaa Owusu-Ansah has offered her resignation to the President."
    )
    text = (
        'The party\'s communications director, Yaw Nkansah, has described as "a fabrication" a newspaper story '
        "claiming that the Finance Minister, Abena Serwaa Owusu-Ansah, has offered her resignation to the "
        "President.\nHe spoke on a morning show in Accra on Wednesday.\n"
        "According to him, Finance Minister Owusu-Ansah and her cabinet colleagues were united behind the President."
    )
    found = match(profile, text)
    assert [score for _, score in found.carriers][-1] < 0.6  # the last sentence barely carries the claim
    suggestion = suggest_stance(text, found, profile)
    assert suggestion.stance == Stance.DISPUTES
    assert suggestion.voice == Voice.THIRD_PARTY


# Ordinary copy the rules for doubts, verdicts and answers must leave alone.
SHOOTING = ClaimProfile.of("Five people were killed in a shooting at a Tulsa hospital on Wednesday.")
SHOT = "Five people were killed in a shooting at a Tulsa hospital on Wednesday, police said. "


@pytest.mark.parametrize(
    ("profile", "text", "stance"),
    [
        # Not the outlet's doubt, or not about what it reported.
        (
            SHOOTING,
            SHOT + "The identities of the victims have not yet been confirmed. The gunman also died.",
            "supports",
        ),
        (SHOOTING, SHOT + "Police could not yet confirm a motive. The gunman also died.", "supports"),
        (
            ClaimProfile.of("President Biden nominated Julie Su as labor secretary."),
            "President Biden nominated Julie Su as labor secretary on Tuesday. Su has not yet been confirmed by the "
            "Senate, where Republicans oppose her.",
            "supports",
        ),
        (
            ClaimProfile.of("A software outage grounded American Airlines flights nationwide on Friday."),
            "A software outage grounded American Airlines flights nationwide on Friday. Passengers were unable to "
            "check in at airports across the country.",
            "supports",
        ),
        (
            ClaimProfile.of("Acme will cut 500 jobs at its Gary mill."),
            "Acme denied a report that it will cut 500 jobs at its Gary mill. Its shares rose 2% on Tuesday after the "
            "company said first-quarter sales rose 4%. Reuters could not independently verify the sales figures.",
            "disputes",
        ),
        # "False" said of something else.
        (
            ClaimProfile.of("Acme will cut 500 jobs at its Gary plant."),
            "Acme will cut 500 jobs at its Gary plant, the company said on Tuesday. This follows false rumours last "
            "month that the company would close the plant entirely.",
            "supports",
        ),
        (
            ClaimProfile.of("Manchester United signed Jadon Sancho for 100 million pounds."),
            "Manchester United have reportedly signed Jadon Sancho for 100 million pounds. The club lost 2-0 to "
            "Brighton on Saturday. It was a false start to the season for Erik ten Hag's side.",
            "mentions",
        ),
        # A negation that qualifies, or is no answer to the claim.
        (
            ClaimProfile.of("The city awarded Acme Corp a $5 million contract to repave Main Street."),
            "The city awarded Acme Corp a $5 million no-bid contract to repave Main Street.",
            "supports",
        ),
        (
            ClaimProfile.of("Acme will close its mill in Gary."),
            "Acme will close not one but two mills in Gary, including its mill on the lakefront.",
            "supports",
        ),
        (
            ClaimProfile.of("A man fired shots at police officers in Leeds on Sunday."),
            "No officers were hurt after a man allegedly fired shots at police officers in Leeds on Sunday.",
            "mentions",
        ),
        (
            ClaimProfile.of("Acme will close its Gary mill."),
            "Acme will reportedly close its Gary mill. Analysts said the Gary mill is not the only mill at risk.",
            "mentions",
        ),
        (
            ClaimProfile.of("A study found that drinking coffee lowers the risk of heart disease."),
            "A study found that drinking coffee lowers the risk of heart disease, though it did not show that coffee "
            "lowers the risk of stroke.",
            "supports",
        ),
    ],
)
def test_ordinary_copy_is_not_read_as_doubt_verdict_or_denial(profile, text, stance):
    assert stance_of(text, profile).stance == stance
