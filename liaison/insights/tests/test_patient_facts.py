"""The per-patient facts that the database triggers keep: right after any sequence of writes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liaison.care.models import Channel, Episode, Outcome, Patient, Payment, Referral, Visit
from liaison.factories import (
    EpisodeFactory,
    LocationFactory,
    PartnerFactory,
    PatientFactory,
    ReferralFactory,
    VisitFactory,
)
from liaison.insights import facts
from liaison.insights.data_version import data_version
from liaison.insights.models import ChannelMonth, EpisodeFacts, PatientFacts
from liaison.insights.tests.history import day, episode, payment, visits

pytestmark = pytest.mark.django_db

START = day("2025-01-01")


def expected_facts(patient: Patient) -> dict:
    """The facts recomputed from the patient's own records, the slow and obvious way."""
    attended = Visit.objects.filter(episode__patient=patient, status=Visit.Status.ATTENDED)
    first = min((v.visit_on for v in attended), default=None)
    starts = sorted(e.started_on for e in Episode.objects.filter(patient=patient))
    payments = list(Payment.objects.filter(patient=patient))

    def paid_within(days: int) -> int:
        if first is None:
            return 0
        last = first + dt.timedelta(days=days)
        return int(sum(p.amount for p in payments if first <= p.paid_on <= last) * 100)

    return {
        "channel": patient.channel,
        "location_id": patient.location_id,
        "zip": patient.zip,
        "first_visit_on": first,
        "second_episode_on": starts[1] if len(starts) > 1 else None,
        "first_year_cents": paid_within(364),
        "first_two_years_cents": paid_within(729),
    }


def stored_facts(patient: Patient) -> dict:
    facts = PatientFacts.objects.get(patient=patient)
    return {name: getattr(facts, name) for name in expected_facts(patient)}


def expected_episode_facts(ep: Episode) -> dict:
    attended = [v.visit_on for v in ep.visits.all() if v.status == Visit.Status.ATTENDED]
    readings = sorted(
        (o.measured_on, o.id, int(o.score * 100))
        for o in ep.outcomes.all()
        if o.instrument == ep.primary_measure
    )
    first, last = (readings[0], readings[-1]) if readings else ((None,) * 3, (None,) * 3)
    paid: dict[dt.date, Decimal] = {}
    for pay in ep.payments.all():
        paid[pay.paid_on] = paid.get(pay.paid_on, 0) + pay.amount
    return {
        "ended_on": ep.ended_on,
        "planned_visits": ep.planned_visits,
        "primary_measure": ep.primary_measure,
        "referral_id": ep.referral_id,
        "partner_id": ep.referral.partner_id if ep.referral else None,
        "channel": ep.patient.channel,
        "location_id": ep.patient.location_id,
        "attended_visits": len(attended),
        "first_attended_on": min(attended, default=None),
        "last_attended_on": max(attended, default=None),
        "readings": len(readings),
        "first_reading_on": first[0],
        "first_reading_id": first[1],
        "first_score_h": first[2],
        "last_reading_on": last[0],
        "last_reading_id": last[1],
        "last_score_h": last[2],
        "paid_cents": int(sum(paid.values()) * 100),
        "first_paid_on": min(paid, default=None),
        "last_paid_on": max(paid, default=None),
    }


def stored_episode_facts(ep: Episode) -> dict:
    facts = EpisodeFacts.objects.get(episode=ep)
    return {name: getattr(facts, name) for name in expected_episode_facts(ep)}


def assert_facts_current():
    assert PatientFacts.objects.count() == Patient.objects.count()
    for patient in Patient.objects.all():
        assert stored_facts(patient) == expected_facts(patient)
    assert EpisodeFacts.objects.count() == Episode.objects.count()
    for ep in Episode.objects.all():
        assert stored_episode_facts(ep) == expected_episode_facts(ep)
    assert stored_months() == expected_months()


def expected_months() -> dict:
    """The patient facts summed per channel, clinic and month of first visit, in Python."""
    months: dict = {}
    for f in PatientFacts.objects.filter(first_visit_on__isnull=False):
        key = (f.channel, f.location_id, f.first_visit_on.replace(day=1))
        sums = months.setdefault(key, [0, 0, 0, 0])
        added = (1, f.first_year_cents, f.first_two_years_cents, f.second_episode_on is not None)
        for i, value in enumerate(added):
            sums[i] += value
    return months


def stored_months() -> dict:
    """The kept sums per month; a month whose patients have all gone keeps a row of zeros."""
    rows = ChannelMonth.objects.values_list(
        "channel",
        "location_id",
        "month",
        "patients",
        "first_year_cents",
        "first_two_years_cents",
        "second_episodes",
    )
    return {(c, loc, m): list(sums) for c, loc, m, *sums in rows if any(sums)}


