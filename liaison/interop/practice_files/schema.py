"""The practice files as data: which files, which columns, how each maps onto a model.

Everything else in the package (reading, checking, loading, exporting) is driven by
FILES, so a column is described once, here. Text lengths come from the model fields.
"""

import re
from dataclasses import dataclass
from functools import cached_property

from django.db import models

from liaison.accounts.models import Location
from liaison.care.instruments import InstrumentCode
from liaison.care.models import (
    Channel,
    Decision,
    DeclineReason,
    DischargeReason,
    Episode,
    MarketingSpend,
    Outcome,
    Patient,
    Payer,
    Payment,
    Referral,
    Sex,
    Urgency,
    Visit,
    VisitStatus,
)
from liaison.partners.models import (
    DeliveryChannel,
    Partner,
    PartnerKind,
    PartnerStage,
    Touchpoint,
    TouchpointKind,
)
from liaison.partners.specialties import SpecialtySlug
from liaison.reports.models import Report, ReportKind

ID_MAX_LENGTH = 64

# How a value is read. Each type has a parser in validate.py.
ID = "id"  # the row's own practice id: kept as external_id
REF = "ref"  # another row's practice id, in the files or the database
TEXT = "text"
DATE = "date"
COUNT = "count"  # a whole number, not negative
MONEY = "money"  # an amount, not negative
SIGNED_MONEY = "signed_money"  # an amount that may be negative: a refund
SCORE = "score"  # checked against the instrument's scale by a row rule
NPI = "npi"
EMAIL = "email"
CHOICE = "choice"

# The SQL type a staged value is kept in, per engine.
SQL_TYPES = {
    "sqlite": {
        DATE: "text",
        COUNT: "integer",
        MONEY: "numeric",
        SIGNED_MONEY: "numeric",
        SCORE: "numeric",
    },
    "postgresql": {
        DATE: "date",
        COUNT: "integer",
        MONEY: "numeric",
        SIGNED_MONEY: "numeric",
        SCORE: "numeric",
    },
}
# The SQL type of a row's natural sort key (bytes compared byte by byte on both engines).
SORT_KEY_TYPES = {"sqlite": "blob", "postgresql": "bytea"}

_DIGIT_RUN = re.compile(r"[0-9]+")
# The usual shape of a practice id, one run of digits at the end (V00012345, O10): a
# shortcut worth having at millions of rows.
_ONE_TRAILING_RUN = re.compile(r"([^0-9]*)0*([0-9]+)")


def _number(digits: str) -> str:
    # '0' opens a number (outside a number, no character of an id is a digit), then its
    # length, so that a shorter number sorts first, then its digits; leading zeros drop.
    digits = digits.lstrip("0") or "0"
    return f"0{chr(ord('0') + len(digits))}{digits}"


def natural_key(practice_id: str) -> bytes:
    """The sort key that puts practice ids in natural order: runs of digits compare as
    numbers (O9 < O10, A2B10 < A10B2), everything else character by character. Ids equal
    but for leading zeros (O7, O007) then compare as plain text, so the order is total.

    New rows of a file are recorded in this order, never in the order of the file's lines.
    """
    match = _ONE_TRAILING_RUN.fullmatch(practice_id)
    if match:
        head, digits = match.groups()
        encoded = head + _number(digits)
    else:
        encoded = _DIGIT_RUN.sub(lambda run: _number(run.group()), practice_id)
    # NUL never occurs in an id: what follows breaks ties only.
    return f"{encoded}\0{practice_id}".encode()


@dataclass(frozen=True)
class Column:
    name: str
    type: str = TEXT
    required: bool = False
    field: str | None = None  # the model field; None for the id (it is `external_id`)
    choices: tuple[str, ...] = ()
    default: str | None = None  # what an empty value stands for
    ref: str | None = None  # the file a REF points into

    def sql_type(self, vendor: str) -> str:
        return SQL_TYPES[vendor].get(self.type, "text")


