"""insights_patientfacts, insights_episodefacts and insights_channelmonth, kept current by the
database itself, whatever writes the care tables: services, admin, practice-file import, demo
seed, raw SQL.

Inserts, the bulk of every write, update the facts incrementally; updates and deletes
recompute the patient's (or the episode's) facts from scratch, which is always right. The
sums per month follow the patient facts through triggers of their own: each change takes the
old row off its month and adds the new one.

SQLite drops a table's triggers when a migration rebuilds the table (as it does to change a
constraint), and a trigger firing in the middle of such a rebuild can break it. So the
triggers are taken down before every `migrate` and put back after it, and the facts are then
rebuilt from the records whenever a migration ran (a data migration may have changed them).
"""

from contextlib import contextmanager

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

from liaison.insights import data_version

FACTS = "insights_patientfacts"
ATTENDED = "'attended'"


def cents(amount: str) -> str:
    return f"CAST(ROUND({amount} * 100) AS BIGINT)"


# The payments a patient's facts sum, each over the days [first visit, first visit + n]: the
# first year's and the first two years' (docs/metrics.md, "Channels": ltv_12m and ltv_24m).
PAID_SPANS = {"first_year_cents": 364, "first_two_years_cents": 729}


def plus_days(vendor: str, day: str, n: int) -> str:
    return f"date({day}, '+{n} days')" if vendor == "sqlite" else f"({day} + {n})"


def paid_in_span(vendor: str, patient: str, first_visit: str, n: int) -> str:
    """The cents `patient` paid in [first_visit, first_visit + n days] (SQL expressions)."""
    return f"""(SELECT COALESCE(SUM({cents("pay.amount")}), 0) FROM care_payment pay
        WHERE pay.patient_id = {patient} AND pay.paid_on >= {first_visit}
        AND pay.paid_on <= {plus_days(vendor, first_visit, n)})"""


def paid_sums(vendor: str, patient: str, first_visit: str) -> str:
    """`column = (its payments)` for each span, to SET."""
    return ", ".join(
        f"{column} = {paid_in_span(vendor, patient, first_visit, n)}"
        for column, n in PAID_SPANS.items()
    )


def refresh(vendor: str, patient: str) -> list[str]:
    """Statements that recompute one patient's facts (`patient` is an SQL expression)."""
    return [
        f"""UPDATE {FACTS} SET
            first_visit_on = (
                SELECT MIN(v.visit_on) FROM care_visit v
                JOIN care_episode e ON e.id = v.episode_id
                WHERE e.patient_id = {patient} AND v.status = {ATTENDED}),
            second_episode_on = (
                SELECT e.started_on FROM care_episode e WHERE e.patient_id = {patient}
                ORDER BY e.started_on LIMIT 1 OFFSET 1)
        WHERE patient_id = {patient}""",
        f"""UPDATE {FACTS} SET {paid_sums(vendor, patient, f"{FACTS}.first_visit_on")}
        WHERE patient_id = {patient}""",
    ]


def patient_insert(vendor: str, new: str = "NEW") -> list[str]:
    return [
        f"""INSERT INTO {FACTS}
            (patient_id, channel, location_id, zip, {", ".join(PAID_SPANS)})
            VALUES ({new}.id, {new}.channel, {new}.location_id, {new}.zip,
                {", ".join("0" for _ in PAID_SPANS)})""",
        *refresh(vendor, f"{new}.id"),
    ]


def patient_update() -> list[str]:
    return [
        f"""UPDATE {FACTS} SET channel = NEW.channel, location_id = NEW.location_id,
            zip = NEW.zip WHERE patient_id = NEW.id"""
    ]


def patient_delete() -> list[str]:
    return [f"DELETE FROM {FACTS} WHERE patient_id = OLD.id"]


def episode_patient(row: str) -> str:
    return f"(SELECT patient_id FROM care_episode WHERE id = {row}.episode_id)"


def visit_insert(vendor: str) -> list[str]:
    """An attended visit earlier than the known first visit becomes the first visit."""
    return [
        f"""UPDATE {FACTS} SET first_visit_on = NEW.visit_on,
            {paid_sums(vendor, f"{FACTS}.patient_id", "NEW.visit_on")}
        WHERE patient_id = {episode_patient("NEW")}
        AND (first_visit_on IS NULL OR first_visit_on > NEW.visit_on)"""
    ]


