"""The due engine's SQL (`obligations_due`) and its plain-Python core (`owed.py`) agree on
random histories: referrals accepted or declined, episodes open or ended, attended and
missed visits, readings improving or not, partners with their own rules (some wanting no
report of a kind), reports sent early, late, after D or never."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liaison.care.instruments import INSTRUMENTS
from liaison.core.models import PracticeSettings
from liaison.factories import (
    EpisodeFactory,
    OutcomeFactory,
    PartnerFactory,
    PatientFactory,
    ReferralFactory,
    ReportFactory,
    VisitFactory,
)
from liaison.reports.models import CommunicationPreference
from liaison.reports.obligations import obligations_due
from liaison.reports.owed import obligations_of_referral
from liaison.reports.rules import BUSINESS_DAYS, RULES

pytestmark = pytest.mark.django_db

START = dt.date(2025, 6, 2)
MEASURES = ["ODI", "NPRS", "PSFS"]  # lower is better, lower is better, higher is better


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _practice(draw) -> None:
    counts = {
        spec.practice_field: draw(
            st.integers(0, 5) if spec.unit == BUSINESS_DAYS else st.sampled_from([0, 14, 30])
        )
        for spec in RULES
    }
    PracticeSettings.objects.update_or_create(id=1, defaults=counts)


def _partner(draw):
    partner = PartnerFactory()
    if draw(st.booleans()):
        fields = {}
        for spec in RULES:
            fields[spec.wants_field] = draw(st.sampled_from([True, True, False]))
            unit = st.integers(0, 6) if spec.unit == BUSINESS_DAYS else st.integers(5, 40)
            fields[spec.override_field] = draw(st.none() | unit)
        CommunicationPreference.objects.create(partner=partner, **fields)
    return partner


NEAR = [Decimal("-0.01"), Decimal(0), Decimal("0.01")]  # off the MCID by a hundredth, or not


def _score(draw, instrument: str, first: Decimal | None = None) -> Decimal:
    """A score on the scale; after the first, often one near the MCID away from it."""
    spec = INSTRUMENTS[instrument]
    if first is not None and draw(st.booleans()):
        better = -1 if spec.lower_is_better else 1
        change = spec.mcid * draw(st.sampled_from([1, -1])) + draw(st.sampled_from(NEAR))
        score = first + better * change
        if spec.minimum <= score <= spec.maximum:
            return score
    hundredths = draw(st.integers(int(spec.minimum * 100), int(spec.maximum * 100)))
    return Decimal(hundredths) / 100


def _day(draw, first: dt.date, last: dt.date, *near: dt.date) -> dt.date:
    """A day from `first` to `last`, often one of the `near` days that rules turn on."""
    near = [day for day in near if first <= day <= last]
    if near and draw(st.booleans()):
        return draw(st.sampled_from(near))
    return first + days(draw(st.integers(0, (last - first).days)))


def _readings(draw, episode, instrument: str, first_on: dt.date, last: dt.date) -> None:
    """Readings from `first_on`, often at the not-responding threshold or on the last day."""
    near = [*(first_on + days(n) for n in (0, 27, 28, 29)), last]
    first = _score(draw, instrument)
    readings = [(first_on, first)]
    for _ in range(draw(st.integers(0, 4))):
        readings.append((_day(draw, first_on, last, *near), _score(draw, instrument, first)))
    for measured_on, score in readings:
        OutcomeFactory(episode=episode, instrument=instrument, measured_on=measured_on, score=score)


def _episode(draw, referral, as_of: dt.date):
    """An episode with its visits and readings, none after its end (care records none)."""
    started = _day(draw, referral.received_on, referral.received_on + days(20), as_of)
    last = max(started, min(as_of + days(10), started + days(150)))
    ended = _day(draw, started, last, as_of, as_of + days(1)) if draw(st.booleans()) else None
    last = ended or last
    measure = draw(st.sampled_from([*MEASURES, None]))
    episode = EpisodeFactory(
        patient=referral.patient,
        referral=referral,
        started_on=started,
        ended_on=ended,
        discharge_reason="goals_met" if ended else None,
        primary_measure=measure,
    )
    for _ in range(draw(st.integers(1, 5))):
        status = draw(st.sampled_from(["attended", "attended", "attended", "no_show", "cancelled"]))
        visit_on = _day(draw, started, last, as_of, as_of + days(1))
        VisitFactory(episode=episode, visit_on=visit_on, status=status)
    if draw(st.booleans()):
        first_on = _day(draw, started, last)
        instrument = (
            measure if measure and draw(st.integers(0, 4)) else draw(st.sampled_from(MEASURES))
        )
        _readings(draw, episode, instrument, first_on, last)
    return episode


def _reports(draw, referral, episodes, as_of: dt.date) -> None:
    for _ in range(draw(st.integers(0, 4))):
        kinds = ["initial", "progress", "alert", "redirect"] + (["discharge"] if episodes else [])
        kind = draw(st.sampled_from(kinds))
        due = as_of - days(draw(st.integers(-20, 400)))
        sent = draw(st.sampled_from([None, due - days(1), due, due + days(9), as_of + days(1)]))
        episode = draw(st.sampled_from(episodes)) if episodes else None
        ReportFactory(referral=referral, kind=kind, due_on=due, sent_on=sent, episode=episode)


def _history(draw, as_of: dt.date) -> list:
    _practice(draw)
    partners = [_partner(draw) for _ in range(2)]
    referrals = []
    for _ in range(draw(st.integers(3, 6))):
        received = _day(draw, as_of - days(420), as_of, as_of, as_of - days(1))
        declined = draw(st.sampled_from([None, None, "not_appropriate", "insurance"]))
        decided = None
        if draw(st.booleans()):
            decided = _day(draw, received, received + days(5), as_of, as_of + days(1))
        referral = ReferralFactory(
            patient=PatientFactory(),
            partner=draw(st.sampled_from(partners)),
            received_on=received,
            decision="declined" if declined else ("accepted" if decided else None),
            decided_on=decided,
            decline_reason=declined,
        )
        count = 0 if declined else draw(st.sampled_from([0, 1, 1, 2]))
        episodes = [_episode(draw, referral, as_of) for _ in range(count)]
        _reports(draw, referral, episodes, as_of)
        referrals.append(referral)
    return referrals


def _shown(o) -> tuple:
    return (str(o.kind), o.due_on, o.status, o.sent_on, o.report_id, o.referral_id, o.episode_id)


def test_the_sql_owes_what_the_python_core_owes(db):
    @settings(
        max_examples=100,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(st.data())
    def check(data):
        draw = data.draw
        as_of = START + days(draw(st.integers(0, 400)))
        with transaction.atomic():
            referrals = _history(draw, as_of)
            since = draw(st.sampled_from([None, dt.date(2000, 1, 1), as_of - days(90)]))
            ahead = draw(st.sampled_from([0, 14, 45]))
            listed = obligations_due(as_of=as_of, since=since, ahead_days=ahead)
            first, last = since or as_of - days(364), as_of + days(ahead)
            expected = [
                o
                for referral in referrals
                for o in obligations_of_referral(referral, as_of=as_of, ahead_days=ahead)
                if first <= o.due_on <= last
            ]
            assert sorted(map(_shown, listed), key=str) == sorted(map(_shown, expected), key=str)
            transaction.set_rollback(True)

    check()