def test_facts_follow_inserts():
    p = PatientFactory(zip="80202")
    assert stored_facts(p)["first_visit_on"] is None
    e = episode(patient=p, started="2025-03-01")
    payment(p, "2025-02-01", "30.00")  # before the first visit: in no span
    visits(e, "2025-03-10", "2025-03-03")
    visits(e, "2025-02-20", status="no_show")
    payment(p, "2025-03-03", "100.25", e)
    payment(p, "2026-03-02", "7.00", e)  # first visit + 364
    payment(p, "2026-03-03", "9.00", e)  # + 365: outside the first year
    payment(p, "2027-03-02", "11.00", e)  # + 729: inside the first two years
    payment(p, "2027-03-03", "13.00", e)  # + 730: outside them
    episode(patient=p, started="2025-06-01")
    assert stored_facts(p) == expected_facts(p)
    assert stored_facts(p)["first_visit_on"] == day("2025-03-03")
    assert stored_facts(p)["first_year_cents"] == 10725
    assert stored_facts(p)["first_two_years_cents"] == 10725 + 900 + 1100


def test_facts_follow_updates_and_deletes():
    p, q = PatientFactory(), PatientFactory()
    e = episode(patient=p, started="2025-03-01")
    first, second = visits(e, "2025-03-03", "2025-03-10")
    pay = payment(p, "2025-03-05", "50.00", e)
    first.status = Visit.Status.CANCELLED
    first.save()
    assert stored_facts(p)["first_visit_on"] == day("2025-03-10")
    pay.amount = Decimal("-12.34")
    pay.save()
    second.delete()
    e.patient = q
    e.save()
    p.channel, p.zip = Channel.EMPLOYER, "02139"
    p.save()
    assert_facts_current()
    pay.delete()
    e.delete()
    assert_facts_current()


def test_a_deleted_patient_takes_its_facts_along():
    p = PatientFactory()
    p.delete()
    assert not PatientFacts.objects.filter(patient_id=p.pk).exists()


OPERATIONS = [
    "patient",
    "episode",
    "visit",
    "visit_status",
    "visit_move",
    "visit_delete",
    "payment",
    "payment_change",
    "payment_delete",
    "episode_move",
    "episode_delete",
    "channel",
    "reading",
    "reading_change",
    "reading_delete",
    "measure",
    "refer",
    "repartner",
    "end",
    "relocate",
]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(OPERATIONS),
            st.integers(0, 10_000),
            st.integers(0, 800),
            st.integers(-5_000, 50_000),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_facts_stay_current_whatever_the_writes(operations):
    location = LocationFactory()
    PatientFactory(location=location)
    for name, pick, days, cents in operations:
        apply(name, pick, START + dt.timedelta(days=days), Decimal(cents) / 100, location)
    assert_facts_current()
    # A bulk load's rebuild (set-based, not row by row) arrives at the same facts.
    facts.rebuild(connection)
    assert_facts_current()


def nth(queryset, pick):
    rows = list(queryset.order_by("id"))
    return rows[pick % len(rows)] if rows else None


def apply(name, pick, on, amount, location):
    patient, ep = nth(Patient.objects, pick), nth(Episode.objects, pick)
    visit, pay = nth(Visit.objects, pick), nth(Payment.objects, pick)
    if name.startswith("reading") or name == "measure":
        apply_reading(name, pick, on, ep)
    elif name in {"refer", "repartner", "end", "relocate"}:
        apply_episode_change(name, pick, on, ep, patient)
    elif name == "patient":
        PatientFactory(location=location)
    elif name == "episode":
        EpisodeFactory(patient=patient, started_on=on)
    elif name == "visit" and ep:
        VisitFactory(episode=ep, visit_on=on, status=["attended", "no_show"][pick % 2])
    elif name == "visit_status" and visit:
        visit.status = "attended" if visit.status != "attended" else "cancelled"
        visit.save()
    elif name == "visit_move" and visit and ep:
        visit.episode, visit.visit_on = ep, on
        visit.save()
    elif name == "visit_delete" and visit:
        visit.delete()
    elif name == "payment":
        Payment.objects.create(
            patient=patient, episode=ep if pick % 3 else None, paid_on=on, amount=amount
        )
    elif name == "payment_change" and pay:
        pay.amount, pay.paid_on = amount, on
        if pick % 4 == 0:
            pay.episode = ep
        if pick % 5 == 0:
            pay.patient = patient
        pay.save()
    elif name == "payment_delete" and pay:
        pay.delete()
    elif name == "episode_move" and ep:
        # An ended episode cannot start after its end: the database refuses it.
        ep.patient, ep.started_on = patient, min(on, ep.ended_on) if ep.ended_on else on
        ep.save()
    elif name == "episode_delete" and ep and not ep.payments.exists() and not ep.reports.exists():
        ep.delete()
    elif name == "channel":
        patient.channel = Channel.values[pick % len(Channel.values)]
        patient.source_partner = None
        if patient.channel == Channel.REFERRAL:
            patient.channel = Channel.SELF
        patient.save()