def payment_insert(vendor: str) -> list[str]:
    """A payment adds to each span of its payer's facts that it falls in (one UPDATE, so
    that the month sums follow once)."""
    cut = {n: plus_days(vendor, "first_visit_on", n) for n in PAID_SPANS.values()}
    sums = ", ".join(
        f"{column} = {column} + CASE WHEN NEW.paid_on <= {cut[n]} "
        f"THEN {cents('NEW.amount')} ELSE 0 END"
        for column, n in PAID_SPANS.items()
    )
    return [
        f"""UPDATE {FACTS} SET {sums}
        WHERE patient_id = NEW.patient_id AND NEW.paid_on >= first_visit_on
        AND NEW.paid_on <= {cut[max(PAID_SPANS.values())]}"""
    ]


def both(vendor: str, old: str, new: str) -> list[str]:
    """Recompute the patients of the old and the new row (the same patient, usually)."""
    return [*refresh(vendor, old), *refresh(vendor, new)]


def changed(columns: list[str]) -> str:
    return " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)


EPISODE_FACTS = "insights_episodefacts"


def refresh_visits(episode: str) -> list[str]:
    attended = f"FROM care_visit v WHERE v.episode_id = {episode} AND v.status = {ATTENDED}"
    return [
        f"""UPDATE {EPISODE_FACTS} SET
            attended_visits = (SELECT COUNT(*) {attended}),
            first_attended_on = (SELECT MIN(v.visit_on) {attended}),
            last_attended_on = (SELECT MAX(v.visit_on) {attended})
        WHERE episode_id = {episode}"""
    ]


def refresh_payments(episode: str) -> list[str]:
    """Recompute one episode's payments (`episode` is an SQL expression)."""
    paid = f"FROM care_payment pay WHERE pay.episode_id = {episode}"
    return [
        f"""UPDATE {EPISODE_FACTS} SET
            paid_cents = (SELECT COALESCE(SUM({cents("pay.amount")}), 0) {paid}),
            first_paid_on = (SELECT MIN(pay.paid_on) {paid}),
            last_paid_on = (SELECT MAX(pay.paid_on) {paid})
        WHERE episode_id = {episode}"""
    ]


def refresh_readings(episode: str) -> list[str]:
    """Recompute one episode's primary-instrument readings (`episode` is an SQL expression)."""
    readings = (
        f"FROM care_outcome o WHERE o.episode_id = {episode} AND o.instrument = "
        f"(SELECT primary_measure FROM care_episode WHERE id = {episode})"
    )
    first = "ORDER BY o.measured_on, o.id LIMIT 1"
    last = "ORDER BY o.measured_on DESC, o.id DESC LIMIT 1"
    return [
        f"""UPDATE {EPISODE_FACTS} SET
            readings = (SELECT COUNT(*) {readings}),
            first_reading_on = (SELECT o.measured_on {readings} {first}),
            first_reading_id = (SELECT o.id {readings} {first}),
            first_score_h = (SELECT {cents("o.score")} {readings} {first}),
            last_reading_on = (SELECT o.measured_on {readings} {last}),
            last_reading_id = (SELECT o.id {readings} {last}),
            last_score_h = (SELECT {cents("o.score")} {readings} {last})
        WHERE episode_id = {episode}"""
    ]


def copied_columns(new: str = "NEW") -> dict[str, str]:
    """The episode's, its referral's and its patient's columns the episode facts copy."""
    return {
        "referral_id": f"{new}.referral_id",
        "ended_on": f"{new}.ended_on",
        "planned_visits": f"{new}.planned_visits",
        "primary_measure": f"{new}.primary_measure",
        "partner_id": f"(SELECT partner_id FROM care_referral WHERE id = {new}.referral_id)",
        "channel": f"(SELECT channel FROM care_patient WHERE id = {new}.patient_id)",
        "location_id": f"(SELECT location_id FROM care_patient WHERE id = {new}.patient_id)",
    }


