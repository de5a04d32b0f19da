"""The bulk writer: the demo's rows go to the database per chunk, with executemany (SQLite)
or COPY (PostgreSQL), so memory stays flat whatever the scale. Ids, UUID codes and practice
ids are given here, the same on every run. The rows whose ids the simulation needs before
it goes on are written through the ORM: locations here, users in `logins`.
"""

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from liaison.accounts.models import Location
from liaison.care.models import (
    Episode,
    MarketingSpend,
    Outcome,
    Patient,
    Payment,
    Referral,
    Visit,
)
from liaison.demo import draws
from liaison.demo.network import WANTED_SPECIALTIES
from liaison.demo.world import World
from liaison.partners.models import Partner, Specialty, Touchpoint
from liaison.partners.services import specialties_sync
from liaison.reports.models import Report


class Table:
    """Rows of one model waiting to be written; allocates ids, UUID codes and practice ids.

    Columns the generator does not name get the field's default, so that a new optional
    field on a model does not break the seed; `optional` fields are filled from a row's
    `extra` values when the model has them.
    """

    def __init__(
        self,
        model,
        fields: list[str],
        prefix: str,
        width: int,
        seed: int,
        now,
        optional: tuple[str, ...] = (),
    ):
        self.model = model
        self.prefix, self.width = prefix, width
        self.codes = draws.stream(seed, f"codes:{model._meta.db_table}")
        self.now = now
        self.rows: list[tuple] = []
        self.count = 0
        self.first_id = (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        named = ["id", "code", "external_id", "created_at", "updated_at", *fields]
        fields_by_name = {f.name: f for f in model._meta.concrete_fields}
        self.optional = [fields_by_name[n] for n in optional if n in fields_by_name]
        rest = [
            f for f in fields_by_name.values() if f.name not in named and f not in self.optional
        ]
        self.columns = [fields_by_name[n].column for n in named]
        self.columns += [f.column for f in (*self.optional, *rest)]
        self.optional_defaults = [(f.name, _db_default(f)) for f in self.optional]
        self.defaults = tuple(_db_default(f) for f in rest)

    def add(self, *values, extra: dict | None = None) -> int:
        row_id = self.first_id + self.count
        self.count += 1
        # A version-4 UUID from the seeded stream: uuid.UUID(int=..., version=4).hex.
        bits = self.codes.getrandbits(128)
        bits = (bits & ~(0xF000 << 64) | (0x4000 << 64)) & ~(0xC000 << 48) | (0x8000 << 48)
        external_id = f"{self.prefix}{self.count:0{self.width}d}"
        if self.optional_defaults:
            extra = extra or {}
            values += tuple(extra.get(name, default) for name, default in self.optional_defaults)
        self.rows.append(
            (row_id, f"{bits:032x}", external_id, self.now, self.now, *values, *self.defaults)
        )
        return row_id

    def flush(self, cursor) -> None:
        if not self.rows:
            return
        table = connection.ops.quote_name(self.model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        if connection.vendor == "postgresql":
            # COPY is several times faster than INSERT on PostgreSQL.
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in self.rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(self.columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", self.rows)
        self.rows.clear()


def _db_default(model_field) -> object:
    value = model_field.get_default()
    return None if value is None else model_field.get_db_prep_save(value, connection)


TABLES = {
    # name: (model, fields after the Record columns, practice id prefix, digits)
    "partners": (
        Partner,
        [
            "kind",
            "npi",
            "first_name",
            "last_name",
            "organization_name",
            "credentials",
            "taxonomy_code",
            "specialty",
            "works_at",
            "introduced_by",
            *Partner.CONTACT_DETAILS,
            "preferred_channel",
            "stage",
            "owner",
            "notes",
        ],
        "P",
        6,
    ),
    "touchpoints": (
        Touchpoint,
        ["partner", "occurred_on", "kind", "notes", "staff", "cost"],
        "TP",
        7,
    ),
    "patients": (
        Patient,
        [
            "location",
            "first_name",
            "last_name",
            "birth_date",
            "sex",
            "zip",
            "channel",
            "source_partner",
            "created_on",
        ],
        "PT",
        6,
    ),
    "referrals": (
        Referral,
        [
            "patient",
            "partner",
            "location",
            "received_on",
            "reason",
            "icd10_codes",
            "urgency",
            "decision",
            "decided_on",
            "decline_reason",
            "decline_note",
            "alternative",
            "alternative_partner",
        ],
        "R",
        7,
    ),
    "episodes": (
        Episode,
        [
            "patient",
            "referral",
            "location",
            "clinician_name",
            "started_on",
            "planned_visits",
            "planned_weeks",
            "primary_measure",
            "ended_on",
            "discharge_reason",
            "payer",
        ],
        "E",
        7,
    ),
    "visits": (Visit, ["episode", "visit_on", "status"], "V", 8),
    "outcomes": (Outcome, ["episode", "measured_on", "instrument", "score", "items"], "O", 8),
    "payments": (Payment, ["patient", "episode", "paid_on", "amount"], "PAY", 8),
    "reports": (Report, ["referral", "episode", "kind", "due_on", "sent_on", "channel"], "RP", 7),
    "marketing_spend": (
        MarketingSpend,
        [
            "channel",
            "spent_on",
            "amount",
            "location",
            "description",
        ],
        "MS",
        5,
    ),
}
# What a clinician records about an episode, written when the model has the fields.
OPTIONAL = {
    "episodes": (
        "diagnosis_code",
        "diagnosis",
        "visits_per_week",
        "interventions",
        "expected_improvement_weeks",
        "surgical_options_discussed",
        "surgical_discussion",
        "recommendations",
        "referrer_follow_up",
    ),
}
CARE_TABLES = ["patients", "referrals", "episodes", "visits", "outcomes", "payments", "reports"]
WORLD_TABLES = ["partners", "touchpoints", "marketing_spend"]


def open_tables(*, seed: int) -> dict[str, Table]:
    """An empty `Table` per model, its ids following those the database already holds."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return {
        name: Table(model, fields, prefix, width, seed, now, OPTIONAL.get(name, ()))
        for name, (model, fields, prefix, width) in TABLES.items()
    }


def tune(cursor) -> None:
    if connection.vendor == "sqlite":
        # A large page cache keeps the random-UUID indexes in memory while rows pour in.
        cursor.execute("PRAGMA cache_size = -524288")


def write_locations(world: World) -> None:
    for index, site in enumerate(world.sites):
        location = Location(
            name=site.name,
            address=site.address,
            city=site.zip.city,
            state="CO",
            zip=site.zip.code,
            phone=site.phone,
            fax=site.fax,
            external_id=f"L{index + 1:02d}",
        )
        location.code = site.code
        location.save()
        site.location_id = location.id


def mark_wanted_specialties(*, locations: int) -> None:
    specialties_sync()
    for slug, per_site in WANTED_SPECIALTIES.items():
        Specialty.objects.filter(slug=slug).update(
            wanted=True, target_active_partners=per_site * locations
        )


def flush_world(tables: dict[str, Table], cursor) -> None:
    for name in WORLD_TABLES:
        tables[name].flush(cursor)
    if connection.vendor == "postgresql":
        # Check foreign keys row by row from here on, rather than queueing millions of
        # checks in server memory until the commit.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def flush_care(tables: dict[str, Table], cursor, *, analyze: bool) -> None:
    for name in CARE_TABLES:  # parents before children
        tables[name].flush(cursor)
    if analyze and connection.vendor == "postgresql":
        # Autovacuum cannot see this transaction's rows, so the planner would keep the
        # plans it made for near-empty tables (the triggers' lookups become scans, one per
        # row). ANALYZE counts our own rows; the caller redoes it as the tables double.
        cursor.execute("ANALYZE")


def finish(cursor) -> None:
    """Move PostgreSQL's sequences past the ids given explicitly, and leave fresh statistics
    for the first queries on the new data."""
    statements = connection.ops.sequence_reset_sql(no_style(), [t[0] for t in TABLES.values()])
    for sql in statements:
        cursor.execute(sql)
    if connection.vendor == "postgresql":
        cursor.execute("ANALYZE")
