"""The little SQL that differs between SQLite and PostgreSQL, and the staging tables."""

from django.db import connection

from liaison.interop.practice_files.schema import SORT_KEY_TYPES, FileSpec

ERRORS_TABLE = "liaison_stage_errors"


def vendor() -> str:
    return connection.vendor


def q(name: str) -> str:
    """A quoted identifier (column names such as `zip` or `name`)."""
    return connection.ops.quote_name(name)


def differs(a: str, b: str) -> str:
    """NULL-safe inequality."""
    if vendor() == "postgresql":
        return f"{a} IS DISTINCT FROM {b}"
    return f"{a} IS NOT {b}"


def ascending_codes(seq: str, count: int) -> str:
    """A new random version-4 UUID for the row numbered `seq` (an SQL expression) of `count`
    rows numbered 1, 2, …, stored as Django's UUIDField stores it, and greater than the
    codes of the rows numbered before it.

    The first 48 bits are the row's slice of the number line plus a random place within the
    slice; the other bits are random as in any version-4 UUID (at least 98 random bits in
    all, for up to 2^24 rows: no code can be guessed from another). Ascending codes make
    every insert into the code's UNIQUE index an append at its end, not a jump to a random
    page: three times faster once the index outgrows the cache, and no sort to get there.
    """
    width_bits = 48 - max(count - 1, 1).bit_length()  # each row's slice: 2^width_bits wide
    width = 1 << width_bits
    if vendor() == "postgresql":
        start = f"(CAST({seq} AS bigint) - 1) * {width}"
        prefix = f"lpad(to_hex({start} + floor(random() * {width})::bigint), 12, '0')"
        # gen_random_uuid's own version and variant bits are kept (its 13th digit onwards).
        return f"CAST({prefix} || substr(replace(gen_random_uuid()::text, '-', ''), 13) AS uuid)"
    # SQLite keeps 32 lowercase hex digits: the prefix, the version nibble 4, 3 hex, the
    # variant nibble (8, 9, a or b), 15 hex. (%% is % in a statement that takes parameters.)
    return (
        f"lower(printf('%%012x', ({seq} - 1) * {width} + (random() & {width - 1})) || '4' "
        "|| substr(hex(randomblob(2)), 2) || substr('89ab', 1 + (random() & 3), 1) "
        "|| substr(hex(randomblob(2)), 2) || hex(randomblob(6)))"
    )


def as_text(expression: str) -> str:
    return f"CAST({expression} AS TEXT)"


def temp_table_ddl(name: str, columns: list[tuple[str, str]]) -> list[str]:
    """Statements that (re)create a staging table private to this connection and transaction."""
    body = ", ".join(f"{q(column)} {sql_type}" for column, sql_type in columns)
    if vendor() == "postgresql":
        return [
            f"DROP TABLE IF EXISTS pg_temp.{name}",
            f"CREATE TEMP TABLE {name} (line integer PRIMARY KEY, {body}) ON COMMIT DROP",
        ]
    return [
        f"DROP TABLE IF EXISTS temp.{name}",
        # INTEGER PRIMARY KEY is the rowid: rows are kept, and read back, in line order.
        f"CREATE TEMP TABLE {name} (line INTEGER PRIMARY KEY, {body})",
    ]


def errors_table_ddl() -> list[str]:
    if vendor() == "postgresql":
        seq = "seq bigserial PRIMARY KEY"
        tail = " ON COMMIT DROP"
        drop = f"DROP TABLE IF EXISTS pg_temp.{ERRORS_TABLE}"
    else:
        seq = "seq INTEGER PRIMARY KEY"
        tail = ""
        drop = f"DROP TABLE IF EXISTS temp.{ERRORS_TABLE}"
    return [
        drop,
        f"CREATE TEMP TABLE {ERRORS_TABLE} ({seq}, file_rank integer, line integer, "
        f"col text, message text){tail}",
    ]


def stage_ddl(spec: FileSpec) -> list[str]:
    """The staging table of one file: its line, its id's natural sort key, its columns."""
    columns = [
        ("sort_key", SORT_KEY_TYPES[vendor()]),
        *((c.name, c.sql_type(vendor())) for c in spec.columns),
    ]
    return temp_table_ddl(spec.stage_table, columns)


def analyze(cursor, table: str) -> None:
    """Give PostgreSQL's planner the size of a temporary table: autovacuum never visits
    them, and a planner that believes a million rows are a handful picks nested loops."""
    if vendor() == "postgresql":
        cursor.execute(f"ANALYZE {table}")


def drop_temp(name: str) -> str:
    schema = "pg_temp" if vendor() == "postgresql" else "temp"
    return f"DROP TABLE IF EXISTS {schema}.{name}"
