import datetime as dt
from decimal import Decimal

import pytest

from liaison.accounts.models import AuditEvent
from liaison.care.models import Channel, Patient, Referral
from liaison.core.models import PracticeSettings
from liaison.factories import PartnerFactory, PatientFactory, ReferralFactory, TouchpointFactory
from liaison.partners import services
from liaison.partners.models import Partner, PartnerNote, PlannedTouchpoint, Touchpoint
from liaison.partners.queries import (
    cadence_overdue,
    partner_spend,
    partners_search,
    plans_due,
)
from liaison.reports.models import CommunicationPreference

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)


def test_merging_moves_everything_to_the_partner_kept_and_deletes_the_duplicate(owner):
    keep = PartnerFactory(last_name="Reed", first_name="Ana", npi=None, phone="")
    duplicate = PartnerFactory(
        last_name="Reed", first_name="Ana", phone="303-555-0101", notes="Prefers fax."
    )
    referral = ReferralFactory(partner=duplicate)
    declined = ReferralFactory(
        decision="declined",
        decided_on=referral.received_on,
        decline_reason="not_appropriate",
        alternative_partner=duplicate,
    )
    patient = PatientFactory(channel=Channel.REFERRAL, source_partner=duplicate)
    touchpoint = TouchpointFactory(partner=duplicate)
    plan = PlannedTouchpoint.objects.create(partner=duplicate, planned_on=TODAY, kind="lunch")
    note = PartnerNote.objects.create(
        partner=duplicate, kind="difficult_case", text="Hm.", written_on=TODAY
    )
    member = PartnerFactory(works_at=duplicate)
    introduced = PartnerFactory(introduced_by=duplicate)
    CommunicationPreference.objects.create(partner=duplicate, wants_progress=False)
    npi = duplicate.npi

    services.partner_merge(keep=keep, duplicate=duplicate, by=owner)

    assert not Partner.objects.filter(pk=duplicate.pk).exists()
    for obj, field in [
        (referral, "partner"),
        (declined, "alternative_partner"),
        (patient, "source_partner"),
        (touchpoint, "partner"),
        (plan, "partner"),
        (note, "partner"),
        (member, "works_at"),
        (introduced, "introduced_by"),
    ]:
        obj.refresh_from_db()
        assert getattr(obj, f"{field}_id") == keep.pk, field
    keep.refresh_from_db()
    assert (keep.npi, keep.phone, keep.notes) == (npi, "303-555-0101", "Prefers fax.")
    assert CommunicationPreference.objects.get().partner == keep
    event = AuditEvent.objects.get(object_code=keep.code)
    assert event.action == "update" and "merged partner" in event.detail
    assert AuditEvent.objects.filter(object_type="patient", detail__contains="partner merge")


def test_a_merge_keeps_the_partner_kepts_own_preferences(owner):
    keep, duplicate = PartnerFactory(), PartnerFactory()
    CommunicationPreference.objects.create(partner=keep, wants_alert=False)
    CommunicationPreference.objects.create(partner=duplicate, wants_progress=False)
    services.partner_merge(keep=keep, duplicate=duplicate, by=owner)
    assert list(CommunicationPreference.objects.values_list("partner", "wants_alert")) == [
        (keep.pk, False)
    ]


def test_a_partner_that_worked_at_its_duplicate_does_not_end_up_working_at_itself(owner):
    clinic = PartnerFactory(kind="organization", organization_name="Aspen Clinic", last_name="")
    duplicate = PartnerFactory(kind="organization", organization_name="Aspen clinic", last_name="")
    clinic.works_at = duplicate
    clinic.save()
    services.partner_merge(keep=clinic, duplicate=duplicate, by=owner)
    clinic.refresh_from_db()
    assert clinic.works_at is None


def test_a_partner_cannot_be_merged_into_itself(owner):
    partner = PartnerFactory()
    with pytest.raises(services.PartnerError):
        services.partner_merge(keep=partner, duplicate=partner, by=owner)


def test_an_npi_already_in_the_directory_is_refused_naming_its_holder(front_desk):
    holder = PartnerFactory(first_name="Ana", last_name="Reed", credentials="MD")
    new = services.NewPartner(kind="person", last_name="Reed", npi=holder.npi)
    with pytest.raises(services.PartnerError, match="Ana Reed, MD"):
        services.partner_create(new=new, stage="partner", by=front_desk)