def episode_insert() -> list[str]:
    copied = copied_columns()
    return [
        f"""INSERT INTO {EPISODE_FACTS}
            (episode_id, attended_visits, readings, paid_cents, {", ".join(copied)})
            VALUES (NEW.id, 0, 0, 0, {", ".join(copied.values())})""",
        *refresh_visits("NEW.id"),
        *refresh_readings("NEW.id"),
        *refresh_payments("NEW.id"),
    ]


def episode_update() -> list[str]:
    sets = ", ".join(f"{name} = {value}" for name, value in copied_columns().items())
    return [
        f"UPDATE {EPISODE_FACTS} SET {sets} WHERE episode_id = NEW.id",
        *refresh_readings("NEW.id"),
    ]


EPISODE_COLUMNS = ["referral_id", "patient_id", "ended_on", "planned_visits", "primary_measure"]


def attended_visit_insert() -> list[str]:
    return [
        f"""UPDATE {EPISODE_FACTS} SET attended_visits = attended_visits + 1,
            first_attended_on = CASE WHEN first_attended_on IS NULL
                OR NEW.visit_on < first_attended_on THEN NEW.visit_on ELSE first_attended_on END,
            last_attended_on = CASE WHEN last_attended_on IS NULL
                OR NEW.visit_on > last_attended_on THEN NEW.visit_on ELSE last_attended_on END
        WHERE episode_id = NEW.episode_id"""
    ]


def episode_payment_insert() -> list[str]:
    return [
        f"""UPDATE {EPISODE_FACTS} SET paid_cents = paid_cents + {cents("NEW.amount")},
            first_paid_on = CASE WHEN first_paid_on IS NULL
                OR NEW.paid_on < first_paid_on THEN NEW.paid_on ELSE first_paid_on END,
            last_paid_on = CASE WHEN last_paid_on IS NULL
                OR NEW.paid_on > last_paid_on THEN NEW.paid_on ELSE last_paid_on END
        WHERE episode_id = NEW.episode_id"""
    ]


def reading_insert() -> list[str]:
    """A reading of the primary instrument: one more, and perhaps the first or the last."""
    earlier = (
        "(first_reading_on IS NULL OR NEW.measured_on < first_reading_on "
        "OR (NEW.measured_on = first_reading_on AND NEW.id < first_reading_id))"
    )
    later = (
        "(last_reading_on IS NULL OR NEW.measured_on > last_reading_on "
        "OR (NEW.measured_on = last_reading_on AND NEW.id > last_reading_id))"
    )
    return [
        f"""UPDATE {EPISODE_FACTS} SET readings = readings + 1,
            first_reading_on = CASE WHEN {earlier} THEN NEW.measured_on ELSE first_reading_on END,
            first_reading_id = CASE WHEN {earlier} THEN NEW.id ELSE first_reading_id END,
            first_score_h = CASE WHEN {earlier} THEN {cents("NEW.score")} ELSE first_score_h END,
            last_reading_on = CASE WHEN {later} THEN NEW.measured_on ELSE last_reading_on END,
            last_reading_id = CASE WHEN {later} THEN NEW.id ELSE last_reading_id END,
            last_score_h = CASE WHEN {later} THEN {cents("NEW.score")} ELSE last_score_h END
        WHERE episode_id = NEW.episode_id
        AND NEW.instrument = (SELECT primary_measure FROM care_episode WHERE id = NEW.episode_id)"""
    ]


