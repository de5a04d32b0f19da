"""Running a queued practice import, on the worker: unpack the zip, check and write the
files (or only check them, for a dry run), record the outcome, tidy the folder."""

import shutil
import zipfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.utils import timezone

from liaison.core.files import private_folder, private_open
from liaison.interop.models import PracticeImport
from liaison.interop.practice_files.importer import import_practice_files
from liaison.interop.practice_files.progress import ProgressFile
from liaison.interop.practice_files.schema import BY_NAME

UPLOAD_NAME = "upload.zip"
# A zip whose files unpack beyond this is refused before anything is written to disk.
MAX_UNPACKED_BYTES = 20 * 1024**3


class UnusableZip(Exception):
    """The upload cannot be unpacked into practice files; the message says why."""


def import_folder(practice_import: PracticeImport) -> Path:
    return Path(settings.PRACTICE_IMPORT_DIR) / practice_import.code.hex


def progress_path(practice_import: PracticeImport) -> Path:
    return import_folder(practice_import) / "progress.json"


def practice_import_run(*, code: str) -> None:
    """Run a queued import: unpack, check, write (or not), record the outcome.

    Claimed with a conditional UPDATE, so a task delivered twice runs once.
    """
    claimed = PracticeImport.objects.filter(code=code, status=PracticeImport.Status.QUEUED)
    if not claimed.update(status=PracticeImport.Status.RUNNING, started_at=timezone.now()):
        return
    practice_import = PracticeImport.objects.get(code=code)
    folder = import_folder(practice_import)
    keep_upload = False
    try:
        files = unpack(folder / UPLOAD_NAME, folder / "files")
        outcome = import_practice_files(
            files,
            dry_run=practice_import.dry_run,
            user=practice_import.user,
            progress=ProgressFile(progress_path(practice_import)),
        )
    except UnusableZip as error:
        _finish(practice_import, PracticeImport.Status.INVALID, errors=[str(error)], count=1)
    except Exception:
        _finish(practice_import, PracticeImport.Status.FAILED)
        raise
    else:
        status = PracticeImport.Status.DONE if outcome.ok else PracticeImport.Status.INVALID
        summary = {name: vars(counts) for name, counts in outcome.files.items()}
        _finish(
            practice_import,
            status,
            errors=outcome.errors,
            count=outcome.error_count,
            summary=summary,
        )
        keep_upload = outcome.ok and practice_import.dry_run
    finally:
        _tidy(folder, keep_upload)


def _finish(practice_import, status, *, errors=(), count=0, summary=None) -> None:
    practice_import.status = status
    practice_import.finished_at = timezone.now()
    practice_import.errors = "\n".join(errors)
    practice_import.error_count = count
    practice_import.summary = summary or {}
    practice_import.save()


def _tidy(folder: Path, keep_upload: bool) -> None:
    """Patient data does not linger on disk: a clean dry run's zip alone is kept, a day."""
    if not keep_upload:
        shutil.rmtree(folder, ignore_errors=True)
        return
    for path in folder.iterdir():
        if path.name != UPLOAD_NAME:
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def unpack(zip_path: Path, target: Path) -> Path:
    """Unpack the CSV files of a zip into `target`, flat, whatever folder they sit in.

    Only names are taken from the zip (never its paths), so nothing lands outside target.
    """
    try:
        archive = zipfile.ZipFile(zip_path)
    except zipfile.BadZipFile:
        raise UnusableZip("The upload is not a zip file.") from None
    with archive:
        members = _csv_members(archive)
        private_folder(target)
        for name, info in members.items():
            with archive.open(info) as source, private_open(target / name, "wb") as out:
                shutil.copyfileobj(source, out, 1024 * 1024)
    return target


def _csv_members(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    members: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        path = PurePosixPath(info.filename)
        # macOS adds __MACOSX/ and ._ files beside the real ones.
        if info.is_dir() or "__MACOSX" in path.parts or path.name.startswith("."):
            continue
        if path.suffix.lower() != ".csv":
            continue
        if path.name in members:
            raise UnusableZip(f"The zip holds {path.name} twice; keep one.")
        members[path.name] = info
    if not members:
        raise UnusableZip("The zip holds no CSV files (" + ", ".join(BY_NAME) + ").")
    if sum(info.file_size for info in members.values()) > MAX_UNPACKED_BYTES:
        raise UnusableZip("The zip unpacks to more than 20 GB; split the import.")
    return members
