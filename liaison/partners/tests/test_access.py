"""Every partner page, tried with each role of the cast and anonymously.

Partners are partner-level: every role may read them; writing is for the roles whose
permissions say so (roles.py), and merging is for managers only.
"""

import pytest
from django.urls import reverse

from liaison.factories import PartnerFactory, PatientFactory, ReferralFactory
from liaison.partners.models import PlannedTouchpoint

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "liaison_user", "front_desk", "clinician", "owner"]
LOGIN = 302


def expect(anonymous, outsider, liaison, front_desk, clinician, owner):
    return dict(
        zip(ROLES, [anonymous, outsider, liaison, front_desk, clinician, owner], strict=True)
    )


READ = expect(LOGIN, 403, 200, 200, 200, 200)
EDIT = expect(LOGIN, 403, 200, 200, 403, 200)
CONTACTS = expect(LOGIN, 403, 200, 403, 403, 200)

# (url name, takes the partner's (or the plan's) code, method, data, expected per role)
PAGES = [
    ("partners-directory", None, "get", None, READ),
    ("partners-export", None, "get", None, READ),
    ("partners-search", None, "get", {"q": "Reed"}, READ),
    ("partners-board", None, "get", None, READ),
    ("partners-detail", "partner", "get", None, READ),
    ("partners-new", None, "get", None, EDIT),
    ("partners-edit", "partner", "get", None, EDIT),
    (
        "partners-stage",
        "partner",
        "post",
        {"stage": "contacted"},
        expect(LOGIN, 403, 302, 302, 403, 302),
    ),
    (
        "partners-cadence",
        "partner",
        "post",
        {"contact_cadence_days": "60"},
        expect(LOGIN, 403, 302, 302, 403, 302),
    ),
    ("partners-touchpoint-new", "partner", "get", None, CONTACTS),
    ("partners-touchpoint-export", "partner", "get", None, CONTACTS),
    ("partners-plan-new", "partner", "post", {}, expect(LOGIN, 403, 400, 403, 403, 400)),
    ("partners-note-new", "partner", "post", {}, expect(LOGIN, 403, 400, 403, 400, 400)),
    ("partners-merge", "partner", "get", None, expect(LOGIN, 403, 403, 403, 403, 200)),
    ("partners-plan-cancel", "plan", "post", {}, expect(LOGIN, 403, 302, 403, 403, 302)),
]


@pytest.fixture
def records(location_a):
    partner = PartnerFactory(first_name="Ana", last_name="Reed")
    patient = PatientFactory(location=location_a, first_name="Maya", last_name="Okonkwo")
    ReferralFactory(patient=patient, partner=partner)
    plan = PlannedTouchpoint.objects.create(partner=partner, planned_on="2026-03-02", kind="lunch")
    return {"partner": partner, "plan": plan}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_answer_on_every_page(request, client, records, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    answers = {}
    for name, record, method, data, expected in PAGES:
        url = reverse(name, args=[records[record].code] if record else [])
        response = getattr(client, method)(url, data)
        answers[f"{method.upper()} {name}"] = (response.status_code, expected[role])
        if role == "anonymous":
            assert response.url.startswith(reverse("accounts-login"))
    wrong = {page: got for page, got in answers.items() if got[0] != got[1]}
    assert not wrong, f"(got, expected) for {role}: {wrong}"


@pytest.mark.parametrize("role", ["liaison_user", "outsider"])
def test_no_patient_name_reaches_a_role_without_patient_access(request, client, records, role):
    client.force_login(request.getfixturevalue(role))
    for url in [
        reverse("partners-detail", args=[records["partner"].code]),
        reverse("partners-directory"),
        reverse("partners-export"),
        reverse("insights-home"),
    ]:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"Okonkwo" not in body, url


def test_the_partner_page_shows_patients_to_roles_that_may_see_them(client, clinician, records):
    client.force_login(clinician)
    page = client.get(reverse("partners-detail", args=[records["partner"].code]))
    assert b"Okonkwo" in page.content
