import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction

from liaison.reports.models import Delivery, Report, SignedText
from liaison.reports.services import (
    ReportError,
    report_add_addendum,
    report_draft,
    report_save_draft,
    report_sign,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(evaluated_episode, clinician):
    return report_draft(
        referral=evaluated_episode.referral,
        kind="initial",
        episode=evaluated_episode,
        due_on=dt.date(2026, 1, 14),
        by=clinician,
    )


def test_two_clicks_on_write_draft_open_the_same_report(draft, evaluated_episode, clinician):
    again = report_draft(
        referral=evaluated_episode.referral,
        kind="initial",
        episode=evaluated_episode,
        due_on=dt.date(2026, 1, 14),
        by=clinician,
    )
    assert again.pk == draft.pk and Report.objects.count() == 1


def test_signing_keeps_the_signed_text_with_name_credentials_and_time(draft, clinician):
    text = report_sign(report=draft, body=draft.body + "\nEdited by hand.", by=clinician)
    draft.refresh_from_db()
    assert text.body.endswith("Edited by hand.")
    assert text.signer == f"{clinician.get_full_name()}, DPT" == clinician.signature
    assert text.signed_at == draft.signed_at
    delivery = Delivery.objects.get(signed_text=text)
    assert (delivery.channel, delivery.status) == ("fax", "pending")  # the partner's channel


def test_a_report_is_signed_once(draft, clinician):
    report_sign(report=draft, body=draft.body, by=clinician)
    with pytest.raises(ReportError, match="already signed"):
        report_sign(report=draft, body="Something else", by=clinician)
    assert SignedText.objects.count() == 1 and Delivery.objects.count() == 1


def test_a_signed_draft_can_no_longer_be_saved(draft, clinician):
    report_sign(report=draft, body=draft.body, by=clinician)
    with pytest.raises(ReportError, match="addendum"):
        report_save_draft(report=draft, body="New words", by=clinician)


def test_a_report_with_prompts_left_cannot_be_signed(draft, clinician):
    with pytest.raises(ReportError, match=r"\[\[what was said\]\]"):
        report_sign(report=draft, body=draft.body + "\n[[what was said]]", by=clinician)
    draft.refresh_from_db()
    assert draft.signed_at is None


def test_the_database_refuses_to_change_a_signed_text_even_by_raw_sql(draft, clinician):
    text = report_sign(report=draft, body=draft.body, by=clinician)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE correspondence_signedtext SET body = %s WHERE id = %s", ["Changed", text.pk]
        )
    text.refresh_from_db()
    assert "Changed" not in text.body


def test_the_database_refuses_to_change_a_signed_reports_body_or_unsign_it(draft, clinician):
    report_sign(report=draft, body=draft.body, by=clinician)
    for sql in [
        "UPDATE correspondence_report SET body = 'Changed' WHERE id = %s",
        "UPDATE correspondence_report SET signed_at = NULL WHERE id = %s",
    ]:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [draft.pk])
    # What may still change: the delivery facts.
    Report.objects.filter(pk=draft.pk).update(sent_on=dt.date(2026, 1, 14), channel="email")
    draft.refresh_from_db()
    assert draft.sent_on == dt.date(2026, 1, 14) and "Changed" not in draft.body


def test_an_unsigned_draft_stays_editable_by_raw_sql(draft):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE correspondence_report SET body = 'Edited' WHERE id = %s", [draft.pk])
    draft.refresh_from_db()
    assert draft.body == "Edited"


def test_a_correction_is_a_signed_addendum_sent_like_the_report(draft, clinician):
    report_sign(report=draft, body=draft.body, by=clinician)
    addendum = report_add_addendum(report=draft, body="The SLR was on the left.", by=clinician)
    assert addendum.is_addendum and addendum.signer.endswith(", DPT")
    assert Delivery.objects.filter(signed_text=addendum, status="pending").exists()
    assert [t.is_addendum for t in draft.signed_texts.all()] == [False, True]


def test_an_addendum_needs_a_signed_report(draft, clinician):
    with pytest.raises(ReportError, match="not signed yet"):
        report_add_addendum(report=draft, body="More", by=clinician)
