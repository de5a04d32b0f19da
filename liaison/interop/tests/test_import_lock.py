"""Two imports at once: the second is told, in words, that one is running, and writes
nothing (PostgreSQL's advisory lock; on SQLite the write lock does the same)."""

import psycopg
import pytest
from django.db import connection

from liaison.care.models import Patient
from liaison.interop.practice_files.importer import (
    ANOTHER_IMPORT,
    IMPORT_LOCK,
    import_practice_files,
)
from liaison.interop.tests.test_practice_files import CLEAN, write_files

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the advisory lock"),
]


def test_a_second_import_is_told_one_is_running_and_writes_nothing(tmp_path):
    s = connection.settings_dict
    other = psycopg.connect(
        dbname=s["NAME"], user=s["USER"], host=s["HOST"], port=s["PORT"] or 5432, autocommit=True
    )
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [IMPORT_LOCK])  # an import is running
        outcome = import_practice_files(write_files(tmp_path, CLEAN))
        assert not outcome.ok
        assert outcome.errors == [ANOTHER_IMPORT]
        assert not Patient.objects.exists()
    finally:
        other.close()
    assert import_practice_files(write_files(tmp_path / "again", CLEAN)).ok
    assert Patient.objects.exists()
