"""`liaison scorecards`: every partner's scorecard, the channels and the response times."""

import csv
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from liaison.core.dates import date_argument
from liaison.insights.documents import CHANNEL_FIELDS, PARTNER_FIELDS
from liaison.insights.queries import Scope, find_location, scorecards_document
from liaison.insights.scope import MAX_WINDOW_DAYS


class Command(BaseCommand):
    help = "Print every partner's scorecard, the channels and the response times (docs/metrics.md)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of",
            type=date_argument,
            default=None,
            help="The as-of date, YYYY-MM-DD (inclusive; default today).",
        )
        parser.add_argument(
            "--window-days",
            type=int,
            default=365,
            help="The window's length in days, ending on the as-of date.",
        )
        parser.add_argument(
            "--location",
            default=None,
            help="Only this location's patients: its practice id or code.",
        )
        parser.add_argument("--format", choices=["json", "csv", "table"], default="table")
        parser.add_argument(
            "--rows",
            choices=list(CSV_ROWS),
            default="partners",
            help="With --format csv: one row per partner, or per channel.",
        )

    def handle(self, *args, as_of, window_days, location, format, rows, **options):
        if not 1 <= window_days <= MAX_WINDOW_DAYS:
            raise CommandError(f"--window-days must be between 1 and {MAX_WINDOW_DAYS}.")
        scope = Scope(
            as_of=as_of or timezone.localdate(),
            window_days=window_days,
            location_id=_location_id(location),
        )
        document = scorecards_document(scope=scope)
        if format == "csv":
            self._csv(document, rows)
        else:
            {"json": self._json, "table": self._table}[format](document)

    def _json(self, document: dict) -> None:
        self.stdout.write(json.dumps(document, indent=2))

    def _csv(self, document: dict, rows: str) -> None:
        writer = csv.writer(self.stdout, lineterminator="\n")
        fields = CSV_ROWS[rows]
        writer.writerow(fields)
        for row in document[rows]:
            writer.writerow(_csv_cell(row[name]) for name in fields)

    def _table(self, document: dict) -> None:
        self.stdout.write(render_table(document))


# What --rows picks for the CSV: the document's list and its fields.
CSV_ROWS = {"partners": PARTNER_FIELDS, "channels": CHANNEL_FIELDS}


def location_option(value: str | None):
    """The location a --location option names (its practice id or code), None when not given."""
    if value is None:
        return None
    location = find_location(value)
    if location is None:
        raise CommandError(f"--location: no location has the id or code {value!r}.")
    return location


def _location_id(value: str | None) -> int | None:
    location = location_option(value)
    return location.pk if location else None


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# (heading, field, width, how to show it)
PARTNER_COLUMNS = [
    ("Partner", "name", 28, str),
    ("Specialty", "specialty", 18, str),
    ("Refs", "referrals", 5, str),
    ("Seen", "seen", 5, str),
    ("Conv", "conversion_rate", 6, "pct"),
    ("Approp", "appropriateness_rate", 6, "pct"),
    ("Compl", "compliance_rate", 6, "pct"),
    ("Outc", "outcome_success_rate", 6, "pct"),
    ("Revenue", "revenue", 11, str),
    ("Quality", "quality_index", 7, "ratio"),
    ("Trend", "trend", 9, str),
    ("Call", "needs_reconnect", 4, "flag"),
]


CHANNEL_COLUMNS = [
    ("Channel", "channel", 22, str),
    ("New", "new_patients", 6, str),
    ("LTV 12m", "ltv_12m", 10, str),
    ("LTV 24m", "ltv_24m", 10, str),
    ("Spend", "spend", 11, str),
    ("Per new", "cost_per_new_patient", 9, str),
    ("LTV:CAC", "ltv_to_cac", 7, "ratio"),
    ("Return", "return_rate", 7, "pct"),
    ("Compl", "compliance_rate", 6, "pct"),
]


def render_table(document: dict) -> str:
    """A terminal table: partners with referrals first (most first), then channels and times."""
    lines = [f"Scorecards as of {document['as_of']}, window {document['window_days']} days", ""]
    lines.append(_row([(h, w) for h, _, w, _ in PARTNER_COLUMNS]))
    partners = sorted(document["partners"], key=lambda p: (-p["referrals"], p["name"]))
    for partner in partners:
        lines.append(_row([(_show(partner[f], how), w) for _, f, w, how in PARTNER_COLUMNS]))
    lines += ["", _row([(h, w) for h, _, w, _ in CHANNEL_COLUMNS])]
    for channel in document["channels"]:
        lines.append(_row([(_show(channel[f], how), w) for _, f, w, how in CHANNEL_COLUMNS]))
    response = document["response"]
    lines += [
        "",
        f"Days to first visit: median {_show(response['median_days_to_first_visit'], str)}, "
        f"p90 {_show(response['p90_days_to_first_visit'], str)}; seen within target "
        f"{_show(response['seen_within_target_rate'], 'pct')}",
        "Reports on time: "
        + ", ".join(
            f"{kind} {_show(rate, 'pct')}" for kind, rate in response["on_time_rate"].items()
        ),
        "Keeping referrers informed (initial report on time, or not): completion "
        f"{_show(response['informed_completion_rate'], 'pct')} vs "
        f"{_show(response['uninformed_completion_rate'], 'pct')}, outcome success "
        f"{_show(response['informed_success_rate'], 'pct')} vs "
        f"{_show(response['uninformed_success_rate'], 'pct')} (an association, not proof)",
    ]
    return "\n".join(lines) + "\n"


def _show(value, how) -> str:
    if value is None:
        return "—"
    if how == "pct":
        return f"{value * 100:.1f}%"
    if how == "ratio":
        return f"{value:.2f}"
    if how == "flag":
        return "yes" if value else ""
    return str(value)


def _row(cells: list[tuple[str, int]]) -> str:
    # Text left, figures right: a cell that parses as a number or percentage is a figure.
    out = []
    for text, width in cells:
        text = text if len(text) <= width else text[: width - 1] + "…"
        figure = text[:1].isdigit() or text[:1] == "-" or text == "—"
        out.append(text.rjust(width) if figure else text.ljust(width))
    return "  ".join(out).rstrip()
