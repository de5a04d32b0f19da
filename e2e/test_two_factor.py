"""Two-factor sign-in in the browser: a manager enrols an authenticator app, then signs in with
a code computed from the enrolled secret; a wrong code is refused; recovery codes work once."""

import datetime as dt

import pytest
import time_machine
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from e2e.accessibility import assert_accessible
from e2e.conftest import PASSWORD
from liaison.accounts.models import Role
from liaison.factories import UserFactory

pytestmark = pytest.mark.two_factor


def password_step(page, user):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def code_step(page, code: str):
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Continue").click()


def test_a_manager_enrols_and_signs_in_with_codes(page, transactional_db, screenshot):
    manager = UserFactory(username="maria", role=Role.MANAGER)

    password_step(page, manager)
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(page.locator(".qr svg")).to_be_visible()
    assert_accessible(page)
    secret = TOTPDevice.objects.get(user=manager, confirmed=False)
    page.get_by_label("Code from the app").fill(f"{totp(secret.bin_key):06d}")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", name="Two-factor sign-in is on")).to_be_visible()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    screenshot("recovery-codes")
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page.get_by_role("heading", name="Today", exact=True).first).to_be_visible()

    # Next sign-in, half a minute later: a wrong code, then the app's code.
    with time_machine.travel(dt.timedelta(seconds=31)):
        page.get_by_role("button", name="Log out").click()
        password_step(page, manager)
        expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
        right = f"{totp(secret.bin_key):06d}"
        code_step(page, "000000" if right != "000000" else "111111")
        expect(page.get_by_role("alert")).to_contain_text("That code is not right")
    with time_machine.travel(dt.timedelta(minutes=2)):  # past the wrong code's wait
        code_step(page, f"{totp(secret.bin_key):06d}")
        expect(page.get_by_role("heading", name="Today", exact=True).first).to_be_visible()

        # A lost phone: each recovery code once.
        for code in codes[:2]:
            page.get_by_role("button", name="Log out").click()
            password_step(page, manager)
            code_step(page, code)
            expect(page.get_by_role("heading", name="Today", exact=True).first).to_be_visible()
        page.get_by_role("button", name="Log out").click()
        password_step(page, manager)
        code_step(page, codes[0])
        expect(page.get_by_role("alert")).to_contain_text("already used")
