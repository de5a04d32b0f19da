"""Writing staged rows into the real tables with set-based SQL, matched on external_id.

A staged row whose external_id is new is inserted; one whose every imported value already
equals the stored one is left alone (unchanged); any other is updated. Columns the files
do not carry (a partner's notes, a report's text) are kept on update and take the
model's default on insert. New rows go in in the natural order of their practice ids.
"""

from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection

from liaison.interop.practice_files import schema
from liaison.interop.practice_files.schema import BY_NAME, Column, FileSpec
from liaison.interop.practice_files.sql import ascending_codes, differs, q

RECORD_FIELDS = {"id", "code", "external_id", "created_at", "updated_at"}


@dataclass
class FileCounts:
    rows: int = 0
    inserted: int = 0
    updated: int = 0

    @property
    def unchanged(self) -> int:
        return self.rows - self.inserted - self.updated


def upsert(cursor, spec: FileSpec, *, now, rows: int) -> FileCounts:
    counts = FileCounts(rows=rows)
    if not rows:
        return counts
    if spec is schema.PARTNERS:
        _release_npis(cursor, now)
    if spec is schema.EPISODES:
        _unlink_renamed_clinicians(cursor)
    cursor.execute(f"SELECT 1 FROM {spec.table} LIMIT 1")
    # Into an empty table (a first import) every row is new: no update, no lookup per row.
    empty = cursor.fetchone() is None
    if not empty:
        cursor.execute(*_update_sql(spec, now))
        counts.updated = cursor.rowcount
    with _indexes_built_after(cursor, spec.table, empty=empty):
        cursor.execute(*_insert_sql(spec, now, rows=rows, only_new=not empty))
        counts.inserted = cursor.rowcount
    if spec is schema.PARTNERS:
        _link_partners(cursor)
    return counts


@contextmanager
def _indexes_built_after(cursor, table: str, *, empty: bool):
    """Into an EMPTY SQLite table, fill the rows first and build its plain (not UNIQUE)
    indexes after, in one sorted pass each: much quicker than keeping an index whose keys
    (a payment's date, a patient's name) arrive in random order. The UNIQUE ones stay, so
    constraints are checked row by row as always; inside the import's transaction, a
    failure puts every index back. Tables that hold rows keep their indexes."""
    if not empty or connection.vendor != "sqlite":
        yield
        return
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
        "AND sql IS NOT NULL AND upper(sql) NOT LIKE 'CREATE UNIQUE%%'",
        [table],
    )
    indexes = cursor.fetchall()
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {q(name)}")
    yield
    for _, sql in indexes:
        cursor.execute(sql)


def _is_self_reference(spec: FileSpec, column: Column) -> bool:
    return column.type == schema.REF and column.ref == spec.name


def _selected(spec: FileSpec) -> tuple[list[str], list[str], list[str]]:
    """(target columns, select expressions over `s`, joins) for the non-id columns.

    A reference becomes the id of the row with that external_id. Rows of the same file
    (a partner's works_at) may not exist yet: _link_partners sets them after the insert.
    """
    targets, expressions, joins = [], [], []
    for n, column in enumerate(spec.columns[1:]):
        targets.append(spec.db_column(column))
        if column.type != schema.REF:
            expressions.append(f"s.{q(column.name)}")
            continue
        alias = f"j{n}"
        joins.append(
            f"LEFT JOIN {BY_NAME[column.ref].table} {alias} "
            f"ON {alias}.external_id = s.{q(column.name)}"
        )
        expressions.append(f"{alias}.id")
    return targets, expressions, joins


def _update_sql(spec: FileSpec, now) -> tuple[str, list]:
    targets, expressions, joins = _selected(spec)
    table = spec.table
    inner = ", ".join(f"{e} AS c{n}" for n, e in enumerate(expressions))
    ext_columns, changed = [], []
    for n, (column, target) in enumerate(zip(spec.columns[1:], targets, strict=True)):
        if _is_self_reference(spec, column):
            # Compare by practice id: the new target may not have been inserted yet.
            ext_columns.append(f"s.{q(column.name)} AS e{n}")
            changed.append(
                differs(
                    f"(SELECT x.external_id FROM {table} x WHERE x.id = {table}.{target})",
                    f"j.e{n}",
                )
            )
        else:
            changed.append(differs(f"{table}.{target}", f"j.c{n}"))
    select = ", ".join([f"s.{q(spec.id_column.name)} AS ext", inner, *ext_columns])
    assignments = ", ".join(f"{target} = j.c{n}" for n, target in enumerate(targets))
    sql = f"""
        UPDATE {table} SET {assignments}, updated_at = %s
        FROM (SELECT {select} FROM {spec.stage_table} s {" ".join(joins)}) AS j
        WHERE {table}.external_id = j.ext AND ({" OR ".join(changed)})"""
    return sql, [now]


