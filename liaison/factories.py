"""Test data builders shared by every app's tests."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction

from liaison.accounts.models import Location, User
from liaison.care.models import Channel, Episode, Outcome, Patient, Payment, Referral, Visit
from liaison.core.npi import npi_check_digit
from liaison.partners.models import Partner, Touchpoint
from liaison.reports.models import Report


def refused(write) -> bool:
    """True when the database refuses what `write` writes, foreign keys included.

    Deferred foreign keys are checked at once, as they would be at commit.
    """
    try:
        with transaction.atomic():
            write()
            connection.check_constraints()
    except IntegrityError:
        return True
    return False


def valid_npi(n: int) -> str:
    base = f"1{n:08d}"
    return f"{base}{npi_check_digit(base)}"


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    name = factory.Sequence(lambda n: f"Clinic {n}")
    zip = "02139"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Staff{n}")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))

    @factory.post_generation
    def locations(self, create, extracted, **kwargs):
        if create and extracted:
            self.locations.set(extracted)


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    kind = Partner.Kind.PERSON
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Referrer{n}")
    credentials = "MD"
    npi = factory.Sequence(valid_npi)
    specialty_id = "primary_care"
    stage = Partner.Stage.PARTNER


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    location = factory.SubFactory(LocationFactory)
    first_name = "Jordan"
    last_name = factory.Sequence(lambda n: f"Patient{n}")
    birth_date = dt.date(1980, 5, 17)
    channel = Channel.SELF


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    patient = factory.SubFactory(PatientFactory)
    partner = factory.SubFactory(PartnerFactory)
    received_on = dt.date(2026, 1, 5)


class EpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Episode

    patient = factory.SubFactory(PatientFactory)
    started_on = dt.date(2026, 1, 12)
    planned_visits = 8
    primary_measure = "ODI"


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    episode = factory.SubFactory(EpisodeFactory)
    visit_on = dt.date(2026, 1, 12)
    status = Visit.Status.ATTENDED


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    episode = factory.SubFactory(EpisodeFactory)
    measured_on = dt.date(2026, 1, 12)
    instrument = "ODI"
    score = Decimal("40")


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    patient = factory.SubFactory(PatientFactory)
    paid_on = dt.date(2026, 1, 12)
    amount = Decimal("95.00")


class TouchpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Touchpoint

    partner = factory.SubFactory(PartnerFactory)
    occurred_on = dt.date(2026, 1, 20)
    kind = Touchpoint.Kind.LUNCH


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    referral = factory.SubFactory(ReferralFactory)
    kind = Report.Kind.INITIAL
    due_on = dt.date(2026, 1, 14)
