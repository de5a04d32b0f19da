import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from liaison.core.models import PracticeSettings
from liaison.factories import PartnerFactory, ReferralFactory, TouchpointFactory
from liaison.partners.models import Partner, PlannedTouchpoint, Touchpoint

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 3, 4, 15, 0), tick=False):
        yield


@pytest.fixture
def marketing(client, liaison_user):
    client.force_login(liaison_user)
    return client


def log(partner, **data):
    form = {"kind": "lunch", "occurred_on": "2026-03-04", "staff": "Jo", "notes": "", "cost": ""}
    return {**form, **data}


def test_the_liaison_logs_a_touchpoint_and_plans_the_next(marketing):
    partner = PartnerFactory()
    url = reverse("partners-touchpoint-new", args=[partner.code])
    response = marketing.post(
        url, log(partner, cost="45.00", next_on="2026-05-01", next_kind="office_visit"), follow=True
    )
    assert "Touchpoint with" in response.content.decode()
    touchpoint = Touchpoint.objects.get()
    assert (touchpoint.cost, touchpoint.occurred_on) == (Decimal("45.00"), dt.date(2026, 3, 4))
    plan = PlannedTouchpoint.objects.get()
    assert (plan.planned_on, plan.kind, plan.touchpoint) == (
        dt.date(2026, 5, 1),
        "office_visit",
        None,
    )


