"""The partner ranking: every scorecard field sorted on the server, the quality
components, filters by specialty and trend, the scatter and the CSV of the filtered table."""

import math

import pytest
from django.urls import reverse

from liaison.insights.pages.ranking import COLUMNS
from liaison.insights.scope import Scope
from liaison.insights.scorecards import PartnerScorecard, partner_scorecards
from liaison.insights.tests.history import declined, episode, visits
from liaison.insights.tests.page_checks import ROLES, csv_lines, status_for
from liaison.insights.tests.pages_history import D, get_as_of_d

pytestmark = pytest.mark.django_db
URL = reverse("insights-ranking")


def get(client, user, **params):
    return get_as_of_d(client, user, URL, **params)


def names(response) -> list[str]:
    return [row.card.name for row in response.context["rows"]]


@ROLES
def test_the_page_is_for_managers_and_the_liaison(request, client, user, status):
    assert status_for(request, client, user, f"{URL}?as_of={D.isoformat()}") == status


def test_every_scorecard_field_is_a_column():
    shown = {c.field for c in COLUMNS}
    hidden = {"pk", "partner_id", "shrunk", "factors"}
    assert set(PartnerScorecard.__dataclass_fields__) - hidden <= shown


def test_sorting_by_referrals_either_way(client, owner, network):
    cards = partner_scorecards(scope=Scope(as_of=D))
    most_first = [c.name for c in sorted(cards, key=lambda c: (-c.referrals, c.name))]
    assert names(get(client, owner, sort="referrals", dir="desc")) == most_first
    fewest_first = [c.name for c in sorted(cards, key=lambda c: (c.referrals, c.name))]
    assert names(get(client, owner, sort="referrals", dir="asc")) == fewest_first
    page = get(client, owner, sort="referrals", dir="asc").content.decode()
    assert 'aria-sort="ascending"' in page


def test_a_missing_figure_sorts_last_either_way(client, owner, network):
    for direction in ("asc", "desc"):
        rows = get(client, owner, sort="median_days_to_first_visit", dir=direction)
        days = [row.card.median_days_to_first_visit for row in rows.context["rows"]]
        assert days == sorted(days, key=lambda d: d is None)


def test_filters_by_trend_and_specialty_keep_the_sort(client, owner, network):
    assert names(get(client, owner, trend="declining")) == [network["declining"].display_name]
    primary = names(get(client, owner, specialty="primary_care", sort="name", dir="asc"))
    assert primary == sorted([network["steady"].display_name, network["dormant"].display_name])
    page = get(client, owner, trend="declining", sort="referrals").content.decode()
    assert "trend=declining&amp;sort=name" in page


def test_the_quality_factors_multiply_to_the_quality_index(client, owner, network):
    steady = network["steady"]
    declined(steady, "2026-04-03", "2026-04-04")
    ref = declined(network["growing"], "2026-05-02", None, reason="other")
    visits(episode(ref, started="2026-05-03", ended="2026-06-01"), "2026-05-03", "2026-05-10")
    for row in get(client, owner).context["rows"]:
        parts = [v for v in row.card.factors.values() if v is not None]
        if row.card.quality_index is None:
            assert not parts
        else:
            assert math.prod(parts) == pytest.approx(row.card.quality_index)
    assert "Appropriate ×" in get(client, owner).content.decode()


def test_the_page_explains_quality_and_shows_the_worked_example(client, owner, network):
    page = get(client, owner).content.decode()
    assert "against the practice&#x27;s average partner (1.00)" in page
    assert "Five excellent referrals against fifteen marginal ones" in page
    assert "$8,956" in page and "$3,792" in page


def test_the_scatter_has_a_point_per_partner_who_referred(client, owner, network):
    points = get(client, owner).context["scatter"]
    cards = [c for c in partner_scorecards(scope=Scope(as_of=D)) if c.referrals]
    assert sorted(points["x"]) == sorted(c.referrals for c in cards)
    assert len(points["y"]) == len(points["names"]) == len(cards)


def test_the_csv_holds_the_whole_filtered_table(client, owner, network):
    lines = csv_lines(get(client, owner, csv="ranking"))
    assert lines[0].split(",")[:3] == ["partner id", "name", "specialty"]
    assert len(lines) == 1 + 5
    declining = csv_lines(get(client, owner, csv="ranking", trend="declining"))
    assert len(declining) == 2 and network["declining"].display_name in declining[1]


def test_each_column_is_explained(client, owner, network):
    page = get(client, owner).content.decode()
    assert "What each column means" in page
    for column in COLUMNS:
        assert f"<dt>{column.label}</dt>" in page


def test_each_partner_links_to_its_page(client, owner, network):
    page = get(client, owner, trend="growing").content.decode()
    assert f'href="{reverse("partners-detail", args=[network["growing"].code])}"' in page