def _insert_sql(spec: FileSpec, now, *, rows: int, only_new: bool) -> tuple[str, list]:
    targets, expressions, joins = _selected(spec)
    defaults = _defaults_not_in_files(spec, targets)
    columns = ["code", "external_id", "created_at", "updated_at", *targets, *defaults]
    # New rows are written in the natural order of their practice ids, never in the order
    # of the file's lines, so shuffled lines give the same ids (and the same figures, which
    # break ties by id). Numbered 1, 2, … in that order, their codes rise as they go in.
    order = "s.sort_key"
    code = ascending_codes(f"row_number() OVER (ORDER BY {order})", rows)
    values = [code, f"s.{q(spec.id_column.name)}", "%s", "%s", *expressions]
    values += ["%s"] * len(defaults)
    new = f"""WHERE NOT EXISTS (SELECT 1 FROM {spec.table} r
                                WHERE r.external_id = s.{q(spec.id_column.name)})"""
    sql = f"""
        INSERT INTO {spec.table} ({", ".join(columns)})
        SELECT {", ".join(values)} FROM {spec.stage_table} s {" ".join(joins)}
        {new if only_new else ""}
        ORDER BY {order}"""
    return sql, [now, now, *defaults.values()]


def _defaults_not_in_files(spec: FileSpec, targets: list[str]) -> dict[str, object]:
    """NOT NULL columns the files do not carry, with the model's default (Django sets
    defaults in Python, not in the database, so raw SQL must give them)."""
    defaults = {}
    for field in spec.model._meta.concrete_fields:
        if field.name in RECORD_FIELDS or field.column in targets or field.null:
            continue
        default = field.get_default()  # '' for a text field without one
        if default is None:
            raise ValueError(f"{spec.table}.{field.column} has no default for an import")
        defaults[field.column] = default
    return defaults


def _release_npis(cursor, now) -> None:
    """Clear the NPI of partners the file gives another NPI, so two partners may swap
    NPIs without the UNIQUE constraint refusing the first half of the swap."""
    table, stage = schema.PARTNERS.table, schema.PARTNERS.stage_table
    cursor.execute(
        f"""UPDATE {table} SET npi = NULL, updated_at = %s
            WHERE npi IS NOT NULL AND EXISTS (
                SELECT 1 FROM {stage} s
                WHERE s.partner_id = {table}.external_id AND s.npi IS NOT NULL
                  AND s.npi <> {table}.npi)""",
        [now],
    )


def _unlink_renamed_clinicians(cursor) -> None:
    """An episode whose file names another clinician is no longer linked to the user it
    was: the import links the new name afterwards."""
    table, stage = schema.EPISODES.table, schema.EPISODES.stage_table
    cursor.execute(
        f"""UPDATE {table} SET clinician_id = NULL
            WHERE clinician_id IS NOT NULL AND EXISTS (
                SELECT 1 FROM {stage} s WHERE s.episode_id = {table}.external_id
                  AND {differs("s.clinician", f"{table}.clinician_name")})"""
    )


def _link_partners(cursor) -> None:
    """Point works_at and introduced_by at their partners, now that all of them exist."""
    table, stage = schema.PARTNERS.table, schema.PARTNERS.stage_table
    cursor.execute(
        f"""UPDATE {table} SET works_at_id = j.w, introduced_by_id = j.i
            FROM (SELECT s.partner_id AS ext, w.id AS w, i.id AS i FROM {stage} s
                  LEFT JOIN {table} w ON w.external_id = s.works_at
                  LEFT JOIN {table} i ON i.external_id = s.introduced_by) AS j
            WHERE {table}.external_id = j.ext
              AND ({differs(f"{table}.works_at_id", "j.w")}
                   OR {differs(f"{table}.introduced_by_id", "j.i")})"""
    )
