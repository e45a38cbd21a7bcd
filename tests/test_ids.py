from hypothesis import given
from hypothesis import strategies as st

from core.ids import parse_id


def test_an_id_is_ascii_digits_within_a_bigint():
    assert parse_id("42") == 42
    assert parse_id("0") == 0
    assert parse_id(str(2**63 - 1)) == 2**63 - 1
    for not_an_id in (None, "", "³", "٣", "12a", "-1", " 4", "4.0", str(2**63), "9" * 40):
        assert parse_id(not_an_id) is None, not_an_id


@given(st.text(max_size=30))
def test_any_text_is_an_id_or_none_and_never_an_error(value):
    number = parse_id(value)
    assert number is None or (str(number) == value.lstrip("0") or (number == 0 and set(value) == {"0"}))
