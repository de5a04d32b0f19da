"""The data version: a counter per topic in insights_dataversion that the database itself
advances, by triggers on the tables each topic's kept values read, whatever writes them
(services, the admin, an import, raw SQL). Kept figures (kept.py) are keyed by the counters, so
a committed write is seen by the next read in every worker and host.

Three topics, so that a write recomputes only what reads it: the figures (care, partners,
specialties, marketing spend, the practice's settings, and touchpoints with a cost: referral
spend), the reports (the reports and communication preferences: writing or sending a report does
not recompute every scorecard) and the contacts (touchpoints: a contact logged counts at once,
without recomputing the scorecards).

SQLite has row triggers only; PostgreSQL advances a counter once per statement that wrote
rows (FOR EACH STATEMENT), however many it wrote. The triggers are taken down and put back
with the facts' (facts.py), so an import or a seed under `facts.suspended()` advances every
counter once when the facts are rebuilt, not once per row.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "insights_dataversion"
# The reports' topic keeps its first name, "letters": the counters' rows and the triggers'
# names hold it.
FIGURES, REPORTS, CONTACTS = "figures", "letters", "contacts"
TOPICS = (FIGURES, REPORTS, CONTACTS)

# topic -> the tables whose every write advances it.
WATCHED = {
    FIGURES: [
        "care_patient",
        "care_referral",
        "care_episode",
        "care_visit",
        "care_outcome",
        "care_payment",
        "care_marketingspend",
        "partners_partner",
        "partners_specialty",
        "core_practicesettings",
    ],
    REPORTS: ["correspondence_report", "correspondence_communicationpreference"],
    CONTACTS: ["partners_touchpoint"],
}
# (topic, table, event, condition): rows that advance a topic only when the condition holds
# (row triggers on both engines). A touchpoint's cost is referral spend: a figure.
WATCHED_ROWS = [
    (FIGURES, "partners_touchpoint", "INSERT", "NEW.cost IS NOT NULL"),
    (FIGURES, "partners_touchpoint", "UPDATE", "OLD.cost IS NOT NULL OR NEW.cost IS NOT NULL"),
    (FIGURES, "partners_touchpoint", "DELETE", "OLD.cost IS NOT NULL"),
]
EVENTS = ("INSERT", "UPDATE", "DELETE")


# Microseconds since 1970 on the database's clock.
NOW = {
    "sqlite": "CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER)",
    "postgresql": "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000 AS BIGINT)",
}
GREATEST = {"sqlite": "MAX", "postgresql": "GREATEST"}


def advance_sql(vendor: str, topic: str) -> str:
    """The counter goes up by one, and to the clock's microseconds at least: a transaction
    rolled back takes its advances with it, and a figure it kept must not be read again under
    the next write's counter (nor after a backup is restored)."""
    now = NOW[vendor]
    return (
        f"INSERT INTO {TABLE} (topic, counter) VALUES ('{topic}', {now}) "
        f"ON CONFLICT (topic) DO UPDATE SET counter = "
        f"{GREATEST[vendor]}({TABLE}.counter + 1, {now})"
    )


def _trigger(topic: str, table: str, event: str = "") -> str:
    return f"insights_version_{topic}_{table}" + (f"_{event.lower()}" if event else "")


def _function(topic: str) -> str:
    return f"insights_version_{topic}"


def _every_write() -> list[tuple]:
    """(topic, table, event, no condition) for every write of every watched table."""
    return [
        (topic, table, event, None)
        for topic, tables in WATCHED.items()
        for table in tables
        for event in EVENTS
    ]


def sqlite_statements(tables: set[str]) -> list[str]:
    return [
        f"CREATE TRIGGER {_trigger(topic, table, event)} AFTER {event} ON {table}"
        + (f" WHEN {when}" if when else "")
        + f" BEGIN {advance_sql('sqlite', topic)}; END"
        for topic, table, event, when in [*_every_write(), *WATCHED_ROWS]
        if table in tables
    ]


