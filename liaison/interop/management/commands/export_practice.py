"""`liaison export_practice DIR`: write the whole database as practice files."""

from pathlib import Path

from django.core.management.base import BaseCommand

from liaison.interop.practice_files.export import export_practice_files
from liaison.interop.practice_files.progress import TerminalBar


class Command(BaseCommand):
    help = (
        "Write the practice's whole history as practice files (docs/practice-files.md) into "
        "a folder, created if needed; `import_practice` reads them back."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="The folder to write the files into.")

    def handle(self, *args, directory: Path, **options):
        bar = TerminalBar(self.stderr._out)
        try:
            written = export_practice_files(directory, progress=bar)
        finally:
            bar.close()
        for name, rows in written.items():
            self.stdout.write(f"{name:<20}{rows:>12,} rows")
        self.stdout.write(f"{'total':<20}{sum(written.values()):>12,} rows, in {directory}")
