"""Channel figures' worked example (docs/metrics.md, "Channels")."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liaison.care.models import Channel, Payment
from liaison.factories import LocationFactory, PatientFactory
from liaison.insights.channels import _channel_rows, _paid_by, channel_figures
from liaison.insights.models import PatientFacts
from liaison.insights.scope import Scope
from liaison.insights.tests.history import day, episode, payment, visits

pytestmark = pytest.mark.django_db

D = day("2026-03-31")  # window [2025-04-01, 2026-03-31]; 12-month cohort [2024-04-01, 2025-03-31]


@pytest.fixture
def history():
    p1 = PatientFactory(channel=Channel.WEB_SEARCH)
    e1 = episode(patient=p1, started="2024-06-01", ended="2024-09-01")
    visits(e1, "2024-06-01", "2024-06-08")
    payment(p1, "2024-06-01", "100.00", e1)
    payment(p1, "2024-07-01", "-10.00", e1)  # a refund
    payment(p1, "2024-08-01", "20.00")  # no episode: still the patient's money
    payment(p1, "2025-05-31", "50.00", e1)  # first visit + 364: inside the first year
    payment(p1, "2025-06-01", "30.00", e1)  # first visit + 365: lifetime only
    payment(p1, "2026-04-02", "999.00", e1)  # after D
    episode(patient=p1, started="2026-03-01")  # a second episode: p1 returned

    p2 = PatientFactory(channel=Channel.WEB_SEARCH)
    e2 = episode(patient=p2, started="2025-04-20", ended="2025-06-01", planned=4)
    visits(e2, "2025-04-20", status="no_show")  # not a visit that counts
    visits(e2, "2025-05-01", "2025-05-08")
    payment(p2, "2025-05-01", "40.00", e2)

    p3 = PatientFactory(channel=Channel.WEB_SEARCH)  # first seen after D: not yet a patient
    e3 = episode(patient=p3, started="2026-03-30")
    visits(e3, "2026-04-01")
    payment(p3, "2026-03-30", "25.00", e3)

    p4 = PatientFactory(channel=Channel.SELF)
    visits(episode(patient=p4, started="2024-12-01"), "2024-12-01")
    episode(patient=p4, started="2026-04-05")  # a second episode, but after D

    p5 = PatientFactory(channel=Channel.SELF)
    e5 = episode(patient=p5, started="2025-12-01")
    visits(e5, "2025-12-01")
    payment(p5, "2025-12-01", "10.00", e5)

    PatientFactory(channel=Channel.EVENT)  # never seen: the channel is not listed


def by_channel(scope):
    return {c.channel: c for c in channel_figures(scope=scope)}


def test_channels_with_a_patient_first_seen_by_d_are_listed_in_order(history):
    assert [c.channel for c in channel_figures(scope=Scope(as_of=D))] == ["self", "web_search"]


def test_web_search_figures(history):
    web = by_channel(Scope(as_of=D))["web_search"]
    assert web.new_patients == 1  # p2; p1 was first seen before the window
    assert web.ltv_12m == Decimal("160.00")  # p1: 100 − 10 + 20 + 50
    assert web.lifetime_revenue_mean == Decimal("115.00")  # (190 + 40) / 2
    assert web.return_rate == 1.0
    assert web.compliance_rate == 0.5  # p2's episode: 2 of 4 planned


def test_self_figures(history):
    own = by_channel(Scope(as_of=D))["self"]
    assert own.new_patients == 1
    assert own.ltv_12m == Decimal("0.00")  # p4 paid nothing in the first year
    assert own.lifetime_revenue_mean == Decimal("5.00")
    assert own.return_rate == 0.0  # p4's second episode starts after D
    assert own.compliance_rate is None  # no closed episode in the window


def test_a_window_with_no_data(history):
    early = by_channel(Scope(as_of=day("2024-06-30")))
    web = early["web_search"]
    assert web.new_patients == 1
    assert web.ltv_12m is None and web.return_rate is None  # nobody old enough
    assert web.lifetime_revenue_mean == Decimal("100.00")  # the refund came later
    assert web.compliance_rate is None
    assert by_channel(Scope(as_of=day("2020-01-01"))) == {}


def straight_sums(scope: Scope) -> dict[str, dict]:
    """What `_channel_rows` sums, read patient by patient from the patient facts."""
    cohort_start, cohort_end = scope.ltv_cohort
    rows: dict = {}
    for f in PatientFacts.objects.filter(first_visit_on__lte=scope.as_of):
        if scope.location_id is not None and f.location_id != scope.location_id:
            continue
        row = rows.setdefault(f.channel, dict.fromkeys(
            ["new_patients", "ltv_patients", "ltv_cents", "seen_patients", "returning_base",
             "returned"], 0))
        in_cohort = cohort_start <= f.first_visit_on <= cohort_end
        returning = f.first_visit_on <= scope.returning_until
        row["new_patients"] += f.first_visit_on >= scope.window_start
        row["ltv_patients"] += in_cohort
        row["ltv_cents"] += f.first_year_cents if in_cohort else 0
        row["seen_patients"] += 1
        row["returning_base"] += returning
        row["returned"] += returning and f.second_episode_on is not None and (
            f.second_episode_on <= scope.as_of)
    return rows


def straight_paid(scope: Scope) -> dict[str, int]:
    """Cents paid by D by the patients first seen by D, payment by payment."""
    seen = {f.patient_id: f for f in PatientFacts.objects.filter(first_visit_on__lte=scope.as_of)}
    paid: dict[str, int] = {}
    for pay in Payment.objects.filter(paid_on__lte=scope.as_of, patient_id__in=seen):
        f = seen[pay.patient_id]
        if scope.location_id is None or f.location_id == scope.location_id:
            paid[f.channel] = paid.get(f.channel, 0) + int(pay.amount * 100)
    return paid


FIRST_DAY = dt.date(2023, 1, 1)


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.data())
def test_sums_by_month_and_by_day_agree_with_the_patients_one_by_one(data):
    """Whatever the as-of day (a month's first, last or any day between), the window and the
    clinic: the months before each cut day plus its month's days count each patient, and each
    payment, once."""
    days = st.integers(0, 4 * 365).map(lambda n: FIRST_DAY + dt.timedelta(days=n))
    locations = [LocationFactory(), LocationFactory()]
    with transaction.atomic():
        for _ in range(data.draw(st.integers(1, 12))):
            patient = PatientFactory(
                location=data.draw(st.sampled_from(locations)),
                channel=data.draw(st.sampled_from([Channel.SELF, Channel.WEB_SEARCH])),
            )
            for started in data.draw(st.lists(days, max_size=3)):
                ep = episode(patient=patient, started=started.isoformat())
                visits(ep, started.isoformat())
                for paid_on in data.draw(st.lists(days, max_size=2)):
                    payment(patient, paid_on.isoformat(), "12.34", ep)
            for paid_on in data.draw(st.lists(days, max_size=2)):  # paid before any visit, too
                payment(patient, paid_on.isoformat(), "-5.00")
        for _ in range(5):
            scope = Scope(
                as_of=data.draw(days), window_days=data.draw(st.sampled_from([1, 30, 365, 900])),
                location_id=data.draw(st.sampled_from([None, locations[0].pk])),
            )
            assert {row.pop("channel"): row for row in _channel_rows(scope)} == straight_sums(
                scope
            )
            assert _paid_by(scope) == straight_paid(scope)
        transaction.set_rollback(True)