def test_a_cost_that_crosses_the_yearly_limit_asks_for_confirmation(marketing):
    PracticeSettings.objects.update_or_create(id=1, defaults={"gift_annual_limit": 500})
    partner = PartnerFactory()
    TouchpointFactory(partner=partner, occurred_on=dt.date(2026, 1, 10), cost=Decimal("450"))
    url = reverse("partners-touchpoint-new", args=[partner.code])
    response = marketing.post(url, log(partner, cost="60"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "over the yearly limit of $500.00" in page and "confirm_over_limit" in page
    assert Touchpoint.objects.count() == 1

    response = marketing.post(url, log(partner, cost="60", confirm_over_limit="on"), follow=True)
    assert Touchpoint.objects.count() == 2
    assert "$510.00 of the $500.00 yearly limit" in response.content.decode()


def test_spending_near_the_limit_is_shown_in_amber_before_it_is_crossed(marketing):
    PracticeSettings.objects.update_or_create(id=1, defaults={"gift_annual_limit": 500})
    partner = PartnerFactory()
    TouchpointFactory(partner=partner, occurred_on=dt.date(2026, 1, 10), cost=Decimal("420"))
    page = marketing.get(reverse("partners-touchpoint-new", args=[partner.code])).content.decode()
    assert "close to the limit" in page and "spend-warning" in page


def test_a_touchpoint_in_the_future_is_a_plan_not_a_log(marketing):
    partner = PartnerFactory()
    response = marketing.post(
        reverse("partners-touchpoint-new", args=[partner.code]),
        log(partner, occurred_on="2026-03-10"),
    )
    assert response.status_code == 400 and not Touchpoint.objects.exists()


def test_a_plan_opened_from_today_fills_in_the_form_and_is_carried_out(marketing):
    partner = PartnerFactory()
    plan = PlannedTouchpoint.objects.create(
        partner=partner,
        planned_on=dt.date(2026, 3, 5),
        kind="case_discussion",
        notes="Bring the data",
    )
    url = reverse("partners-touchpoint-new", args=[partner.code])
    page = marketing.get(url, {"plan": plan.code, "next": "today"}).content.decode()
    assert "Bring the data" in page
    response = marketing.post(
        f"{url}?next=today", log(partner, kind="case_discussion", plan=plan.pk)
    )
    assert response.url == reverse("insights-home")
    plan.refresh_from_db()
    assert plan.touchpoint is not None


def test_the_cadence_is_set_on_the_partner_page(marketing):
    partner = PartnerFactory()
    marketing.post(reverse("partners-cadence", args=[partner.code]), {"contact_cadence_days": "60"})
    partner.refresh_from_db()
    assert partner.contact_cadence_days == 60


def test_the_directory_filters_remember_their_state_and_export(marketing):
    PartnerFactory(last_name="Reed", specialty_id="neurology", city="Boulder", zip="80302")
    PartnerFactory(last_name="Stone", specialty_id="podiatry", city="Denver", zip="80202")
    url = reverse("partners-directory")
    page = marketing.get(url, {"specialty": "neurology"}).content.decode()
    assert "Reed" in page and "Stone" not in page
    again = marketing.get(url)
    assert again.status_code == 302 and "specialty=neurology" in again.url
    assert marketing.get(url, {"clear": "1"}).status_code == 200
    assert "Stone" in marketing.get(url, {"area": "802"}).content.decode()
    assert "Reed" not in marketing.get(url, {"area": "Denver"}).content.decode()
    body = b"".join(
        marketing.get(reverse("partners-export"), {"area": "80302"}).streaming_content
    ).decode("utf-8-sig")
    assert body.count("\n") == 2 and "Reed" in body


def test_a_bad_directory_filter_is_not_remembered(marketing):
    url = reverse("partners-directory")
    marketing.get(url, {"specialty": "neurology"})
    assert marketing.get(url, {"stage": "no-such-stage"}).status_code == 200
    again = marketing.get(url)
    assert again.status_code == 302 and again.url.endswith("?specialty=neurology")


def test_emptying_every_directory_filter_shows_everyone_from_then_on(marketing):
    url = reverse("partners-directory")
    marketing.get(url, {"specialty": "neurology"})
    assert marketing.get(url, {"q": "", "specialty": "", "stage": ""}).status_code == 200
    assert marketing.get(url).status_code == 200


def test_the_directory_filters_by_trend(marketing):
    steady = PartnerFactory(last_name="Steadyman")
    for month in range(1, 13):
        ReferralFactory(partner=steady, received_on=dt.date(2025, month, 10))
        ReferralFactory(partner=steady, received_on=dt.date(2025, month, 20))
    ReferralFactory(partner=steady, received_on=dt.date(2026, 1, 10))
    ReferralFactory(partner=steady, received_on=dt.date(2026, 2, 10))
    sleepy = PartnerFactory(last_name="Sleepyman")
    ReferralFactory(partner=sleepy, received_on=dt.date(2025, 6, 1))
    page = marketing.get(reverse("partners-directory"), {"trend": "dormant"}).content.decode()
    assert "Sleepyman" in page and "Steadyman" not in page
    page = marketing.get(reverse("partners-directory"), {"trend": "reconnect"}).content.decode()
    assert "Sleepyman" in page


def test_the_board_moves_a_partner_along_the_pipeline_with_htmx(marketing):
    prospect = PartnerFactory(last_name="Newfriend", stage=Partner.Stage.PROSPECT)
    board = marketing.get(reverse("partners-board")).content.decode()
    assert "Newfriend" in board and "Move to </span>Contacted" in board
    response = marketing.post(
        reverse("partners-stage", args=[prospect.code]),
        {"stage": "contacted"},
        HTTP_HX_REQUEST="true",
    )
    fragment = response.content.decode()
    assert response.status_code == 200 and '<div id="board">' in fragment
    assert "Alex Newfriend, MD: Contacted." in fragment
    prospect.refresh_from_db()
    assert prospect.stage == "contacted"


def test_a_manager_merges_a_duplicate_from_its_page(client, owner):
    keep = PartnerFactory(first_name="Ana", last_name="Reed")
    duplicate = PartnerFactory(first_name="ana", last_name="REED", npi=None)
    referral = ReferralFactory(partner=duplicate)
    client.force_login(owner)
    url = reverse("partners-merge", args=[duplicate.code])
    page = client.get(url).content.decode()
    assert f'value="{keep.pk}"' in page and "1 referrals" in page
    response = client.post(url, {"keep": keep.pk})
    assert response.status_code == 400  # the confirmation box is required
    response = client.post(url, {"keep": keep.pk, "confirm": "on"})
    assert response.url == reverse("partners-detail", args=[keep.code])
    referral.refresh_from_db()
    assert referral.partner == keep and not Partner.objects.filter(pk=duplicate.pk).exists()


def test_notes_on_working_together_are_kept_on_the_partner(client, clinician):
    partner = PartnerFactory()
    client.force_login(clinician)
    client.post(
        reverse("partners-note-new", args=[partner.code]),
        {"kind": "clinical_disagreement", "text": "Wants imaging before PT."},
    )
    page = client.get(reverse("partners-detail", args=[partner.code])).content.decode()
    assert "Clinical disagreement" in page and "Wants imaging before PT." in page


def test_a_new_partner_names_their_practice_and_introducer_by_typing(marketing):
    clinic = PartnerFactory(
        kind="organization", organization_name="Summit Primary Care", last_name="", npi=None
    )
    introducer = PartnerFactory(first_name="Ana", last_name="Reed")
    form = {
        "kind": "person",
        "first_name": "Olu",
        "last_name": "Stone",
        "specialty": "neurology",
        "preferred_channel": "fax",
        "stage": "prospect",
        "works_at_name": "summit primary care",
        "introduced_by_ref": introducer.npi,
    }
    response = marketing.post(reverse("partners-new"), form)
    stone = Partner.objects.get(last_name="Stone")
    assert response.url == reverse("partners-detail", args=[stone.code])
    assert (stone.works_at, stone.introduced_by) == (clinic, introducer)
    page = marketing.get(reverse("partners-edit", args=[stone.code])).content.decode()
    assert 'value="Summit Primary Care"' in page and f'value="{introducer.npi}"' in page
    response = marketing.post(
        reverse("partners-edit", args=[stone.code]), {**form, "works_at_name": "Nowhere Clinic"}
    )
    assert response.status_code == 400 and "No practice of that name" in response.content.decode()


def test_the_directory_and_a_partners_page_run_the_same_queries_whatever_the_data(client, owner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from liaison.core.models import PracticeSettings
    from liaison.factories import PatientFactory

    PracticeSettings.current()  # written once: writing it changes the figures' data version
    partner = PartnerFactory()
    client.force_login(owner)
    urls = [
        reverse("partners-directory") + "?clear=1",
        reverse("partners-detail", args=[partner.code]),
    ]

    def counts():
        found = []
        for url in urls:
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            found.append(len(queries))
        return found

    before = counts()
    for _ in range(4):
        ReferralFactory(partner=partner, patient=PatientFactory())
        TouchpointFactory(partner=partner)
        PartnerFactory()
    assert counts() == before


def test_a_new_partner_with_an_npi_on_file_is_refused_linking_to_its_holder(marketing):
    reed = PartnerFactory(first_name="Ana", last_name="Reed", credentials="MD")
    form = {
        "kind": "person",
        "first_name": "Ann",
        "last_name": "Reid",
        "npi": reed.npi,
        "specialty": "neurology",
        "preferred_channel": "fax",
        "stage": "prospect",
    }
    response = marketing.post(reverse("partners-new"), form)
    page = response.content.decode()
    assert response.status_code == 400
    assert (
        f'NPI {reed.npi} is already on file for <a href="/partners/{reed.code}/">Ana Reed, MD'
        "</a>. Open their page instead of adding them twice."
    ) in page
    assert not Partner.objects.filter(last_name="Reid").exists()


def test_editing_in_an_npi_that_another_partner_holds_is_refused_naming_them(marketing):
    reed = PartnerFactory(first_name="Ana", last_name="Reed", credentials="MD")
    stone = PartnerFactory(first_name="Olu", last_name="Stone", npi=None)
    form = {
        "kind": "person",
        "first_name": "Olu",
        "last_name": "Stone",
        "npi": reed.npi,
        "specialty": "neurology",
        "preferred_channel": "fax",
        "stage": "partner",
    }
    response = marketing.post(reverse("partners-edit", args=[stone.code]), form)
    page = response.content.decode()
    assert response.status_code == 400
    assert f'on file for <a href="/partners/{reed.code}/">Ana Reed, MD</a>' in page
    assert "a manager merges them" in page
    stone.refresh_from_db()
    assert stone.npi is None


def test_a_partner_keeps_their_own_npi_when_edited(marketing):
    reed = PartnerFactory(first_name="Ana", last_name="Reed")
    form = {
        "kind": "person",
        "first_name": "Ana",
        "last_name": "Reed",
        "npi": reed.npi,
        "specialty": "neurology",
        "preferred_channel": "fax",
        "stage": "partner",
    }
    response = marketing.post(reverse("partners-edit", args=[reed.code]), form)
    assert response.status_code == 302
