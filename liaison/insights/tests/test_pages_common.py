"""What the insights pages share: the filter bar, chosen once, follows the user from page to
page; and a page's queries are as few on a long history as on a short one."""

import re

import pytest
from django.urls import reverse

from liaison.insights.pages.common import PAGES
from liaison.insights.tests.page_checks import queries_of
from liaison.insights.tests.pages_history import D, build

pytestmark = pytest.mark.django_db


def bar(response) -> dict[str, str]:
    """What the filter bar shows: each control's chosen value."""
    html = response.content.decode()
    form = html[html.index('<form method="get" class="filters"') :]
    form = form[: form.index("</form>")]
    as_of = re.search(r'<input[^>]*name="as_of"[^>]*>', form).group(0)
    shown = {"as_of": (re.search(r'value="([^"]*)"', as_of) or [None, ""])[1]}
    for name in ("window_days", "location"):
        select = re.search(rf'<select name="{name}".*?</select>', form, re.S).group(0)
        chosen = re.search(r"<option [^>]*selected[^>]*>([^<]*)</option>", select)
        shown[name] = chosen[1].strip() if chosen else ""
    return shown


def test_the_window_shown_is_the_one_the_figures_use(client, owner):
    client.force_login(owner)
    assert bar(client.get(reverse("insights-overview")))["window_days"] == "12 months"


def test_filters_chosen_on_one_page_follow_to_the_next(client, owner, location_b):
    client.force_login(owner)
    client.get(
        reverse("insights-overview"),
        {"as_of": "2026-06-30", "window_days": "180", "location": location_b.code},
    )
    shown = bar(client.get(reverse("insights-channels")))
    assert shown == {"as_of": "2026-06-30", "window_days": "180 days", "location": location_b.name}


def test_clearing_returns_to_the_defaults(client, owner):
    client.force_login(owner)
    client.get(reverse("insights-overview"), {"as_of": "2026-06-30", "window_days": "90"})
    client.get(reverse("insights-overview"), {"clear": "1"})
    shown = bar(client.get(reverse("insights-ranking")))
    assert (shown["as_of"], shown["window_days"]) == ("", "12 months")


def test_a_bad_date_is_named_and_not_remembered(client, owner):
    client.force_login(owner)
    response = client.get(reverse("insights-overview"), {"as_of": "2026-13-45"})
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()
    assert bar(client.get(reverse("insights-trends")))["as_of"] == ""


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"])
def test_an_out_of_range_date_is_named_on_every_page_and_not_remembered(client, owner, as_of):
    client.force_login(owner)
    for name, _ in PAGES:
        response = client.get(reverse(name), {"as_of": as_of})
        assert response.status_code == 200, name
        assert "is not a date between 1900 and 2100" in response.content.decode(), name
    assert bar(client.get(reverse("insights-trends")))["as_of"] == ""


@pytest.mark.parametrize("month", ["0000-01", "9999-12", "1899-12", "2026-13", "soon"])
def test_the_monthly_summary_refuses_a_month_out_of_range(client, owner, month):
    client.force_login(owner)
    response = client.get(reverse("insights-monthly-pdf"), {"month": month})
    assert response.status_code == 400
    assert response.content.decode().startswith("month: ")


@pytest.mark.parametrize("name", ["insights-overview", "insights-ranking", "insights-trends"])
def test_the_query_count_does_not_grow_with_the_history(client, owner, location_a, name):
    build(location_a)
    client.force_login(owner)
    few = queries_of(client, reverse(name), {"as_of": D.isoformat()})
    build(location_a)
    build(location_a)
    assert queries_of(client, reverse(name), {"as_of": D.isoformat()}) == few
