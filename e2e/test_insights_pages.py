"""The insights pages in a browser, as the manager and as the liaison: every page opens, passes
the accessibility check, is saved as a screenshot, and shows the same figures as
`liaison scorecards --as-of D --format json` for the same as-of date — and no patient."""

import datetime as dt
import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from e2e.accessibility import assert_accessible
from liaison.accounts.models import Role
from liaison.care.models import Channel
from liaison.factories import LocationFactory, PartnerFactory, UserFactory
from liaison.insights.pages.common import PAGES
from liaison.insights.tests.history import episode, payment, referral, touchpoint, visits

PATIENT_NAMES = ("Hiddenforename", "Secretsurname")

# Each table's rows as {column heading: cell text}; sort arrows dropped from the headings.
TABLE_ROWS = """table => {
  const heads = [...table.querySelectorAll("thead th")]
    .map(th => th.textContent.replace(/[▲▼]/g, "").trim());
  return [...table.querySelectorAll("tbody tr")].map(tr => Object.fromEntries(
    [...tr.children].map((cell, i) => [heads[i], cell.textContent.trim()])));
}"""


@pytest.fixture
def as_of(transactional_db) -> dt.date:
    """A small practice: steady, growing, declining, dormant and new partners."""
    today = dt.date.today()
    clinic = LocationFactory(name="Riverside Clinic")

    def sent(partner, days_ago: int, *, seen: bool = True):
        received = (today - dt.timedelta(days=days_ago)).isoformat()
        ref = referral(partner, received, location=clinic)
        ref.patient.first_name, ref.patient.last_name = PATIENT_NAMES
        ref.patient.save()
        if seen and days_ago > 7:
            start = (today - dt.timedelta(days=days_ago - 5)).isoformat()
            ended = (today - dt.timedelta(days=max(days_ago - 60, 1))).isoformat()
            ep = episode(ref, started=start, ended=ended if days_ago > 90 else None, planned=4)
            visits(ep, start)
            payment(ref.patient, start, "120.00", ep)

    steady = PartnerFactory(first_name="Ada", last_name="Steady")
    for days_ago in range(10, 450, 30):
        sent(steady, days_ago)
    growing = PartnerFactory(
        first_name="Bea", last_name="Grower", specialty_id="orthopedic_surgery"
    )
    for days_ago in (300, *range(5, 90, 10)):
        sent(growing, days_ago)
    declining = PartnerFactory(first_name="Cy", last_name="Falling")
    for days_ago in range(100, 450, 20):
        sent(declining, days_ago, seen=days_ago % 40 == 0)
    dormant = PartnerFactory(first_name="Dee", last_name="Quiet")
    for days_ago in (250, 300, 350, 400):
        sent(dormant, days_ago)
    sent(PartnerFactory(first_name="Eve", last_name="Newcomer"), 20)
    touchpoint(steady, (today - dt.timedelta(days=12)).isoformat())
    return today


