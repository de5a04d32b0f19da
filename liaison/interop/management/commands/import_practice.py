"""`liaison import_practice DIR [--dry-run]`: check a folder of practice files, then import it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from liaison.interop.practice_files.importer import ImportOutcome, import_practice_files
from liaison.interop.practice_files.progress import TerminalBar


class Command(BaseCommand):
    help = (
        "Import a folder of practice files (docs/practice-files.md): every row of every file "
        "is checked first, and any error means nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="The folder holding the CSV files.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count, but write nothing."
        )

    def handle(self, *args, directory: Path, dry_run: bool, **options):
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a folder.")
        bar = TerminalBar(self.stderr._out)
        try:
            outcome = import_practice_files(directory, dry_run=dry_run, progress=bar)
        finally:
            bar.close()
        if not outcome.ok:
            for line in error_lines(outcome):
                self.stderr.write(line)
            raise CommandError(error_total(outcome))
        self.stdout.write(summary(outcome))


def error_lines(outcome: ImportOutcome) -> list[str]:
    more = outcome.error_count - len(outcome.errors)
    return [*outcome.errors, *([f"… and {more:,} more errors"] if more else [])]


def error_total(outcome: ImportOutcome) -> str:
    noun = "error" if outcome.error_count == 1 else "errors"
    return f"{outcome.error_count:,} {noun}; nothing was written."


def summary(outcome: ImportOutcome) -> str:
    lines = [f"{'file':<20}{'rows':>12}{'inserted':>12}{'updated':>12}{'unchanged':>12}"]
    for name, counts in [*outcome.files.items(), ("total", outcome.total)]:
        lines.append(
            f"{name:<20}{counts.rows:>12,}{counts.inserted:>12,}"
            f"{counts.updated:>12,}{counts.unchanged:>12,}"
        )
    if outcome.dry_run:
        lines.append("Dry run: every row checked, nothing written.")
    return "\n".join(lines)
