"""National Provider Identifier: ten digits, the last a Luhn check digit over 80840 + the rest."""

from functools import reduce

from django.core.exceptions import ValidationError
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Cast, Substr
from django.db.models.lookups import Exact

# The Luhn sum of the implied prefix 80840 is 24 (CMS, "Requirements for NPI Check Digit").
PREFIX_SUM = 24


def npi_check_digit(first9: str) -> int:
    total = PREFIX_SUM
    for i, ch in enumerate(reversed(first9)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    # The final `% 10` matters: a total ending in 0 has check digit 0, not 10.
    return (10 - total % 10) % 10


def is_valid_npi(value: str) -> bool:
    return (
        len(value) == 10
        and value.isascii()
        and value.isdigit()
        and npi_check_digit(value[:9]) == int(value[9])
    )


def validate_npi(value: str) -> None:
    if not is_valid_npi(value):
        raise ValidationError(
            "%(value)s is not a valid NPI: it needs 10 digits with a correct check digit.",
            code="invalid_npi",
            params={"value": value},
        )


def npi_check_constraint(field: str) -> Q:
    """The same rule in SQL, for a CHECK constraint: ten digits whose Luhn total ends in 0."""

    def digit(position: int):
        return Cast(Substr(F(field), position, 1), IntegerField())

    def doubled(position: int):
        # 2d with its two digits added: 2d - 9 when d >= 5 (d / 5 is integer division).
        d = digit(position)
        return d * 2 - (d / 5) * 9

    terms = [doubled(p) if p % 2 == 1 else digit(p) for p in range(1, 11)]
    total = reduce(lambda a, b: a + b, terms, Value(PREFIX_SUM))
    # The CASE keeps PostgreSQL from casting a non-digit before the pattern has refused it.
    remainder = Case(
        When(Q(**{f"{field}__regex": r"^[0-9]{10}$"}), then=total % 10),
        default=Value(1),
        output_field=IntegerField(),
    )
    return Q(**{f"{field}__isnull": True}) | Q(Exact(remainder, 0))
