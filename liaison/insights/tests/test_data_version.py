"""The data version: the database advances it on every write of what the kept figures read,
whatever the door (a service, the ORM's `.update()`, raw SQL), so the next read is current."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.care.models import MarketingSpend, Referral
from liaison.core.models import PracticeSettings
from liaison.factories import PartnerFactory, TouchpointFactory
from liaison.insights import facts
from liaison.insights.data_version import TABLE, data_version
from liaison.insights.queries import Scope, kept_channels, kept_scorecards
from liaison.insights.tests.history import day, episode, referral, spend
from liaison.partners.services import touchpoint_log
from liaison.reports.delivery import report_mark_sent
from liaison.reports.services import report_draft

pytestmark = pytest.mark.django_db

SCOPE = Scope(as_of=day("2026-03-31"))


def referrals_of(partner) -> int:
    return next(c.referrals for c in kept_scorecards(scope=SCOPE) if c.pk == partner.pk)


def social_spend() -> Decimal | None:
    return next((c.spend for c in kept_channels(scope=SCOPE) if c.channel == "social"), None)


def test_a_raw_sql_update_of_a_care_table_changes_the_next_figures():
    sent, other = PartnerFactory(), PartnerFactory()
    referral(sent, "2026-03-01")
    assert (referrals_of(sent), referrals_of(other)) == (1, 0)  # now kept
    with connection.cursor() as cursor:
        cursor.execute("UPDATE care_referral SET partner_id = %s", [other.pk])
    assert (referrals_of(sent), referrals_of(other)) == (0, 1)


def test_a_raw_sql_insert_into_a_care_table_changes_the_next_figures():
    spend("social", "2026-03-01", "150.00")
    assert social_spend() == Decimal("150.00")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO care_marketingspend (code, created_at, updated_at, channel, spent_on, "
            f"amount, description) VALUES ('{uuid.uuid4().hex}', CURRENT_TIMESTAMP, "
            "CURRENT_TIMESTAMP, 'social', '2026-03-02', 50, '')"
        )
    assert social_spend() == Decimal("200.00")


def test_an_orm_update_changes_the_next_figures():
    partner = PartnerFactory()
    referral(partner, "2026-03-01")
    spend("social", "2026-03-01", "150.00")
    assert (referrals_of(partner), social_spend()) == (1, Decimal("150.00"))
    Referral.objects.update(received_on=dt.date(2020, 1, 1))  # out of the window
    MarketingSpend.objects.update(amount=Decimal("90.00"))
    assert (referrals_of(partner), social_spend()) == (0, Decimal("90.00"))


def test_a_write_of_no_row_leaves_the_version_alone():
    PartnerFactory()
    before = data_version()
    Referral.objects.filter(received_on=dt.date(1990, 1, 1)).update(reason="none")
    MarketingSpend.objects.filter(amount__lt=0).delete()
    assert data_version() == before


def test_sending_a_report_changes_the_reports_version_not_the_figures(owner):
    PracticeSettings.current()  # the practice's settings, written once
    ep = episode(referral(PartnerFactory(), "2026-01-05"), started="2026-01-12")
    before = data_version()
    report = report_draft(
        referral=ep.referral, kind="initial", episode=ep, due_on=dt.date(2026, 1, 14), by=owner
    )
    drafted = data_version()
    report_mark_sent(report=report, on=dt.date(2026, 1, 14), channel="email")
    sent = data_version()
    assert before["letters"] < drafted["letters"] < sent["letters"]
    assert before["figures"] == drafted["figures"] == sent["figures"]
    assert before["contacts"] == sent["contacts"]


def test_logging_a_touchpoint_changes_the_contacts_and_with_a_cost_the_figures(owner):
    partner = PartnerFactory()  # a partner already: logging a contact leaves the stage alone
    before = data_version()
    touchpoint_log(partner=partner, occurred_on=dt.date(2026, 3, 1), kind="call", by=owner)
    logged = data_version()
    assert logged["contacts"] > before["contacts"]
    assert logged["figures"] == before["figures"]
    touchpoint_log(
        partner=partner,
        occurred_on=dt.date(2026, 3, 2),
        kind="lunch",
        cost=Decimal("40.00"),
        by=owner,
    )
    paid = data_version()
    assert paid["contacts"] > logged["contacts"]
    assert paid["figures"] > logged["figures"]  # its cost is referral spend
    assert paid["letters"] == before["letters"]


def test_a_bulk_load_advances_every_topic_once_when_the_facts_are_rebuilt():
    before = data_version()
    with transaction.atomic(), facts.suspended():
        TouchpointFactory.create_batch(3)
        PartnerFactory.create_batch(3)
        during = data_version()
    after = data_version()
    assert during == before  # no trigger while the rows pour in
    assert all(after[topic] > before[topic] for topic in before)


@pytest.mark.parametrize("url", ["insights-home", "insights-ranking"])
def test_a_warm_page_reads_the_data_version_once(client, owner, url):
    partner = PartnerFactory()
    referral(partner, "2026-03-01")
    client.force_login(owner)
    client.get(reverse(url))  # the figures computed and kept
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse(url)).status_code == 200
    assert sum(TABLE in q["sql"] for q in captured.captured_queries) == 1