@dataclass(frozen=True)
class FileSpec:
    name: str  # "visits.csv"
    model: type[models.Model]
    columns: tuple[Column, ...]

    @property
    def stem(self) -> str:
        return self.name.removesuffix(".csv")

    @property
    def id_column(self) -> Column:
        return self.columns[0]

    @cached_property
    def by_name(self) -> dict[str, Column]:
        return {c.name: c for c in self.columns}

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def stage_table(self) -> str:
        return f"liaison_stage_{self.stem}"

    def db_column(self, column: Column) -> str:
        return self.model._meta.get_field(column.field).column

    def max_length(self, column: Column) -> int | None:
        """The longest value the column's database field takes (an id: 64 characters)."""
        if column.type in (ID, REF):
            return ID_MAX_LENGTH
        return getattr(self.model._meta.get_field(column.field), "max_length", None)

    def is_nullable(self, column: Column) -> bool:
        """Whether an empty value is stored as NULL (otherwise as '' or its default)."""
        if column.type == REF:
            return True
        return self.model._meta.get_field(column.field or "external_id").null


def _choices(enum) -> tuple[str, ...]:
    return tuple(enum.values)


ADDRESS = (
    Column("address", field="address"),
    Column("city", field="city"),
    Column("state", field="state"),
    Column("zip", field="zip"),
)

LOCATIONS = FileSpec(
    "locations.csv",
    Location,
    (
        Column("location_id", ID, required=True),
        Column("name", required=True, field="name"),
        *ADDRESS,
    ),
)

PARTNERS = FileSpec(
    "partners.csv",
    Partner,
    (
        Column("partner_id", ID, required=True),
        Column("kind", CHOICE, required=True, field="kind", choices=_choices(PartnerKind)),
        Column("npi", NPI, field="npi"),
        Column("first_name", field="first_name"),
        Column("last_name", field="last_name"),
        Column("organization_name", field="organization_name"),
        Column("credentials", field="credentials"),
        Column("taxonomy_code", field="taxonomy_code"),
        # Empty: derived from taxonomy_code (validate.py).
        Column("specialty", CHOICE, field="specialty", choices=_choices(SpecialtySlug)),
        Column("works_at", REF, field="works_at", ref="partners.csv"),
        *ADDRESS,
        Column("phone", field="phone"),
        Column("fax", field="fax"),
        Column("email", EMAIL, field="email"),
        Column(
            "preferred_channel",
            CHOICE,
            field="preferred_channel",
            choices=_choices(DeliveryChannel),
            default=DeliveryChannel.FAX,
        ),
        Column(
            "stage",
            CHOICE,
            field="stage",
            choices=_choices(PartnerStage),
            default=PartnerStage.PROSPECT,
        ),
        Column("introduced_by", REF, field="introduced_by", ref="partners.csv"),
    ),
)

PATIENTS = FileSpec(
    "patients.csv",
    Patient,
    (
        Column("patient_id", ID, required=True),
        Column("location_id", REF, required=True, field="location", ref="locations.csv"),
        Column("first_name", required=True, field="first_name"),
        Column("last_name", required=True, field="last_name"),
        Column("birth_date", DATE, field="birth_date"),
        Column("sex", CHOICE, field="sex", choices=_choices(Sex), default=Sex.UNKNOWN),
        Column("zip", field="zip"),
        Column("channel", CHOICE, required=True, field="channel", choices=_choices(Channel)),
        Column("source_partner_id", REF, field="source_partner", ref="partners.csv"),
        Column("created_on", DATE, field="created_on"),
    ),
)

REFERRALS = FileSpec(
    "referrals.csv",
    Referral,
    (
        Column("referral_id", ID, required=True),
        Column("patient_id", REF, required=True, field="patient", ref="patients.csv"),
        Column("partner_id", REF, required=True, field="partner", ref="partners.csv"),
        Column("received_on", DATE, required=True, field="received_on"),
        Column("location_id", REF, field="location", ref="locations.csv"),
        Column("reason", field="reason"),
        Column("icd10_codes", field="icd10_codes"),
        Column(
            "urgency", CHOICE, field="urgency", choices=_choices(Urgency), default=Urgency.ROUTINE
        ),
        Column("decision", CHOICE, field="decision", choices=_choices(Decision)),
        Column("decided_on", DATE, field="decided_on"),
        Column("decline_reason", CHOICE, field="decline_reason", choices=_choices(DeclineReason)),
        # Ours, beyond the shared format: the reason in words, as the referrer will read it.
        Column("decline_note", field="decline_note"),
        Column("alternative", field="alternative"),
    ),
)

