"""Patients not responding to care: open episodes, four weeks of readings, below the MCID."""

import pytest

from liaison.factories import LocationFactory, PartnerFactory, PatientFactory
from liaison.insights.not_responding import patients_not_responding
from liaison.insights.scope import Scope
from liaison.insights.tests.history import day, episode, reading, referral

pytestmark = pytest.mark.django_db

D = day("2026-03-31")


def measured(
    *scores_on: tuple[str, float], ended: str | None = None, measure="ODI", ref=None, patient=None
):
    ep = episode(
        ref,
        patient=patient or (None if ref else PatientFactory()),
        started="2026-01-15",
        ended=ended,
        measure=measure,
    )
    for on, score in scores_on:
        reading(ep, on, score, instrument=measure)
    return ep


@pytest.fixture
def episodes():
    referred = referral(PartnerFactory(external_id="DR-9"), "2026-01-10")
    return {
        "flat": measured(("2026-02-01", 40), ("2026-03-05", 35), ref=referred),
        "worse": measured(("2026-02-01", 40), ("2026-03-05", 52)),
        "better": measured(("2026-02-01", 40), ("2026-03-05", 20)),
        "too_soon": measured(("2026-02-01", 40), ("2026-02-20", 39)),  # 19 days
        "closed": measured(("2026-02-01", 40), ("2026-03-05", 40), ended="2026-03-30"),
        "ends_after_d": measured(("2026-02-01", 40), ("2026-03-05", 40), ended="2026-04-10"),
        "later_reading": measured(("2026-02-01", 40), ("2026-03-05", 41), ("2026-04-05", 10)),
        "one_reading": measured(("2026-02-01", 40)),
        "psfs_flat": measured(("2026-02-01", 4), ("2026-03-01", 5.5), measure="PSFS"),
    }


def test_who_is_not_responding(episodes):
    found = {e.episode_code: e for e in patients_not_responding(scope=Scope(as_of=D))}
    expected = {"flat", "worse", "ends_after_d", "later_reading", "psfs_flat"}
    assert set(found) == {str(episodes[name].code) for name in expected}
    flat = found[str(episodes["flat"].code)]
    assert (flat.partner_id, flat.instrument, flat.readings, flat.days_measured) == (
        "DR-9",
        "ODI",
        2,
        32,
    )
    assert (flat.improvement, flat.mcid, flat.worsening) == (5.0, 10.0, False)
    worse = found[str(episodes["worse"].code)]
    assert (worse.improvement, worse.worsening, worse.partner_id) == (-12.0, True, None)
    assert found[str(episodes["psfs_flat"].code)].improvement == 1.5  # higher is better
    assert found[str(episodes["later_reading"].code)].improvement == -1.0  # 10 is after D


def test_worst_first(episodes):
    codes = [e.episode_code for e in patients_not_responding(scope=Scope(as_of=D))]
    assert codes[0] == str(episodes["worse"].code)


def test_exactly_the_mcid_is_a_response_and_minus_the_mcid_is_worsening(db):
    responding = measured(("2026-02-01", 40), ("2026-03-01", 30))
    worsening = measured(("2026-02-01", 40), ("2026-03-01", 50))
    found = {e.episode_code: e for e in patients_not_responding(scope=Scope(as_of=D))}
    assert str(responding.code) not in found
    assert found[str(worsening.code)].worsening is True


def test_location_narrows_the_list(db):
    here, there = LocationFactory(), LocationFactory()
    mine = measured(("2026-02-01", 40), ("2026-03-05", 40), patient=PatientFactory(location=here))
    measured(("2026-02-01", 40), ("2026-03-05", 40), patient=PatientFactory(location=there))
    found = patients_not_responding(scope=Scope(as_of=D, location_id=here.pk))
    assert [e.episode_code for e in found] == [str(mine.code)]
