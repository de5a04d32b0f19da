"""`liaison send_due_reports`: send signed reports whose time has come, and the digests.

Run it from cron every few minutes, on one host or several: each report and each digest is
claimed in the database before it is sent, so none goes out twice.
"""

from django.core.management.base import BaseCommand

from liaison.reports.delivery import deliveries_send_due
from liaison.reports.digest import digests_send


class Command(BaseCommand):
    help = "Send signed reports by email, fax gateway or Direct, then the clinicians' digests."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-digest", action="store_true", help="Send reports only, not the daily digests."
        )

    def handle(self, *args, no_digest, verbosity, **options):
        summary = deliveries_send_due()
        digests = 0 if no_digest else digests_send()
        if verbosity >= 1:
            self.stdout.write(
                f"reports sent: {summary.sent}, to retry: {summary.retrying}, "
                f"failed for good: {summary.failed}; digests sent: {digests}"
            )
