import pytest
import time_machine
from django.urls import reverse

from liaison.accounts.models import LoginFailure
from liaison.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def login(client, username, password):
    return client.post(reverse("accounts-login"), {"username": username, "password": password})


def test_pages_ask_anonymous_visitors_to_log_in(client):
    response = client.get(reverse("insights-home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts-login"))


def test_the_right_password_logs_in_and_lands_on_the_home_page(client, owner):
    response = login(client, "owner", PASSWORD)
    assert response.status_code == 302 and response.url == reverse("insights-home")
    assert client.get(reverse("insights-home")).status_code == 200


def test_passwords_are_stored_with_argon2(settings):
    settings.PASSWORD_HASHERS = settings.PASSWORD_HASHERS[1:]  # production's, without MD5
    assert UserFactory(username="argon").password.startswith("argon2")


def test_a_wrong_password_shows_the_form_again_with_an_error(client, owner):
    response = login(client, "owner", "wrong")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_login_is_throttled_after_five_failures_even_with_the_right_password(client, owner):
    for _ in range(5):
        login(client, "owner", "wrong")
    response = login(client, "owner", PASSWORD)
    assert response.status_code == 200
    assert "Too many failed attempts" in response.content.decode()
    assert LoginFailure.objects.filter(username="owner").count() == 5


def test_failures_from_another_machine_do_not_lock_the_owner_out(client, owner):
    for _ in range(5):
        client.post(
            reverse("accounts-login"),
            {"username": "owner", "password": "wrong"},
            REMOTE_ADDR="203.0.113.9",
        )
    assert login(client, "owner", PASSWORD).status_code == 302  # from 127.0.0.1


def test_one_password_tried_across_many_names_locks_that_address(client, owner):
    for i in range(20):
        client.post(
            reverse("accounts-login"),
            {"username": f"user{i}", "password": "Spring2026"},
            REMOTE_ADDR="203.0.113.9",
        )
    response = client.post(
        reverse("accounts-login"),
        {"username": "owner", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.9",
    )
    assert "Too many failed attempts from this computer" in response.content.decode()
    assert login(client, "owner", PASSWORD).status_code == 302  # elsewhere, still welcome


def test_the_throttle_lifts_after_fifteen_minutes(client, owner):
    with time_machine.travel("2026-11-26 09:00", tick=False):
        for _ in range(5):
            login(client, "owner", "wrong")
    with time_machine.travel("2026-11-26 09:16", tick=False):
        assert login(client, "owner", PASSWORD).status_code == 302


def test_an_idle_session_ends_after_fifteen_minutes(client, owner):
    with time_machine.travel("2026-11-26 09:00", tick=False):
        login(client, "owner", PASSWORD)
    with time_machine.travel("2026-11-26 09:14", tick=False):
        assert client.get(reverse("insights-home")).status_code == 200
    with time_machine.travel("2026-11-26 09:28", tick=False):
        assert client.get(reverse("insights-home")).status_code == 200
    with time_machine.travel("2026-11-26 09:44", tick=False):
        assert client.get(reverse("insights-home")).status_code == 302


def test_a_busy_session_still_ends_after_twelve_hours(client, owner):
    start = time_machine.travel("2026-11-26 07:00", tick=False)
    start.start()
    login(client, "owner", PASSWORD)
    start.stop()
    for hour in range(8, 20):
        with time_machine.travel(f"2026-11-26 {hour:02d}:00", tick=False):
            status = client.get(reverse("insights-home")).status_code
    assert status == 302


def test_logout_ends_the_session(client, owner):
    client.force_login(owner)
    client.post(reverse("accounts-logout"))
    assert client.get(reverse("insights-home")).status_code == 302


def test_an_inactive_user_cannot_log_in(client):
    UserFactory(username="gone", is_active=False)
    assert login(client, "gone", PASSWORD).status_code == 200
