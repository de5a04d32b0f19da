import pytest

from liaison.accounts.access import locations_of

pytestmark = pytest.mark.django_db


def test_a_manager_works_at_every_location(owner, location_a, location_b):
    assert set(locations_of(owner)) == {location_a, location_b}


def test_everyone_else_works_at_the_locations_they_are_given(clinician, location_a, location_b):
    assert list(locations_of(clinician)) == [location_a]