def scorecards(as_of: dt.date) -> dict:
    out = io.StringIO()
    call_command("scorecards", "--as-of", as_of.isoformat(), "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def rows_of(table) -> list[dict[str, str]]:
    return table.evaluate(TABLE_ROWS)


def shows(text: str, value) -> bool:
    """Whether a cell shows the value, to the precision it is shown with ("0.72", "72 %",
    "$1,234", "—" for none)."""
    if value is None:
        return text in ("—", "", "–")
    number = re.search(r"-?[\d,]*\.?\d+", text)
    if number is None:
        return False
    digits = number.group().replace(",", "")
    shown = float(digits) / (100 if "%" in text else 1)
    decimals = len(digits.partition(".")[2])
    unit = 10**-decimals / (100 if "%" in text else 1)
    return abs(shown - float(value)) <= unit / 2 + 1e-9


def by_name(document: dict) -> dict[str, dict]:
    return {p["name"]: p for p in document["partners"]}


def check_ranking(page, document):
    partners = by_name(document)
    rows = rows_of(page.locator("table.ranking-table"))
    assert {r["Partner"] for r in rows} == set(partners)
    for row in rows:
        card = partners[row["Partner"]]
        assert int(row["Referrals"].replace(",", "")) == card["referrals"], row
        assert shows(row["Quality index"], card["quality_index"]), (row, card)
        assert shows(row["Value score"], card["value_score"]), (row, card)


def check_overview(page, document):
    partners = by_name(document)
    for caption, field in (
        ("Top 10 by value score", "value_score"),
        ("Top 10 by referrals", "referrals"),
    ):
        rows = rows_of(page.locator("table", has=page.locator("caption", has_text=caption)))
        eligible = [p for p in partners.values() if p[field] not in (None, 0, "0.00")]
        assert len(rows) == min(10, len(eligible)), caption
        for row in rows:
            card = partners[row["Partner"]]
            assert int(row["Referrals"]) == card["referrals"]
            assert shows(row["Quality"], card["quality_index"])
            assert shows(row["Value score"], card["value_score"])
        figures = [float(partners[r["Partner"]][field]) for r in rows]
        assert figures == sorted(figures, reverse=True), caption


def check_trends(page, document):
    for trend in ("declining", "dormant", "growing", "new"):
        expected = {p["name"] for p in document["partners"] if p["trend"] == trend}
        section = page.locator(f"section:has(h2#group-{trend})")
        if not section.count():
            assert not expected, trend
            continue
        shown = {r["Partner"] for r in rows_of(section.locator("table"))} if expected else set()
        assert shown == expected, trend


def check_channels(page, document):
    table = page.locator("table", has=page.locator("th", has_text="Return rate")).first
    rows = {r["Channel"]: r for r in rows_of(table)}
    for figures in document["channels"]:
        row = rows[Channel(figures["channel"]).label]
        assert int(row["New patients"].replace(",", "")) == figures["new_patients"]
        for column, field in [
            ("12-month value", "ltv_12m"),
            ("24-month value", "ltv_24m"),
            ("Spend", "spend"),
            ("Cost per new patient", "cost_per_new_patient"),
            ("Value to cost", "ltv_to_cac"),
            ("Return rate", "return_rate"),
            ("Compliance", "compliance_rate"),
        ]:
            assert shows(row[column], figures[field]), (column, row[column], figures[field])


def check_response(page, document):
    response = document["response"]
    figures = page.locator("dl.response-figures")
    median = response["median_days_to_first_visit"]
    text = figures.locator("div", has_text="Median").locator("dd").inner_text()
    assert shows(text, median), (text, median)
    text = figures.locator("div", has_text="90th percentile").locator("dd").inner_text()
    assert shows(text, response["p90_days_to_first_visit"]), text
    text = figures.locator("div", has_text="Within target").locator("dd").inner_text()
    assert shows(text, response["seen_within_target_rate"]), text


CHECKS = {
    "insights-overview": check_overview,
    "insights-ranking": check_ranking,
    "insights-trends": check_trends,
    "insights-channels": check_channels,
    "insights-response": check_response,
}


@pytest.mark.parametrize("role", [Role.MANAGER, Role.LIAISON])
def test_every_insights_page_shows_the_scorecards_figures(page, log_in, screenshot, as_of, role):
    user = UserFactory(username=f"the-{role}", role=role)
    document = scorecards(as_of)
    assert {p["trend"] for p in document["partners"]} == {
        "steady",
        "growing",
        "declining",
        "dormant",
        "new",
    }
    log_in(user)
    problems = []  # every page is visited even when one fails: the report names them all
    for name, label in PAGES:
        response = page.goto(f"{reverse(name)}?as_of={as_of.isoformat()}")
        screenshot(name.removeprefix("insights-"))
        if response.status != 200:
            problems.append(f"{label}: status {response.status}")
            continue
        expect(page.get_by_role("link", name=label)).to_have_attribute("aria-current", "page")
        for forbidden in PATIENT_NAMES:
            expect(page.get_by_text(forbidden)).to_have_count(0)
        for check in (assert_accessible, CHECKS.get(name)):
            try:
                check and (check(page) if check is assert_accessible else check(page, document))
            except AssertionError as error:
                problems.append(f"{label}: {error}")
    assert not problems, "\n".join(problems)
