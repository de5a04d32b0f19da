"""Background tasks (django-tasks, database backend): run by `liaison db_worker`."""

import datetime as dt

from django.utils import timezone
from django_tasks import task

from liaison.interop.models import PracticeImport
from liaison.interop.runs import practice_import_run, progress_path

# A running import writes its progress file at least every step; a step of the largest
# import takes minutes, not this long. Past it, the worker is taken to have died.
STALLED_AFTER = dt.timedelta(minutes=30)
STALLED_MESSAGE = (
    "The import stopped without finishing: no progress for {minutes} minutes, so its worker "
    "was probably stopped. Nothing was written; upload the files again."
)


@task()
def run_practice_import(code: str) -> None:
    practice_import_run(code=code)


def last_sign_of_life(practice_import: PracticeImport) -> dt.datetime:
    """When a running import last reported progress (or started, before its first report)."""
    try:
        written = progress_path(practice_import).stat().st_mtime
    except OSError:
        return practice_import.started_at or practice_import.created_at
    return max(
        dt.datetime.fromtimestamp(written, tz=dt.UTC),
        practice_import.started_at or practice_import.created_at,
    )


def fail_stalled_imports(now: dt.datetime | None = None) -> int:
    """Mark failed the running imports silent for STALLED_AFTER (their worker was killed:
    the transaction died with it, so nothing was written). Returns how many."""
    now = now or timezone.now()
    message = STALLED_MESSAGE.format(minutes=int(STALLED_AFTER.total_seconds() // 60))
    failed = 0
    running = PracticeImport.objects.filter(status=PracticeImport.Status.RUNNING)
    for practice_import in running:
        if now - last_sign_of_life(practice_import) < STALLED_AFTER:
            continue
        # Conditional: an import that finished meanwhile keeps its own outcome.
        failed += running.filter(pk=practice_import.pk).update(
            status=PracticeImport.Status.FAILED,
            finished_at=now,
            errors=message,
            error_count=0,
        )
    return failed
