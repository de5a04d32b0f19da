"""The trends and reconnects page: each group with its evidence, a plan link and one
partner's months against its baseline band."""

import pytest
from django.urls import reverse

from liaison.insights.monthly_counts import baseline_band, poisson_quantile
from liaison.insights.pages.trends import chance_in_words
from liaison.insights.scope import Scope
from liaison.insights.scorecards import partner_scorecards
from liaison.insights.stats import poisson_cdf
from liaison.insights.tests.page_checks import ROLES, csv_lines, status_for
from liaison.insights.tests.pages_history import D, get_as_of_d

pytestmark = pytest.mark.django_db
URL = reverse("insights-trends")


def get(client, user, **params):
    return get_as_of_d(client, user, URL, **params)


@ROLES
def test_the_page_is_for_managers_and_the_liaison(request, client, user, status):
    assert status_for(request, client, user, f"{URL}?as_of={D.isoformat()}") == status


def test_each_partner_shows_in_the_group_of_its_trend(client, owner, network):
    groups = {
        g.group.trend: [r.link.card.name for r in g.rows]
        for g in get(client, owner).context["groups"]
    }
    names = {trend: network[trend].display_name for trend in network}
    assert groups == {
        "declining": [names["declining"]],
        "dormant": [names["dormant"]],
        "growing": [names["growing"]],
        "new": [names["new"]],
    }


def test_the_evidence_is_the_engines_in_words(client, owner, network):
    card = partner_scorecards(scope=Scope(as_of=D), partner_pk=network["declining"].pk)[0]
    page = get(client, owner).content.decode()
    assert card.trend == "declining"
    assert (
        f"0 in the last 90 days against {card.expected_recent:.1f} expected: "
        f"{chance_in_words(card.p_decline)} chance of a drop this large by luck"
    ) in page
    assert "Feb 1, 2026" in page  # the last touchpoint


def test_a_p_value_reads_as_odds():
    assert chance_in_words(0.025) == "about 1 in 40"
    assert chance_in_words(0.0041) == "about 1 in 240"
    assert chance_in_words(0.0002) == "less than 1 in 1,000"
    assert chance_in_words(0.7) == "about even"


def test_plan_a_touchpoint_opens_the_partners_plan_form_filled_in(client, owner, network):
    declining = network["declining"]
    page = get(client, owner).content.decode()
    detail = reverse("partners-detail", args=[declining.code])
    assert f'href="{detail}?planned_on=' in page
    plan = client.get(detail, {"planned_on": "2026-12-20", "kind": "lunch", "notes": "Reconnect"})
    assert 'value="2026-12-20"' in plan.content.decode()
    assert "Reconnect" in plan.content.decode()


def test_a_partners_chart_has_its_months_and_baseline_band(client, owner, network):
    growing = network["growing"]
    response = get(client, owner, partner=str(growing.code))
    chart = response.context["chart"]
    assert len(chart["referrals"]) == 24 and chart["months"][-1] == "2026-06-01"
    assert sum(chart["referrals"]) == 13
    assert chart["referrals"][-3:] == [5, 5, 0]  # Apr and May: every 6 days from Apr 1
    card = partner_scorecards(scope=Scope(as_of=D), partner_pk=growing.pk)[0]
    band = baseline_band(card.baseline_referrals)
    assert (chart["mean"], chart["low"], chart["high"]) == (
        round(band.mean, 2),
        band.low,
        band.high,
    )
    assert 'id="trends-partner-data"' in response.content.decode()


def test_the_baseline_band_is_the_poisson_95_percent_range():
    band = baseline_band(24)  # 2 a month
    assert band.mean == 2
    assert poisson_cdf(band.low, 2) >= 0.025 > poisson_cdf(band.low - 1, 2)
    assert poisson_cdf(band.high, 2) >= 0.975 > poisson_cdf(band.high - 1, 2)
    assert (band.low, band.high) == (0, 5)
    assert poisson_quantile(0.5, 0) == 0


def test_each_group_downloads_as_csv(client, owner, network):
    lines = csv_lines(get(client, owner, csv="declining"))
    assert lines[0].startswith("partner id,partner,trend")
    assert len(lines) == 2 and network["declining"].display_name in lines[1]


def test_no_patient_is_named(client, liaison_user, network):
    page = get(client, liaison_user, partner=str(network["growing"].code)).content.decode()
    assert "Jordan" not in page and "Patient" not in page.replace("patient", "")
