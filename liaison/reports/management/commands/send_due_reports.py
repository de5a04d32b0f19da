"""`liaison send_due_reports`: one round of the sender, for cron or a systemd timer.

`liaison schedule` runs the same round every minute by itself. Either may run on several
hosts at once: each report and each digest is claimed in the database before it is sent,
so none goes out twice.
"""

from django.core.management.base import BaseCommand

from liaison.reports.schedule import send_round


class Command(BaseCommand):
    help = "Send signed reports by email, fax gateway or Direct, then the clinicians' digests."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-digest", action="store_true", help="Send reports only, not the daily digests."
        )

    def handle(self, *args, no_digest, verbosity, **options):
        done = send_round(digests=not no_digest)
        if verbosity >= 1:
            self.stdout.write(str(done))