def test_logging_a_touchpoint_carries_out_its_plan_and_a_prospect_becomes_contacted(liaison_user):
    prospect = PartnerFactory(stage=Partner.Stage.PROSPECT)
    plan = services.touchpoint_plan(
        partner=prospect, planned_on=TODAY, kind="lunch", by=liaison_user
    )
    touchpoint = services.touchpoint_log(
        partner=prospect,
        occurred_on=TODAY,
        kind="lunch",
        cost=Decimal("42.50"),
        plan=plan,
        by=liaison_user,
    )
    plan.refresh_from_db()
    prospect.refresh_from_db()
    assert plan.touchpoint == touchpoint
    assert prospect.stage == Partner.Stage.CONTACTED
    assert not plans_due(until=TODAY).exists()


def test_a_cancelled_plan_goes_but_a_carried_out_one_stays(liaison_user):
    partner = PartnerFactory()
    plan = services.touchpoint_plan(partner=partner, planned_on=TODAY, kind="call", by=liaison_user)
    services.planned_touchpoint_cancel(plan=plan, by=liaison_user)
    assert not PlannedTouchpoint.objects.exists()
    plan = services.touchpoint_plan(partner=partner, planned_on=TODAY, kind="call", by=liaison_user)
    services.touchpoint_log(
        partner=partner, occurred_on=TODAY, kind="call", plan=plan, by=liaison_user
    )
    with pytest.raises(services.PartnerError):
        services.planned_touchpoint_cancel(plan=plan, by=liaison_user)


def test_gift_and_meal_costs_add_up_per_partner_per_calendar_year():
    PracticeSettings.objects.update_or_create(id=1, defaults={"gift_annual_limit": 500})
    partner = PartnerFactory()
    TouchpointFactory(partner=partner, occurred_on=dt.date(2025, 12, 31), cost=Decimal("300"))
    TouchpointFactory(partner=partner, occurred_on=dt.date(2026, 1, 5), cost=Decimal("250"))
    TouchpointFactory(partner=partner, occurred_on=dt.date(2026, 2, 5), cost=Decimal("160"))
    TouchpointFactory(occurred_on=dt.date(2026, 2, 5), cost=Decimal("99"))  # another partner
    spend = partner_spend(partner=partner, year=2026)
    assert (spend.spent, spend.limit, spend.level) == (Decimal("410"), Decimal("500"), "near")
    assert spend.after(Decimal("90")).level == "near"  # reaching the limit is within it
    assert spend.after(Decimal("90.01")).level == "over"
    assert partner_spend(partner=partner, year=2025).level == "ok"


def test_a_partner_whose_cadence_has_passed_is_overdue():
    monthly = PartnerFactory(contact_cadence_days=30)
    TouchpointFactory(partner=monthly, occurred_on=TODAY - dt.timedelta(days=30))
    fresh = PartnerFactory(contact_cadence_days=30)
    TouchpointFactory(partner=fresh, occurred_on=TODAY - dt.timedelta(days=29))
    never = PartnerFactory(contact_cadence_days=90)
    PartnerFactory(contact_cadence_days=None)  # no cadence: never overdue
    lost = PartnerFactory(contact_cadence_days=14, stage=Partner.Stage.LOST)
    assert set(cadence_overdue(as_of=TODAY)) == {monthly, never}
    assert lost not in cadence_overdue(as_of=TODAY)


def test_the_desk_finds_a_partner_by_name_practice_npi_or_phone():
    clinic = PartnerFactory(
        kind="organization", organization_name="Summit Primary Care", last_name=""
    )
    reed = PartnerFactory(
        first_name="Ana", last_name="Reed", works_at=clinic, phone="(303) 555-0142"
    )
    assert reed in partners_search(q="reed")
    assert reed in partners_search(q="ana re")
    assert reed in partners_search(q="summit")
    assert reed in partners_search(q=reed.npi[:6])
    assert partners_search(q="3035550142") == [reed]
    assert partners_search(q="555-0142") == [reed]
    assert partners_search(q="r") == []


def test_notes_need_words(clinician):
    with pytest.raises(services.PartnerError):
        services.partner_note_add(
            partner=PartnerFactory(), kind="difficult_case", text="  ", on=TODAY, by=clinician
        )


def test_models_refuse_a_cadence_off_the_list():
    from liaison.factories import refused

    partner = PartnerFactory()
    assert refused(lambda: Partner.objects.filter(pk=partner.pk).update(contact_cadence_days=45))
    assert Touchpoint.objects.count() == 0 and Referral.objects.count() == 0
    assert Patient.objects.count() == 0