def test_migrate_takes_the_triggers_down_and_rebuilds_the_facts_after():
    from django.apps import apps

    p = PatientFactory()
    ep = episode(patient=p, started="2025-03-01")
    facts.before_migrate(
        app_config=next(a for a in apps.get_app_configs() if a.models_module), using="default"
    )
    visits(ep, "2025-03-02")  # no trigger: the facts fall behind
    assert stored_facts(p)["first_visit_on"] is None
    last = [a for a in apps.get_app_configs() if a.models_module][-1]
    kept_under = data_version()
    facts.after_migrate(app_config=last, using="default", plan=[("a migration", False)])
    assert stored_facts(p)["first_visit_on"] == day("2025-03-02")
    assert data_version()["figures"] != kept_under["figures"]  # kept figures are read no more
    visits(ep, "2025-03-01")  # and the triggers are back
    assert stored_facts(p)["first_visit_on"] == day("2025-03-01")


def apply_reading(name, pick, on, ep):
    reading = nth(Outcome.objects, pick)
    instrument = ["ODI", "NPRS"][pick % 2]
    if name == "reading" and ep:
        Outcome.objects.create(
            episode=ep, measured_on=on, instrument=instrument, score=Decimal(pick % 11)
        )
    elif name == "reading_change" and reading:
        reading.measured_on, reading.score = on, Decimal(pick % 7) + Decimal("0.25")
        reading.save()
    elif name == "reading_delete" and reading:
        reading.delete()
    elif name == "measure" and ep:
        ep.primary_measure = [None, "ODI", "NPRS"][pick % 3]
        ep.save()


def test_a_bulk_load_with_the_triggers_suspended_ends_with_current_facts():
    with facts.suspended():
        p = PatientFactory()
        visits(episode(patient=p, started="2025-03-01"), "2025-03-02")
        payment(p, "2025-03-02", "12.00")
    assert_facts_current()
    visits(episode(patient=p, started="2025-02-01"), "2025-02-01")  # triggers are back
    assert stored_facts(p)["first_visit_on"] == day("2025-02-01")


def apply_episode_change(name, pick, on, ep, patient):
    if name == "refer" and ep:
        ep.referral = ReferralFactory(patient=ep.patient, received_on=ep.started_on)
        ep.save()
    elif name == "repartner" and (referral := nth(Referral.objects, pick)):
        referral.partner = PartnerFactory()
        referral.save()
    elif name == "end" and ep:
        ep.ended_on = max(on, ep.started_on) if pick % 3 else None
        ep.discharge_reason = "goals_met" if ep.ended_on else None
        ep.planned_visits = [None, 0, 6][pick % 3]
        ep.save()
    elif name == "relocate":
        patient.location = LocationFactory()
        patient.save()


def paid_month_trigger(vendor: str) -> list[str]:
    """A trigger as migration 0007's code installed it: it writes to insights_paidmonth."""
    name = "insights_facts_paid_payment_ins"
    body = (
        "INSERT INTO insights_paidmonth (channel, location_id, month, cents) "
        "VALUES ('self', 1, NEW.paid_on, 1)"
    )
    if vendor == "sqlite":
        return [f"CREATE TRIGGER {name} AFTER INSERT ON care_payment BEGIN {body}; END"]
    return [
        f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN {body}; RETURN NULL; END; $$ "
        "LANGUAGE plpgsql",
        f"CREATE TRIGGER {name} AFTER INSERT ON care_payment FOR EACH ROW "
        f"EXECUTE FUNCTION {name}()",
    ]


def test_the_removed_paid_months_triggers_are_taken_down_with_the_others():
    """A database migrated before insights_paidmonth went still carries its triggers; taking
    the triggers down (as every migrate does first) removes them, so payments save again."""
    p = PatientFactory()
    with connection.cursor() as cursor:
        for sql in paid_month_trigger(connection.vendor):
            cursor.execute(sql)
    with pytest.raises(DatabaseError), transaction.atomic():
        payment(p, "2025-03-02", "12.00")
    facts.drop(connection)
    facts.install(connection)
    payment(p, "2025-03-02", "12.00")
    assert Payment.objects.filter(patient=p).count() == 1