def episode_triggers() -> list[tuple]:
    return [
        ("efacts_episode_ins", "care_episode", "INSERT", None, None, episode_insert()),
        (
            "efacts_episode_upd",
            "care_episode",
            "UPDATE",
            EPISODE_COLUMNS,
            changed(EPISODE_COLUMNS),
            episode_update(),
        ),
        (
            "efacts_referral_upd",
            "care_referral",
            "UPDATE",
            ["partner_id"],
            changed(["partner_id"]),
            [
                f"""UPDATE {EPISODE_FACTS} SET partner_id = NEW.partner_id WHERE episode_id IN
             (SELECT id FROM care_episode WHERE referral_id = NEW.id)"""
            ],
        ),
        (
            "efacts_patient_upd",
            "care_patient",
            "UPDATE",
            ["channel", "location_id"],
            changed(["channel", "location_id"]),
            [
                f"""UPDATE {EPISODE_FACTS} SET channel = NEW.channel, location_id = NEW.location_id
             WHERE episode_id IN (SELECT id FROM care_episode WHERE patient_id = NEW.id)"""
            ],
        ),
        (
            "efacts_episode_del",
            "care_episode",
            "DELETE",
            None,
            None,
            [f"DELETE FROM {EPISODE_FACTS} WHERE episode_id = OLD.id"],
        ),
        (
            "efacts_visit_ins",
            "care_visit",
            "INSERT",
            None,
            f"NEW.status = {ATTENDED}",
            attended_visit_insert(),
        ),
        (
            "efacts_visit_upd",
            "care_visit",
            "UPDATE",
            ["episode_id", "status", "visit_on"],
            changed(["episode_id", "status", "visit_on"]),
            [*refresh_visits("OLD.episode_id"), *refresh_visits("NEW.episode_id")],
        ),
        (
            "efacts_visit_del",
            "care_visit",
            "DELETE",
            None,
            f"OLD.status = {ATTENDED}",
            refresh_visits("OLD.episode_id"),
        ),
        ("efacts_outcome_ins", "care_outcome", "INSERT", None, None, reading_insert()),
        (
            "efacts_outcome_upd",
            "care_outcome",
            "UPDATE",
            ["episode_id", "instrument", "measured_on", "score"],
            changed(["episode_id", "instrument", "measured_on", "score"]),
            [*refresh_readings("OLD.episode_id"), *refresh_readings("NEW.episode_id")],
        ),
        (
            "efacts_outcome_del",
            "care_outcome",
            "DELETE",
            None,
            None,
            refresh_readings("OLD.episode_id"),
        ),
        (
            "efacts_payment_ins",
            "care_payment",
            "INSERT",
            None,
            "NEW.episode_id IS NOT NULL",
            episode_payment_insert(),
        ),
        (
            "efacts_payment_upd",
            "care_payment",
            "UPDATE",
            ["episode_id", "paid_on", "amount"],
            changed(["episode_id", "paid_on", "amount"]),
            [*refresh_payments("OLD.episode_id"), *refresh_payments("NEW.episode_id")],
        ),
        (
            "efacts_payment_del",
            "care_payment",
            "DELETE",
            None,
            "OLD.episode_id IS NOT NULL",
            refresh_payments("OLD.episode_id"),
        ),
    ]


MONTHS = "insights_channelmonth"
# What each patient adds to the month of their first visit (`{row}` is NEW or OLD).
MONTH_SUMS = {
    "patients": "1",
    **{column: f"{{row}}.{column}" for column in PAID_SPANS},
    "second_episodes": "CASE WHEN {row}.second_episode_on IS NULL THEN 0 ELSE 1 END",
}


def month_of(vendor: str, day: str) -> str:
    """The first day of the month of a date."""
    if vendor == "sqlite":
        return f"date({day}, 'start of month')"
    return f"CAST(date_trunc('month', {day}) AS date)"


def month_add(vendor: str) -> str:
    """Add the NEW patient facts row to the month of its first visit (if any)."""
    columns = ", ".join(MONTH_SUMS)
    values = ", ".join(v.format(row="NEW") for v in MONTH_SUMS.values())
    sums = ", ".join(f"{c} = {MONTHS}.{c} + excluded.{c}" for c in MONTH_SUMS)
    return f"""INSERT INTO {MONTHS} (channel, location_id, month, {columns})
        SELECT NEW.channel, NEW.location_id, {month_of(vendor, "NEW.first_visit_on")}, {values}
        WHERE NEW.first_visit_on IS NOT NULL
        ON CONFLICT (channel, location_id, month) DO UPDATE SET {sums}"""


def month_subtract(vendor: str) -> str:
    """Take the OLD patient facts row off the month of its first visit (if any)."""
    sums = ", ".join(f"{c} = {c} - {v.format(row='OLD')}" for c, v in MONTH_SUMS.items())
    return f"""UPDATE {MONTHS} SET {sums}
        WHERE channel = OLD.channel AND location_id = OLD.location_id
        AND month = {month_of(vendor, "OLD.first_visit_on")}"""


