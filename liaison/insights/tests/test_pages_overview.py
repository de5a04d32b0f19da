"""The network overview: months this year against last, channels, the top partners by value
beside the top by count, and the trends that changed this month."""

import pytest
from django.urls import reverse

from liaison.insights.channels import channel_figures
from liaison.insights.scope import Scope
from liaison.insights.scorecards import partner_scorecards
from liaison.insights.tests.page_checks import ROLES, csv_lines, status_for
from liaison.insights.tests.pages_history import D, get_as_of_d

pytestmark = pytest.mark.django_db
URL = reverse("insights-overview")


def get(client, user, **params):
    return get_as_of_d(client, user, URL, **params)


@ROLES
def test_the_page_is_for_managers_and_the_liaison(request, client, user, status):
    assert status_for(request, client, user, f"{URL}?as_of={D.isoformat()}") == status


def test_referrals_by_month_this_year_against_last(client, owner, network):
    months = {m.month.month: m for m in get(client, owner).context["months"]}
    # Growing: every 6 days from Apr 1 2026; steady: every 28 days from Apr 1 2025.
    assert months[4].referrals == 5 + 1 and months[4].referrals_last_year == 2
    assert months[6].referrals == 2  # the new partner's two
    assert months[7].referrals is None  # after D: not yet
    assert (months[4].new_patients, months[4].new_patients_last_year) == (1, 1)
    assert months[5].referrals_last_year == 1 + 4  # steady, and the dormant partner's four
    lines = csv_lines(get(client, owner, csv="months"))
    assert lines[0] == "month,referrals 2026,referrals 2025,new patients 2026,new patients 2025"
    assert lines[7] == "July,,2,,0"  # steady's Jul 22 and growing's Jul 31, 2025


def test_the_channel_shares_are_the_engines(client, owner, network):
    response = get(client, owner)
    figures = channel_figures(scope=Scope(as_of=D))
    shares = response.context["shares"]
    assert [s.new_patients for s in shares] == [f.new_patients for f in figures]
    assert len(csv_lines(get(client, owner, csv="channels"))) == 1 + len(figures)


def test_the_top_partners_by_value_and_by_count_are_the_engines(client, owner, network):
    cards = partner_scorecards(scope=Scope(as_of=D))
    response = get(client, owner)
    busiest = max(cards, key=lambda c: c.referrals)
    by_count = response.context["by_count"]
    assert by_count[0].card.name == busiest.name
    assert [r.card.referrals for r in by_count] == sorted(
        (c.referrals for c in cards if c.referrals), reverse=True
    )
    by_value = response.context["by_value"]
    assert [r.card.value_score for r in by_value] == sorted(
        (c.value_score for c in cards if c.referrals and c.value_score is not None), reverse=True
    )
    assert response.context["value_sentence"] in response.content.decode()
    assert "Top 10 by value score" in response.content.decode()
    lines = csv_lines(get(client, owner, csv="top-partners"))
    assert len(lines) == 1 + len(by_value) + len(by_count)


def test_a_trend_that_changed_this_month_is_listed(client, owner, network):
    response = get(client, owner)
    changed = {row.card.name: was for row, was in response.context["changes"]}
    assert changed[network["new"].display_name] == "none"
    assert network["steady"].display_name not in changed
    assert "against 31 May 2026" in response.content.decode()
    lines = csv_lines(get(client, owner, csv="trend-changes"))
    assert f"{network['new'].display_name}" in "\n".join(lines)


def test_no_patient_is_named(client, liaison_user, network):
    page = get(client, liaison_user).content.decode()
    assert "Jordan" not in page and "1980" not in page
