import datetime as dt
from decimal import Decimal

import pytest

from liaison.accounts.models import AuditEvent
from liaison.care import services
from liaison.care.models import Channel, Episode, Outcome, Patient, Referral, Visit
from liaison.care.queries import Progress, patients_matching, with_progress
from liaison.care.scoring import ScoringError
from liaison.factories import (
    EpisodeFactory,
    PartnerFactory,
    PatientFactory,
    ReferralFactory,
    refused,
)
from liaison.reports.obligations import obligations_due

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 3, 2)


def new_patient(location, channel=Channel.REFERRAL, **names):
    return services.NewPatient(
        first_name=names.get("first", "Maya"),
        last_name=names.get("last", "Okonkwo"),
        birth_date=dt.date(1980, 5, 17),
        location=location,
        channel=channel,
    )


def test_intake_records_the_patient_their_channel_and_the_referral(location_a, front_desk):
    partner = PartnerFactory()
    patient, referral = services.intake_record(
        patient=None,
        new_patient=new_patient(location_a),
        partner=partner,
        details=services.ReferralDetails(received_on=MONDAY),
        on=MONDAY,
        by=front_desk,
    )
    assert (patient.channel, patient.source_partner, patient.created_on) == (
        Channel.REFERRAL,
        partner,
        MONDAY,
    )
    assert (referral.patient, referral.partner, referral.decision) == (patient, partner, None)
    actions = set(AuditEvent.objects.values_list("object_type", "action"))
    assert actions == {("patient", "create"), ("referral", "create")}


def test_a_self_referred_patient_has_no_source_partner_and_no_referral(location_a, front_desk):
    patient, referral = services.intake_record(
        patient=None,
        new_patient=new_patient(location_a, Channel.WEB_SEARCH),
        partner=None,
        details=None,
        on=MONDAY,
        by=front_desk,
    )
    assert (patient.channel, patient.source_partner, referral) == (Channel.WEB_SEARCH, None, None)


def test_every_new_patient_needs_a_channel(location_a, front_desk):
    with pytest.raises(services.CareError, match="found us"):
        services.patient_create(
            new=new_patient(location_a, ""), source_partner=None, on=MONDAY, by=front_desk
        )
    assert not Patient.objects.exists()


def test_a_known_patient_gets_the_new_referral_and_keeps_their_first_channel(front_desk):
    patient = PatientFactory(channel=Channel.SELF)
    partner = PartnerFactory()
    same, referral = services.intake_record(
        patient=patient,
        new_patient=None,
        partner=partner,
        details=services.ReferralDetails(received_on=MONDAY),
        on=MONDAY,
        by=front_desk,
    )
    assert same == patient and referral.patient == patient
    patient.refresh_from_db()
    assert patient.channel == Channel.SELF and Patient.objects.count() == 1


def test_duplicates_are_found_by_name_and_birth_date_whatever_the_case(location_a):
    maya = PatientFactory(first_name="Maya", last_name="Okonkwo", birth_date=dt.date(1980, 5, 17))
    PatientFactory(first_name="Maya", last_name="Okonkwo", birth_date=dt.date(1981, 5, 17))
    found = patients_matching(
        first_name=" maya", last_name="OKONKWO ", birth_date=dt.date(1980, 5, 17)
    )
    assert list(found) == [maya]


def test_accepting_then_booking_moves_the_referral_along(clinician):
    referral = ReferralFactory(received_on=MONDAY)
    services.referral_accept(referral=referral, on=MONDAY, by=clinician)
    assert with_progress(Referral.objects).get().progress == Progress.ACCEPTED
    services.referral_schedule(referral=referral, on=MONDAY + dt.timedelta(days=3), by=clinician)
    referral.refresh_from_db()
    assert referral.scheduled_on == dt.date(2026, 3, 5)
    assert with_progress(Referral.objects).get().progress == Progress.SCHEDULED


def test_only_an_accepted_referral_is_booked(clinician):
    referral = ReferralFactory(received_on=MONDAY)
    with pytest.raises(services.CareError, match="Accept"):
        services.referral_schedule(referral=referral, on=MONDAY, by=clinician)
    assert refused(lambda: Referral.objects.filter(pk=referral.pk).update(scheduled_on=MONDAY))


def test_a_declined_referral_owes_a_redirect_letter(clinician):
    referral = ReferralFactory(received_on=MONDAY)
    alternative = PartnerFactory(specialty_id="neurology")
    services.referral_decline(
        referral=referral,
        reason=Referral.DeclineReason.NOT_APPROPRIATE,
        decline_note="Numbness in both hands.",
        alternative_partner=alternative,
        on=MONDAY,
        by=clinician,
    )
    owed = obligations_due(as_of=MONDAY + dt.timedelta(days=2))
    assert [(o.kind, o.referral_id, o.due_on) for o in owed] == [
        ("redirect", referral.pk, dt.date(2026, 3, 3))
    ]


def test_declining_as_not_appropriate_needs_the_alternative(clinician):
    referral = ReferralFactory(received_on=MONDAY)
    with pytest.raises(services.CareError, match="instead"):
        services.referral_decline(
            referral=referral,
            reason="not_appropriate",
            decline_note="Red flags.",
            on=MONDAY,
            by=clinician,
        )
    services.referral_decline(referral=referral, reason="insurance", on=MONDAY, by=clinician)
    referral.refresh_from_db()
    assert (referral.decision, referral.decline_reason) == ("declined", "insurance")


