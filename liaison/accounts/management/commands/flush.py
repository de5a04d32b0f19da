"""Django's `flush` — empty every table — which must take the audit trail's guard down to do
so (accounts/audit_guard.py) and puts it back after. Emptying the whole database is the one
way to remove audit events other than a retention purge; it needs shell access to the
server, like dropping the database would."""

from django.core.management.commands import flush
from django.db import connections

from liaison.accounts import audit_guard


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        audit_guard.remove(connection)
        try:
            return super().handle(**options)
        finally:
            audit_guard.install(connection)
