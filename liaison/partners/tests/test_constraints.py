import pytest

from liaison.factories import PartnerFactory, TouchpointFactory, refused
from liaison.partners.models import Partner

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("npi", ["1234567890", "1558598790", "12345678", "12345678a3", "0"])
def test_npi_with_a_wrong_check_digit_or_shape_is_refused(npi):
    partner = Partner(kind="person", last_name="Okafor", npi=npi, specialty_id="primary_care")
    assert refused(partner.save)
    assert refused(lambda: Partner.objects.bulk_create([partner]))


@pytest.mark.parametrize("npi", ["1234567893", "1558598797", "1000000020"])
def test_valid_npis_are_kept(npi):
    PartnerFactory(npi=npi)
    assert Partner.objects.filter(npi=npi).exists()


def test_partner_without_npi_is_kept():
    PartnerFactory(npi=None)
    assert Partner.objects.filter(npi__isnull=True).count() == 1


def test_two_partners_cannot_share_an_npi():
    PartnerFactory(npi="1234567893")
    assert refused(lambda: PartnerFactory(npi="1234567893"))


def test_unknown_specialty_stage_kind_or_channel_is_refused():
    assert refused(lambda: PartnerFactory(specialty_id="astrology"))
    assert refused(lambda: PartnerFactory(stage="friend"))
    assert refused(lambda: PartnerFactory(kind="robot"))
    assert refused(lambda: PartnerFactory(preferred_channel="pigeon"))


def test_person_needs_a_last_name_and_organization_a_name():
    assert refused(lambda: PartnerFactory(kind="person", last_name=""))
    assert refused(lambda: PartnerFactory(kind="organization", organization_name="", npi=None))
    PartnerFactory(kind="organization", organization_name="Acme Works", last_name="", npi=None)


def test_partner_cannot_work_at_or_be_introduced_by_itself():
    partner = PartnerFactory()
    partner.works_at = partner
    assert refused(partner.save)
    partner.refresh_from_db()
    partner.introduced_by = partner
    assert refused(partner.save)


def test_touchpoint_cost_cannot_be_negative():
    assert refused(lambda: TouchpointFactory(cost=-5))
    assert refused(lambda: TouchpointFactory(kind="bribe"))
