import pytest
from django.core.exceptions import ValidationError

from liaison.core.npi import is_valid_npi, npi_check_digit, validate_npi


def test_cms_example_base_gives_check_digit_3():
    assert npi_check_digit("123456789") == 3


@pytest.mark.parametrize("npi", ["1234567893", "1558598797", "1000000020"])
def test_real_npis_are_valid(npi):
    assert is_valid_npi(npi)


def test_a_check_digit_of_zero_is_accepted():
    # The trap in a popular validator: 10 - total % 10 without the final % 10 gives 10.
    assert npi_check_digit("100000002") == 0


@pytest.mark.parametrize(
    "npi", ["1234567890", "123456789", "12345678931", "12345678a3", "", "１２３４５６７８９３"]
)
def test_wrong_npis_are_refused_with_a_message(npi):
    assert not is_valid_npi(npi)
    with pytest.raises(ValidationError, match="not a valid NPI"):
        validate_npi(npi)
