import pytest
from django.urls import reverse

from liaison.accounts.models import AuditEvent
from liaison.factories import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient_a(location_a):
    return PatientFactory(location=location_a, first_name="Maya", last_name="Okonkwo")


def detail_url(patient):
    return reverse("care-patient-detail", args=[patient.code])


def test_clinician_of_the_location_sees_the_patient(client, clinician, patient_a):
    client.force_login(clinician)
    response = client.get(detail_url(patient_a))
    assert response.status_code == 200
    assert "Okonkwo" in response.content.decode()


def test_manager_sees_every_location(client, owner, patient_a):
    client.force_login(owner)
    assert client.get(detail_url(patient_a)).status_code == 200


def test_front_desk_of_another_location_gets_404(client, front_desk, patient_a):
    client.force_login(front_desk)
    assert client.get(detail_url(patient_a)).status_code == 404


@pytest.mark.parametrize("url_name", ["care-patient-list", "care-patient-detail"])
def test_liaison_role_never_reaches_a_patient_page(client, liaison_user, patient_a, url_name):
    client.force_login(liaison_user)
    args = [patient_a.code] if url_name == "care-patient-detail" else []
    response = client.get(reverse(url_name, args=args))
    assert response.status_code in {403, 404}
    assert "Okonkwo" not in response.content.decode()


def test_user_without_a_role_is_refused(client, outsider, patient_a):
    client.force_login(outsider)
    assert client.get(detail_url(patient_a)).status_code in {403, 404}


def test_anonymous_visitor_is_sent_to_login(client, patient_a):
    response = client.get(detail_url(patient_a))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_each_view_of_a_patient_writes_one_audit_row(client, clinician, patient_a):
    client.force_login(clinician)
    client.get(detail_url(patient_a), REMOTE_ADDR="10.1.2.3")
    client.get(detail_url(patient_a), REMOTE_ADDR="10.1.2.3")
    events = AuditEvent.objects.filter(object_code=patient_a.code, action="view")
    assert events.count() == 2
    assert {(e.username, e.ip_address) for e in events} == {("clinician", "10.1.2.3")}


def test_a_refused_view_writes_no_audit_row_for_the_patient(client, front_desk, patient_a):
    client.force_login(front_desk)
    client.get(detail_url(patient_a))
    assert not AuditEvent.objects.filter(object_code=patient_a.code).exists()


def test_patient_list_shows_only_the_users_locations(client, front_desk, location_b, patient_a):
    PatientFactory(location=location_b, last_name="Hillcrestson")
    client.force_login(front_desk)
    page = client.get(reverse("care-patient-list")).content.decode()
    assert "Hillcrestson" in page and "Okonkwo" not in page


def test_patient_urls_carry_a_code_not_a_name_or_number(patient_a):
    url = detail_url(patient_a)
    assert str(patient_a.code) in url and "Okonkwo" not in url and f"/{patient_a.pk}/" not in url


def test_the_patient_list_is_audited_without_naming_anyone(client, clinician, patient_a):
    client.force_login(clinician)
    client.get(reverse("care-patient-list"))
    event = AuditEvent.objects.get(detail="patient list, page 1")
    assert (event.username, event.object_type, event.object_code) == ("clinician", "patient", None)


def test_admin_edits_of_a_patient_are_audited_and_leave_no_name_in_djangos_log(
    client, owner, patient_a
):
    from django.contrib.admin.models import LogEntry

    client.force_login(owner)
    url = reverse("admin:care_patient_change", args=[patient_a.pk])
    assert client.get(url).status_code == 200
    form = {
        "location": patient_a.location_id,
        "first_name": "Maya",
        "last_name": "Okonkwo-Reyes",
        "sex": "U",
        "channel": "self",
        "zip": "",
        "birth_date": "1980-05-17",
        "created_on": "",
        "external_id": "",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    patient_a.refresh_from_db()
    assert patient_a.last_name == "Okonkwo-Reyes"
    actions = list(
        AuditEvent.objects.filter(object_code=patient_a.code).values_list("action", flat=True)
    )
    assert sorted(actions) == ["update", "view"]
    assert not LogEntry.objects.filter(object_repr__contains="Okonkwo").exists()
