"""Row checks: each value alone (types, enumerations, lengths) and each row's own rules.

Checks that need other rows or other files (duplicates, references, the database) run in
SQL over the staging tables: see crosscheck.py.
"""

import datetime as dt
import re
from collections.abc import Callable, Iterator

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from liaison.care.instruments import INSTRUMENTS
from liaison.core.dates import implausible
from liaison.core.npi import npi_check_digit
from liaison.interop.practice_files import schema
from liaison.interop.practice_files.reader import bad_byte
from liaison.interop.practice_files.schema import Column, FileSpec
from liaison.partners.specialties import specialty_for_taxonomy


class Invalid(Exception):
    """A value that cannot be taken; the message completes `column: ...`."""


class _Invalid:
    def __repr__(self) -> str:
        return "INVALID"


# Stands in a parsed row for a value that failed its check, so row rules can skip it.
INVALID = _Invalid()

MONEY = re.compile(r"-?\d{1,10}(\.\d{1,2})?")
NUMBER = re.compile(r"-?\d+(\.\d+)?")
WHOLE = re.compile(r"-?\d+")
# The largest value of a PostgreSQL `integer`, which IntegerField is.
INTEGER_MAX = 2_147_483_647


def parse_date(raw: str) -> str:
    if len(raw) != 10 or raw[4] != "-" or raw[7] != "-":
        raise Invalid(f"{raw} is not a date (YYYY-MM-DD)")
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise Invalid(f"{raw} is not a date (YYYY-MM-DD)") from None
    # Outside these years a date is a typing slip, not history (a birth in 0197, a visit in
    # 2204): the rule every form and the API apply too.
    if problem := implausible(day):
        raise Invalid(problem.removesuffix("."))
    return raw


def parse_count(raw: str) -> int:
    if not WHOLE.fullmatch(raw):
        raise Invalid(f"{raw} is not a whole number")
    value = int(raw)
    if value < 0:
        raise Invalid(f"{raw} is negative")
    if value > INTEGER_MAX:
        raise Invalid(f"{raw} is too large")
    return value


def parse_signed_money(raw: str) -> str:
    if not MONEY.fullmatch(raw):
        raise Invalid(f"{raw} is not an amount like 125.00 (digits, a dot, at most 2 decimals)")
    return raw


def parse_money(raw: str) -> str:
    value = parse_signed_money(raw)
    if value.startswith("-"):
        raise Invalid(f"{raw} is negative")
    return value


def parse_score(raw: str) -> str:
    if not NUMBER.fullmatch(raw):
        raise Invalid(f"{raw} is not a number")
    if "." in raw and len(raw.partition(".")[2]) > 2:
        raise Invalid(f"{raw} has more than 2 decimals")
    return raw


def parse_npi(raw: str) -> str:
    if len(raw) != 10 or not raw.isascii() or not raw.isdigit():
        raise Invalid(f"{raw} is not an NPI: it has 10 digits")
    if npi_check_digit(raw[:9]) != int(raw[9]):
        raise Invalid(
            f"{raw} fails the NPI check digit (the last digit should be {npi_check_digit(raw[:9])})"
        )
    return raw


def parse_email(raw: str) -> str:
    try:
        validate_email(raw)
    except ValidationError:
        raise Invalid(f"{raw} is not an email address") from None
    return raw


PARSERS: dict[str, Callable[[str], object]] = {
    schema.DATE: parse_date,
    schema.COUNT: parse_count,
    schema.MONEY: parse_money,
    schema.SIGNED_MONEY: parse_signed_money,
    schema.SCORE: parse_score,
    schema.NPI: parse_npi,
    schema.EMAIL: parse_email,
}


def value_parser(spec: FileSpec, column: Column) -> Callable[[str], object]:
    """A function from a stripped raw value to the value staged for it, or Invalid."""
    limit = spec.max_length(column) or 0
    typed = PARSERS.get(column.type)
    if column.type in (schema.MONEY, schema.SIGNED_MONEY):
        typed = _within_digits(typed, spec.model._meta.get_field(column.field))
    choices = frozenset(column.choices)
    listed = ", ".join(column.choices)
    empty = _empty_value(spec, column)
    required = column.required

    def parse(raw: str):
        if not raw:
            if required:
                raise Invalid("is required")
            return empty
        if limit and len(raw) > limit:
            raise Invalid(f"is {len(raw)} characters long; the limit is {limit}")
        if choices:
            if raw in choices:
                return raw
            raise Invalid(f"{raw} is not one of {listed}")
        return typed(raw) if typed else raw

    return parse


