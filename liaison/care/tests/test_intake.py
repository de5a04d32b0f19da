"""The front desk's intake form: a new patient and their source, keyboard-first."""

import datetime as dt

import pytest
from django.urls import reverse

from liaison.care.models import Patient, Referral
from liaison.factories import PartnerFactory, PatientFactory, valid_npi
from liaison.partners.models import Partner

pytestmark = pytest.mark.django_db

URL = reverse("care-referral-new")


def form(location, **changes):
    data = {
        "first_name": "Maya",
        "last_name": "Okonkwo",
        "birth_date": "05/17/1980",
        "channel": "referral",
        "partner_query": "",
        "partner": "",
        "received_on": "2026-03-02",
        "urgency": "routine",
        "reason": "Low back pain",
        "location": location.pk,
        "np_kind": "person",
        "np_specialty": "primary_care",
    }
    return {**data, **changes}


@pytest.fixture
def desk(client, front_desk):
    client.force_login(front_desk)
    return client


def test_a_referred_patient_is_recorded_and_the_desk_lands_on_triage(desk, location_b):
    partner = PartnerFactory(last_name="Reed")
    response = desk.post(URL, form(location_b, partner=partner.code))
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("care-referral-detail", args=[referral.code])
    assert (referral.partner, referral.patient.source_partner) == (partner, partner)
    assert referral.patient.birth_date == dt.date(1980, 5, 17)
    assert "Okonkwo" not in response.url


def test_the_channel_is_required_and_has_no_default(desk, location_b):
    page = desk.get(URL).content.decode()
    assert '<option value="" selected>Choose…</option>' in page
    response = desk.post(URL, form(location_b, channel=""))
    assert response.status_code == 400
    assert not Patient.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("birth_date", "01/01/0001", "is not a date between 1900 and 2100"),
        ("birth_date", "12/31/9999", "is not a date between 1900 and 2100"),
        ("birth_date", "01/01/2099", "A birth date cannot be in the future."),
        ("received_on", "9999-12-31", "is not a date between 1900 and 2100"),
    ],
)
def test_an_implausible_date_is_named_and_nothing_is_written(
    desk, location_b, field, value, message
):
    response = desk.post(URL, form(location_b, channel="web_search", **{field: value}))
    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert not Patient.objects.exists()


def test_a_self_referred_patient_needs_no_partner(desk, location_b):
    response = desk.post(URL, form(location_b, channel="web_search"))
    patient = Patient.objects.get()
    assert response.url == reverse("care-patient-detail", args=[patient.code])
    assert (patient.channel, patient.source_partner, Referral.objects.count()) == (
        "web_search",
        None,
        0,
    )


def test_a_referral_without_a_partner_says_what_to_do(desk, location_b):
    response = desk.post(URL, form(location_b))
    assert response.status_code == 400
    assert "Choose the partner who referred the patient" in response.content.decode()


def test_an_unknown_partner_is_created_inline(desk, location_b):
    npi = valid_npi(777)
    response = desk.post(
        URL,
        form(
            location_b,
            partner="new",
            np_first_name="Ana",
            np_last_name="Reed",
            np_npi=npi,
            np_specialty="neurology",
            np_phone="303-555-0142",
        ),
    )
    assert response.status_code == 302
    partner = Partner.objects.get(npi=npi)
    assert (partner.display_name, partner.specialty_id, partner.stage) == (
        "Ana Reed",
        "neurology",
        "partner",
    )
    assert Referral.objects.get().partner == partner


def test_a_mistyped_npi_gets_a_clear_message_and_nothing_is_saved(desk, location_b):
    response = desk.post(
        URL, form(location_b, partner="new", np_last_name="Reed", np_npi="1234567890")
    )
    assert response.status_code == 400
    assert "1234567890 is not a valid NPI" in response.content.decode()
    assert not Patient.objects.exists() and not Partner.objects.exists()


def test_an_npi_already_in_the_directory_offers_that_partner_instead(desk, location_b):
    reed = PartnerFactory(first_name="Ana", last_name="Reed", credentials="MD")
    response = desk.post(URL, form(location_b, partner="new", np_last_name="Reed", np_npi=reed.npi))
    page = response.content.decode()
    assert response.status_code == 400
    on_file = (
        f'NPI {reed.npi} is already on file for <a href="/partners/{reed.code}/">'
        "Ana Reed, MD</a>. They are chosen below: record the patient again to use them."
    )
    # Said by the partner choices, not inside the new partner's fields that are now hidden.
    assert page.index(on_file) < page.index('<fieldset class="new-partner">')
    # The existing partner is offered, checked, so that Enter now reuses them.
    assert f'value="{reed.code}" checked' in page
    assert Partner.objects.count() == 1 and not Patient.objects.exists()

    response = desk.post(
        URL, form(location_b, partner=reed.code, np_last_name="Reed", np_npi=reed.npi)
    )
    assert response.status_code == 302
    assert Referral.objects.get().partner == reed and Partner.objects.count() == 1


def test_a_patient_with_the_same_name_and_birth_date_is_offered_for_reuse(desk, location_b):
    known = PatientFactory(
        location=location_b, first_name="MAYA", last_name="okonkwo", birth_date=dt.date(1980, 5, 17)
    )
    partner = PartnerFactory()
    response = desk.post(URL, form(location_b, partner=partner.code))
    assert response.status_code == 400
    assert f'value="{known.code}"' in response.content.decode()
    assert Patient.objects.count() == 1

    response = desk.post(URL, form(location_b, partner=partner.code, existing_patient=known.code))
    assert response.status_code == 302
    assert Patient.objects.count() == 1 and Referral.objects.get().patient == known


def test_a_different_person_with_the_same_name_can_still_be_recorded(desk, location_b):
    PatientFactory(
        location=location_b, first_name="Maya", last_name="Okonkwo", birth_date=dt.date(1980, 5, 17)
    )
    response = desk.post(URL, form(location_b, channel="self", existing_patient="new"))
    assert response.status_code == 302 and Patient.objects.count() == 2


def test_a_duplicate_at_another_location_is_mentioned_without_naming_it(
    desk, location_a, location_b
):
    PatientFactory(
        location=location_a, first_name="Maya", last_name="Okonkwo", birth_date=dt.date(1980, 5, 17)
    )
    page = desk.post(URL, form(location_b, channel="self")).content.decode()
    assert "1 matching record at another location" in page
    assert location_a.name not in page


def test_the_partner_search_answers_as_the_desk_types(desk):
    reed = PartnerFactory(first_name="Ana", last_name="Reed", phone="(303) 555-0142")
    page = desk.get(reverse("partners-search"), {"partner_query": "3035550142"})
    assert f'value="{reed.code}" checked' in page.content.decode()
    nothing = desk.get(reverse("partners-search"), {"partner_query": "Zyx"}).content.decode()
    assert 'value="new" checked' in nothing


def test_the_form_puts_the_cursor_in_the_first_field(desk):
    page = desk.get(URL).content.decode()
    assert 'name="first_name"' in page and "autofocus" in page
