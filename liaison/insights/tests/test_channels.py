"""Channel figures' worked example (docs/metrics.md, "Channels")."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liaison.care.models import Channel, MarketingSpend
from liaison.factories import LocationFactory, PartnerFactory, PatientFactory
from liaison.insights.channels import _channel_rows, channel_figures, channel_spend
from liaison.insights.documents import channels_document
from liaison.insights.models import PatientFacts
from liaison.insights.scope import Scope
from liaison.insights.tests.history import (
    day,
    episode,
    payment,
    referral,
    spend,
    touchpoint,
    visits,
)
from liaison.partners.models import Touchpoint

pytestmark = pytest.mark.django_db

# Window [2025-04-01, 2026-03-31]; 12-month cohort [2024-04-01, 2025-03-31]; 24-month cohort
# [2023-04-02, 2024-03-31].
D = day("2026-03-31")


@pytest.fixture
def history():
    p1 = PatientFactory(channel=Channel.WEB_SEARCH)
    e1 = episode(patient=p1, started="2024-06-01", ended="2024-09-01")
    visits(e1, "2024-06-01", "2024-06-08")
    payment(p1, "2024-06-01", "100.00", e1)
    payment(p1, "2024-07-01", "-10.00", e1)  # a refund
    payment(p1, "2024-08-01", "20.00")  # no episode: still the patient's money
    payment(p1, "2025-05-31", "50.00", e1)  # first visit + 364: inside the first year
    payment(p1, "2025-06-01", "30.00", e1)  # first visit + 365: after the first year
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
    assert web.ltv_24m is None  # p1 was first seen after D − 730: too young to count
    assert web.return_rate == 1.0
    assert web.compliance_rate == 0.5  # p2's episode: 2 of 4 planned


def test_self_figures(history):
    own = by_channel(Scope(as_of=D))["self"]
    assert own.new_patients == 1
    assert own.ltv_12m == Decimal("0.00")  # p4 paid nothing in the first year
    assert own.ltv_24m is None
    assert own.return_rate == 0.0  # p4's second episode starts after D
    assert own.compliance_rate is None  # no closed episode in the window


def test_a_window_with_no_data(history):
    early = by_channel(Scope(as_of=day("2024-06-30")))
    web = early["web_search"]
    assert web.new_patients == 1
    assert web.ltv_12m is None and web.return_rate is None  # nobody old enough
    assert web.ltv_24m is None
    assert web.compliance_rate is None
    assert by_channel(Scope(as_of=day("2020-01-01"))) == {}


def test_a_channel_without_spend_rows_has_no_spend_cost_or_ratio(history):
    web = by_channel(Scope(as_of=D))["web_search"]
    assert (web.spend, web.cost_per_new_patient, web.ltv_to_cac) == (None, None, None)


@pytest.fixture
def two_years(location_a):
    """Social-media patients for the 24-month value (docs/metrics.md, "Channels")."""
    s1 = PatientFactory(channel=Channel.SOCIAL, location=location_a)
    e1 = episode(patient=s1, started="2023-05-01")
    visits(e1, "2023-05-01")
    payment(s1, "2023-05-01", "200.00", e1)
    payment(s1, "2023-08-01", "-25.00", e1)  # a refund
    payment(s1, "2025-04-29", "60.00", e1)  # first visit + 729: inside the two years
    payment(s1, "2025-04-30", "45.00", e1)  # first visit + 730: after them

    s2 = PatientFactory(channel=Channel.SOCIAL, location=location_a)
    visits(episode(patient=s2, started="2024-02-10"), "2024-02-10")
    payment(s2, "2025-03-16", "150.00")  # day 399: in the second year

    s3 = PatientFactory(channel=Channel.SOCIAL, location=location_a)  # too young for 24 months
    visits(episode(patient=s3, started="2024-05-01"), "2024-05-01")
    payment(s3, "2024-05-01", "750.00")

    s0 = PatientFactory(channel=Channel.SOCIAL, location=location_a)  # older than the cohort
    visits(episode(patient=s0, started="2023-03-01"), "2023-03-01")
    payment(s0, "2023-03-01", "1000.00")


def test_24_month_value_over_the_cohort_old_enough_for_two_years(two_years):
    social = by_channel(Scope(as_of=D))["social"]
    assert social.ltv_24m == Decimal("192.50")  # s1 (200 − 25 + 60) and s2 (150), ÷ 2
    assert social.ltv_12m == Decimal("750.00")  # s3 alone is in the 12-month cohort


def test_24_month_value_waits_for_a_cohort(two_years):
    # As of 2025-03-31 the 24-month cohort is [2022-04-01, 2023-03-31]: s0 alone, whose
    # 1000.00 counts; a year earlier nobody is old enough.
    assert by_channel(Scope(as_of=day("2025-03-31")))["social"].ltv_24m == Decimal("1000.00")
    assert by_channel(Scope(as_of=day("2024-03-31")))["social"].ltv_24m is None


@pytest.fixture
def spending(two_years, location_a, location_b):
    """Spend in and around the window, at each location and for the whole practice."""
    for first, location in [
        ("2025-10-01", location_a),
        ("2026-01-15", location_b),
        ("2026-02-01", location_a),
    ]:
        new = PatientFactory(channel=Channel.SOCIAL, location=location)
        visits(episode(patient=new, started=first), first)
    spend(Channel.SOCIAL, "2025-06-01", "1200.00", location_a)
    spend(Channel.SOCIAL, "2025-09-01", "300.00")  # the whole practice's
    spend(Channel.SOCIAL, "2025-03-31", "999.00")  # the day before the window
    spend(Channel.SOCIAL, "2026-04-01", "50.00")  # after D

    partner = PartnerFactory()
    for received, location in [("2025-07-01", location_a), ("2025-08-01", location_b)]:
        ref = referral(partner, received, location=location)
        visits(episode(ref, started=received), received)
    touchpoint(partner, "2025-05-01", cost="45.00")
    touchpoint(partner, "2025-05-02")  # no cost recorded: not spend
    touchpoint(partner, "2024-05-01", cost="80.00")  # before the window
    spend(Channel.REFERRAL, "2026-01-10", "100.00", location_a)

    spend(Channel.WEB_SEARCH, "2025-12-01", "0.00")  # a free listing: spend of nothing
    visits(
        episode(
            patient=PatientFactory(channel=Channel.WEB_SEARCH, location=location_a),
            started="2025-12-05",
        ),
        "2025-12-05",
    )
    spend(Channel.EVENT, "2025-11-11", "250.00", location_b)  # no patient from events yet


def test_spend_cost_per_new_patient_and_value_to_cost(spending):
    figures = by_channel(Scope(as_of=D))
    social = figures["social"]
    assert (social.new_patients, social.spend) == (3, Decimal("1500.00"))
    assert social.cost_per_new_patient == Decimal("500.00")
    assert social.ltv_to_cac == 1.5  # 750.00 ÷ 500.00
    referred = figures["referral"]  # touchpoint 45.00 + spend 100.00, for 2 new patients
    assert (referred.spend, referred.cost_per_new_patient) == (Decimal("145.00"), Decimal("72.50"))
    assert referred.ltv_to_cac is None  # no referred patient has a full first year yet


def test_spend_of_nothing_is_known_but_leaves_no_ratio(spending):
    web = by_channel(Scope(as_of=D))["web_search"]
    assert (web.spend, web.cost_per_new_patient, web.ltv_to_cac) == (
        Decimal("0.00"),
        Decimal("0.00"),
        None,
    )


def test_a_channel_with_spend_and_no_patient_is_shown_but_not_in_the_json(spending):
    event = by_channel(Scope(as_of=D))["event"]
    assert (event.new_patients, event.spend, event.cost_per_new_patient) == (
        0,
        Decimal("250.00"),
        None,
    )
    assert event.ltv_12m is None and event.ltv_24m is None and event.return_rate is None
    listed = [c["channel"] for c in channels_document(scope=Scope(as_of=D))["channels"]]
    assert "event" not in listed and "social" in listed


def test_a_location_counts_its_own_spend_only(spending, location_a, location_b):
    at_a = by_channel(Scope(as_of=D, location_id=location_a.pk))
    assert (at_a["social"].new_patients, at_a["social"].spend) == (2, Decimal("1200.00"))
    assert at_a["social"].cost_per_new_patient == Decimal("600.00")
    assert at_a["social"].ltv_to_cac == 1.25  # 750.00 ÷ 600.00
    # The touchpoint and the whole practice's spend count in the all-locations view only.
    assert at_a["referral"].spend == Decimal("100.00")
    assert at_a["referral"].cost_per_new_patient == Decimal("100.00")
    assert "event" not in at_a
    at_b = by_channel(Scope(as_of=D, location_id=location_b.pk))
    assert at_b["referral"].spend is None and at_b["social"].spend is None
    assert at_b["event"].spend == Decimal("250.00")


def straight_sums(scope: Scope) -> dict[str, dict]:
    """What `_channel_rows` sums, read patient by patient from the patient facts."""
    cohort_start, cohort_end = scope.ltv_cohort
    cohort_24m_start, cohort_24m_end = scope.ltv_24m_cohort
    rows: dict = {}
    for f in PatientFacts.objects.filter(first_visit_on__lte=scope.as_of):
        if scope.location_id is not None and f.location_id != scope.location_id:
            continue
        row = rows.setdefault(
            f.channel,
            dict.fromkeys(
                [
                    "new_patients",
                    "ltv_patients",
                    "ltv_cents",
                    "ltv_24m_patients",
                    "ltv_24m_cents",
                    "seen_patients",
                    "returning_base",
                    "returned",
                ],
                0,
            ),
        )
        in_cohort = cohort_start <= f.first_visit_on <= cohort_end
        in_24m_cohort = cohort_24m_start <= f.first_visit_on <= cohort_24m_end
        returning = f.first_visit_on <= scope.returning_until
        row["new_patients"] += f.first_visit_on >= scope.window_start
        row["ltv_patients"] += in_cohort
        row["ltv_cents"] += f.first_year_cents if in_cohort else 0
        row["ltv_24m_patients"] += in_24m_cohort
        row["ltv_24m_cents"] += f.first_two_years_cents if in_24m_cohort else 0
        row["seen_patients"] += 1
        row["returning_base"] += returning
        row["returned"] += (
            returning and f.second_episode_on is not None and (f.second_episode_on <= scope.as_of)
        )
    return rows


def straight_spend(scope: Scope) -> dict[str, int]:
    """Cents spent in the window per channel, row by row."""
    spent: dict[str, int] = {}

    def add(channel, amount):
        spent[channel] = spent.get(channel, 0) + int(amount * 100)

    for row in MarketingSpend.objects.all():
        in_window = scope.window_start <= row.spent_on <= scope.as_of
        if in_window and scope.location_id in (None, row.location_id):
            add(row.channel, row.amount)
    for t in Touchpoint.objects.filter(cost__isnull=False):
        if scope.location_id is None and scope.window_start <= t.occurred_on <= scope.as_of:
            add(Channel.REFERRAL, t.cost)
    return spent


FIRST_DAY = dt.date(2023, 1, 1)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.data())
def test_sums_by_month_and_by_day_agree_with_the_patients_one_by_one(data):
    """Whatever the as-of day (a month's first, last or any day between), the window and the
    clinic: the months before each cut day plus its month's days count each patient, and each
    payment, once; the spend query counts each row of the window once."""
    days = st.integers(0, 4 * 365).map(lambda n: FIRST_DAY + dt.timedelta(days=n))
    amounts = st.integers(0, 100_000).map(lambda cents: Decimal(cents) / 100)
    locations = [LocationFactory(), LocationFactory()]
    partner = PartnerFactory()
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
        for _ in range(data.draw(st.integers(0, 6))):
            MarketingSpend.objects.create(
                channel=data.draw(st.sampled_from([Channel.SOCIAL, Channel.REFERRAL])),
                spent_on=data.draw(days),
                amount=data.draw(amounts),
                location=data.draw(st.sampled_from([None, *locations])),
            )
        for _ in range(data.draw(st.integers(0, 3))):
            Touchpoint.objects.create(
                partner=partner,
                occurred_on=data.draw(days),
                kind="call",
                cost=data.draw(st.sampled_from([None, Decimal("12.34")])),
            )
        for _ in range(5):
            scope = Scope(
                as_of=data.draw(days),
                window_days=data.draw(st.sampled_from([1, 30, 365, 900])),
                location_id=data.draw(st.sampled_from([None, locations[0].pk])),
            )
            assert {row.pop("channel"): row for row in _channel_rows(scope)} == straight_sums(scope)
            assert channel_spend(scope) == straight_spend(scope)
        transaction.set_rollback(True)