def _within_digits(parse: Callable[[str], str], field) -> Callable[[str], str]:
    """`parse`, refusing amounts too large for the field (a touchpoint's cost has fewer
    digits than a payment)."""
    whole_digits = field.max_digits - field.decimal_places
    largest = "9" * whole_digits + "." + "9" * field.decimal_places

    def parse_within(raw: str) -> str:
        value = parse(raw)
        if len(value.lstrip("-").partition(".")[0].lstrip("0")) > whole_digits:
            raise Invalid(f"{raw} is too large (at most {largest})")
        return value

    return parse_within


def _empty_value(spec: FileSpec, column: Column):
    if column.default is not None:
        return column.default
    if column.type in (schema.TEXT, schema.EMAIL) and not spec.is_nullable(column):
        return ""
    return None


# ---------------------------------------------------------------------------------------
# Row rules: one file's rules across the columns of one row. Each yields (column, message)
# and mends the row where the format says an empty value is derived.
# ---------------------------------------------------------------------------------------

Row = dict[str, object]


def known(*values) -> bool:
    return all(v is not None and v is not INVALID for v in values)


def _partner_rules(row: Row) -> Iterator[tuple[str, str]]:
    kind = row["kind"]
    if kind == "person" and row["last_name"] == "":
        yield "last_name", "is required for a person"
    if kind == "organization" and row["organization_name"] == "":
        yield "organization_name", "is required for an organization"
    if row["specialty"] is None:
        code = row["taxonomy_code"]
        row["specialty"] = specialty_for_taxonomy(code if known(code) else "")
    for column in ("works_at", "introduced_by"):
        if known(row[column]) and row[column] == row["partner_id"]:
            yield column, "is the partner itself"


def _patient_rules(row: Row) -> Iterator[tuple[str, str]]:
    if row["channel"] == "referral" and row["source_partner_id"] is None:
        yield "source_partner_id", "is required when the channel is referral"
    born = row["birth_date"]
    if born is not None and str(born) > timezone.localdate().isoformat():
        yield "birth_date", f"{born} is in the future"


def _referral_rules(row: Row) -> Iterator[tuple[str, str]]:
    decision, decided_on, reason = row["decision"], row["decided_on"], row["decline_reason"]
    received_on = row["received_on"]
    if known(decided_on, received_on) and decided_on < received_on:
        yield "decided_on", f"{decided_on} is before received_on {received_on}"
    if known(decided_on) and decision is None:
        yield "decided_on", "needs a decision"
    if decision == "declined" and reason is None:
        yield "decline_reason", "is required when the decision is declined"
    if known(reason) and decision is not INVALID and decision != "declined":
        yield "decline_reason", "is only for a declined referral"
    note = row["decline_note"]
    if known(note) and note and decision not in ("declined", INVALID):
        yield "decline_note", "is only for a declined referral"


def _episode_rules(row: Row) -> Iterator[tuple[str, str]]:
    started_on, ended_on = row["started_on"], row["ended_on"]
    if known(started_on, ended_on) and ended_on < started_on:
        yield "ended_on", f"{ended_on} is before started_on {started_on}"
    if known(row["discharge_reason"]) and ended_on is None:
        yield "discharge_reason", "needs ended_on"


def _outcome_rules(row: Row) -> Iterator[tuple[str, str]]:
    instrument, score = row["instrument"], row["score"]
    if known(instrument, score):
        scale = INSTRUMENTS[instrument]
        # float is exact enough here: the ends of every scale are whole numbers.
        if not scale.minimum <= float(score) <= scale.maximum:
            yield (
                "score",
                (f"{score} is outside the {instrument} scale {scale.minimum}–{scale.maximum}"),
            )


def _report_rules(row: Row) -> Iterator[tuple[str, str]]:
    if row["kind"] == "discharge" and row["episode_id"] is None:
        yield "episode_id", "is required for a discharge report"


ROW_RULES: dict[str, Callable[[Row], Iterator[tuple[str, str]]]] = {
    "partners.csv": _partner_rules,
    "patients.csv": _patient_rules,
    "referrals.csv": _referral_rules,
    "episodes.csv": _episode_rules,
    "outcomes.csv": _outcome_rules,
    "reports.csv": _report_rules,
}


