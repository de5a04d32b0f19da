"""The gaps page: specialty coverage against the targets, the offline map, the gap areas."""

import json
import re

import pytest
from django.urls import reverse

from conftest import client_for
from liaison.factories import PartnerFactory
from liaison.insights.pages.gaps import ZIPS_LABELLED, Circle, coverage_map, labelled, projection
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
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert (
        "<title>ZIP 80466: 5 new patients, 0 active partners within 10 miles — a gap</title>"
    ) in svg
    assert "<title>ZIP 80202: 6 new patients, 1 active partner within 10 miles</title>" in svg
    assert len(re.findall(r'class="gaps-zip gaps-zip--gap"', svg)) == 1
    assert len(re.findall(r'class="gaps-partner"', svg)) == 2 - 1  # one active partner
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")  # no tiles


def test_the_drawing_labels_its_zips_and_carries_a_legend(client, liaison_user, network):
    page = client_for(client, liaison_user).get(URL, QUERY).content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    labels = re.findall(r'<text class="(gaps-label[^"]*)"[^>]*>(\d{5})</text>', svg)
    assert sorted(labels) == [("gaps-label", "80202"), ("gaps-label gaps-label--gap", "80466")]
    legend = re.findall(r"<text [^>]*>([^<]+)</text>", svg[svg.index('class="gaps-legend"') :])
    assert legend == [
        "New patients by ZIP (circle area)",
        "Gap: no active partner within 10 mi",
        "Active partners",
    ]


def test_the_tiled_map_reads_the_same_places_from_a_data_island(
    client, liaison_user, network, settings
):
    settings.LIAISON_MAP_TILES = "https://tiles.example-clinic.test/{z}/{x}/{y}.png"
    PartnerFactory(first_name="Ana", last_name="Reed", zip="80203")  # not active: not shown
    page = client_for(client, liaison_user).get(URL, QUERY).content.decode()
    island = re.search(
        r'<script id="gaps-map-data" type="application/json">(.*?)</script>', page, re.S
    )
    data = json.loads(island.group(1))
    assert data["tiles"] == settings.LIAISON_MAP_TILES
    assert "OpenStreetMap" in data["attribution"]
    zips = [(z["zip"], z["new_patients"], z["partners_nearby"], z["gap"]) for z in data["zips"]]
    assert zips == [("80202", 6, 1, False), ("80466", 5, 0, True)]
    [place] = data["partners"]
    assert (place["zip"], place["count"]) == ("80203", 1)
    assert re.fullmatch(r"Alex Referrer\d+, MD", place["names"][0])
    assert "Ana Reed" not in island.group(1)
    assert "/static/vendor/leaflet/leaflet.js" in page and "/static/js/insights/gaps_map.js" in page
    assert 'id="gaps-leaflet"' in page


def test_without_a_tile_server_the_page_is_the_drawing_alone(
    client, liaison_user, network, settings
):
    settings.LIAISON_MAP_TILES = ""
    page = client_for(client, liaison_user).get(URL, QUERY).content.decode()
    assert "<svg" in page and "no map tiles" in page
    assert "leaflet" not in page and "gaps-map-data" not in page


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


def test_labels_never_overlap_and_a_gap_is_labelled_first():
    def circle(zip_code, x, y, new_patients, gap=False):
        return Circle(x, y, 5.0, zip_code, new_patients, gap, 0.0, 0.0, 0)

    crowd = [circle(f"8{n:04d}", 300, 200 + n, 50 - n) for n in range(3)]  # one on another
    edge = circle("80999", 635, 50, 1)  # at the right edge: its label goes on the left
    shown = {
        c.zip: c.label for c in labelled([*crowd, circle("80466", 300, 201, 5, gap=True), edge])
    }
    assert shown["80466"].anchor == "start"  # the gap takes the right of the crowd
    assert shown["80000"].anchor == "end"  # the largest of the rest, the left
    assert shown["80001"] is None and shown["80002"] is None  # no room left
    assert shown["80999"].anchor == "end"
    many = labelled([circle(f"8{n:04d}", 20, 15 * n, 100 - n) for n in range(30)])
    assert sum(c.label is not None for c in many) == ZIPS_LABELLED


def test_an_empty_map():
    assert coverage_map([], []).circles == []


def test_query_count_does_not_grow(client, owner, network):
    client_for(client, owner)
    client.get(URL, QUERY)
    before = queries_of(client, URL, QUERY)
    new_patients("80302", 5)
    referral(PartnerFactory(zip="80517"), "2026-02-05")
    assert queries_of(client, URL, QUERY) == before
