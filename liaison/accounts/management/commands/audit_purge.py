"""`liaison audit_purge [--years N]`: remove audit events older than the retention period."""

import datetime as dt
import getpass

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from liaison.accounts.audit import RETENTION_YEARS, audit_purge


class Command(BaseCommand):
    help = (
        "Remove audit events older than the retention period (6 years by default), as a whole "
        "prefix of the chain, leaving a signed checkpoint; the purge itself is audited."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--years",
            type=int,
            default=RETENTION_YEARS,
            help=f"keep this many years of events (default {RETENTION_YEARS})",
        )

    def handle(self, *, years: int, **options):
        if years < 1:
            raise CommandError("--years: keep at least one year of audit events.")
        now = timezone.now()
        before = (
            now.replace(year=now.year - years)
            if not _leap_day(now)
            else (now - dt.timedelta(days=1)).replace(year=now.year - years)
        )
        removed = audit_purge(before=before, by=f"command line ({getpass.getuser()})")
        self.stdout.write(f"Removed {removed} audit events dated before {before:%Y-%m-%d}.")


def _leap_day(day: dt.datetime) -> bool:
    return day.month == 2 and day.day == 29
