"""An import whose worker was killed does not stay "running" on the upload page forever."""

import datetime as dt
import os

import pytest
from django.urls import reverse
from django.utils import timezone

from liaison.interop.models import PracticeImport
from liaison.interop.runs import progress_path
from liaison.interop.tasks import STALLED_AFTER

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def import_folders(settings, tmp_path):
    settings.PRACTICE_IMPORT_DIR = tmp_path / "imports"


def running_since(owner, started_at: dt.datetime, *, progress_at: dt.datetime | None = None):
    practice_import = PracticeImport.objects.create(
        user=owner,
        filename="practice.zip",
        dry_run=False,
        status=PracticeImport.Status.RUNNING,
        started_at=started_at,
    )
    if progress_at:
        path = progress_path(practice_import)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text('{"label": "Writing visits.csv", "fraction": 0.7}')
        os.utime(path, (progress_at.timestamp(), progress_at.timestamp()))
    return practice_import


def status_page(client, practice_import) -> str:
    response = client.get(reverse("interop-import-status", args=[practice_import.code]))
    assert response.status_code == 200
    return response.content.decode()


def test_an_import_silent_too_long_shows_as_failed_with_the_reason(client, owner):
    client.force_login(owner)
    long_ago = timezone.now() - STALLED_AFTER - dt.timedelta(minutes=1)
    stalled = running_since(owner, long_ago, progress_at=long_ago)

    page = status_page(client, stalled)

    assert "no progress for 30 minutes" in page
    assert "Nothing was written; upload the files again." in page
    assert 'hx-trigger="every 1s"' not in page
    stalled.refresh_from_db()
    assert stalled.status == PracticeImport.Status.FAILED and stalled.finished_at


def test_a_long_import_that_still_reports_progress_keeps_running(client, owner):
    client.force_login(owner)
    now = timezone.now()
    busy = running_since(owner, now - 3 * STALLED_AFTER, progress_at=now - dt.timedelta(minutes=2))

    page = status_page(client, busy)

    assert "Writing visits.csv" in page
    busy.refresh_from_db()
    assert busy.status == PracticeImport.Status.RUNNING


def test_a_worker_killed_before_its_first_progress_is_swept_from_the_import_page(client, owner):
    client.force_login(owner)
    stalled = running_since(owner, timezone.now() - STALLED_AFTER - dt.timedelta(minutes=1))

    response = client.get(reverse("interop-import"))

    assert response.status_code == 200
    stalled.refresh_from_db()
    assert stalled.status == PracticeImport.Status.FAILED
