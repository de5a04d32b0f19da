"""SQL building blocks that read the same on SQLite and PostgreSQL.

Row-level facts are built with the ORM (which knows each dialect), then summed, counted and
ranked by a short hand-written SELECT over them as common table expressions: the database
does the arithmetic over rows, Python only sees one row per group.
"""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db import connection
from django.db.models import Func, IntegerField, QuerySet

CENT = Decimal("0.01")


class DaysBetween(Func):
    """`later − earlier` in days, for two date expressions."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite keeps dates as ISO text: julianday() turns them into day numbers.
        later, earlier = (compiler.compile(e) for e in self.get_source_expressions())
        sql = f"CAST(julianday({later[0]}) - julianday({earlier[0]}) AS INTEGER)"
        return sql, (*later[1], *earlier[1])


class Hundredths(Func):
    """A decimal as an exact whole number of hundredths (cents, or score points × 100).

    SQLite stores decimals as binary floats, whose sums drift (0.1 + 0.2); whole numbers
    add up exactly on both databases.
    """

    template = "CAST(ROUND((%(expressions)s) * 100) AS BIGINT)"
    output_field = IntegerField()


def days_between_sql(later: str, earlier: str) -> str:
    """The same as DaysBetween, for hand-written SQL over column names."""
    if connection.vendor == "sqlite":
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"
    return f"({later} - {earlier})"


def fetch(select: str, params: Sequence = (), **facts: QuerySet) -> list[dict]:
    """Run `WITH name AS (queryset), … <select>`: one query, rows as dicts.

    `select` may name each queryset's columns (its `values()` names) and use `%s` parameters;
    it may begin with `, name AS (…)` to add common table expressions of its own.
    Each queryset is MATERIALIZED (SQLite 3.35+, PostgreSQL 12+): computed once, so that a
    column naming a correlated subquery is not evaluated again wherever the SELECT uses it.
    """
    ctes, cte_params = [], []
    for name, queryset in facts.items():
        sql, sql_params = queryset.query.sql_with_params()
        ctes.append(f"{name} AS MATERIALIZED ({sql})")
        cte_params.extend(sql_params)
    sql = f"WITH {', '.join(ctes)} {select}" if ctes else select
    with connection.cursor() as cursor:
        cursor.execute(sql, [*cte_params, *params])
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def as_date(value) -> dt.date | None:
    """A date from a database value: SQLite hands back ISO text for computed dates."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def money(cents) -> Decimal:
    """Whole cents from the database as an exact Decimal with two places."""
    return (Decimal(int(cents or 0)) / 100).quantize(CENT)


def middle_ranks_sql(count: str) -> str:
    """The ranks (1-based) that the median and the nearest-rank p90 read, for a count column.

    With integer division: the median reads ranks ⌊(n+1)/2⌋ and ⌊(n+2)/2⌋ (the same rank when n
    is odd), and p90 reads rank ⌈0.9·n⌉ = ⌊(9n + 9)/10⌋.
    """
    return f"(({count} + 1) / 2), (({count} + 2) / 2), ((9 * {count} + 9) / 10)"