def month_triggers(vendor: str) -> list[tuple]:
    """Triggers on the patient facts that keep their sums per month current."""
    columns = ["channel", "location_id", "first_visit_on", *PAID_SPANS, "second_episode_on"]
    return [
        (
            "months_ins",
            FACTS,
            "INSERT",
            None,
            "NEW.first_visit_on IS NOT NULL",
            [month_add(vendor)],
        ),
        (
            "months_upd",
            FACTS,
            "UPDATE",
            columns,
            changed(columns),
            [month_subtract(vendor), month_add(vendor)],
        ),
        (
            "months_del",
            FACTS,
            "DELETE",
            None,
            "OLD.first_visit_on IS NOT NULL",
            [month_subtract(vendor)],
        ),
    ]


def backfill_months(vendor: str) -> str:
    """Every month's sums from the patient facts, in one statement."""
    sums = ", ".join(f"SUM({v.format(row=FACTS)})" for v in MONTH_SUMS.values())
    month = month_of(vendor, "first_visit_on")
    return f"""INSERT INTO {MONTHS} (channel, location_id, month, {", ".join(MONTH_SUMS)})
        SELECT channel, location_id, {month}, {sums} FROM {FACTS}
        WHERE first_visit_on IS NOT NULL GROUP BY channel, location_id, {month}"""


# (name, table, event, columns an UPDATE must touch, WHEN condition, statements)
def triggers(vendor: str, *, episodes: bool = True, months: bool = True) -> list[tuple]:
    ep_changed = changed(["patient_id", "started_on"])
    visit_changed = changed(["episode_id", "status", "visit_on"])
    pay_changed = changed(["patient_id", "paid_on", "amount"])
    return [
        ("patient_ins", "care_patient", "INSERT", None, None, patient_insert(vendor)),
        (
            "patient_upd",
            "care_patient",
            "UPDATE",
            ["channel", "location_id", "zip"],
            changed(["channel", "location_id", "zip"]),
            patient_update(),
        ),
        ("patient_del", "care_patient", "DELETE", None, None, patient_delete()),
        ("episode_ins", "care_episode", "INSERT", None, None, refresh(vendor, "NEW.patient_id")),
        (
            "episode_upd",
            "care_episode",
            "UPDATE",
            ["patient_id", "started_on"],
            ep_changed,
            both(vendor, "OLD.patient_id", "NEW.patient_id"),
        ),
        ("episode_del", "care_episode", "DELETE", None, None, refresh(vendor, "OLD.patient_id")),
        (
            "visit_ins",
            "care_visit",
            "INSERT",
            None,
            f"NEW.status = {ATTENDED}",
            visit_insert(vendor),
        ),
        (
            "visit_upd",
            "care_visit",
            "UPDATE",
            ["episode_id", "status", "visit_on"],
            visit_changed,
            both(vendor, episode_patient("OLD"), episode_patient("NEW")),
        ),
        (
            "visit_del",
            "care_visit",
            "DELETE",
            None,
            f"OLD.status = {ATTENDED}",
            refresh(vendor, episode_patient("OLD")),
        ),
        ("payment_ins", "care_payment", "INSERT", None, None, payment_insert(vendor)),
        (
            "payment_upd",
            "care_payment",
            "UPDATE",
            ["patient_id", "paid_on", "amount"],
            pay_changed,
            both(vendor, "OLD.patient_id", "NEW.patient_id"),
        ),
        ("payment_del", "care_payment", "DELETE", None, None, refresh(vendor, "OLD.patient_id")),
        *(episode_triggers() if episodes else []),
        *(month_triggers(vendor) if months else []),
    ]


# Triggers of earlier versions, dropped with the others so that none outlives its table
# (migration 0008 removed insights_paidmonth, which these kept).
RETIRED = [
    ("paid_payment_ins", "care_payment"),
    ("paid_payment_upd", "care_payment"),
    ("paid_payment_del", "care_payment"),
    ("paid_patient_upd", FACTS),
]


def sqlite_statements(**tables: bool) -> list[str]:
    statements = []
    for name, table, event, columns, when, body in triggers("sqlite", **tables):
        of = f" OF {', '.join(columns)}" if columns else ""
        # SQLite spells IS DISTINCT FROM as IS NOT.
        condition = f" WHEN {when.replace('IS DISTINCT FROM', 'IS NOT')}" if when else ""
        statements.append(
            f"CREATE TRIGGER insights_facts_{name} AFTER {event}{of} ON {table}{condition} "
            f"BEGIN {'; '.join(body)}; END"
        )
    return statements


