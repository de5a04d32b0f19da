"""Background tasks (django-tasks, database backend): run by `liaison db_worker`."""

from django_tasks import task

from liaison.interop.services import practice_import_run


@task()
def run_practice_import(code: str) -> None:
    practice_import_run(code=code)
