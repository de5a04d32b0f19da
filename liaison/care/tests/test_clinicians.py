"""An episode's clinician is a user: names from files are matched, the rest resolved by a
manager, and "Maya Okafor" and "Maya Okafor, DPT" count as one person everywhere."""

import datetime as dt

import pytest
from django.urls import reverse

from liaison.accounts.models import AuditEvent, Role
from liaison.care import services
from liaison.care.models import Episode
from liaison.care.queries import clinicians_to_match
from liaison.factories import (
    EpisodeFactory,
    PatientFactory,
    ReferralFactory,
    UserFactory,
    VisitFactory,
)
from liaison.reports.obligations import obligations_due

pytestmark = pytest.mark.django_db

TO_MATCH = reverse("care-clinicians-to-match")


@pytest.fixture
def maya(location_a):
    return UserFactory(
        first_name="Maya", last_name="Okafor", role=Role.CLINICIAN, locations=[location_a]
    )


def episode_naming(name: str, location) -> Episode:
    patient = PatientFactory(location=location)
    referral = ReferralFactory(
        patient=patient, received_on=dt.date(2026, 3, 2), decision="accepted"
    )
    episode = EpisodeFactory(
        patient=patient, referral=referral, started_on=dt.date(2026, 3, 4), clinician_name=name
    )
    VisitFactory(episode=episode, visit_on=episode.started_on, status="attended")
    return episode


def test_a_name_with_or_without_credentials_is_linked_to_the_one_user_of_that_name(
    maya, location_a
):
    plain = episode_naming("Maya Okafor", location_a)
    credentialed = episode_naming("maya  okafor, DPT", location_a)
    stranger = episode_naming("Kim Ito", location_a)

    assert services.clinicians_link_by_name() == 2

    for episode in (plain, credentialed, stranger):
        episode.refresh_from_db()
    assert plain.clinician == credentialed.clinician == maya
    assert credentialed.clinician_name == "maya  okafor, DPT"  # kept as the file wrote it
    assert stranger.clinician is None and stranger.treating_clinician == "Kim Ito"
    assert clinicians_to_match() == [("Kim Ito", 1)]


def test_a_name_two_users_share_is_left_for_a_manager(location_a):
    UserFactory(first_name="Sam", last_name="Lee", role=Role.CLINICIAN)
    UserFactory(first_name="Sam", last_name="Lee", role=Role.CLINICIAN)
    episode_naming("Sam Lee", location_a)
    assert services.clinicians_link_by_name() == 0
    assert clinicians_to_match() == [("Sam Lee", 1)]


def test_the_reports_of_one_clinician_are_one_clinicians_whatever_the_spelling(maya, location_a):
    episode_naming("Maya Okafor", location_a)
    episode_naming("Maya Okafor, DPT", location_a)
    services.clinicians_link_by_name()
    owed = obligations_due(as_of=dt.date(2026, 3, 31), location_ids=[location_a.pk])
    assert owed and {(o.clinician_id, o.clinician) for o in owed} == {(maya.pk, "Maya Okafor")}


def test_a_manager_says_who_an_unmatched_name_is(client, owner, maya, location_a):
    episodes = [episode_naming("Dr M. Okafor", location_a) for _ in range(2)]
    client.force_login(owner)
    page = client.get(TO_MATCH).content.decode()
    assert "Dr M. Okafor" in page and maya.signature in page

    response = client.post(TO_MATCH, {"written": "Dr M. Okafor", "clinician": maya.pk}, follow=True)

    assert "2 episodes now name Maya Okafor" in response.content.decode()
    assert {e.clinician for e in Episode.objects.filter(pk__in=[e.pk for e in episodes])} == {maya}
    assert AuditEvent.objects.filter(detail="clinician linked to 2 episodes").count() == 1
    assert (
        "Every clinician named in the episodes is linked" in client.get(TO_MATCH).content.decode()
    )


def test_only_signers_can_be_chosen_and_only_managers_resolve(
    client, owner, clinician, front_desk, location_a
):
    episode_naming("Kim Ito", location_a)
    client.force_login(owner)
    response = client.post(TO_MATCH, {"written": "Kim Ito", "clinician": front_desk.pk})
    assert response.status_code == 400
    assert clinicians_to_match() == [("Kim Ito", 1)]
    for user in (clinician, front_desk):
        client.force_login(user)
        assert client.get(TO_MATCH).status_code == 403


def test_the_first_visit_names_a_clinician_of_the_patients_clinic(
    client, clinician, location_a, location_b
):
    elsewhere = UserFactory(role=Role.CLINICIAN, locations=[location_b], last_name="Faraway")
    patient = PatientFactory(location=location_a)
    referral = ReferralFactory(patient=patient, received_on=dt.date(2026, 3, 2))
    url = reverse("care-referral-detail", args=[referral.code])
    client.force_login(clinician)
    page = client.get(url).content.decode()
    assert clinician.signature in page and "Faraway" not in page

    visit = reverse("care-referral-first-visit", args=[referral.code])
    form = {"visit_on": "2026-03-04", "status": "attended"}
    assert client.post(visit, {**form, "clinician": elsewhere.pk}).status_code == 400
    assert client.post(visit, {**form, "clinician": clinician.pk}).status_code == 302
    episode = Episode.objects.get(referral=referral)
    assert episode.clinician == clinician and episode.clinician_name == clinician.get_full_name()
