"""`liaison monthly_summary --month YYYY-MM`: the owner's monthly summary as a PDF."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from liaison.insights.management.commands.scorecards import location_option
from liaison.insights.pages.monthly import Month, monthly_summary, summary_pdf


class Command(BaseCommand):
    help = "Write the month's summary PDF (figures as of the month's last day; no patient data)."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="The month, YYYY-MM.")
        parser.add_argument(
            "--location",
            default=None,
            help="Only this location's patients: its practice id or code.",
        )
        parser.add_argument(
            "--output",
            default=None,
            help="The PDF file to write (default liaison-summary-YYYY-MM.pdf).",
        )

    def handle(self, *args, month, location, output, **options):
        try:
            chosen = Month.parse(month)
        except ValueError as error:
            raise CommandError(f"--month: {error}") from error
        place = location_option(location)
        path = Path(output or f"liaison-summary-{chosen}.pdf")
        path.write_bytes(summary_pdf(monthly_summary(chosen, place)))
        self.stdout.write(f"Wrote {path} ({chosen.label}).")
