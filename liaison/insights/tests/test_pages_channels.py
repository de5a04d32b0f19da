"""The channels page: each channel side by side, and a referred patient's value in words."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import client_for
from liaison.care.models import Channel
from liaison.factories import PartnerFactory, PatientFactory
from liaison.insights.channels import channel_figures
from liaison.insights.pages.channels import value_sentence
from liaison.insights.scope import Scope
from liaison.insights.tests.history import day, episode, payment, referral, spend, visits
from liaison.insights.tests.page_checks import ROLES, csv_lines, queries_of, status_for
from liaison.partners import services as partner_services

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
    seen(PatientFactory(channel=Channel.WEB_SEARCH), "2025-06-01", "20.00")
    seen(PatientFactory(channel=Channel.WEB_SEARCH), "2024-03-01", "90.00")  # two years behind
    seen(PatientFactory(channel=Channel.SOCIAL), "2026-02-01", "50.00")  # no full year yet
    spend(Channel.WEB_SEARCH, "2025-05-01", "40.00")
    return partner


@ROLES
def test_who_may_look(request, client, user, status):
    assert status_for(request, client, user, URL) == status


def test_figures_and_sentences_as_the_engine_computes_them(client, owner, history):
    page = client_for(client, owner).get(URL, QUERY).content.decode()
    referred = next(
        f for f in channel_figures(scope=Scope(as_of=D)) if f.channel == Channel.REFERRAL
    )
    assert referred.ltv_12m == Decimal("300.00")
    assert "$300.00" in page
    assert (
        "A referred patient brings $300.00 in their first 12 months, 3.0× a patient from "
        "web search ($100.00)." in page
    )
    assert "no patient from social media has a full first year in this window yet" in page


def test_sentences_handle_missing_values_in_words():
    assert "cannot be compared" in value_sentence(None, "web search", Decimal("10"))
    assert "brings nothing" in value_sentence(Decimal("10"), "web search", Decimal("0"))


def test_value_spend_and_its_return_per_channel(client, owner, history):
    page = client_for(client, owner).get(URL, QUERY).content.decode()
    for heading in ("24-month value", "Spend", "Cost per new patient", "Value to cost"):
        assert f">{heading}</abbr>" in page
    # Web search: 12-month value $100.00, 24-month $90.00, $40.00 for 1 new patient: 2.5×.
    row = (
        '<td class="num">1</td><td class="num">$100.00</td><td class="num">$90.00</td>'
        '<td class="num">$40.00</td><td class="num">$40.00</td><td class="num">2.5×</td>'
    )
    assert row in page
    chart = client.get(URL, QUERY).context["chart"]
    web = chart["labels"].index("Web search")
    assert [d["values"][web] for d in chart["datasets"]] == [100.0, 90.0]
    assert chart["notes"][web] == [
        "Spend in the window: $40.00",
        "Cost per new patient: $40.00",
        "12-month value to cost: 2.5×",
    ]


def test_only_a_manager_is_offered_to_enter_spend(client, owner, liaison_user, history):
    enter = reverse("care-marketing-spend-list")
    assert enter in client_for(client, owner).get(URL, QUERY).content.decode()
    assert enter not in client_for(client, liaison_user).get(URL, QUERY).content.decode()


def test_spend_entered_shows_at_once(client, owner, history, django_capture_on_commit_callbacks):
    client_for(client, owner)
    assert "$900.00" not in client.get(URL, QUERY).content.decode()  # the figures are kept
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("care-marketing-spend-new"),
            {"spent_on": "2026-01-10", "channel": "social", "amount": "900.00"},
        )
    social = client.get(URL, QUERY).context["rows"][-1][1]
    assert (social.channel, social.spend, social.cost_per_new_patient) == (
        "social",
        Decimal("900.00"),
        Decimal("900.00"),
    )


def test_a_touchpoints_cost_shows_in_referral_spend_at_once(
    client, owner, history, django_capture_on_commit_callbacks
):
    client_for(client, owner)
    client.get(URL, QUERY)
    with django_capture_on_commit_callbacks(execute=True):
        partner_services.touchpoint_log(
            partner=history,
            occurred_on=dt.date(2026, 1, 5),
            kind="lunch",
            cost=Decimal("45.00"),
            by=owner,
        )
    referred = client.get(URL, QUERY).context["rows"][0][1]
    assert (referred.channel, referred.spend) == ("referral", Decimal("45.00"))


def test_csv(client, liaison_user, history):
    response = client_for(client, liaison_user).get(URL, {**QUERY, "csv": "channels"})
    lines = csv_lines(response)
    assert lines[0] == (
        "channel,new patients,12-month value,24-month value,spend,"
        "cost per new patient,12-month value to cost,return rate,compliance rate"
    )
    assert "Referral from a partner,0,300.00,,,,,0.0," in lines
    assert "Web search,1,100.00,90.00,40.00,40.00,2.5,0.0," in lines


def test_query_count_does_not_grow(client, owner, history):
    client_for(client, owner)
    client.get(URL, QUERY)
    before = queries_of(client, URL, QUERY)
    for _ in range(10):
        seen(PatientFactory(channel=Channel.WEB_SEARCH), "2025-07-01", "80.00")
    assert queries_of(client, URL, QUERY) == before
