"""The database itself refuses bad records, whatever door they come through."""

import datetime as dt
from decimal import Decimal

import pytest

from liaison.care.instruments import INSTRUMENTS
from liaison.care.models import Channel, Episode, Outcome, Patient, Referral, Visit
from liaison.factories import (
    EpisodeFactory,
    LocationFactory,
    OutcomeFactory,
    PartnerFactory,
    PatientFactory,
    ReferralFactory,
    refused,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("instrument", "score"),
    [
        ("ODI", "100.01"),
        ("ODI", "-1"),
        ("NDI", "101"),
        ("NPRS", "10.5"),
        ("PSFS", "-0.5"),
        ("LEFS", "81"),
        ("QuickDASH", "100.5"),
    ],
)
def test_outcome_score_outside_its_scale_is_refused(instrument, score):
    episode = EpisodeFactory()
    outcome = Outcome(
        episode=episode,
        measured_on=dt.date(2026, 2, 1),
        instrument=instrument,
        score=Decimal(score),
    )
    assert refused(outcome.save)
    assert refused(lambda: Outcome.objects.bulk_create([outcome]))


@pytest.mark.parametrize("instrument", list(INSTRUMENTS))
def test_outcome_scores_at_both_ends_of_the_scale_are_kept(instrument):
    facts = INSTRUMENTS[instrument]
    OutcomeFactory(instrument=instrument, score=facts.minimum)
    OutcomeFactory(instrument=instrument, score=facts.maximum)
    assert Outcome.objects.filter(instrument=instrument).count() == 2


def test_outcome_of_an_unknown_instrument_is_refused():
    assert refused(lambda: OutcomeFactory(instrument="SF36", score=Decimal(5)))


def test_negative_planned_visit_count_is_refused():
    patient = PatientFactory()
    episode = Episode(patient=patient, started_on=dt.date(2026, 1, 1), planned_visits=-1)
    assert refused(episode.save)
    assert refused(lambda: Episode.objects.bulk_create([episode]))


def test_zero_or_no_planned_visits_is_allowed():
    EpisodeFactory(planned_visits=0)
    EpisodeFactory(planned_visits=None)
    assert Episode.objects.count() == 2


def test_episode_ending_before_it_starts_is_refused():
    assert refused(
        lambda: EpisodeFactory(started_on=dt.date(2026, 3, 2), ended_on=dt.date(2026, 3, 1))
    )


def test_discharge_reason_without_an_end_date_is_refused():
    assert refused(lambda: EpisodeFactory(discharge_reason="goals_met"))


def test_referral_channel_without_a_source_partner_is_refused():
    location = LocationFactory()
    patient = Patient(
        location=location, first_name="Ana", last_name="Lima", channel=Channel.REFERRAL
    )
    assert refused(patient.save)
    assert refused(lambda: Patient.objects.bulk_create([patient]))


def test_referral_channel_with_its_source_partner_is_kept():
    patient = PatientFactory(channel=Channel.REFERRAL, source_partner=PartnerFactory())
    assert Patient.objects.get(pk=patient.pk).source_partner is not None


def test_unknown_channel_is_refused():
    assert refused(lambda: PatientFactory(channel="unknown"))


def test_patient_without_a_name_is_refused():
    assert refused(lambda: PatientFactory(first_name=""))


def test_declined_referral_needs_its_reason():
    assert refused(lambda: ReferralFactory(decision="declined", decline_reason=None))
    assert refused(lambda: ReferralFactory(decision="accepted", decline_reason="insurance"))
    assert refused(lambda: ReferralFactory(decision=None, decline_reason="insurance"))
    kept = ReferralFactory(
        decision="declined", decline_reason="not_appropriate", decided_on=dt.date(2026, 1, 6)
    )
    assert Referral.objects.get(pk=kept.pk).decline_reason == "not_appropriate"


def test_referral_decided_before_it_was_received_is_refused():
    assert refused(
        lambda: ReferralFactory(
            received_on=dt.date(2026, 1, 5), decision="accepted", decided_on=dt.date(2026, 1, 4)
        )
    )


def test_unknown_visit_status_is_refused():
    episode = EpisodeFactory()
    visit = Visit(episode=episode, visit_on=dt.date(2026, 1, 2), status="maybe")
    assert refused(lambda: Visit.objects.bulk_create([visit]))


def test_external_ids_are_unique_per_table_and_never_blank():
    PatientFactory(external_id="PT-1")
    assert refused(lambda: PatientFactory(external_id="PT-1"))
    assert refused(lambda: PatientFactory(external_id=""))
    # The same practice id in another table is a different record.
    EpisodeFactory(external_id="PT-1")


def test_a_patient_with_history_cannot_be_deleted():
    episode = EpisodeFactory()
    with pytest.raises(Exception, match="protected"):
        episode.patient.delete()
