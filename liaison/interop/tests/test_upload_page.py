import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from liaison.care.models import Patient, Visit
from liaison.interop.models import PracticeImport
from liaison.interop.runs import UPLOAD_NAME, import_folder
from liaison.interop.tests.conftest import database_checksum
from liaison.interop.tests.test_practice_files import CLEAN

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings, tmp_path):
    """The worker's part, done in the request: what the page shows afterwards is the same."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.PRACTICE_IMPORT_DIR = tmp_path / "imports"


def zipped(files: dict[str, str], folder: str = "") -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(folder + name, content)
        archive.writestr("__MACOSX/._visits.csv", "junk")
    buffer.seek(0)
    buffer.name = "practice.zip"
    return buffer


def upload(client, files, action, django_capture_on_commit_callbacks, folder=""):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("interop-import"), {"archive": zipped(files, folder), "action": action}
        )
    assert response.status_code == 302
    return client.get(response.url)


def test_a_manager_sees_every_error_and_nothing_is_written(
    client, owner, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    broken = dict(CLEAN)
    broken["visits.csv"] += "V9,E404,2024-02-30,attended\n"
    before = database_checksum()

    page = upload(client, broken, "import", django_capture_on_commit_callbacks)

    text = page.content.decode()
    assert "2 errors; nothing was written." in text
    assert "visits.csv:4: visit_on: 2024-02-30 is not a date (YYYY-MM-DD)" in text
    assert "visits.csv:4: episode_id: E404 is in neither episodes.csv nor the database" in text
    after = database_checksum()
    # The upload's own record and the session change; nothing else.
    for table in ("interop_practiceimport", "django_session"):
        after.pop(table), before.pop(table)
    assert after == before


def test_a_dry_run_of_clean_files_writes_nothing_and_offers_the_import(
    client, owner, django_capture_on_commit_callbacks
):
    client.force_login(owner)

    page = upload(client, CLEAN, "check", django_capture_on_commit_callbacks, "export/")

    assert "No errors. Nothing was written" in page.content.decode()
    assert "Import these files" in page.content.decode()
    assert not Patient.objects.exists()
    dry_run = PracticeImport.objects.get()
    assert dry_run.status == "done" and dry_run.summary["visits.csv"]["inserted"] == 2
    kept = import_folder(dry_run)  # waiting for the import: patient data, the owner's alone
    assert (kept.stat().st_mode & 0o777, (kept / UPLOAD_NAME).stat().st_mode & 0o777) == (
        0o700,
        0o600,
    )

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(reverse("interop-import-confirm", args=[dry_run.code]))
    assert "Imported" in client.get(confirmed.url).content.decode()
    assert Visit.objects.count() == 2


def test_importing_clean_files_writes_them(client, owner, django_capture_on_commit_callbacks):
    client.force_login(owner)

    page = upload(client, CLEAN, "import", django_capture_on_commit_callbacks)

    assert "Imported" in page.content.decode()
    assert Patient.objects.count() == 2 and Visit.objects.count() == 2
    practice_import = PracticeImport.objects.get()
    assert practice_import.status == "done" and not practice_import.dry_run


def test_a_file_that_is_not_a_zip_is_refused_on_the_form(client, owner):
    client.force_login(owner)
    not_zip = io.BytesIO(b"visit_id\n")
    not_zip.name = "visits.csv"

    response = client.post(reverse("interop-import"), {"archive": not_zip, "action": "check"})

    assert response.status_code == 200
    assert "Choose a .zip file." in response.content.decode()
    assert not PracticeImport.objects.exists()


def test_the_status_fragment_shows_progress_while_the_import_waits(client, owner):
    client.force_login(owner)
    waiting = PracticeImport.objects.create(user=owner, filename="p.zip", dry_run=True)

    response = client.get(reverse("interop-import-status", args=[waiting.code]))

    assert response.status_code == 200
    assert 'hx-trigger="every 1s"' in response.content.decode()
    assert "<progress" in response.content.decode()


@pytest.mark.parametrize("user", ["front_desk", "clinician", "liaison_user", "outsider"])
def test_other_roles_are_refused(client, user, request, owner):
    client.force_login(request.getfixturevalue(user))
    done = PracticeImport.objects.create(user=owner, filename="p.zip", dry_run=True)

    assert client.get(reverse("interop-import")).status_code == 403
    assert client.get(reverse("interop-import-detail", args=[done.code])).status_code == 403
    assert client.post(reverse("interop-import-confirm", args=[done.code])).status_code == 403


def test_an_anonymous_visitor_is_sent_to_login(client):
    response = client.get(reverse("interop-import"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_clean_dry_runs_zip_is_kept_a_day_for_the_import_then_removed(
    client, owner, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    old = PracticeImport.objects.create(
        user=owner, filename="old.zip", dry_run=True, status="done", finished_at=timezone.now()
    )
    import_folder(old).mkdir(parents=True)
    (import_folder(old) / UPLOAD_NAME).write_bytes(b"PK")
    upload(client, CLEAN, "check", django_capture_on_commit_callbacks)
    assert (import_folder(old) / UPLOAD_NAME).exists()

    PracticeImport.objects.filter(pk=old.pk).update(
        finished_at=timezone.now() - dt.timedelta(days=2)
    )
    upload(client, CLEAN, "check", django_capture_on_commit_callbacks)

    assert not import_folder(old).exists()


@pytest.mark.parametrize(
    ("cast_member", "shown"),
    [("owner", True), ("front_desk", False), ("clinician", False), ("liaison_user", False)],
)
def test_only_managers_find_practice_files_in_the_navigation(client, request, cast_member, shown):
    client.force_login(request.getfixturevalue(cast_member))
    page = client.get(reverse("insights-home")).content.decode()
    assert (f'href="{reverse("interop-import")}"' in page) is shown