def postgres_statements(**tables: bool) -> list[str]:
    statements = []
    for name, table, event, columns, when, body in triggers("postgresql", **tables):
        function = f"insights_facts_{name}"
        statements.append(
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$ "
            f"BEGIN {'; '.join(body)}; RETURN NULL; END; $$ LANGUAGE plpgsql"
        )
        of = f" OF {', '.join(columns)}" if columns else ""
        condition = f" WHEN ({when})" if when else ""
        statements.append(
            f"CREATE TRIGGER {function} AFTER {event}{of} ON {table} FOR EACH ROW{condition} "
            f"EXECUTE FUNCTION {function}()"
        )
    return statements


def reverse_statements(vendor: str) -> list[str]:
    statements = []
    for name, table, *_ in [*triggers(vendor), *RETIRED]:
        if vendor == "sqlite":
            statements.append(f"DROP TRIGGER IF EXISTS insights_facts_{name}")
        else:
            statements.append(f"DROP TRIGGER IF EXISTS insights_facts_{name} ON {table}")
            statements.append(f"DROP FUNCTION IF EXISTS insights_facts_{name}()")
    return statements


def backfill(vendor: str) -> str:
    """Every patient's facts in one set-based statement: each source table is read once and
    grouped, rather than searched once per patient."""
    spans = ", ".join(
        f"SUM(CASE WHEN pay.paid_on <= {plus_days(vendor, 'f.first_visit_on', n)} "
        f"THEN {cents('pay.amount')} ELSE 0 END) AS {column}"
        for column, n in PAID_SPANS.items()
    )
    return f"""
WITH first_visits AS (
    SELECT e.patient_id, MIN(v.visit_on) AS first_visit_on
    FROM care_visit v JOIN care_episode e ON e.id = v.episode_id
    WHERE v.status = {ATTENDED} GROUP BY e.patient_id),
starts AS (
    SELECT patient_id, started_on,
        ROW_NUMBER() OVER (PARTITION BY patient_id ORDER BY started_on) AS nth
    FROM care_episode),
paid AS (
    SELECT pay.patient_id, {spans}
    FROM care_payment pay JOIN first_visits f ON f.patient_id = pay.patient_id
    WHERE pay.paid_on >= f.first_visit_on
    AND pay.paid_on <= {plus_days(vendor, "f.first_visit_on", max(PAID_SPANS.values()))}
    GROUP BY pay.patient_id)
INSERT INTO {FACTS} (patient_id, channel, location_id, zip, first_visit_on,
    second_episode_on, {", ".join(PAID_SPANS)})
SELECT pa.id, pa.channel, pa.location_id, pa.zip, f.first_visit_on, s.started_on,
    {", ".join(f"COALESCE(paid.{column}, 0)" for column in PAID_SPANS)}
FROM care_patient pa
LEFT JOIN first_visits f ON f.patient_id = pa.id
LEFT JOIN starts s ON s.patient_id = pa.id AND s.nth = 2
LEFT JOIN paid ON paid.patient_id = pa.id"""


