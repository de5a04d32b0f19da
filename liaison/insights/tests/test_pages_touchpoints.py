"""The touchpoints page: the change in referrals after each kind of touchpoint, with its caveat."""

import pytest
from django.urls import reverse

from conftest import client_for
from liaison.factories import PartnerFactory, TouchpointFactory
from liaison.insights.tests.history import day, referral
from liaison.insights.tests.page_checks import ROLES, csv_lines, queries_of, status_for
from liaison.partners.models import Touchpoint

pytestmark = pytest.mark.django_db

D = day("2026-06-30")
URL = reverse("insights-touchpoints")
QUERY = {"as_of": D.isoformat(), "window_days": 365}


def visited(on: str, referrals: list[str], kind=Touchpoint.Kind.LUNCH):
    partner = PartnerFactory()
    TouchpointFactory(partner=partner, occurred_on=day(on), kind=kind)
    for received in referrals:
        referral(partner, received)


@pytest.fixture
def history():
    visited("2026-03-01", ["2026-01-15", "2026-03-10", "2026-04-01", "2026-05-30"])  # 1 → 3
    visited("2026-02-01", ["2025-12-20"])  # 1 → 0
    visited("2026-03-01", [], kind=Touchpoint.Kind.CALL)


@ROLES
def test_who_may_look(request, client, user, status):
    assert status_for(request, client, user, URL) == status


def test_page_shows_the_change_and_the_caveat(client, liaison_user, history):
    page = client_for(client, liaison_user).get(URL, QUERY).content.decode()
    assert "Association, not proof." in page
    assert "+0.50" in page  # lunch: (3 − 1 + 0 − 1) / 2
    assert "50 %" in page  # one lunch of two followed by an increase


def test_csv(client, owner, history):
    lines = csv_lines(client_for(client, owner).get(URL, {**QUERY, "csv": "touchpoints"}))
    assert lines[1:] == ["Lunch,2,1.0,1.5,0.5,0.5", "Call,1,0.0,0.0,0.0,0.0"]


def test_no_touchpoint_yet(client, owner):
    page = client_for(client, owner).get(URL, QUERY).content.decode()
    assert "No touchpoint in the window has had 90 days" in page


def test_query_count_does_not_grow(client, owner, history):
    client_for(client, owner)
    client.get(URL, QUERY)
    before = queries_of(client, URL, QUERY)
    for _ in range(10):
        visited("2026-02-10", ["2026-02-20"], kind=Touchpoint.Kind.EMAIL)
    assert queries_of(client, URL, QUERY) == before