EPISODES = FileSpec(
    "episodes.csv",
    Episode,
    (
        Column("episode_id", ID, required=True),
        Column("patient_id", REF, required=True, field="patient", ref="patients.csv"),
        Column("referral_id", REF, field="referral", ref="referrals.csv"),
        Column("location_id", REF, field="location", ref="locations.csv"),
        # As written; the import links it to the user of that name (care's services).
        Column("clinician", field="clinician_name"),
        Column("started_on", DATE, required=True, field="started_on"),
        Column("planned_visits", COUNT, field="planned_visits"),
        Column("planned_weeks", COUNT, field="planned_weeks"),
        Column(
            "primary_measure", CHOICE, field="primary_measure", choices=_choices(InstrumentCode)
        ),
        Column("ended_on", DATE, field="ended_on"),
        Column(
            "discharge_reason",
            CHOICE,
            field="discharge_reason",
            choices=_choices(DischargeReason),
        ),
        Column("payer", CHOICE, field="payer", choices=_choices(Payer)),
    ),
)

VISITS = FileSpec(
    "visits.csv",
    Visit,
    (
        Column("visit_id", ID, required=True),
        Column("episode_id", REF, required=True, field="episode", ref="episodes.csv"),
        Column("visit_on", DATE, required=True, field="visit_on"),
        Column("status", CHOICE, required=True, field="status", choices=_choices(VisitStatus)),
    ),
)

OUTCOMES = FileSpec(
    "outcomes.csv",
    Outcome,
    (
        Column("outcome_id", ID, required=True),
        Column("episode_id", REF, required=True, field="episode", ref="episodes.csv"),
        Column("measured_on", DATE, required=True, field="measured_on"),
        Column(
            "instrument",
            CHOICE,
            required=True,
            field="instrument",
            choices=_choices(InstrumentCode),
        ),
        Column("score", SCORE, required=True, field="score"),
    ),
)

PAYMENTS = FileSpec(
    "payments.csv",
    Payment,
    (
        Column("payment_id", ID, required=True),
        Column("patient_id", REF, required=True, field="patient", ref="patients.csv"),
        Column("episode_id", REF, field="episode", ref="episodes.csv"),
        Column("paid_on", DATE, required=True, field="paid_on"),
        Column("amount", SIGNED_MONEY, required=True, field="amount"),
    ),
)

TOUCHPOINTS = FileSpec(
    "touchpoints.csv",
    Touchpoint,
    (
        Column("touchpoint_id", ID, required=True),
        Column("partner_id", REF, required=True, field="partner", ref="partners.csv"),
        Column("occurred_on", DATE, required=True, field="occurred_on"),
        Column("kind", CHOICE, required=True, field="kind", choices=_choices(TouchpointKind)),
        Column("notes", field="notes"),
        Column("staff", field="staff"),
        Column("cost", MONEY, field="cost"),
    ),
)

MARKETING_SPEND = FileSpec(
    "marketing_spend.csv",
    MarketingSpend,
    (
        Column("spend_id", ID, required=True),
        Column("channel", CHOICE, required=True, field="channel", choices=_choices(Channel)),
        Column("spent_on", DATE, required=True, field="spent_on"),
        Column("amount", MONEY, required=True, field="amount"),
        # Empty: spent for the whole practice.
        Column("location_id", REF, field="location", ref="locations.csv"),
        Column("description", field="description"),
    ),
)

REPORTS = FileSpec(
    "reports.csv",
    Report,
    (
        Column("report_id", ID, required=True),
        Column("referral_id", REF, required=True, field="referral", ref="referrals.csv"),
        Column("episode_id", REF, field="episode", ref="episodes.csv"),
        Column("kind", CHOICE, required=True, field="kind", choices=_choices(ReportKind)),
        # Empty: computed by the communication rules once everything else is loaded (due.py).
        Column("due_on", DATE, field="due_on"),
        Column("sent_on", DATE, field="sent_on"),
        Column("channel", CHOICE, field="channel", choices=_choices(DeliveryChannel)),
    ),
)

# In the order they load: every file refers only to itself and to files above it.
FILES: tuple[FileSpec, ...] = (
    LOCATIONS,
    PARTNERS,
    PATIENTS,
    REFERRALS,
    EPISODES,
    VISITS,
    OUTCOMES,
    PAYMENTS,
    TOUCHPOINTS,
    MARKETING_SPEND,
    REPORTS,
)
BY_NAME: dict[str, FileSpec] = {spec.name: spec for spec in FILES}
RANK: dict[str, int] = {spec.name: rank for rank, spec in enumerate(FILES)}
