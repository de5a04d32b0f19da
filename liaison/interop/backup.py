"""Backup and restore of the whole database, consistent while the server runs.

SQLite: the online backup API copies the database page by page inside one read transaction,
so writers go on (WAL) and the copy is the database as of one instant. PostgreSQL: `pg_dump`
in its custom format (one snapshot), restored with `pg_restore`. A backup holds patient data:
the file is created with mode 0600. A restore goes into an empty database only, and checks
the audit trail's hash chain afterwards.
"""

import os
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from django.db import connection

from liaison.accounts.audit import ChainReport, audit_verify
from liaison.core.files import private_open


class BackupError(Exception):
    """Said to the user as is: what went wrong, in words."""


def backup_database(path: Path) -> None:
    """Write a consistent copy of the database to `path`, a new file readable by its owner."""
    _create_private(path)
    try:
        if connection.vendor == "sqlite":
            _sqlite_backup(path)
        else:
            _run(["pg_dump", "--format=custom", "--no-owner", f"--file={path}", _pg_name()])
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def restore_database(path: Path) -> ChainReport:
    """Load the backup at `path` into the configured database, which must have no tables yet;
    returns the audit chain's check."""
    if not path.is_file():
        raise BackupError(f"{path}: no such backup file.")
    if connection.introspection.table_names():
        raise BackupError(
            "The database is not empty: restore into a new, empty database (create it, do not "
            "run migrate), then point DATABASE_URL at it."
        )
    if connection.vendor == "sqlite":
        _sqlite_restore(path)
    else:
        _run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={_pg_name()}", str(path)])
    return audit_verify()


def _create_private(path: Path) -> None:
    try:
        private_open(path, "wb", exclusive=True).close()
    except FileExistsError:
        raise BackupError(f"{path} already exists: choose a new file name.") from None
    except OSError as error:
        raise BackupError(f"{path}: {error.strerror}.") from None


def _sqlite_backup(path: Path) -> None:
    connection.ensure_connection()
    with closing(sqlite3.connect(path)) as target:
        connection.connection.backup(target)


def _sqlite_restore(path: Path) -> None:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as source:
        if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"{path} is not a sound SQLite backup.")
        connection.ensure_connection()
        source.backup(connection.connection)


def _pg_name() -> str:
    return connection.settings_dict["NAME"]


def _run(command: list[str]) -> None:
    settings = connection.settings_dict
    env = {
        **os.environ,
        "PGHOST": settings["HOST"] or "",
        "PGPORT": settings["PORT"] or "",
        "PGUSER": settings["USER"] or "",
        "PGPASSWORD": settings["PASSWORD"] or "",
    }
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")
