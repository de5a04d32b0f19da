"""The pages work under their Content-Security-Policy (no inline script): browsed with the
policy in force, no page reports a violation and the charts and the map draw."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import EXTERNAL, PASSWORD
from liaison.accounts.models import Role
from liaison.factories import LocationFactory, PartnerFactory, UserFactory
from liaison.insights.tests.history import episode, referral, visits

PAGES = [
    "/",
    "/partners/",
    "/partners/board/",
    "/care/patients/",
    "/insights/",
    "/insights/partners/",
    "/insights/channels/",
    "/insights/response/",
    "/insights/gaps/",
    "/admin/",
    "/admin/care/patient/",
]


@pytest.fixture
def strict_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)  # the CSP applies
    context.route(EXTERNAL, lambda route: route.abort("internetdisconnected"))
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_no_page_breaks_its_content_security_policy(strict_page, transactional_db):
    clinic = LocationFactory(zip="02139")
    ref = referral(PartnerFactory(zip="02139"), "2026-01-05", location=clinic)
    visits(episode(ref, started="2026-01-07"), "2026-01-07")
    manager = UserFactory(username="maria", role=Role.MANAGER)
    violations = []
    strict_page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )

    strict_page.goto("/accounts/login/")
    strict_page.get_by_label("Username").fill(manager.username)
    strict_page.get_by_label("Password").fill(PASSWORD)
    strict_page.get_by_role("button", name="Log in").click()
    strict_page.wait_for_url("**/")
    for path in PAGES:
        response = strict_page.goto(path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["cache-control"] == "no-store", path
    strict_page.goto("/insights/channels/")
    expect(strict_page.locator("canvas").first).to_be_visible()
    strict_page.goto("/partners/board/")
    strict_page.get_by_label("Show").select_option("1")
    strict_page.wait_for_url("**mine=1**")
    assert violations == []
