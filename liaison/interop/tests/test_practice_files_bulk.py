"""A large import (BULK_ROWS and more) suspends the insights triggers and rebuilds the facts."""

import datetime as dt

import pytest
from django.db import connection

from liaison.care.models import Episode, Visit
from liaison.insights import facts
from liaison.interop.practice_files import importer
from liaison.interop.tests.test_practice_files import CLEAN, run_import, write_files

pytestmark = pytest.mark.django_db

FACT_TABLES = (facts.FACTS, facts.EPISODE_FACTS)


def fact_rows() -> dict[str, list[tuple]]:
    rows = {}
    with connection.cursor() as cursor:
        for table in FACT_TABLES:
            cursor.execute(f"SELECT * FROM {table} ORDER BY 1")
            rows[table] = [tuple(row[1:]) for row in cursor.fetchall()]  # less the row id
    return rows


def rebuilt_fact_rows() -> dict[str, list[tuple]]:
    facts.rebuild(connection)
    return fact_rows()


@pytest.fixture
def bulk(monkeypatch):
    """Any import counts as a bulk load."""
    monkeypatch.setattr(importer, "BULK_ROWS", 1)


def test_a_bulk_import_leaves_the_facts_equal_to_a_rebuild(tmp_path, bulk):
    run_import(write_files(tmp_path, CLEAN))
    imported = fact_rows()

    assert imported[facts.FACTS] and imported[facts.EPISODE_FACTS]
    assert imported == rebuilt_fact_rows()


def test_the_facts_follow_new_visits_again_after_a_bulk_import(tmp_path, bulk):
    run_import(write_files(tmp_path, CLEAN))
    episode = Episode.objects.get(external_id="E1")

    Visit.objects.create(episode=episode, visit_on=dt.date(2024, 1, 19), status="attended")

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT attended_visits, last_attended_on FROM {facts.EPISODE_FACTS} "
            "WHERE episode_id = %s",
            [episode.id],
        )
        attended, last_on = cursor.fetchone()
    assert attended == 2
    assert str(last_on)[:10] == "2024-01-19"
    assert fact_rows() == rebuilt_fact_rows()


def test_a_bulk_import_with_errors_keeps_the_triggers(tmp_path, bulk):
    files = {**CLEAN, "visits.csv": "visit_id,episode_id,visit_on,status\nV1,E9,2024-01-05,x\n"}
    outcome = importer.import_practice_files(write_files(tmp_path, files))
    assert not outcome.ok and outcome.errors[0].startswith("visits.csv:2: ")
    run_import(write_files(tmp_path / "clean", CLEAN))
    episode = Episode.objects.get(external_id="E1")

    Visit.objects.create(episode=episode, visit_on=dt.date(2024, 1, 19), status="attended")

    assert fact_rows() == rebuilt_fact_rows()
