"""The practice files name clinicians in words; the import links each name to its user."""

import csv

import pytest

from liaison.accounts.models import Role
from liaison.care.models import Episode
from liaison.factories import UserFactory
from liaison.interop.practice_files.export import export_practice_files
from liaison.interop.tests.test_practice_files import CLEAN, counts_line, run_import, write_files

pytestmark = pytest.mark.django_db


def files_naming(clinician: str) -> dict[str, str]:
    return {**CLEAN, "episodes.csv": CLEAN["episodes.csv"].replace("Dr Rivera", clinician)}


@pytest.fixture
def rivera():
    return UserFactory(first_name="Ana", last_name="Rivera", role=Role.CLINICIAN)


def test_an_imported_name_is_linked_and_exported_as_written(tmp_path, rivera):
    run_import(write_files(tmp_path / "in", files_naming('"Ana Rivera, DPT"')))
    episode = Episode.objects.get(external_id="E1")
    assert episode.clinician == rivera

    export_practice_files(tmp_path / "out")
    with open(tmp_path / "out" / "episodes.csv", newline="", encoding="utf-8") as f:
        assert [row["clinician"] for row in csv.DictReader(f)] == ["Ana Rivera, DPT"]


def test_importing_the_same_names_again_changes_nothing(tmp_path, rivera):
    folder = write_files(tmp_path, files_naming("Ana Rivera"))
    run_import(folder)
    output = run_import(folder)
    assert counts_line(output, "episodes.csv") == [1, 0, 0, 1]
    assert Episode.objects.get(external_id="E1").clinician == rivera


def test_a_file_naming_another_clinician_unlinks_the_first(tmp_path, rivera):
    run_import(write_files(tmp_path / "first", files_naming("Ana Rivera")))
    run_import(write_files(tmp_path / "second", files_naming("Kim Ito")))
    episode = Episode.objects.get(external_id="E1")
    assert episode.clinician is None and episode.treating_clinician == "Kim Ito"
