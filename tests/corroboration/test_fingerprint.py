"""Rewritten copies of one story group together; different stories on one topic do not."""

from corroboration.fingerprint import band_keys, containment, group, same_story, signature

WIRE = [
    "BERLIN — Germany will send two Patriot air-defence batteries and about 300 soldiers to Poland by the end of "
    "April, two German officials said on Wednesday, as Warsaw asks its allies to help guard its eastern border.",
    "The officials, who spoke on condition of anonymity because the decision has not been announced, said the "
    "batteries would be stationed near a hub for aid deliveries to Ukraine.",
    "The mission would be the largest German air-defence deployment abroad in several years.",
    "A government spokesperson said that no decision had been taken on a permanent stationing of Patriot systems "
    "in Poland, and declined to comment on the timing of any deployment.",
    "Poland's defence minister said in a radio interview that Warsaw was grateful for any help from its allies in "
    "protecting its airspace.",
    "Germany already has fighter jets in Poland as part of NATO air policing, and has been one of the largest "
    "suppliers of air defence to Ukraine.",
]
ORIGINAL = "\n".join(WIRE)
EDITED = "\n".join(
    [
        "Allies are stepping up their presence on NATO's eastern edge, and the latest move comes from Berlin.",
        WIRE[0].replace("about 300 soldiers", "around 300 troops").replace("by the end", "before the end"),
        WIRE[1],
        WIRE[3],
        WIRE[4],
        "Continental Press contributed to this report.",
    ]
)
SAME_TOPIC = (
    "Poland signed a contract on Friday to buy four more Patriot air-defence batteries from the United States, to "
    "be delivered by the end of 2028. The defence ministry said about 300 Polish soldiers would be trained to "
    "operate them, and that the first battery would be stationed near Warsaw. Officials said the purchase would "
    "make Poland one of the largest operators of the system in Europe, alongside Germany."
)


def test_a_copy_with_a_new_intro_edits_and_trimmed_paragraphs_is_the_same_story():
    assert same_story(signature(ORIGINAL), signature(EDITED))
    assert set(band_keys(signature(ORIGINAL))) & set(band_keys(signature(EDITED)))


def test_another_story_on_the_same_topic_is_not():
    assert not same_story(signature(ORIGINAL), signature(SAME_TOPIC))
    assert containment(signature(ORIGINAL), signature(SAME_TOPIC)) < 0.2


def test_signatures_are_deterministic_and_round_trip():
    first, second = signature(ORIGINAL), signature(ORIGINAL)
    assert first == second
    assert type(first).from_hex(first.as_hex(), first.shingles) == first
    assert band_keys(first) == band_keys(second)


def test_empty_text_has_no_band_keys_and_is_nobodys_copy():
    empty = signature("")
    assert band_keys(empty) == []
    assert not same_story(empty, signature(ORIGINAL))


def test_grouping_joins_copies_of_copies_whatever_the_order():
    signatures = {"a": signature(ORIGINAL), "b": signature(EDITED), "c": signature(SAME_TOPIC)}
    groups = group(signatures)
    reversed_groups = group(dict(reversed(list(signatures.items()))))
    assert groups == reversed_groups
    assert groups["a"] == groups["b"] == "a"
    assert groups["c"] == "c"