def backfill_episodes() -> str:
    """Every episode's facts in one set-based statement (as `backfill`)."""
    copied = copied_columns("e") | {
        "partner_id": "r.partner_id",
        "channel": "pa.channel",
        "location_id": "pa.location_id",
    }
    return f"""
WITH attended AS (
    SELECT episode_id, COUNT(*) AS visits, MIN(visit_on) AS first_on, MAX(visit_on) AS last_on
    FROM care_visit WHERE status = {ATTENDED} GROUP BY episode_id),
paid AS (
    SELECT episode_id, SUM({cents("amount")}) AS cents, MIN(paid_on) AS first_on,
        MAX(paid_on) AS last_on
    FROM care_payment WHERE episode_id IS NOT NULL GROUP BY episode_id),
readings AS (
    SELECT o.episode_id, o.id, o.measured_on, {cents("o.score")} AS score_h,
        COUNT(*) OVER (PARTITION BY o.episode_id) AS readings,
        ROW_NUMBER() OVER (PARTITION BY o.episode_id ORDER BY o.measured_on, o.id) AS nth,
        ROW_NUMBER() OVER (PARTITION BY o.episode_id
                           ORDER BY o.measured_on DESC, o.id DESC) AS nth_last
    FROM care_outcome o JOIN care_episode e ON e.id = o.episode_id
    WHERE o.instrument = e.primary_measure)
INSERT INTO {EPISODE_FACTS} (episode_id, {", ".join(copied)}, attended_visits,
    first_attended_on, last_attended_on, readings, first_reading_on, first_reading_id,
    first_score_h, last_reading_on, last_reading_id, last_score_h, paid_cents, first_paid_on,
    last_paid_on)
SELECT e.id, {", ".join(copied.values())}, COALESCE(a.visits, 0), a.first_on, a.last_on,
    COALESCE(f.readings, 0), f.measured_on, f.id, f.score_h, l.measured_on, l.id, l.score_h,
    COALESCE(paid.cents, 0), paid.first_on, paid.last_on
FROM care_episode e
LEFT JOIN care_referral r ON r.id = e.referral_id
LEFT JOIN care_patient pa ON pa.id = e.patient_id
LEFT JOIN attended a ON a.episode_id = e.id
LEFT JOIN readings f ON f.episode_id = e.id AND f.nth = 1
LEFT JOIN readings l ON l.episode_id = e.id AND l.nth_last = 1
LEFT JOIN paid ON paid.episode_id = e.id"""


def facts_table_exists(connection: BaseDatabaseWrapper, table: str = FACTS) -> bool:
    with connection.cursor() as cursor:
        return table in connection.introspection.table_names(cursor)


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the triggers (dropping any older ones first), for the tables that exist: the
    facts' and the data version's."""
    drop(connection)
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
    tables = {"episodes": EPISODE_FACTS in existing, "months": MONTHS in existing}
    if connection.vendor == "sqlite":
        statements = sqlite_statements(**tables)
    else:
        statements = postgres_statements(**tables)
    statements += data_version.install_statements(connection.vendor, existing)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def drop(connection: BaseDatabaseWrapper) -> None:
    statements = reverse_statements(connection.vendor)
    statements += data_version.drop_statements(connection.vendor)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def rebuild(connection: BaseDatabaseWrapper) -> None:
    """Recompute every patient's (and episode's) facts, and their sums per month, from the
    records: with the triggers down, then put back. The data version advances: the kept
    figures were computed before, from records the triggers may not have seen."""
    drop(connection)
    statements = [f"DELETE FROM {FACTS}", backfill(connection.vendor)]
    if facts_table_exists(connection, EPISODE_FACTS):
        statements += [f"DELETE FROM {EPISODE_FACTS}", backfill_episodes()]
    if facts_table_exists(connection, MONTHS):
        statements += [f"DELETE FROM {MONTHS}", backfill_months(connection.vendor)]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
    install(connection)
    if facts_table_exists(connection, data_version.TABLE):
        data_version.advance(connection)


def _first_app_with_models(app_config) -> bool:
    from django.apps import apps

    return app_config == next(a for a in apps.get_app_configs() if a.models_module)


def _last_app_with_models(app_config) -> bool:
    from django.apps import apps

    return app_config == [a for a in apps.get_app_configs() if a.models_module][-1]


def before_migrate(*, app_config, using, **kwargs) -> None:
    """pre_migrate: take the triggers down while migrations rebuild tables."""
    connection = connections[using]
    if _first_app_with_models(app_config) and facts_table_exists(connection):
        drop(connection)


def after_migrate(*, app_config, using, plan=None, **kwargs) -> None:
    """post_migrate (also after a test flush): put the triggers back; rebuild the facts if any
    migration ran, which advances the data version: the kept figures were computed from the
    facts before, and perhaps by the code before (a figure's fields may have changed)."""
    connection = connections[using]
    if not (_last_app_with_models(app_config) and facts_table_exists(connection)):
        return
    if plan:
        rebuild(connection)
    else:
        install(connection)


@contextmanager
def suspended(using: str = "default"):
    """For bulk loads (a demo seed, a large import): no triggers while rows pour in, then the
    facts rebuilt in one set-based pass, which is much faster than row by row. Use it inside
    the load's transaction: no other writer's rows go unnoticed, and on an error the rollback
    puts the triggers back."""
    connection = connections[using]
    drop(connection)
    yield
    rebuild(connection)
