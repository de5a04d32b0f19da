"""The practice's side of the portal: inviting a partner, and the questions partners ask,
which wait on the signer's Today until someone marks them answered."""

import pytest
from django.test import Client

from conftest import client_for
from liaison.accounts.models import Role
from liaison.core.models import PracticeSettings
from liaison.factories import UserFactory
from liaison.portal.models import ReportAnswer
from liaison.portal.tests.conftest import LINK

pytestmark = pytest.mark.django_db


def test_staff_invite_a_partner_by_email(client, owner, partner, smtp):
    response = client_for(client, owner).post(f"/portal/invite/{partner.code}/")
    assert response.url == f"/partners/{partner.code}/"
    body = smtp.messages[0].get_body(("plain",)).get_content()
    assert "invites you to its referrer portal" in body
    assert LINK.search(body)
    assert smtp.recipients == [["silva@clinic.example"]]


def test_a_clinician_cannot_invite(client, clinician, partner, smtp):
    assert client_for(client, clinician).post(f"/portal/invite/{partner.code}/").status_code == 403
    assert smtp.messages == []


def test_no_invitation_while_the_portal_is_closed(client, owner, partner, smtp):
    PracticeSettings.objects.update_or_create(pk=1, defaults={"portal_enabled": False})
    response = client_for(client, owner).post(f"/portal/invite/{partner.code}/", follow=True)
    assert "The referrer portal is closed" in response.content.decode()
    assert smtp.messages == []


def ask(portal, report, text="Can she return to running?"):
    portal.post(f"/portal/reports/{report.code}/answer/", {"kind": "question", "text": text})
    return ReportAnswer.objects.get(text=text)


def test_a_question_waits_on_the_signers_today_until_marked_answered(
    portal, initial_report, clinician, location_a
):
    question = ask(portal, initial_report)
    staff = client_for(Client(), clinician)
    today = staff.get("/").content.decode()
    assert "Questions from referrers" in today
    assert "Can she return to running?" in today

    other = UserFactory(username="other", role=Role.CLINICIAN, locations=[location_a])
    assert "Questions from referrers" not in client_for(Client(), other).get("/").content.decode()

    assert staff.post(f"/portal/questions/{question.code}/answered/").status_code == 302
    question.refresh_from_db()
    assert question.handled_by == clinician
    assert "Questions from referrers" not in staff.get("/").content.decode()


def test_a_question_at_another_clinic_is_not_found(portal, initial_report, location_b):
    question = ask(portal, initial_report)
    elsewhere = UserFactory(username="elsewhere", role=Role.CLINICIAN, locations=[location_b])
    staff = client_for(Client(), elsewhere)
    assert staff.post(f"/portal/questions/{question.code}/answered/").status_code == 404
    question.refresh_from_db()
    assert question.handled_at is None
