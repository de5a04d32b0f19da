"""Every write of a report is audited by the service that makes it, so the pages, the CLI and
the API leave the same rows; a page adds the address the change came from."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from liaison.accounts.models import AuditEvent
from liaison.reports.delivery import delivery_mark_uploaded, delivery_retry
from liaison.reports.models import Delivery, DeliveryStatus
from liaison.reports.services import (
    report_add_addendum,
    report_draft,
    report_redraft,
    report_save_draft,
    report_sign,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 1, 20, 10, 0), tick=False):
        yield


def draft_of(episode, clinician, **where):
    return report_draft(
        referral=episode.referral,
        kind="initial",
        episode=episode,
        due_on=dt.date(2026, 1, 14),
        by=clinician,
        **where,
    )


def trail(after: int = 0) -> list[tuple]:
    events = AuditEvent.objects.filter(id__gt=after).order_by("id")
    return list(events.values_list("action", "object_type", "detail", "username"))


def last_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_each_write_of_a_report_is_audited_whoever_calls_the_service(evaluated_episode, clinician):
    report = draft_of(evaluated_episode, clinician)
    report_save_draft(report=report, body=report.body, by=clinician)
    report_redraft(report=report, by=clinician)
    report_sign(report=report, body=report.body, by=clinician)
    report_add_addendum(report=report, body="The SLR was positive on the left.", by=clinician)
    assert trail() == [
        ("create", "report", "draft", "clinician"),
        ("update", "report", "draft saved", "clinician"),
        ("update", "report", "redrafted from the record", "clinician"),
        ("update", "report", "signed", "clinician"),
        ("create", "report", "addendum signed", "clinician"),
    ]
    assert set(AuditEvent.objects.values_list("object_code", flat=True)) == {report.code}


def test_a_second_click_on_write_draft_is_audited_like_the_first(evaluated_episode, clinician):
    draft_of(evaluated_episode, clinician)
    draft_of(evaluated_episode, clinician)
    assert trail() == [("create", "report", "draft", "clinician")] * 2


def test_a_refused_write_leaves_no_audit_row(evaluated_episode, clinician):
    report = draft_of(evaluated_episode, clinician)
    report_sign(report=report, body=report.body, by=clinician)
    before = last_id()
    with pytest.raises(Exception, match="signed"):
        report_save_draft(report=report, body="Other words", by=clinician)
    assert trail(before) == []


def test_a_retry_and_an_upload_are_audited_against_the_report_even_when_nothing_changes(
    evaluated_episode, clinician
):
    partner = evaluated_episode.referral.partner
    partner.preferred_channel = "portal"
    partner.save()
    report = draft_of(evaluated_episode, clinician)
    report_sign(report=report, body=report.body, by=clinician)
    delivery = Delivery.objects.get()
    before = last_id()
    assert delivery_mark_uploaded(delivery=delivery, by=clinician)
    assert not delivery_mark_uploaded(delivery=delivery, by=clinician)
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED)
    assert delivery_retry(delivery=delivery, channel="fax", by=clinician)
    assert not delivery_retry(delivery=delivery, channel="fax", by=clinician)
    assert trail(before) == [
        ("update", "report", "portal upload", "clinician"),
        ("update", "report", "portal upload", "clinician"),
        ("update", "report", "retry", "clinician"),
        ("update", "report", "retry", "clinician"),
    ]
    events = AuditEvent.objects.filter(id__gt=before)
    assert set(events.values_list("object_code", flat=True)) == {report.code}


def test_a_write_from_a_page_records_the_reader_and_their_address(
    client, evaluated_episode, clinician
):
    report = draft_of(evaluated_episode, clinician)
    client.force_login(clinician)
    before = last_id()
    url = reverse("reports-report", args=[report.code])
    response = client.post(url, {"body": report.body, "save": "1"})
    assert response.status_code == 302
    saved = AuditEvent.objects.filter(id__gt=before, detail="draft saved").get()
    assert (saved.action, saved.username, saved.ip_address) == ("update", "clinician", "127.0.0.1")
    assert saved.object_code == report.code