# The rows a statement wrote, as PostgreSQL hands them to a statement trigger.
CHANGED = {"INSERT": "NEW", "UPDATE": "NEW", "DELETE": "OLD"}


def postgres_function(topic: str) -> str:
    """Advances the topic once per statement that wrote a row (an UPDATE matching none does
    not: a second import of the same files changes nothing), and once per row a row trigger
    fires for."""
    return (
        f"CREATE OR REPLACE FUNCTION {_function(topic)}() RETURNS trigger AS $$ BEGIN "
        f"IF TG_LEVEL = 'ROW' OR TG_OP = 'TRUNCATE' THEN {advance_sql('postgresql', topic)}; "
        f"ELSIF EXISTS (SELECT 1 FROM changed) THEN {advance_sql('postgresql', topic)}; "
        f"END IF; RETURN NULL; END; $$ LANGUAGE plpgsql"
    )


def postgres_statements(tables: set[str]) -> list[str]:
    # A trigger's name is its table's own on PostgreSQL: the topic and the event make it.
    statements = [
        f"CREATE TRIGGER {_function(topic)}_{event.lower()} AFTER {event} ON {table} "
        f"REFERENCING {CHANGED[event]} TABLE AS changed "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {_function(topic)}()"
        for topic, table, event, _ in _every_write()
        if table in tables
    ]
    truncates = [
        f"CREATE TRIGGER {_function(topic)}_truncate AFTER TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {_function(topic)}()"
        for topic, watched in WATCHED.items()
        for table in watched
        if table in tables
    ]
    rows = [
        f"CREATE TRIGGER {_function(topic)}_{event.lower()}_row AFTER {event} ON {table} "
        f"FOR EACH ROW WHEN ({when}) EXECUTE FUNCTION {_function(topic)}()"
        for topic, table, event, when in WATCHED_ROWS
        if table in tables
    ]
    return [*map(postgres_function, TOPICS), *statements, *truncates, *rows]


def install_statements(vendor: str, tables: set[str]) -> list[str]:
    """The triggers on those of the watched `tables` that exist (none without the counters'
    own table: a migration may stop short of it)."""
    if TABLE not in tables:
        return []
    return sqlite_statements(tables) if vendor == "sqlite" else postgres_statements(tables)


def drop_statements(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {_trigger(topic, table, event)}"
            for topic, table, event, _ in [*_every_write(), *WATCHED_ROWS]
        ]
    # Dropping the functions drops every trigger that calls them.
    return [f"DROP FUNCTION IF EXISTS {_function(topic)}() CASCADE" for topic in TOPICS]


def advance(connection: BaseDatabaseWrapper) -> None:
    """Advance every topic: for a write the triggers did not see (a rebuild, a bulk load)."""
    with connection.cursor() as cursor:
        for topic in TOPICS:
            cursor.execute(advance_sql(connection.vendor, topic))


# ----- Reading it ------------------------------------------------------------------------

# The counters read once for the request under way (None outside one: every read asks).
_read: ContextVar[dict[str, int] | None] = ContextVar("liaison_data_version", default=None)


def data_version() -> dict[str, int]:
    """Every topic's counter, in one query (once per request that reads figures)."""
    held = _read.get()
    if held:
        return held
    with default_connection.cursor() as cursor:
        cursor.execute(f"SELECT topic, counter FROM {TABLE}")
        counters = dict(cursor.fetchall())
    version = {topic: counters.get(topic, 0) for topic in TOPICS}
    if held is not None:
        held.update(version)
    return version


@contextmanager
def read_once():
    """Within the block, the counters are read at most once."""
    token = _read.set({})
    try:
        yield
    finally:
        _read.reset(token)


class ReadOnceMiddleware:
    """A page that only reads (GET, HEAD) reads the data version once, however many kept
    figures it shows. A request that may write reads it at each figure, after its writes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        with read_once():
            return self.get_response(request)
