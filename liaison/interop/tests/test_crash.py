"""An import killed with SIGKILL in the middle of writing leaves the database as it was.

The import runs as a real process on a real database (a SQLite file, or a scratch
PostgreSQL database when the suite runs on PostgreSQL): the test database of pytest-django
lives in an uncommitted transaction no other process can see.
"""

import hashlib
import os
import pty
import select
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

pytestmark = pytest.mark.slow

VISITS = 100_000


@pytest.fixture(scope="module")
def scratch_database(tmp_path_factory, django_db_setup, django_db_blocker):
    """A DATABASE_URL of a new, migrated database, and a function to connect to it."""
    with django_db_blocker.unblock():
        vendor, settings = connection.vendor, connection.settings_dict
    if vendor == "postgresql":
        server = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT'] or 5432}"
        name = f"liaison_crash_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}")
        url = f"{server}/{name}"
        _migrate(url)
        yield url, lambda: psycopg.connect(url)
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    else:
        import sqlite3

        path = tmp_path_factory.mktemp("crash") / "crash.sqlite3"
        # A copy of the migrated, still empty test database: quicker than migrating anew.
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(path)])
        yield f"sqlite:///{path}", lambda: sqlite3.connect(path)


def _migrate(url: str) -> None:
    migrated = liaison(url, "migrate", "--no-input", "-v0")
    assert migrated.returncode == 0, migrated.stderr


def liaison(url: str, *args: str, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "liaison.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        **kwargs,
    )


def checksum(connect) -> dict[str, tuple[int, str]]:
    db = connect()
    try:
        cursor = db.cursor()
        if isinstance(db, psycopg.Connection):
            cursor.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            )
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        sums = {}
        for (table,) in sorted(cursor.fetchall()):
            cursor.execute(f'SELECT * FROM "{table}" ORDER BY 1')
            rows = cursor.fetchall()
            sums[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
        return sums
    finally:
        db.close()


def write_practice(folder: Path, visits: int) -> Path:
    """One clinic, a patient and an episode per 20 visits: a practice's usual shape."""
    folder.mkdir()
    patients = max(1, visits // 20)
    (folder / "locations.csv").write_text("location_id,name\nL1,Riverside Clinic\n")
    with open(folder / "patients.csv", "w") as out:
        out.write("patient_id,location_id,first_name,last_name,channel\n")
        out.writelines(f"PT{n},L1,Maya,Okonkwo{n},self\n" for n in range(patients))
    with open(folder / "episodes.csv", "w") as out:
        out.write("episode_id,patient_id,started_on\n")
        out.writelines(f"E{n},PT{n},2024-01-05\n" for n in range(patients))
    with open(folder / "visits.csv", "w") as out:
        out.write("visit_id,episode_id,visit_on,status\n")
        for n in range(visits):
            out.write(f"V{n},E{n % patients},2024-{1 + n % 12:02d}-{1 + n % 28:02d},attended\n")
    return folder


def import_until(url: str, folder: Path, label: str) -> str:
    """Run the import on a terminal (so it draws its progress bar) and SIGKILL it as soon as
    the bar shows `label`. Returns what the terminal showed."""
    parent, child = pty.openpty()
    env = {**os.environ, "DATABASE_URL": url}
    process = subprocess.Popen(
        [sys.executable, "-m", "liaison.cli", "import_practice", str(folder)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=child,
    )
    os.close(child)
    shown = ""
    deadline = time.monotonic() + 120
    try:
        while label not in shown and time.monotonic() < deadline:
            ready, _, _ = select.select([parent], [], [], 1)
            if ready:
                try:
                    shown += os.read(parent, 4096).decode(errors="replace")
                except OSError:  # the import ended, and its terminal with it
                    break
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        os.close(parent)
    assert label in shown, shown
    assert process.returncode == -signal.SIGKILL
    return shown


def test_an_import_killed_while_writing_leaves_the_database_as_it_was(scratch_database, tmp_path):
    url, connect = scratch_database
    first = liaison(url, "import_practice", str(write_practice(tmp_path / "first", 10)))
    assert first.returncode == 0, first.stderr
    before = checksum(connect)

    big = write_practice(tmp_path / "big", VISITS)
    import_until(url, big, "Writing visits.csv")

    assert checksum(connect) == before
    rerun = liaison(url, "import_practice", str(big))
    assert rerun.returncode == 0, rerun.stderr
    assert f"{VISITS:,}" in rerun.stdout


def test_a_refused_import_exits_non_zero(scratch_database):
    url, _connect = scratch_database
    corpus = Path(__file__).parent / "corpus" / "wrong_npi_check_digit"

    refused = liaison(url, "import_practice", str(corpus))

    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [
        "partners.csv:2: npi: 1234567890 fails the NPI check digit (the last digit should be 3)",
        "CommandError: 1 error; nothing was written.",
    ]
