"""The little SQL that differs between SQLite and PostgreSQL, and the staging tables."""

from django.db import connection

from liaison.interop.practice_files.schema import FileSpec

ERRORS_TABLE = "liaison_stage_errors"
CODES_TABLE = "liaison_stage_codes"


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


def new_code() -> str:
    """A random version-4 UUID per row, stored as Django's UUIDField stores it.

    SQLite keeps 32 lowercase hex digits; PostgreSQL its own uuid type.
    """
    if vendor() == "postgresql":
        return "gen_random_uuid()"
    # 12 hex, the version nibble 4, 3 hex, the variant nibble (8, 9, a or b), 15 hex.
    return (
        "lower(hex(randomblob(6)) || '4' || substr(hex(randomblob(2)), 2) "
        "|| substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) "
        "|| hex(randomblob(6)))"
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
    """The staging table of one file: its line, its rank among the file's rows, its columns."""
    columns = [("seq", "integer"), *((c.name, c.sql_type(vendor())) for c in spec.columns)]
    return temp_table_ddl(spec.stage_table, columns)


def sorted_codes_ddl(count_from: str) -> list[str]:
    """A table of new codes, one per row of `count_from`, numbered 1, 2, … in code order.

    Each code is a random version-4 UUID, as the model's default makes; handing them out in
    ascending order makes every insert into the code's UNIQUE index an append at its end,
    not a jump to a random page: three times faster once the index outgrows the cache.
    Codes stay random, so no code can be guessed from another.
    """
    integer_key = "bigint PRIMARY KEY" if vendor() == "postgresql" else "INTEGER PRIMARY KEY"
    code_type = "uuid" if vendor() == "postgresql" else "text"
    tail = " ON COMMIT DROP" if vendor() == "postgresql" else ""
    return [
        drop_temp(CODES_TABLE),
        drop_temp(f"{CODES_TABLE}_drawn"),
        f"CREATE TEMP TABLE {CODES_TABLE}_drawn (code {code_type}){tail}",
        # Drawn first, sorted after: a random expression in ORDER BY could be drawn twice.
        f"INSERT INTO {CODES_TABLE}_drawn (code) SELECT {new_code()} FROM {count_from}",
        f"CREATE TEMP TABLE {CODES_TABLE} (seq {integer_key}, code {code_type}){tail}",
        f"INSERT INTO {CODES_TABLE} (seq, code) "
        f"SELECT row_number() OVER (ORDER BY code), code FROM {CODES_TABLE}_drawn",
        drop_temp(f"{CODES_TABLE}_drawn"),
    ]


def analyze(cursor, table: str) -> None:
    """Give PostgreSQL's planner the size of a temporary table: autovacuum never visits
    them, and a planner that believes a million rows are a handful picks nested loops."""
    if vendor() == "postgresql":
        cursor.execute(f"ANALYZE {table}")


def drop_temp(name: str) -> str:
    schema = "pg_temp" if vendor() == "postgresql" else "temp"
    return f"DROP TABLE IF EXISTS {schema}.{name}"
