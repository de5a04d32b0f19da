"""`export_practice_files`: the database as practice files, which import back to the same.

Records entered in Liaison have no practice id yet: each gets `L-` followed by its code
(its UUID as 32 hex digits), saved, so a second export gives the same ids. Rows come out
in the order they were created (by primary key), read in chunks so memory stays flat.
"""

import csv
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from liaison.accounts.models import AuditEvent
from liaison.core.files import private_folder, private_open
from liaison.interop.practice_files import schema
from liaison.interop.practice_files.audit import audit_practice_files
from liaison.interop.practice_files.importer import Progress, no_progress
from liaison.interop.practice_files.schema import FILES, FileSpec

CHUNK = 5_000
GIVEN_ID_PREFIX = "L-"


def export_practice_files(
    directory: Path, *, user=None, progress: Progress = no_progress
) -> dict[str, int]:
    """Write every practice file into `directory`; returns the rows written per file."""
    private_folder(directory)
    written = {}
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            # One snapshot for every file, so references between them hold. (SQLite's
            # transaction is one snapshot already; nested, the caller's transaction is.)
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        give_practice_ids()
        for n, spec in enumerate(FILES):
            progress(f"Writing {spec.name}", n / len(FILES))
            written[spec.name] = _write_file(directory / spec.name, spec)
        audit_practice_files(
            user=user,
            action=AuditEvent.Action.EXPORT,
            detail=f"{len(written)} files, {sum(written.values())} rows",
        )
    progress("Done", 1.0)
    return written


def give_practice_ids() -> None:
    """Give an external_id to every record that has none, in one statement per table."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    code = "code" if connection.vendor == "sqlite" else "replace(CAST(code AS text), '-', '')"
    with connection.cursor() as cursor:
        for spec in FILES:
            cursor.execute(
                f"UPDATE {spec.table} SET external_id = %s || {code}, updated_at = %s "
                "WHERE external_id IS NULL",
                [GIVEN_ID_PREFIX, now],
            )


def _lookups(spec: FileSpec) -> list[str]:
    lookups = ["external_id"]
    for column in spec.columns[1:]:
        if column.type == schema.REF:
            lookups.append(f"{column.field}__external_id")
        else:
            lookups.append(spec.model._meta.get_field(column.field).attname)
    return lookups


def _write_file(path: Path, spec: FileSpec) -> int:
    rows = spec.model.objects.order_by("id").values_list(*_lookups(spec))
    count = 0
    with private_open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([c.name for c in spec.columns])
        for row in rows.iterator(chunk_size=CHUNK):
            # str() of a date is its ISO form, of a Decimal its digits as stored (95.00).
            writer.writerow(["" if v is None else str(v) for v in row])
            count += 1
    return count
