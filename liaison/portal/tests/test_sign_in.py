"""Signing in to the portal: a single-use link mailed to an address on file, 15 minutes to
use it, 30 idle minutes of session, a limit on asking, and a practice may close the portal."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from liaison.accounts.models import AuditEvent
from liaison.core.models import PracticeSettings
from liaison.portal.models import SignInLink
from liaison.portal.session import SESSION_KEY
from liaison.portal.tests.conftest import LINK, link_token

pytestmark = pytest.mark.django_db


def test_a_link_goes_to_the_address_on_file_and_signs_in_once(client, partner, smtp):
    response = client.post("/portal/sign-in/", {"email": "  SILVA@clinic.example "})
    assert "a sign-in link is on its way" in response.content.decode()
    assert smtp.recipients == [["silva@clinic.example"]]
    url = LINK.search(smtp.messages[0].get_body(("plain",)).get_content()).group(0)
    path = url[url.index("/portal/") :]

    confirm = client.get(path)
    assert f"Sign in as {partner.display_name}" in confirm.content.decode()
    assert not SignInLink.objects.get().used_at, "opening the link does not spend it"

    assert client.post(path).url == "/portal/"
    assert "Maya" in client.get("/portal/").content.decode()
    again = client.post(path)
    assert again.status_code == 410
    assert "already used" in again.content.decode()


def test_an_address_not_on_file_gets_the_same_answer_and_no_mail(client, partner, smtp):
    response = client.post("/portal/sign-in/", {"email": "someone@else.example"})
    assert response.status_code == 200
    assert "a sign-in link is on its way" in response.content.decode()
    assert smtp.messages == []
    assert not SignInLink.objects.exists()


def test_an_expired_link_is_refused(client, partner):
    token = link_token(partner)
    asked = timezone.now() - dt.timedelta(minutes=16)
    SignInLink.objects.update(created_at=asked, expires_at=asked + dt.timedelta(minutes=15))
    response = client.post(f"/portal/sign-in/{token}/")
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert client.get("/portal/").url == "/portal/sign-in/"


def test_a_made_up_link_is_refused(client, partner):
    response = client.get("/portal/sign-in/not-a-real-token-at-all/")
    assert response.status_code == 410
    assert "not one of ours" in response.content.decode()


def test_a_link_for_an_address_no_longer_on_file_is_refused(client, partner):
    token = link_token(partner)
    partner.email = "silva@newclinic.example"
    partner.save()
    assert client.post(f"/portal/sign-in/{token}/").status_code == 410


def test_asking_too_often_is_refused_with_the_field_named(client, partner, smtp):
    for _ in range(3):
        assert client.post("/portal/sign-in/", {"email": "silva@clinic.example"}).status_code == 200
    response = client.post("/portal/sign-in/", {"email": "silva@clinic.example"})
    assert response.status_code == 400
    assert "Too many sign-in links" in response.content.decode()
    assert len(smtp.messages) == 3


def test_a_malformed_address_re_renders_with_the_error(client, partner):
    response = client.post("/portal/sign-in/", {"email": "not an address"})
    assert response.status_code == 400
    assert "Enter a valid email address" in response.content.decode()


def test_the_session_ends_after_30_idle_minutes(portal):
    session = portal.session
    held = session[SESSION_KEY]
    session[SESSION_KEY] = {**held, "seen": time.time() - 31 * 60}
    session.save()
    assert portal.get("/portal/").url == "/portal/sign-in/"
    assert portal.get("/portal/").url == "/portal/sign-in/", "and stays ended"


def test_the_session_ends_when_the_address_leaves_the_file(portal, partner):
    partner.email = ""
    partner.save()
    assert portal.get("/portal/").url == "/portal/sign-in/"


def test_a_closed_portal_answers_not_found_even_when_signed_in(portal):
    PracticeSettings.objects.filter(pk=1).update(portal_enabled=False)
    for path in ("/portal/", "/portal/sign-in/"):
        response = portal.get(path)
        assert response.status_code == 404
        assert "does not offer the referrer portal" in response.content.decode()


def test_sign_in_is_audited_as_the_referrer(portal, partner):
    event = AuditEvent.objects.filter(detail="portal sign-in").get()
    assert event.username == "portal: silva@clinic.example"
    assert event.object_code == partner.code
    assert event.user is None


def test_signing_out_ends_the_session(portal):
    portal.post("/portal/sign-out/")
    assert portal.get("/portal/").url == "/portal/sign-in/"


def test_a_staff_session_is_not_a_portal_session(client, owner):
    client.force_login(owner)
    assert client.get("/portal/").url == "/portal/sign-in/"


def test_a_portal_session_is_not_a_staff_session(portal):
    response = portal.get("/care/referrals/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
