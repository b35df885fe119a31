import datetime

import pytest
from django.core.exceptions import ValidationError
from freezegun import freeze_time
from hypothesis import given
from hypothesis import strategies as st

from wijkkracht.common.validation import normalise_postcode, validate_birth_date, validate_bsn

WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def passes_eleven_test(digits: str) -> bool:
    return int(digits) != 0 and sum(int(d) * w for d, w in zip(digits, WEIGHTS, strict=True)) % 11 == 0


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_bsn_is_accepted_exactly_when_it_passes_the_eleven_test(digits):
    if passes_eleven_test(digits):
        validate_bsn(digits)
    else:
        with pytest.raises(ValidationError):
            validate_bsn(digits)


@given(st.text(min_size=1, max_size=12).filter(lambda s: not (len(s) == 9 and s.isascii() and s.isdigit())))
def test_anything_but_nine_digits_is_not_a_bsn(value):
    with pytest.raises(ValidationError):
        validate_bsn(value)


def test_known_bsns():
    validate_bsn("111222333")
    validate_bsn("")  # optional
    with pytest.raises(ValidationError, match="elfproef"):
        validate_bsn("111222334")


@given(
    st.integers(1000, 9999), st.sampled_from("ABCDEFGHJKLMNPRSTVWXZ"), st.sampled_from("ABEHKLMNPRTX"), st.booleans()
)
def test_postcodes_are_normalised(number, first, second, spaced):
    raw = f"{number}{' ' if spaced else ''}{first.lower()}{second}"
    assert normalise_postcode(raw) == f"{number}{first}{second}"


@pytest.mark.parametrize("value", ["", "123AB", "0123AB", "12345", "1234 A", "ABCD12", "1234ABC"])
def test_invalid_postcodes(value):
    with pytest.raises(ValidationError, match="postcode"):
        normalise_postcode(value)


@freeze_time("2026-11-29")
def test_birth_dates():
    validate_birth_date(datetime.date(2026, 11, 29))
    with pytest.raises(ValidationError, match="toekomst"):
        validate_birth_date(datetime.date(2026, 11, 30))
    with pytest.raises(ValidationError):
        validate_birth_date(datetime.date(1899, 12, 31))
