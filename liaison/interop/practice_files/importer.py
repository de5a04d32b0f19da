"""`import_practice_files`: check every row of every file, then write all or nothing.

1. Each file is streamed once: each row is checked alone (validate.py) and written, batch by
   batch, with its line number and its id's natural sort key (schema.natural_key), into a
   staging table private to this transaction.
2. Checks across rows and files run in SQL over the staging tables (crosscheck.py).
3. Any error: the transaction is rolled back and the first errors are returned with their
   count. Otherwise the staged rows are written to the real tables (load.py), file by file
   in the order their references need, each file's new rows in the natural order of their
   ids, and the missing report due dates computed (due.py).
4. A dry run rolls everything back at the end; a real import commits once.

Python holds one batch of rows at a time; errors wait in a staging table too, so a file
with a million bad rows costs no more memory than a good one.
"""

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from django.db import OperationalError, connection, transaction
from django.utils import timezone

from liaison.accounts.models import AuditEvent
from liaison.care.services import clinicians_link_by_name
from liaison.insights import facts
from liaison.interop.practice_files import schema
from liaison.interop.practice_files.audit import audit_practice_files
from liaison.interop.practice_files.crosscheck import cross_check
from liaison.interop.practice_files.due import fill_due_dates
from liaison.interop.practice_files.load import FileCounts, upsert
from liaison.interop.practice_files.reader import (
    MalformedCSV,
    NotUTF8,
    PracticeFileReader,
    has_nul,
)
from liaison.interop.practice_files.schema import BY_NAME, FILES, RANK, FileSpec, natural_key
from liaison.interop.practice_files.sql import (
    ERRORS_TABLE,
    analyze,
    drop_temp,
    errors_table_ddl,
    q,
    stage_ddl,
)
from liaison.interop.practice_files.validate import RowChecker, header_errors
from liaison.partners.services import specialties_sync

BATCH = 5_000
# From this many rows on, the insights facts are rebuilt once after the load rather than kept
# row by row by their triggers: quicker for a practice's history, slower for a small top-up.
BULK_ROWS = 100_000
ERROR_LIMIT = 200
UNKNOWN_FILE_RANK = len(FILES)
# The share of the progress bar each phase takes: reading dominates, then writing.
READ_SHARE, CHECK_SHARE = 0.55, 0.05

Progress = Callable[[str, float], None]


def no_progress(label: str, fraction: float) -> None:
    pass


@dataclass
class ImportOutcome:
    dry_run: bool
    files: dict[str, FileCounts] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # the first ERROR_LIMIT lines
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def total(self) -> FileCounts:
        total = FileCounts()
        for counts in self.files.values():
            total.rows += counts.rows
            total.inserted += counts.inserted
            total.updated += counts.updated
        return total


class _Rollback(Exception):
    """Leaves the transaction, undoing everything, with the outcome already filled in."""


class _Running(Exception):
    """Another import holds the lock."""


ANOTHER_IMPORT = (
    "Another import of practice files (or another long write) is running: nothing was "
    "written. Wait for it to finish, then import again."
)
IMPORT_LOCK = 740_012  # PostgreSQL advisory lock key: one import at a time


def _import_lock(cursor) -> bool:
    """One import at a time. PostgreSQL: an advisory lock held to the end of the transaction,
    refused at once to a second import. SQLite: the transaction began IMMEDIATE, so this
    import already holds the write lock (a second waits, then is refused as locked)."""
    if connection.vendor != "postgresql":
        return True
    cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [IMPORT_LOCK])
    return cursor.fetchone()[0]


def import_practice_files(
    directory: Path,
    *,
    dry_run: bool = False,
    user=None,
    progress: Progress = no_progress,
    error_limit: int = ERROR_LIMIT,
) -> ImportOutcome:
    outcome = ImportOutcome(dry_run=dry_run)
    paths, unknown = find_practice_files(directory)
    try:
        with transaction.atomic(), connection.cursor() as cursor, _roomy_cache(cursor):
            if not _import_lock(cursor):
                raise _Running
            _run(cursor, paths, unknown, outcome, user, progress, error_limit)
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    except (_Running, OperationalError) as error:
        if isinstance(error, OperationalError) and "locked" not in str(error):
            raise
        outcome.errors.append(ANOTHER_IMPORT)
        outcome.error_count = 1
    return outcome


