"""`liaison backup FILE`: a consistent copy of the whole database, while the server runs."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from liaison.interop.backup import BackupError, backup_database


class Command(BaseCommand):
    help = (
        "Copy the whole database into a new FILE (mode 0600: it holds patient data), "
        "consistent as of one instant while Liaison keeps running; `liaison restore` reads it."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The backup file to create.")

    def handle(self, *args, file: Path, **options):
        try:
            backup_database(file)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Backed up to {file} ({file.stat().st_size:,} bytes).")
