"""Delivery through a real SMTP server on loopback (aiosmtpd): nothing here is mocked."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from liaison.accounts.models import Role
from liaison.factories import UserFactory
from liaison.reports.delivery import (
    BACKOFF_MINUTES,
    CLAIM_SECONDS,
    MAX_ATTEMPTS,
    delivery_claim,
    delivery_mark_uploaded,
    delivery_retry,
    print_batch_create,
)
from liaison.reports.models import (
    CommunicationPreference,
    Delivery,
    DeliveryAttempt,
    DigestSent,
    Report,
)
from liaison.reports.services import report_add_addendum, report_draft, report_sign
from liaison.reports.tests.builders import day, referral_seen
from liaison.reports.tests.conftest import pdf_text

pytestmark = pytest.mark.django_db

EASTERN = zoneinfo.ZoneInfo("America/New_York")
SIGNED_AT = dt.datetime(2026, 1, 13, 10, 0, tzinfo=EASTERN)


def send(*args):
    call_command("send_due_reports", "--no-digest", *args, verbosity=0)


def signed(episode, clinician, *, channel="email"):
    partner = episode.referral.partner
    partner.preferred_channel = channel
    partner.save()
    report = report_draft(
        referral=episode.referral,
        kind="initial",
        episode=episode,
        due_on=day("2026-01-14"),
        by=clinician,
    )
    report_sign(report=report, body=report.body, by=clinician)
    return report


@pytest.fixture
def clock():
    with time_machine.travel(SIGNED_AT, tick=False) as traveller:
        yield traveller


def test_a_signed_initial_report_arrives_by_email_with_its_pdf(
    smtp, clock, evaluated_episode, clinician
):
    report = signed(evaluated_episode, clinician, channel="email")
    send()
    assert smtp.recipients == [["silva@clinic.example"]]
    message = smtp.messages[0]
    assert message["Subject"] == "Riverside Clinic: initial report"
    assert "Maya" not in message["Subject"]
    [(filename, pdf)] = smtp.attachments()
    assert filename.startswith("initial-report-") and filename.endswith(".pdf")
    text = pdf_text(pdf)
    assert "Straight leg raise (right)" in text  # findings
    assert "2 visits a week for 6 weeks" in text  # plan
    assert "Night pain" in text  # red flags
    report.refresh_from_db()
    assert (report.sent_on, report.channel) == (dt.date(2026, 1, 13), "email")
    attempt = DeliveryAttempt.objects.get()
    assert (attempt.channel, attempt.address, attempt.result) == (
        "email",
        "silva@clinic.example",
        "sent",
    )
    assert attempt.at == SIGNED_AT


def test_a_signed_initial_report_goes_through_the_fax_gateway(
    smtp, clock, evaluated_episode, clinician
):
    report = signed(evaluated_episode, clinician, channel="fax")
    send()
    assert smtp.recipients == [["6175550100@fax.example.net"]]
    [(_, pdf)] = smtp.attachments()
    assert "Lumbar radiculopathy" in pdf_text(pdf)
    report.refresh_from_db()
    assert report.channel == "fax" and report.sent_on == dt.date(2026, 1, 13)


def test_a_direct_address_is_used_over_the_same_smtp(smtp, clock, evaluated_episode, clinician):
    CommunicationPreference.objects.create(
        partner=evaluated_episode.referral.partner, direct_address="silva@direct.example.org"
    )
    signed(evaluated_episode, clinician, channel="direct")
    send()
    assert smtp.recipients == [["silva@direct.example.org"]]


def test_a_second_run_sends_nothing_new(smtp, clock, evaluated_episode, clinician):
    signed(evaluated_episode, clinician)
    send()
    send()
    clock.shift(dt.timedelta(days=1))
    send()
    assert len(smtp.messages) == 1
    assert DeliveryAttempt.objects.count() == 1


def test_a_refused_message_is_retried_after_the_backoff(smtp, clock, evaluated_episode, clinician):
    smtp.refuse_next = 1
    report = signed(evaluated_episode, clinician)
    send()
    assert smtp.messages == []
    failed = DeliveryAttempt.objects.get()
    assert failed.result == "failed" and failed.detail.startswith("SMTP 451")
    clock.shift(dt.timedelta(minutes=BACKOFF_MINUTES[0]) - dt.timedelta(seconds=1))
    send()  # too early: the backoff has not passed
    assert smtp.messages == []
    clock.shift(dt.timedelta(seconds=1))
    send()
    assert len(smtp.messages) == 1
    assert list(DeliveryAttempt.objects.values_list("result", flat=True)) == ["failed", "sent"]
    report.refresh_from_db()
    assert report.sent_on == dt.date(2026, 1, 13)


def test_after_the_last_try_a_delivery_waits_for_a_person(
    smtp, clock, evaluated_episode, clinician
):
    smtp.refuse_next = MAX_ATTEMPTS
    signed(evaluated_episode, clinician)
    for wait in (0, *BACKOFF_MINUTES):
        clock.shift(dt.timedelta(minutes=wait))
        send()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", MAX_ATTEMPTS)
    clock.shift(dt.timedelta(days=2))
    send()
    assert DeliveryAttempt.objects.count() == MAX_ATTEMPTS and smtp.messages == []


def test_a_missing_address_fails_at_once_and_can_be_sent_another_way(
    smtp, clock, evaluated_episode, clinician
):
    signed(evaluated_episode, clinician, channel="email")
    partner = evaluated_episode.referral.partner
    partner.email = ""  # removed after the report was signed
    partner.save()
    send()
    delivery = Delivery.objects.get()
    assert delivery.status == "failed"
    assert DeliveryAttempt.objects.get().detail == "The partner has no email address."
    assert delivery_retry(delivery=delivery, channel="fax", by=clinician)
    send()
    assert smtp.recipients == [["6175550100@fax.example.net"]]


def test_sending_again_to_an_address_still_missing_is_refused_on_the_page(
    client, smtp, clock, evaluated_episode, clinician
):
    signed(evaluated_episode, clinician, channel="email")
    partner = evaluated_episode.referral.partner
    partner.email = ""
    partner.save()
    send()
    delivery = Delivery.objects.get()
    client.force_login(clinician)
    retry = reverse("reports-delivery-retry", args=[delivery.code])
    response = client.post(retry, {"channel": "email"}, follow=True)
    assert "Not sent again: The partner has no email address." in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == "failed"
    client.post(retry, {"channel": "fax"})
    send()
    assert smtp.recipients == [["6175550100@fax.example.net"]]


def test_only_one_host_claims_a_delivery_until_its_claim_expires(
    clock, evaluated_episode, clinician
):
    signed(evaluated_episode, clinician)
    delivery = Delivery.objects.get()
    assert delivery_claim(delivery_id=delivery.pk, token="host-a")
    assert not delivery_claim(delivery_id=delivery.pk, token="host-b")
    clock.shift(dt.timedelta(seconds=CLAIM_SECONDS + 1))  # host-a died mid-send
    assert delivery_claim(delivery_id=delivery.pk, token="host-b")


def test_an_addendum_is_sent_and_the_report_keeps_its_sent_date(
    smtp, clock, evaluated_episode, clinician
):
    report = signed(evaluated_episode, clinician)
    send()
    clock.shift(dt.timedelta(days=3))
    report_add_addendum(report=report, body="The SLR was positive on the left.", by=clinician)
    send()
    assert len(smtp.messages) == 2
    assert smtp.messages[1]["Subject"] == "Riverside Clinic: addendum to our initial report"
    [(_, pdf)] = smtp.attachments(1)
    assert "positive on the left" in pdf_text(pdf)
    report.refresh_from_db()
    assert report.sent_on == dt.date(2026, 1, 13)


def test_mail_reports_are_printed_once_into_a_batch(clock, evaluated_episode, clinician):
    report = signed(evaluated_episode, clinician, channel="mail")
    send()  # the sender leaves paper alone
    assert Delivery.objects.get().status == "pending"
    batch = print_batch_create(deliveries=Delivery.objects.all(), by=clinician)
    assert batch is not None
    assert print_batch_create(deliveries=Delivery.objects.all(), by=clinician) is None
    attempt = DeliveryAttempt.objects.get()
    assert (attempt.result, attempt.address, attempt.by) == (
        "printed",
        "1 Main St, Cambridge, MA 02139",
        clinician,
    )
    report.refresh_from_db()
    assert (report.sent_on, report.channel) == (dt.date(2026, 1, 13), "mail")


def test_a_portal_report_is_marked_uploaded_once(clock, evaluated_episode, clinician):
    signed(evaluated_episode, clinician, channel="portal")
    delivery = Delivery.objects.get()
    assert delivery_mark_uploaded(delivery=delivery, by=clinician)
    assert not delivery_mark_uploaded(delivery=delivery, by=clinician)
    assert DeliveryAttempt.objects.get().result == "uploaded"
    assert Report.objects.get().sent_on == dt.date(2026, 1, 13)


def test_a_report_signed_after_its_due_date_counts_as_sent_late(
    smtp, clock, evaluated_episode, clinician
):
    from liaison.reports.obligations import obligations_due

    clock.shift(dt.timedelta(days=3))  # Friday Jan 16; the report was due Wednesday
    signed(evaluated_episode, clinician)
    send()
    [initial] = [
        o
        for o in obligations_due(as_of=dt.date(2026, 1, 16), since=dt.date(2026, 1, 1))
        if o.kind == "initial"
    ]
    assert (initial.due_on, initial.sent_on, initial.status) == (
        dt.date(2026, 1, 14),
        dt.date(2026, 1, 16),
        "sent_late",
    )


# ----- the daily digest -------------------------------------------------------------------


@pytest.fixture
def overdue_report(location_a, clinician):
    clinician.email = "sam@practice.example"
    clinician.save()
    referral_seen(location=location_a, visits=["2026-01-12"], clinician=clinician)


def digest(clock_at):
    with time_machine.travel(clock_at, tick=False):
        call_command("send_due_reports", verbosity=0)


def test_each_clinician_gets_one_digest_a_day(smtp, overdue_report, clinician, front_desk):
    digest(dt.datetime(2026, 1, 20, 6, 59, tzinfo=EASTERN))  # before 7 am: not yet
    assert smtp.messages == []
    digest(dt.datetime(2026, 1, 20, 7, 5, tzinfo=EASTERN))
    digest(dt.datetime(2026, 1, 20, 7, 10, tzinfo=EASTERN))
    assert smtp.recipients == [["sam@practice.example"]]
    message = smtp.messages[0]
    assert message["Subject"] == "Liaison: 1 report overdue"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Initial report to Alex Referrer" in body and "due Jan 14" in body
    assert "Maya" not in body  # no patient in an email to staff
    digest(dt.datetime(2026, 1, 21, 7, 5, tzinfo=EASTERN))
    assert len(smtp.messages) == 2
    assert DigestSent.objects.count() == 2


def test_a_failed_digest_is_tried_again_on_the_next_run(smtp, overdue_report, clinician):
    smtp.refuse_next = 1
    digest(dt.datetime(2026, 1, 20, 7, 5, tzinfo=EASTERN))
    assert smtp.messages == [] and not DigestSent.objects.exists()
    digest(dt.datetime(2026, 1, 20, 7, 10, tzinfo=EASTERN))
    assert len(smtp.messages) == 1


def test_today_shows_the_signer_a_report_that_did_not_go_with_the_reason_and_a_retry(
    client, smtp, clock, evaluated_episode, clinician, owner, location_a
):
    signed(evaluated_episode, clinician, channel="email")
    partner = evaluated_episode.referral.partner
    partner.email = ""
    partner.save()
    send()
    home = reverse("insights-home")
    colleague = UserFactory(role=Role.CLINICIAN, locations=[location_a])
    for user, shown in [(clinician, True), (owner, True), (colleague, False)]:
        client.force_login(user)
        page = client.get(home).content.decode()
        assert ("Reports that did not reach the partner" in page) is shown, user
        assert ("The partner has no email address." in page) is shown, user
    client.force_login(clinician)
    partner.email = "silva@clinic.example"
    partner.save()
    delivery = Delivery.objects.get()
    client.post(reverse("reports-delivery-retry", args=[delivery.code]), {"channel": "email"})
    assert "Reports that did not reach the partner" not in client.get(home).content.decode()
    send()
    assert smtp.recipients == [["silva@clinic.example"]]
