"""What every insights page shares.

- Who may look: managers and the liaison role. The pages are partner-level; none of them
  names a patient, so the liaison sees them whole.
- The filter bar (as-of date, window, location): chosen once, it follows the user from page
  to page for the rest of the session.
- The numbers behind every chart, one click away and as a CSV download (`?csv=<table>`).
"""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import wraps

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from liaison.accounts.access import can_see_insights
from liaison.accounts.models import Location
from liaison.core.exports import csv_response
from liaison.core.filters import page_filters
from liaison.core.forms import DateField
from liaison.insights.scope import DEFAULT_WINDOW_DAYS, MAX_WINDOW_DAYS, Scope

SESSION_FILTERS = "insights_filters"
WINDOW_CHOICES = [(90, "90 days"), (180, "180 days"), (365, "12 months"), (730, "2 years")]

# (URL name, label) of the pages, in the order of the tabs.
PAGES = [
    ("insights-overview", "Overview"),
    ("insights-ranking", "Partner ranking"),
    ("insights-trends", "Trends and reconnects"),
    ("insights-channels", "Channels"),
    ("insights-response", "Response"),
    ("insights-touchpoints", "Touchpoints that work"),
    ("insights-gaps", "Gaps"),
]


def insights_page(view: Callable) -> Callable:
    """Log in first; then managers and the liaison role only (403 for everyone else)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not can_see_insights(request.user):
            raise PermissionDenied("Insights are for managers and the liaison role.")
        return view(request, *args, **kwargs)

    return wrapped


class FiltersForm(forms.Form):
    as_of = DateField(
        label="As of",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Nothing dated after this day counts.",
    )
    window_days = forms.TypedChoiceField(
        label="Window",
        coerce=int,
        choices=WINDOW_CHOICES,
        required=False,
        empty_value=DEFAULT_WINDOW_DAYS,
    )
    location = forms.ModelChoiceField(
        label="Location",
        queryset=Location.objects.order_by("name"),
        required=False,
        to_field_name="code",
        empty_label="All locations",
    )

    def clean_window_days(self) -> int:
        days = self.cleaned_data["window_days"]
        if not 1 <= days <= MAX_WINDOW_DAYS:
            raise forms.ValidationError(f"Choose a window between 1 and {MAX_WINDOW_DAYS} days.")
        return days


@dataclass(frozen=True)
class Filters:
    form: FiltersForm
    scope: Scope
    location: Location | None

    @property
    def as_of(self) -> dt.date:
        return self.scope.as_of


def filters_for(request) -> Filters:
    """The filters of this request; the last ones used when the request names none."""
    # The bar shows the window the figures use, also when none was chosen.
    form = page_filters(
        request,
        key=SESSION_FILTERS,
        form_class=FiltersForm,
        defaults={"window_days": str(DEFAULT_WINDOW_DAYS)},
    ).form
    if not form.is_valid():
        # Bad input re-renders the bar with its errors; the figures use the defaults meanwhile.
        return Filters(form, Scope(as_of=timezone.localdate()), None)
    location = form.cleaned_data["location"]
    scope = Scope(
        as_of=form.cleaned_data["as_of"] or timezone.localdate(),
        window_days=form.cleaned_data["window_days"] or DEFAULT_WINDOW_DAYS,
        location_id=location.pk if location else None,
    )
    return Filters(form, scope, location)


def render_page(request, template: str, filters: Filters, context: dict):
    """Render an insights page with its tabs and the filter bar."""
    return render(
        request,
        template,
        {
            "filters": filters,
            "insights_pages": PAGES,
            "current_page": request.resolver_match.url_name,
            **context,
        },
    )


def rounded(value: float | None, digits: int = 4) -> float | None:
    """A rate as a CSV cell shows it; None stays None (csv_response writes it empty)."""
    return None if value is None else round(value, digits)


def csv_table(request, tables: dict[str, Callable[[], tuple[Sequence[str], Iterable]]]):
    """When the request asks `?csv=<name>`, the download of that table (header, rows);
    None when it asks for no CSV. An unknown table name is a 404."""
    name = request.GET.get("csv")
    if name is None:
        return None
    if name not in tables:
        raise Http404("No such table on this page.")
    header, rows = tables[name]()
    return csv_response(filename=f"{name}.csv", header=header, rows=rows)
