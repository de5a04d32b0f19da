"""The gaps page: specialty coverage against the targets, the offline map, the gap areas."""

import re

import pytest
from django.urls import reverse

from conftest import client_for
from liaison.factories import PartnerFactory
from liaison.insights.pages.gaps import coverage_map, projection
from liaison.insights.tests.history import day, referral
from liaison.insights.tests.page_checks import ROLES, csv_lines, queries_of, status_for
from liaison.insights.tests.test_gaps import new_patients
from liaison.partners.models import Specialty

pytestmark = pytest.mark.django_db

D = day("2026-03-31")
URL = reverse("insights-gaps")
QUERY = {"as_of": D.isoformat(), "window_days": 365}


@pytest.fixture
def network():
    Specialty.objects.filter(slug="primary_care").update(wanted=True, target_active_partners=2)
    referral(PartnerFactory(specialty_id="primary_care", zip="80203"), "2026-01-05")
    new_patients("80202", 6)  # near the active partner
    new_patients("80466", 5)  # Nederland: a gap


@ROLES
def test_who_may_look(request, client, user, status):
    assert status_for(request, client, user, URL) == status


def test_map_draws_each_zip_with_a_title_and_the_partners(client, liaison_user, network):
    page = client_for(client, liaison_user).get(URL, QUERY).content.decode()
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert "<title>ZIP 80466: 5 new patients — a gap</title>" in svg
    assert "<title>ZIP 80202: 6 new patients</title>" in svg
    assert len(re.findall(r'class="gaps-zip gaps-zip--gap"', svg)) == 1
    assert len(re.findall(r'class="gaps-partner"', svg)) == 2 - 1  # one active partner
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")  # no tiles


def test_specialty_coverage_and_the_settings_link(client, owner, liaison_user, network):
    page = client_for(client, owner).get(URL, QUERY).content.decode()
    assert reverse("admin:partners_specialty_changelist") in page
    client.logout()
    page = client_for(client, liaison_user).get(URL, QUERY).content.decode()
    assert reverse("admin:partners_specialty_changelist") not in page
    lines = csv_lines(client.get(URL, {**QUERY, "csv": "specialties"}))
    assert "Primary care,yes,2,1,1" in lines


def test_gap_areas_csv(client, liaison_user, network):
    lines = csv_lines(client_for(client, liaison_user).get(URL, {**QUERY, "csv": "gap-areas"}))
    assert lines == ["ZIP,new patients,active partners within 10 miles,gap", "80466,5,0,yes"]


def test_projection_keeps_east_west_true_at_the_mean_latitude():
    project = projection([(60.0, 10.0), (60.0, 12.0), (61.0, 10.0)])
    (x0, y0), (x1, _), (_, y2) = project((60.0, 10.0)), project((60.0, 12.0)), project((61.0, 10.0))
    # Two degrees of longitude at 60° (mean ≈ 60.33°) are about as long as one of latitude.
    assert abs((x1 - x0) / (y0 - y2) - 2 * 0.4950) < 0.01


def test_an_empty_map():
    assert coverage_map([], []).circles == []


def test_query_count_does_not_grow(client, owner, network):
    client_for(client, owner)
    client.get(URL, QUERY)
    before = queries_of(client, URL, QUERY)
    new_patients("80302", 5)
    referral(PartnerFactory(zip="80517"), "2026-02-05")
    assert queries_of(client, URL, QUERY) == before
