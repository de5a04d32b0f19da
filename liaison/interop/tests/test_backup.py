"""`liaison backup` while writes go on, and `liaison restore` into a fresh database: the
restored records are a consistent snapshot of the live ones, and identical once writes stop.
Each database is a real one of the engine under test, driven through the `liaison` command
in processes of its own, as an operator would."""

import ast
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from urllib.parse import urlparse

import psycopg
import pytest
from django.db import connection

pytestmark = pytest.mark.slow

LIAISON = [sys.executable, "-m", "liaison.cli"]
# Writes patients, partners and audit events, one transaction each, until stopped.
WRITER = """
from django.db import transaction
from liaison.accounts.audit import audit_record
from liaison.factories import PartnerFactory, PatientFactory
while True:
    with transaction.atomic():
        patient = PatientFactory(source_partner=PartnerFactory(), channel="referral")
        audit_record(action="view", obj=patient, detail="backup test")
    print("wrote", flush=True)
"""


def liaison(url: str, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": url}
    result = subprocess.run([*LIAISON, *args], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


class Engine:
    """New empty databases of the engine the suite runs on, and their rows table by table."""

    def __init__(self, tmp_path):
        self.tmp_path, self.made = tmp_path, []
        self.vendor = connection.vendor
        if self.vendor == "postgresql":
            s = connection.settings_dict
            self.server = f"postgres://{s['USER']}@{s['HOST']}:{s['PORT'] or 5432}"

    def new(self, name: str, template: str | None = None) -> str:
        """A new database: empty, or a copy of `template` (a database `migrate` wrote once for
        the module, not once per test)."""
        if self.vendor == "sqlite":
            path = self.tmp_path / f"{name}.sqlite3"
            if template:
                shutil.copy(urlparse(template).path.removeprefix("/"), path)
            return f"sqlite:///{path}"
        db = f"liaison_backup_{name}_{os.getpid()}"
        copied = f" TEMPLATE {urlparse(template).path[1:]}" if template else ""
        with closing(psycopg.connect(f"{self.server}/postgres", autocommit=True)) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {db}")
            admin.execute(f"CREATE DATABASE {db}{copied}")
        self.made.append(db)
        return f"{self.server}/{db}"

    def drop_all(self):
        with closing(psycopg.connect(f"{self.server}/postgres", autocommit=True)) as admin:
            for db in self.made:
                admin.execute(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")

    def rows(self, url: str) -> dict[str, list[tuple]]:
        if self.vendor == "sqlite":
            db = sqlite3.connect(urlparse(url).path.removeprefix("/"))
            tables_sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
        else:
            db = psycopg.connect(url)
            tables_sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        with closing(db):
            tables = [
                t
                for (t,) in db.execute(tables_sql).fetchall()
                if not t.startswith("sqlite_") and t != "django_cache"
            ]
            return {
                t: sorted(map(repr, db.execute(f"SELECT * FROM {t}").fetchall())) for t in tables
            }


@pytest.fixture(scope="module")
def migrated_template(tmp_path_factory):
    """An empty database as `liaison migrate` leaves it, made once for the module."""
    engine = Engine(tmp_path_factory.mktemp("template"))
    url = engine.new("template")
    liaison(url, "migrate", "--noinput", "-v0")
    yield url
    if engine.vendor == "postgresql":
        engine.drop_all()


@pytest.fixture
def engine(tmp_path):
    made = Engine(tmp_path)
    yield made
    if made.vendor == "postgresql":
        made.drop_all()


def test_a_backup_taken_while_writes_go_on_restores_identical_records(
    engine, migrated_template, tmp_path
):
    live = engine.new("live", migrated_template)
    writer = subprocess.Popen(
        [*LIAISON, "shell", "-v0", "-c", WRITER],
        stdout=subprocess.PIPE,
        env={**os.environ, "DATABASE_URL": live},
        text=True,
    )
    try:
        for _ in range(5):  # some writes before the backup
            assert writer.stdout.readline().startswith("wrote")
        liaison(live, "backup", str(tmp_path / "during.bak"))
        for _ in range(5):  # and some after it
            assert writer.stdout.readline().startswith("wrote")
    finally:
        writer.kill()
        writer.wait()
    assert oct((tmp_path / "during.bak").stat().st_mode & 0o777) == "0o600"

    during = engine.new("during")
    assert "audit trail is intact" in liaison(during, "restore", str(tmp_path / "during.bak"))
    snapshot, now = engine.rows(during), engine.rows(live)
    assert snapshot.keys() == now.keys()
    # The data version is a counter each write advances in place: the backup's is an earlier one.
    before, later = (
        dict(map(ast.literal_eval, rows.pop("insights_dataversion"))) for rows in (snapshot, now)
    )
    assert before.keys() == later.keys() and all(before[t] <= later[t] for t in before)
    assert before["figures"] < later["figures"]  # patients were written after the backup
    for table, rows in snapshot.items():  # nothing half written: every row is a live row
        assert set(rows) <= set(now[table]), table
    assert 5 <= len(snapshot["care_patient"]) < len(now["care_patient"])

    liaison(live, "backup", str(tmp_path / "after.bak"))
    after = engine.new("after")
    liaison(after, "restore", str(tmp_path / "after.bak"))
    assert engine.rows(after) == engine.rows(live)


def test_restore_refuses_a_database_that_is_not_empty(engine, migrated_template, tmp_path):
    live = engine.new("full", migrated_template)
    liaison(live, "backup", str(tmp_path / "full.bak"))
    result = subprocess.run(
        [*LIAISON, "restore", str(tmp_path / "full.bak")],
        text=True,
        env={**os.environ, "DATABASE_URL": live},
        capture_output=True,
    )
    assert result.returncode != 0
    assert "The database is not empty" in result.stderr
    again = subprocess.run(
        [*LIAISON, "backup", str(tmp_path / "full.bak")],
        text=True,
        env={**os.environ, "DATABASE_URL": live},
        capture_output=True,
    )
    assert "already exists" in again.stderr


def test_restore_finds_a_tampered_audit_trail(engine, migrated_template, tmp_path):
    if engine.vendor != "sqlite":
        pytest.skip("the backup file is edited as a SQLite database")
    live = engine.new("tampered", migrated_template)
    liaison(live, "shell", "-c", WRITER.replace("while True:", "for _ in range(3):"))
    liaison(live, "backup", str(tmp_path / "t.bak"))
    with closing(sqlite3.connect(tmp_path / "t.bak")) as db:
        db.execute("DROP TRIGGER accounts_auditevent_no_update")
        db.execute("UPDATE accounts_auditevent SET detail = 'edited' WHERE id = 2")
        db.commit()
    result = subprocess.run(
        [*LIAISON, "restore", str(tmp_path / "t.bak")],
        text=True,
        env={**os.environ, "DATABASE_URL": engine.new("t2")},
        capture_output=True,
    )
    assert result.returncode != 0
    assert "broken at event #2" in result.stderr