def find_practice_files(directory: Path) -> tuple[dict[str, Path], list[str]]:
    """The practice files present in `directory`, and the names of other CSV files there."""
    paths, unknown = {}, []
    for path in sorted(directory.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        if path.name in BY_NAME:
            paths[path.name] = path
        elif path.suffix.lower() == ".csv":
            unknown.append(path.name)
    return paths, unknown


def _run(cursor, paths, unknown, outcome, user, progress, error_limit) -> None:
    sink = ErrorSink(cursor, unknown)
    expected = ", ".join(BY_NAME)
    for n, _name in enumerate(unknown):
        sink.add(UNKNOWN_FILE_RANK + n, 1, "file", f"is not a practice file ({expected})")
    if not paths and not unknown:
        sink.add(0, 0, "folder", f"holds no practice files ({expected})")
    staged, unreadable = _stage_all(cursor, sink, paths, progress)
    progress("Checking references", READ_SHARE)
    cross_check(cursor, unreadable)
    sink.flush()
    outcome.error_count, outcome.errors = sink.report(error_limit)
    if outcome.error_count:
        raise _Rollback
    _write_all(cursor, staged, outcome, progress)
    if not outcome.dry_run:
        _audit(user, outcome)
    for spec in FILES:
        cursor.execute(drop_temp(spec.stage_table))
    cursor.execute(drop_temp(ERRORS_TABLE))
    progress("Done", 1.0)


def _stage_all(cursor, sink, paths, progress) -> tuple[dict[str, int], set[str]]:
    """Stage every file given; returns rows staged per file, and the files not readable."""
    total_bytes = sum(path.stat().st_size for path in paths.values()) or 1
    done_bytes = 0
    staged, unreadable = {}, set()
    for spec in FILES:
        for statement in stage_ddl(spec):
            cursor.execute(statement)
        if spec.name not in paths:
            continue

        def report(read: int, spec=spec, before=done_bytes) -> None:
            progress(f"Checking {spec.name}", READ_SHARE * (before + read) / total_bytes)

        rows = _stage_file(cursor, sink, spec, paths[spec.name], report)
        if rows is None:
            unreadable.add(spec.name)
        else:
            staged[spec.name] = rows
        cursor.execute(
            f"CREATE INDEX {spec.stage_table}_id ON {spec.stage_table} "
            f"({q(spec.id_column.name)}, line)"
        )
        analyze(cursor, spec.stage_table)
        done_bytes += paths[spec.name].stat().st_size
    return staged, unreadable


def _stage_file(cursor, sink, spec: FileSpec, path: Path, report) -> int | None:
    """Check and stage one file's rows; None when its header does not allow reading them."""
    # A NUL byte reads as text, but no database stores it: look for one the careful way.
    reader = PracticeFileReader(path, careful=has_nul(path))
    try:
        return _stage_file_read(cursor, sink, spec, reader, report)
    except NotUTF8:
        # Rare: start this file again with the reader that pins bad bytes to their line.
        sink.flush()
        cursor.execute(f"DELETE FROM {spec.stage_table}")
        cursor.execute(f"DELETE FROM {ERRORS_TABLE} WHERE file_rank = %s", [RANK[spec.name]])
        careful = PracticeFileReader(path, careful=True)
        return _stage_file_read(cursor, sink, spec, careful, report)


def _stage_file_read(cursor, sink, spec: FileSpec, reader, report) -> int | None:
    records = reader.records()
    rank = RANK[spec.name]
    try:
        if next(records, None) is None:
            sink.add(rank, 1, "file", "is empty: it needs at least its header line")
            return None
        if reader.had_bad_bytes:
            sink.add(rank, 1, "header", "is not UTF-8 text; save the file as UTF-8")
            reader.had_bad_bytes = False
        problems, usable = header_errors(spec, reader.header)
        for column, message in problems:
            sink.add(rank, 1, column, message)
        if not usable:
            return None
        return _stage_rows(cursor, sink, spec, reader, records, report)
    except MalformedCSV as error:
        sink.add(rank, error.line, "row", f"cannot be read as CSV: {error}")
        return 0


def _stage_rows(cursor, sink, spec, reader, records, report) -> int:
    checker = RowChecker(spec, reader.header)
    names = ", ".join(["line", "sort_key", *(q(c.name) for c in spec.columns)])
    marks = ", ".join(["%s"] * (len(spec.columns) + 2))
    insert = f"INSERT INTO {spec.stage_table} ({names}) VALUES ({marks})"
    rank, batch, rows = RANK[spec.name], [], 0
    try:
        for line, values in records:
            check_bytes = reader.had_bad_bytes
            reader.had_bad_bytes = False
            staged, errors = checker.check(values, check_bytes)
            for column, message in errors:
                sink.add(rank, line, column, message)
            if staged is not None:
                # A row with errors is never written: it needs no place in the order.
                key = None if errors else natural_key(staged[0])
                batch.append((line, key, *staged))
            if len(batch) >= BATCH:
                rows += _flush(cursor, insert, batch, sink)
                report(reader.bytes_read)
    except MalformedCSV as error:
        # The rows before it are staged still, so references to them are not reported.
        sink.add(rank, error.line, "row", f"cannot be read as CSV: {error}")
    rows += _flush(cursor, insert, batch, sink)
    report(reader.bytes_read)
    return rows


def _flush(cursor, insert: str, batch: list, sink: "ErrorSink") -> int:
    count = len(batch)
    if batch:
        if connection.vendor == "postgresql":
            _copy(cursor, insert, batch)
        else:
            cursor.executemany(insert, batch)
        batch.clear()
    sink.flush()
    return count


def _copy(cursor, insert: str, batch: list) -> None:
    """PostgreSQL's COPY: ten times quicker than executemany for a batch of staged rows."""
    table_and_columns = insert.removeprefix("INSERT INTO ").partition(" VALUES")[0]
    with cursor.cursor.copy(f"COPY {table_and_columns} FROM STDIN") as copy:
        for row in batch:
            copy.write_row(row)


def _write_all(cursor, staged: dict[str, int], outcome: ImportOutcome, progress) -> None:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    specialties_sync()  # partners refer to the specialty rows by slug
    total_rows = sum(staged.values()) or 1
    with facts.suspended() if total_rows >= BULK_ROWS else nullcontext():
        _write_files(cursor, staged, outcome, progress, now, total_rows)
    clinicians_link_by_name()


def _write_files(cursor, staged, outcome, progress, now, total_rows: int) -> None:
    written = 0
    for spec in FILES:
        if spec.name not in staged:
            continue
        start = READ_SHARE + CHECK_SHARE
        progress(f"Writing {spec.name}", start + (1 - start) * written / total_rows)
        if spec is schema.REPORTS:
            fill_due_dates(cursor)
        outcome.files[spec.name] = upsert(cursor, spec, now=now, rows=staged[spec.name])
        written += staged[spec.name]


def _audit(user, outcome: ImportOutcome) -> None:
    total = outcome.total
    audit_practice_files(
        user=user,
        action=AuditEvent.Action.IMPORT,
        detail=(
            f"{len(outcome.files)} files: {total.inserted} inserted, {total.updated} "
            f"updated, {total.unchanged} unchanged"
        ),
    )


class _roomy_cache:
    """A bigger SQLite page cache while importing: the staging tables and the indexes being
    filled stay in memory instead of spilling to disk. Restored afterwards."""

    PAGES_KIB = 196_608  # 192 MiB for the database, as much again for the staging tables

    def __init__(self, cursor):
        self.cursor = cursor
        self.saved: list[tuple[str, int]] = []

    def __enter__(self):
        if connection.vendor == "sqlite":
            for schema_name in ("main", "temp"):
                self.cursor.execute(f"PRAGMA {schema_name}.cache_size")
                self.saved.append((schema_name, self.cursor.fetchone()[0]))
                self.cursor.execute(f"PRAGMA {schema_name}.cache_size = -{self.PAGES_KIB}")
        return self

    def __exit__(self, *exc):
        for schema_name, size in self.saved:
            self.cursor.execute(f"PRAGMA {schema_name}.cache_size = {size}")
        return False


class ErrorSink:
    """Error lines, buffered a batch at a time into a staging table so any number fits."""

    def __init__(self, cursor, unknown_files: list[str]):
        self.cursor = cursor
        self.buffer: list[tuple] = []
        # A file's rank orders the error lines; files outside the format come last.
        self.names = [spec.name for spec in FILES] + unknown_files
        for statement in errors_table_ddl():
            cursor.execute(statement)

    def add(self, rank: int, line: int, column: str, message: str) -> None:
        self.buffer.append((rank, line, column, message))

    def flush(self) -> None:
        if self.buffer:
            self.cursor.executemany(
                f"INSERT INTO {ERRORS_TABLE} (file_rank, line, col, message) "
                "VALUES (%s, %s, %s, %s)",
                self.buffer,
            )
            self.buffer.clear()

    def report(self, limit: int) -> tuple[int, list[str]]:
        self.flush()
        self.cursor.execute(f"SELECT count(*) FROM {ERRORS_TABLE}")
        count = self.cursor.fetchone()[0]
        self.cursor.execute(
            f"SELECT file_rank, line, col, message FROM {ERRORS_TABLE} "
            "ORDER BY file_rank, line, seq LIMIT %s",
            [limit],
        )
        return count, [self._format(*row) for row in self.cursor.fetchall()]

    def _format(self, rank: int, line: int, column: str, message: str) -> str:
        if line == 0:  # about the folder itself
            return f"{column}: {message}"
        return f"{self.names[rank]}:{line}: {column}: {message}"
