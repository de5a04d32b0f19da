"""Every care page of the daily work, tried with each role of the cast and anonymously.

The clinician works at location A, the front desk at location B; the records below are at A,
so the front desk is told they do not exist (404) and the liaison role is refused (403).
"""

import pytest
from django.urls import reverse

from liaison.factories import EpisodeFactory, PatientFactory, ReferralFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "liaison_user", "front_desk", "clinician", "owner"]
LOGIN = 302


def expect(anonymous, outsider, liaison, front_desk, clinician, owner):
    return dict(
        zip(ROLES, [anonymous, outsider, liaison, front_desk, clinician, owner], strict=True)
    )


LIST = expect(LOGIN, 403, 403, 200, 200, 200)
RECORD_AT_A = expect(LOGIN, 403, 403, 404, 200, 200)

# (url name, which record's code it takes, method, form data, expected status per role)
PAGES = [
    ("care-patient-list", None, "get", None, LIST),
    ("care-patient-export", None, "get", None, LIST),
    ("care-patient-detail", "patient", "get", None, RECORD_AT_A),
    ("care-referral-list", None, "get", None, LIST),
    ("care-referral-export", None, "get", None, LIST),
    ("care-referral-new", None, "get", None, LIST),
    ("care-referral-new", None, "post", {}, expect(LOGIN, 403, 403, 400, 400, 400)),
    ("care-referral-detail", "referral", "get", None, RECORD_AT_A),
    ("care-referral-alternatives", "referral", "get", None, RECORD_AT_A),
    ("care-referral-accept", "referral", "post", {}, expect(LOGIN, 403, 403, 404, 302, 302)),
    ("care-referral-decline", "referral", "post", {}, expect(LOGIN, 403, 403, 404, 400, 400)),
    ("care-referral-schedule", "referral", "post", {}, expect(LOGIN, 403, 403, 404, 400, 400)),
    ("care-referral-first-visit", "referral", "post", {}, expect(LOGIN, 403, 403, 404, 400, 400)),
    ("care-episode-detail", "episode", "get", None, RECORD_AT_A),
    ("care-episode-visit-add", "episode", "post", {}, expect(LOGIN, 403, 403, 404, 400, 400)),
    ("care-outcome-new", "episode", "get", None, expect(LOGIN, 403, 403, 403, 200, 200)),
    ("care-outcome-preview", "episode", "post", {}, expect(LOGIN, 403, 403, 403, 200, 200)),
]


@pytest.fixture
def records(location_a):
    patient = PatientFactory(location=location_a, first_name="Maya", last_name="Okonkwo")
    referral = ReferralFactory(patient=patient)
    episode = EpisodeFactory(patient=patient, referral=referral)
    return {"patient": patient, "referral": referral, "episode": episode}


def _url(name, record, records):
    if name.startswith("care-outcome"):
        return reverse(name, args=[records["episode"].code, "ODI"])
    return reverse(name, args=[records[record].code] if record else [])


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_answer_on_every_page(request, client, records, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    answers = {}
    for name, record, method, data, expected in PAGES:
        response = getattr(client, method)(_url(name, record, records), data)
        answers[f"{method.upper()} {name}"] = (response.status_code, expected[role])
        if role == "anonymous":
            assert response.url.startswith(reverse("accounts-login"))
        if response.status_code in {403, 404}:
            assert b"Okonkwo" not in response.content, name
    wrong = {page: got for page, got in answers.items() if got[0] != got[1]}
    assert not wrong, f"(got, expected) for {role}: {wrong}"


def test_the_front_desk_works_on_the_records_of_its_own_location(client, front_desk, location_b):
    patient = PatientFactory(location=location_b, last_name="Hillcrestson")
    referral = ReferralFactory(patient=patient)
    episode = EpisodeFactory(patient=patient, referral=referral)
    client.force_login(front_desk)
    for url in [
        reverse("care-patient-detail", args=[patient.code]),
        reverse("care-referral-detail", args=[referral.code]),
        reverse("care-episode-detail", args=[episode.code]),
    ]:
        response = client.get(url)
        assert response.status_code == 200 and b"Hillcrestson" in response.content


def test_the_liaison_sees_no_referrals_or_patients_in_the_navigation(client, liaison_user):
    client.force_login(liaison_user)
    page = client.get(reverse("partners-directory")).content.decode()
    assert 'href="/care/' not in page
    assert ">Partners<" in page
