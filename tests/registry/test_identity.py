import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn

from knutpunkt.core.errors import RuleViolation
from knutpunkt.registry.identity import normalise_org_number, normalise_personal_number


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("19121212-1212", "191212121212"),
        ("121212-1212", "201212121212"),  # most recent century without "+"
        ("191212121212", "191212121212"),
        ("121212+1212", "191212121212"),
        ("20010203-0004", "200102030004"),
        ("19701063-2391", "197010632391"),  # samordningsnummer
    ],
)
def test_valid_personal_numbers(raw, expected):
    assert normalise_personal_number(raw) == expected


@pytest.mark.parametrize("raw", ["19121212-1213", "19121312-1212", "abc", "", "1212121212121"])
def test_invalid_personal_numbers(raw):
    with pytest.raises(RuleViolation):
        normalise_personal_number(raw)


def test_org_number():
    assert normalise_org_number("212000-1355") == "2120001355"
    assert normalise_org_number("16212000-1355") == "2120001355"
    with pytest.raises(RuleViolation):
        normalise_org_number("212000-1356")


@given(st.dates(min_value=__import__("datetime").date(1900, 1, 1), max_value=__import__("datetime").date(2025, 12, 31)), st.integers(0, 999))
def test_any_valid_date_and_check_digit_round_trips(date, serial):
    body = f"{date:%y%m%d}{serial:03d}"
    check = luhn.calc_check_digit(body)
    full = f"{date:%Y%m%d}{serial:03d}{check}"
    assert normalise_personal_number(full) == full
    assert normalise_personal_number(f"{full[:8]}-{full[8:]}") == full
