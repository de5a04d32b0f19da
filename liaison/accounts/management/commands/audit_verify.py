"""`liaison audit_verify`: walk the audit chain and name the first broken link (exit 1)."""

from django.core.management.base import BaseCommand, CommandError

from liaison.accounts.audit import audit_verify


class Command(BaseCommand):
    help = "Check that no audit event was altered, inserted or removed behind the database's back."

    def handle(self, **options):
        report = audit_verify()
        if not report.ok:
            where = f"event #{report.broken_at}: " if report.broken_at else ""
            raise CommandError(
                f"The audit trail is broken at {where}{report.problem} "
                f"({report.checked} events before it are intact)."
            )
        self.stdout.write(f"The audit trail is intact: {report.checked} events checked.")