def test_declining_as_not_appropriate_needs_why_in_words(clinician):
    referral = ReferralFactory(received_on=MONDAY)
    with pytest.raises(services.CareError, match="right fit"):
        services.referral_decline(
            referral=referral,
            reason="not_appropriate",
            alternative="Spine Center",
            on=MONDAY,
            by=clinician,
        )
    referral.refresh_from_db()
    assert referral.decision is None


def test_accepting_a_declined_referral_forgets_why_it_was_declined(clinician):
    referral = ReferralFactory(received_on=MONDAY)
    services.referral_decline(
        referral=referral,
        reason="not_appropriate",
        decline_note="Red flags.",
        alternative="The ED",
        on=MONDAY,
        by=clinician,
    )
    services.referral_accept(referral=referral, on=MONDAY, by=clinician)
    referral.refresh_from_db()
    assert (referral.decision, referral.decline_note, referral.alternative) == ("accepted", "", "")


def test_the_first_visit_opens_the_episode_and_accepts_a_pending_referral(clinician):
    referral = ReferralFactory(received_on=MONDAY)
    plan = services.EpisodePlan(started_on=MONDAY + dt.timedelta(days=2))
    episode = services.episode_start(
        patient=referral.patient, referral=referral, plan=plan, by=clinician
    )
    referral.refresh_from_db()
    assert referral.decision == "accepted"
    assert list(episode.visits.values_list("visit_on", "status")) == [
        (dt.date(2026, 3, 4), "attended")
    ]
    assert with_progress(Referral.objects).get().seen_on == dt.date(2026, 3, 4)


def test_a_missed_first_visit_is_recorded_as_a_no_show(front_desk):
    referral = ReferralFactory(received_on=MONDAY, decision="accepted", decided_on=MONDAY)
    plan = services.EpisodePlan(started_on=MONDAY)
    episode = services.episode_start(
        patient=referral.patient,
        referral=referral,
        plan=plan,
        first_visit=Visit.Status.NO_SHOW,
        by=front_desk,
    )
    assert list(episode.visits.values_list("status", flat=True)) == ["no_show"]
    assert with_progress(Referral.objects).get().seen_on is None


def test_a_declined_referral_starts_no_care(clinician):
    referral = ReferralFactory(
        received_on=MONDAY, decision="declined", decided_on=MONDAY, decline_reason="insurance"
    )
    with pytest.raises(services.CareError, match="declined"):
        services.episode_start(
            patient=referral.patient,
            referral=referral,
            plan=services.EpisodePlan(started_on=MONDAY),
            by=clinician,
        )
    assert not Episode.objects.exists()


def test_no_visit_comes_before_the_patients_birth(clinician):
    referral = ReferralFactory(received_on=MONDAY, patient__birth_date=MONDAY + dt.timedelta(1))
    with pytest.raises(services.CareError, match="before the patient's birth date"):
        services.episode_start(
            patient=referral.patient,
            referral=referral,
            plan=services.EpisodePlan(started_on=MONDAY),
            by=clinician,
        )
    assert not Episode.objects.exists()


def test_a_visit_after_discharge_belongs_to_a_new_episode(clinician):
    episode = EpisodeFactory(started_on=MONDAY, ended_on=MONDAY + dt.timedelta(days=30))
    with pytest.raises(services.CareError, match="ended"):
        services.visit_record(
            episode=episode, on=MONDAY + dt.timedelta(days=31), status="attended", by=clinician
        )


def test_an_odi_questionnaire_is_scored_and_kept_item_by_item(clinician):
    episode = EpisodeFactory(started_on=MONDAY, primary_measure=None)
    items = [2, 3, 1, 0, 4, 2, 3, None, 2, 3]
    outcome = services.outcome_record(
        episode=episode,
        instrument="ODI",
        measured_on=MONDAY,
        answers=services.Answers(items=items),
        by=clinician,
    )
    outcome.refresh_from_db()
    episode.refresh_from_db()
    assert outcome.score == Decimal("44.44")
    assert outcome.items == {"answers": items}
    assert episode.primary_measure == "ODI"
    assert AuditEvent.objects.filter(object_code=outcome.code, action="create").exists()


def test_a_quickdash_missing_two_items_is_not_saved(clinician):
    episode = EpisodeFactory(started_on=MONDAY)
    with pytest.raises(ScoringError):
        services.outcome_record(
            episode=episode,
            instrument="QuickDASH",
            measured_on=MONDAY,
            answers=services.Answers(items=[3] * 9 + [None, None]),
            by=clinician,
        )
    assert not Outcome.objects.exists()


def test_psfs_keeps_the_activities_and_nprs_only_its_score(clinician):
    episode = EpisodeFactory(started_on=MONDAY)
    psfs = services.outcome_record(
        episode=episode,
        instrument="PSFS",
        measured_on=MONDAY,
        answers=services.Answers(activities=[("Walking", 3), ("Stairs", 4), ("", None)]),
        by=clinician,
    )
    nprs = services.outcome_record(
        episode=episode,
        instrument="NPRS",
        measured_on=MONDAY,
        answers=services.Answers(rating=6),
        by=clinician,
    )
    assert psfs.score == Decimal("3.50")
    assert psfs.items == {
        "activities": [{"activity": "Walking", "rating": 3}, {"activity": "Stairs", "rating": 4}]
    }
    assert (nprs.score, nprs.items) == (Decimal("6.00"), None)
    episode.refresh_from_db()
    assert episode.primary_measure == "ODI"  # the factory's; a later instrument does not replace it
