"""Practice files through the upload page: store the zip, queue its import (the worker runs
it: runs.py), import for real what a clean dry run checked."""

import datetime as dt
import shutil
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from liaison.core.files import private_folder, private_open
from liaison.interop.models import PracticeImport
from liaison.interop.runs import UPLOAD_NAME, import_folder
from liaison.interop.tasks import run_practice_import


def practice_import_start(*, upload, dry_run: bool, by) -> PracticeImport:
    """Keep the uploaded zip and queue its import for the background worker."""
    _forget_unconfirmed_dry_runs()
    practice_import = PracticeImport.objects.create(
        user=by, filename=Path(upload.name).name[:255], dry_run=dry_run
    )
    folder = private_folder(import_folder(practice_import))
    with private_open(folder / UPLOAD_NAME, "wb", exclusive=True) as out:
        for chunk in upload.chunks():
            out.write(chunk)
    _enqueue(practice_import)
    return practice_import


def practice_import_confirm(*, dry_run_import: PracticeImport, by) -> PracticeImport:
    """Import for real the zip a clean dry run checked (its upload was kept for this)."""
    practice_import = PracticeImport.objects.create(
        user=by, filename=dry_run_import.filename, dry_run=False
    )
    folder = private_folder(import_folder(practice_import))
    shutil.move(import_folder(dry_run_import) / UPLOAD_NAME, folder / UPLOAD_NAME)
    shutil.rmtree(import_folder(dry_run_import), ignore_errors=True)
    _enqueue(practice_import)
    return practice_import


def can_confirm(practice_import: PracticeImport) -> bool:
    return (
        practice_import.dry_run
        and practice_import.status == PracticeImport.Status.DONE
        and (import_folder(practice_import) / UPLOAD_NAME).exists()
    )


def _forget_unconfirmed_dry_runs() -> None:
    """A clean dry run keeps its zip for a day, for the manager to import; then it goes."""
    stale = PracticeImport.objects.filter(
        dry_run=True,
        status=PracticeImport.Status.DONE,
        finished_at__lt=timezone.now() - dt.timedelta(days=1),
    )
    for practice_import in stale.only("code"):
        shutil.rmtree(import_folder(practice_import), ignore_errors=True)


def _enqueue(practice_import: PracticeImport) -> None:
    # Queued once the row is committed, so the worker always finds it.
    transaction.on_commit(lambda: run_practice_import.enqueue(str(practice_import.code)))