# ---------------------------------------------------------------------------------------
# The header, then each row.
# ---------------------------------------------------------------------------------------


def header_errors(spec: FileSpec, header: list[str]) -> tuple[list[tuple[str, str]], bool]:
    """(column, message) for each header problem, and whether the rows can still be read."""
    errors = []
    seen = set()
    for name in header:
        if name in seen:
            errors.append((name, "column appears twice"))
        seen.add(name)
        if name not in spec.by_name:
            errors.append((name or "(empty)", "unknown column"))
    missing = [name for name in spec.required if name not in seen]
    errors += [(name, "required column is missing") for name in missing]
    usable = not missing and len(seen) == len(header)
    return errors, usable


def _bad_byte_message(byte: int) -> str:
    if byte == 0:
        return "holds a NUL byte (0x00), which text cannot"
    return f"is not UTF-8 text (byte 0x{byte:02X}); save the file as UTF-8"


REMEMBERED = 10_000  # good values remembered per column, the latest ones


def _remembering(parse: Callable[[str], object], *, unique: bool) -> tuple[dict, Callable]:
    """A dict of the good values seen in a column, and a parse that fills it: values repeat
    (a date, an amount, the episode of a run of visits), and one seen needs no parsing. A
    column of unique values (the file's own ids) gets an empty dict and the plain parse."""
    good: dict[str, object] = {}
    if unique:
        return good, parse

    def parse_remembered(raw: str):
        value = parse(raw)  # raises Invalid: only good values are remembered
        if len(good) >= REMEMBERED:
            good.clear()  # start again from the values of this part of the file
        good[raw] = value
        return value

    return good, parse_remembered


class RowChecker:
    """Checks one file's rows against its header; returns what to stage and the errors."""

    def __init__(self, spec: FileSpec, header: list[str]):
        self.spec = spec
        self.width = len(header)
        position = {name: i for i, name in enumerate(header)}
        self.plan = [
            (column.name, position.get(column.name, self.width), value_parser(spec, column))
            for column in spec.columns
        ]
        # The common case's plan: (index, the good values seen, parse remembering them).
        self.fast = [
            (index, *_remembering(parse, unique=column is spec.id_column))
            for (_, index, parse), column in zip(self.plan, spec.columns, strict=True)
        ]
        self.rules = ROW_RULES.get(spec.name)

    def check(self, values: list[str], check_bytes: bool) -> tuple[list | None, list]:
        """The staged values (in spec column order) or None, and (column, message) errors."""
        if len(values) != self.width:
            return None, [("row", f"has {len(values)} values; the header has {self.width}")]
        # An absent column reads as the empty value at index `width`.
        values.append("")
        if check_bytes:
            parsed, errors = self._check_each(values, check_bytes)
        else:
            try:
                # The common case, once per row of a big file: every value good.
                # A value seen before in the column (a date, an amount) needs no parsing.
                parsed = [
                    good[v] if (v := values[i].strip()) in good else parse(v)
                    for i, good, parse in self.fast
                ]
                errors = []
            except Invalid:
                parsed, errors = self._check_each(values, check_bytes)
        if self.rules is not None:
            row = dict(zip(self.spec.by_name, parsed, strict=True))
            errors += self.rules(row)
            parsed = list(row.values())
        if errors:
            # Invalid values are staged empty: the row still answers references to its id.
            parsed = [None if v is INVALID else v for v in parsed]
            raw_id = values[self.plan[0][1]]
            if parsed[0] is None and bad_byte(raw_id) is None:
                parsed[0] = raw_id.strip() or None
        return parsed, errors

    def _check_each(self, values: list[str], check_bytes: bool) -> tuple[list, list]:
        """Every value checked on its own, collecting every error of the row."""
        errors, parsed = [], []
        for name, index, parse in self.plan:
            raw = values[index].strip()
            if check_bytes and (byte := bad_byte(raw)) is not None:
                errors.append((name, _bad_byte_message(byte)))
                parsed.append(INVALID)
                continue
            try:
                parsed.append(parse(raw))
            except Invalid as error:
                errors.append((name, str(error)))
                parsed.append(INVALID)
        return parsed, errors
