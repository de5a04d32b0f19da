"""`liaison restore FILE`: load a backup into a new, empty database and check the audit trail."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from liaison.interop.backup import BackupError, restore_database


class Command(BaseCommand):
    help = (
        "Load a backup made by `liaison backup` into the configured database, which must be "
        "new and empty, then verify the audit trail's hash chain."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The backup file to load.")

    def handle(self, *args, file: Path, **options):
        try:
            chain = restore_database(file)
        except BackupError as error:
            raise CommandError(str(error)) from None
        if not chain.ok:
            raise CommandError(
                f"Restored, but the audit trail is broken at event #{chain.broken_at}: "
                f"{chain.problem}."
            )
        self.stdout.write(
            f"Restored from {file}; the audit trail is intact ({chain.checked} events checked)."
        )
