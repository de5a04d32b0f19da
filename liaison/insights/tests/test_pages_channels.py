"""The channels page: each channel side by side, and a referred patient's value in words."""

from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import client_for
from liaison.care.models import Channel
from liaison.factories import PartnerFactory, PatientFactory
from liaison.insights.channels import channel_figures
from liaison.insights.pages.channels import value_sentence
from liaison.insights.scope import Scope
from liaison.insights.tests.history import day, episode, payment, referral, visits
from liaison.insights.tests.page_checks import ROLES, csv_lines, queries_of, status_for

pytestmark = pytest.mark.django_db

D = day("2026-03-31")
URL = reverse("insights-channels")
QUERY = {"as_of": D.isoformat(), "window_days": 365}


def seen(patient, first: str, paid: str):
    visits(episode(patient=patient, started=first), first)
    payment(patient, first, paid)


@pytest.fixture
def history():
    partner = PartnerFactory()
    seen(referral(partner, "2024-06-01").patient, "2024-06-03", "300.00")
    seen(PatientFactory(channel=Channel.WEB_SEARCH), "2024-07-01", "100.00")
    seen(PatientFactory(channel=Channel.SOCIAL), "2026-02-01", "50.00")  # no full year yet


@ROLES
def test_who_may_look(request, client, user, status):
    assert status_for(request, client, user, URL) == status


def test_figures_and_sentences_as_the_engine_computes_them(client, owner, history):
    page = client_for(client, owner).get(URL, QUERY).content.decode()
    referred = next(f for f in channel_figures(scope=Scope(as_of=D))
                    if f.channel == Channel.REFERRAL)
    assert referred.ltv_12m == Decimal("300.00")
    assert "$300.00" in page
    assert "A referred patient brings $300.00 in their first 12 months, 3.0× a patient from " \
           "web search ($100.00)." in page
    assert "no patient from social media has a full first year in this window yet" in page


def test_sentences_handle_missing_values_in_words():
    assert "cannot be compared" in value_sentence(None, "web search", Decimal("10"))
    assert "brings nothing" in value_sentence(Decimal("10"), "web search", Decimal("0"))


def test_csv(client, liaison_user, history):
    response = client_for(client, liaison_user).get(URL, {**QUERY, "csv": "channels"})
    lines = csv_lines(response)
    assert lines[0].startswith("channel,new patients,12-month value")
    assert any(line.startswith("Referral from a partner,0,300.00") for line in lines)


def test_query_count_does_not_grow(client, owner, history):
    client_for(client, owner)
    client.get(URL, QUERY)
    before = queries_of(client, URL, QUERY)
    for _ in range(10):
        seen(PatientFactory(channel=Channel.WEB_SEARCH), "2025-07-01", "80.00")
    assert queries_of(client, URL, QUERY) == before
