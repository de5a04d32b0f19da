"""`liaison reports_due`: every report the record says partners are owed, with its status."""

import datetime as dt
import json
from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from liaison.accounts.models import Location
from liaison.core.codes import by_practice_id
from liaison.partners.models import Partner
from liaison.reports.obligations import (
    DEFAULT_AHEAD_DAYS,
    DEFAULT_WINDOW_DAYS,
    Status,
    Window,
    obligations_due,
)

COLUMNS = ["kind", "referral_id", "episode_id", "partner_id", "due_on", "sent_on", "status"]


class Command(BaseCommand):
    help = (
        "List the reports owed to referring partners: by default those due in the year up to "
        f"the as-of date and the next {DEFAULT_AHEAD_DAYS} days, each with its status "
        "(sent_on_time, sent_late, overdue, due)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of",
            type=dt.date.fromisoformat,
            required=True,
            help="The as-of date D, YYYY-MM-DD.",
        )
        parser.add_argument("--location", help="Only this location (its practice id or code).")
        parser.add_argument("--partner", help="Only this partner (its practice id or code).")
        parser.add_argument(
            "--since",
            type=dt.date.fromisoformat,
            default=None,
            help="List obligations due from this date (default: D - "
            f"{DEFAULT_WINDOW_DAYS - 1} days); an early date lists all history.",
        )
        parser.add_argument(
            "--ahead-days",
            type=int,
            default=DEFAULT_AHEAD_DAYS,
            help=f"Also list what comes due this many days after D (default {DEFAULT_AHEAD_DAYS}).",
        )
        parser.add_argument(
            "--status",
            choices=Status.ALL,
            action="append",
            help="Only obligations with this status (repeatable).",
        )
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args, as_of, location, partner, since, ahead_days, status, format, **options):
        if ahead_days < 0:
            raise CommandError("--ahead-days cannot be negative.")
        location_ids = [_location(location).pk] if location else None
        partner_ids = [_partner(partner).pk] if partner else None
        window = Window.around(as_of, since=since, ahead_days=ahead_days)
        rows = obligations_due(
            as_of=as_of,
            since=window.since,
            ahead_days=ahead_days,
            location_ids=location_ids,
            partner_ids=partner_ids,
        )
        if status:
            rows = [o for o in rows if o.status in status]
        entries = [_entry(o) for o in rows]
        if format == "json":
            self.stdout.write(_json(_document(window, location, partner, entries)))
        else:
            self._table(window, entries)

    def _table(self, window, entries) -> None:
        self.stdout.write(f"Reports due {window.since} to {window.until}, as of {window.as_of}")
        widths = {c: max([len(c), *(len(str(e[c] or "")) for e in entries)]) for c in COLUMNS}
        self.stdout.write("  ".join(c.ljust(widths[c]) for c in COLUMNS))
        for entry in entries:
            cells = (str(entry[c] or "-").ljust(widths[c]) for c in COLUMNS)
            self.stdout.write("  ".join(cells).rstrip())
        counts = Counter(e["status"] for e in entries)
        summary = ", ".join(f"{counts[s]} {s}" for s in Status.ALL)
        self.stdout.write(f"{len(entries)} obligations: {summary}")


def _location(ref: str) -> Location:
    found = by_practice_id(Location.objects, ref)
    if found is None:
        raise CommandError(f"--location: No location with the practice id or code {ref!r}.")
    return found


def _partner(ref: str) -> Partner:
    found = by_practice_id(Partner.objects, ref)
    if found is None:
        raise CommandError(f"--partner: no partner with the practice id or code {ref!r}.")
    return found


def _entry(o) -> dict:
    return {
        "kind": o.kind,
        "referral_id": o.referral_ref,
        "episode_id": o.episode_ref,
        "partner_id": o.partner_ref,
        "due_on": o.due_on.isoformat(),
        "sent_on": o.sent_on.isoformat() if o.sent_on else None,
        "status": o.status,
    }


def _json(document: dict) -> str:
    """The document with one obligation a line: readable, and written by the C encoder
    (an `indent` would switch json to its slow pure-Python encoder)."""
    entries = document.pop("obligations")
    lines = ",\n".join(json.dumps(entry) for entry in entries)
    head = json.dumps(document)[:-1]
    return f'{head}, "obligations": [\n{lines}\n]}}' if entries else f'{head}, "obligations": []}}'


def _document(window, location, partner, entries) -> dict:
    return {
        "as_of": window.as_of.isoformat(),
        "due_from": window.since.isoformat(),
        "due_to": window.until.isoformat(),
        "location_id": location,
        "partner_id": partner,
        "obligations": entries,
    }
