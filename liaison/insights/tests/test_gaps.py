"""Network gaps: specialty coverage and ZIPs with new patients but no active partner near."""

import pytest

from liaison.core.geo import haversine_miles, zip5, zip_centroid
from liaison.factories import PartnerFactory, PatientFactory
from liaison.insights.gaps import network_gaps
from liaison.insights.scope import Scope
from liaison.insights.tests.history import day, episode, referral, visits
from liaison.partners.models import Specialty

pytestmark = pytest.mark.django_db

D = day("2026-03-31")


def new_patients(zip_code: str, count: int, first_visit="2026-02-02"):
    for _ in range(count):
        visits(episode(patient=PatientFactory(zip=zip_code), started=first_visit), first_visit)


@pytest.fixture
def network():
    Specialty.objects.filter(slug="primary_care").update(wanted=True, target_active_partners=2)
    Specialty.objects.filter(slug="neurology").update(wanted=True)
    downtown = PartnerFactory(specialty_id="primary_care", zip="80203")
    referral(downtown, "2026-01-05")
    quiet = PartnerFactory(specialty_id="primary_care", zip="80466")
    referral(quiet, "2024-01-05")  # not active: no referral in the window
    PartnerFactory(specialty_id="neurology", zip="80466")  # a prospect: not active
    new_patients("80202", 6)  # 1.3 miles from downtown
    new_patients("80466-1234", 5)  # Nederland: no active partner within 10 miles
    new_patients("80517", 4)  # Estes Park: alone, but fewer than 5 new patients
    new_patients("00000", 7)  # no such ZIP: distance unknown
    new_patients("80302", 3, first_visit="2024-06-01")  # first seen before the window


def test_specialty_coverage(network):
    rows = {s.specialty: s for s in network_gaps(scope=Scope(as_of=D)).specialties}
    assert (
        rows["primary_care"].active_partners,
        rows["primary_care"].target_active_partners,
        rows["primary_care"].shortfall,
    ) == (1, 2, 1)
    assert (rows["neurology"].active_partners, rows["neurology"].shortfall) == (0, 1)
    assert rows["orthopedic_surgery"].target_active_partners is None
    assert rows["orthopedic_surgery"].shortfall == 0


def test_zip_coverage_and_gaps(network):
    zips = {z.zip: z for z in network_gaps(scope=Scope(as_of=D)).zips}
    assert set(zips) == {"80202", "80466", "80517", "00000"}
    assert (zips["80202"].new_patients, zips["80202"].active_partners_within_10_miles) == (6, 1)
    assert zips["80202"].gap is False
    assert (zips["80466"].new_patients, zips["80466"].active_partners_within_10_miles) == (5, 0)
    assert zips["80466"].gap is True
    assert zips["80517"].gap is False  # only four new patients
    assert zips["00000"].active_partners_within_10_miles is None and zips["00000"].gap is False
    assert network_gaps(scope=Scope(as_of=D)).zips[0].zip == "80466"  # gaps first


def test_geography_helpers():
    assert zip5("02139-4307") == "02139"
    assert zip5("2139") is None and zip5(None) is None
    assert zip_centroid("99999") is None
    boulder, denver = zip_centroid("80302"), zip_centroid("80202")
    assert 20 < haversine_miles(boulder, denver) < 30
    assert haversine_miles(denver, denver) == 0
