import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse

from liaison.accounts.models import AuditEvent, Role
from liaison.care.models import Finding, Outcome, RedFlag
from liaison.factories import UserFactory
from liaison.reports.models import Report, SignedText
from liaison.reports.services import report_draft, report_sign
from liaison.reports.tests.builders import referral_seen

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 1, 20, 10, 0)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def report_a(evaluated_episode, clinician):
    return report_draft(
        referral=evaluated_episode.referral,
        kind="initial",
        episode=evaluated_episode,
        due_on=dt.date(2026, 1, 14),
        by=clinician,
    )


def report_url(report, name="reports-report"):
    return reverse(name, args=[report.code])


# ----- the queue -------------------------------------------------------------------------


def test_the_clinician_sees_what_is_overdue_at_their_clinic(client, clinician, evaluated_episode):
    client.force_login(clinician)
    page = client.get(reverse("reports-queue")).content.decode()
    assert 'Overdue <span class="count">1</span>' in page
    assert evaluated_episode.patient.last_name in page
    assert "Overdue 6 days" in page and "Write draft" in page
    assert AuditEvent.objects.filter(detail="report queue", username="clinician").exists()


def test_the_queue_remembers_its_filters_and_a_box_can_be_unticked(client, owner, location_b):
    client.force_login(owner)
    url = reverse("reports-queue")
    client.get(url, {"location": location_b.code, "mine": "1"})
    page = client.get(url).content.decode()
    assert f'value="{location_b.code}" selected' in page and 'value="1" checked' in page
    client.get(url, {"location": location_b.code})
    page = client.get(url).content.decode()
    assert f'value="{location_b.code}" selected' in page and "checked" not in page


def test_an_unknown_clinic_shows_them_all_and_is_not_remembered(client, owner, location_b):
    client.force_login(owner)
    url = reverse("reports-queue")
    client.get(url, {"location": location_b.code})
    client.get(url, {"location": "not-a-clinic"})
    assert f'value="{location_b.code}" selected' in client.get(url).content.decode()


def test_the_queue_of_another_clinic_does_not_show_the_patient(
    client, front_desk, evaluated_episode
):
    client.force_login(front_desk)
    page = client.get(reverse("reports-queue")).content.decode()
    assert evaluated_episode.patient.last_name not in page
    assert "Nothing overdue." in page


def test_the_queue_lists_drafts_waiting_for_signature(client, clinician, report_a):
    client.force_login(clinician)
    page = client.get(reverse("reports-queue")).content.decode()
    assert 'Waiting for signature <span class="count">1</span>' in page
    assert report_url(report_a) in page


@pytest.mark.parametrize("user_name", ["liaison_user", "outsider"])
def test_roles_without_patient_access_see_no_reports(client, request, user_name, report_a):
    client.force_login(request.getfixturevalue(user_name))
    for url in [
        reverse("reports-queue"),
        report_url(report_a),
        report_url(report_a, "reports-report-pdf"),
    ]:
        response = client.get(url)
        assert response.status_code in {403, 404}
        assert "Maya" not in response.content.decode()


def test_anonymous_visitors_are_sent_to_login(client, report_a):
    for url in [reverse("reports-queue"), report_url(report_a)]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_reports_area_is_in_the_navigation_for_clinicians_only(client, clinician, liaison_user):
    client.force_login(clinician)
    assert reverse("reports-queue") in client.get("/").content.decode()
    client.force_login(liaison_user)
    assert reverse("reports-queue") not in client.get("/").content.decode()


# ----- writing, reading and signing ---------------------------------------------------------


def test_write_draft_opens_one_report_however_often_it_is_clicked(
    client, clinician, evaluated_episode
):
    client.force_login(clinician)
    form = {
        "referral": evaluated_episode.referral.code,
        "episode": evaluated_episode.code,
        "kind": "initial",
        "due_on": "2026-01-14",
    }
    first = client.post(reverse("reports-draft"), form)
    second = client.post(reverse("reports-draft"), form)
    report = Report.objects.get()
    assert first.url == second.url == report_url(report)
    assert "Lumbar radiculopathy" in report.body


def test_a_clinician_of_another_clinic_cannot_draft_for_it(client, location_b, evaluated_episode):
    other = UserFactory(role=Role.CLINICIAN, locations=[location_b])
    client.force_login(other)
    form = {"referral": evaluated_episode.referral.code, "kind": "redirect", "due_on": "2026-01-14"}
    assert client.post(reverse("reports-draft"), form).status_code == 404
    assert not Report.objects.exists()


@pytest.mark.parametrize("field", ["referral", "episode"])
@pytest.mark.parametrize("value", ["not-a-code", "1' OR '1'='1", "9" * 300])
def test_a_malformed_code_is_a_400_naming_the_field(
    client, clinician, evaluated_episode, field, value
):
    client.force_login(clinician)
    form = {
        "referral": evaluated_episode.referral.code,
        "episode": evaluated_episode.code,
        "kind": "initial",
        "due_on": "2026-01-14",
        field: value,
    }
    response = client.post(reverse("reports-draft"), form)
    assert response.status_code == 400
    assert f"{field}: not a record code." in response.content.decode()
    assert not Report.objects.exists()


def test_the_report_page_shows_the_report_and_is_audited(client, clinician, report_a):
    client.force_login(clinician)
    page = client.get(report_url(report_a), REMOTE_ADDR="10.0.0.7").content.decode()
    assert "Lumbar radiculopathy" in page and "Draft, not signed" in page
    event = AuditEvent.objects.get(object_code=report_a.code, action="view")
    assert (event.username, event.ip_address, event.detail) == (
        "clinician",
        "10.0.0.7",
        "report page",
    )


def test_the_clinician_edits_and_signs(client, clinician, report_a):
    client.force_login(clinician)
    body = report_a.body.replace("Please call us", "Do call us")
    response = client.post(report_url(report_a), {"body": body, "sign": "1"})
    assert response.status_code == 302
    report_a.refresh_from_db()
    text = SignedText.objects.get(report=report_a)
    assert "Do call us" in text.body and text.signed_by == clinician
    page = client.get(report_url(report_a)).content.decode()
    assert "Signed electronically" in page and clinician.signature in page
    assert "Sign addendum" in page


def test_a_clinician_of_another_clinic_can_neither_see_nor_sign(client, location_b, report_a):
    other = UserFactory(role=Role.CLINICIAN, locations=[location_b], credentials="DC")
    client.force_login(other)
    assert client.get(report_url(report_a)).status_code == 404
    assert client.post(report_url(report_a), {"body": "x", "sign": "1"}).status_code == 404
    report_a.refresh_from_db()
    assert report_a.signed_at is None


def test_a_manager_prepares_but_does_not_sign_without_the_clinicians_permission(
    client, owner, report_a
):
    client.force_login(owner)
    page = client.get(report_url(report_a)).content.decode()
    assert "Sign and send" not in page
    response = client.post(report_url(report_a), {"body": report_a.body, "sign": "1"}, follow=True)
    assert "Only a clinician who signs reports may sign" in response.content.decode()
    report_a.refresh_from_db()
    assert report_a.signed_at is None and not SignedText.objects.exists()


def test_a_manager_who_treats_patients_is_given_the_permission_and_signs(client, owner, report_a):
    owner.user_permissions.add(Permission.objects.get(codename="sign_report"))
    client.force_login(owner)
    response = client.post(report_url(report_a), {"body": report_a.body, "sign": "1"})
    assert response.status_code == 302
    assert SignedText.objects.get(report=report_a).signed_by == owner


def test_the_front_desk_reads_but_does_not_sign(client, location_a, report_a):
    desk = UserFactory(role=Role.FRONT_DESK, locations=[location_a])
    client.force_login(desk)
    assert client.get(report_url(report_a)).status_code == 200
    response = client.post(report_url(report_a), {"body": report_a.body, "sign": "1"})
    assert response.status_code == 403
    report_a.refresh_from_db()
    assert report_a.signed_at is None


def test_signing_with_prompts_left_explains_what_to_fill(client, clinician, report_a):
    client.force_login(clinician)
    response = client.post(report_url(report_a), {"body": "Dear X,\n[[diagnosis]]", "sign": "1"})
    assert response.status_code == 200
    assert "Replace the parts in double brackets before signing" in response.content.decode()
    report_a.refresh_from_db()
    assert report_a.signed_at is None


@pytest.mark.parametrize(
    "channel, missing",
    [("email", "no email address"), ("fax", "no fax number"), ("direct", "no Direct address")],
)
def test_signing_for_a_partner_without_the_address_says_so_and_signs_nothing(
    client, clinician, report_a, channel, missing
):
    partner = report_a.referral.partner
    partner.preferred_channel, partner.email, partner.fax = channel, "", ""
    partner.save()
    client.force_login(clinician)
    response = client.post(report_url(report_a), {"body": report_a.body, "sign": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Not signed: The partner has {missing}." in page
    assert report_a.body.splitlines()[0] in page  # the text typed is kept in the form
    report_a.refresh_from_db()
    assert report_a.signed_at is None and not SignedText.objects.exists()


def test_the_pdf_is_served_and_audited(client, clinician, report_a):
    client.force_login(clinician)
    response = client.get(report_url(report_a, "reports-report-pdf"))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    # A download, logged as one: the report left the screen.
    assert AuditEvent.objects.filter(object_code=report_a.code, action="export").exists()


def test_report_urls_carry_a_code_not_a_name_or_number(report_a):
    url = report_url(report_a)
    assert str(report_a.code) in url and f"/{report_a.pk}/" not in url and "Maya" not in url


def test_managers_see_who_signed_what(client, owner, clinician, report_a):
    report_sign(report=report_a, body=report_a.body, by=clinician)
    client.force_login(owner)
    page = client.get(reverse("admin:correspondence_signedtext_changelist")).content.decode()
    assert clinician.signature in page and "Initial report" in page


def test_the_print_queue_prints_once(client, clinician, report_a):
    partner = report_a.referral.partner
    partner.preferred_channel = "mail"
    partner.save()
    report_sign(report=report_a, body=report_a.body, by=clinician)
    client.force_login(clinician)
    assert (
        "Print 1 report and mark them mailed"
        in client.get(reverse("reports-print-queue")).content.decode()
    )
    response = client.post(reverse("reports-print-queue"))
    pdf = client.get(response.url)
    assert pdf["Content-Type"] == "application/pdf"
    again = client.post(reverse("reports-print-queue"), follow=True)
    assert "Nothing left to print" in again.content.decode()


# ----- the clinical record ---------------------------------------------------------------------


@pytest.fixture
def episode_a(location_a):
    return referral_seen(location=location_a, visits=["2026-01-12"])[1]


def evaluation_form(**changes):
    form = {
        "diagnosis_code": "M54.50",
        "diagnosis": "Low back pain",
        "primary_measure": "ODI",
        "visits_per_week": "2",
        "planned_weeks": "6",
        "planned_visits": "12",
        "interventions": "exercise",
        "expected_improvement_weeks": "4",
        "surgical_options_discussed": "false",
        "surgical_discussion": "",
        "findings-TOTAL_FORMS": "1",
        "findings-INITIAL_FORMS": "0",
        "findings-0-category": "strength",
        "findings-0-item": "Hip abduction",
        "findings-0-result": "4/5",
        "findings-0-notes": "",
        "outcomes-TOTAL_FORMS": "1",
        "outcomes-INITIAL_FORMS": "0",
        "outcomes-0-measured_on": "2026-01-12",
        "outcomes-0-instrument": "ODI",
        "outcomes-0-score": "38",
        "flags-TOTAL_FORMS": "12",
        "flags-INITIAL_FORMS": "12",
    }
    from liaison.care.models import RedFlagKind

    for i, kind in enumerate(RedFlagKind.values):
        form |= {f"flags-{i}-kind": kind, f"flags-{i}-present": "no", f"flags-{i}-notes": ""}
    return form | changes


def test_the_clinician_records_the_evaluation(client, clinician, episode_a):
    client.force_login(clinician)
    url = reverse("reports-episode-evaluation", args=[episode_a.code])
    assert client.get(url).status_code == 200
    form = evaluation_form(**{"flags-7-present": "yes", "flags-7-notes": "wakes at 3 am"})
    response = client.post(url, form)
    assert response.status_code == 302
    episode_a.refresh_from_db()
    assert (episode_a.diagnosis_code, episode_a.visits_per_week) == ("M54.50", 2)
    assert Finding.objects.get(episode=episode_a).result == "4/5"
    assert RedFlag.objects.filter(episode=episode_a).count() == 12
    assert RedFlag.objects.get(episode=episode_a, present=True).kind == "night_pain"
    assert Outcome.objects.get(episode=episode_a).score == 38


def test_the_evaluation_form_shows_what_to_fix(client, clinician, episode_a):
    client.force_login(clinician)
    url = reverse("reports-episode-evaluation", args=[episode_a.code])
    form = evaluation_form(
        diagnosis_code="back pain",
        surgical_options_discussed="true",
        **{"outcomes-0-score": "140", "flags-0-present": "yes"},
    )
    response = client.post(url, form)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Write an ICD-10 code such as M54.50" in page
    assert "Say briefly what was discussed." in page
    assert "ODI scores run from 0 to 100." in page
    assert "Say what you found and what you did about it." in page
    assert 'value="Hip abduction"' in page  # what was typed is kept
    assert not Finding.objects.exists()


def test_the_discharge_form_makes_the_discharge_report_due(client, clinician, episode_a):
    from liaison.reports.obligations import obligations_due

    client.force_login(clinician)
    url = reverse("reports-episode-discharge", args=[episode_a.code])
    bad = client.post(
        url,
        {
            "ended_on": "2026-01-01",
            "discharge_reason": "goals_met",
            "outcomes-TOTAL_FORMS": "0",
            "outcomes-INITIAL_FORMS": "0",
        },
    )
    assert "Care cannot end before it started." in bad.content.decode()
    response = client.post(
        url,
        {
            "ended_on": "2026-01-19",
            "discharge_reason": "goals_met",
            "recommendations": "Home program",
            "referrer_follow_up": "",
            "outcomes-TOTAL_FORMS": "0",
            "outcomes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    kinds = [o.kind for o in obligations_due(as_of=dt.date(2026, 1, 20))]
    assert kinds == ["initial", "discharge"]


def test_recording_the_evaluation_and_the_discharge_is_audited_once_each(
    client, clinician, episode_a
):
    client.force_login(clinician)
    client.post(reverse("reports-episode-evaluation", args=[episode_a.code]), evaluation_form())
    discharge = {"ended_on": "2026-01-19", "discharge_reason": "goals_met"}
    client.post(
        reverse("reports-episode-discharge", args=[episode_a.code]),
        discharge | {"outcomes-TOTAL_FORMS": "0", "outcomes-INITIAL_FORMS": "0"},
    )
    writes = AuditEvent.objects.filter(action="update").order_by("id")
    assert list(writes.values_list("object_type", "detail", "username", "ip_address")) == [
        ("episode", "evaluation recorded", "clinician", "127.0.0.1"),
        ("episode", "discharge recorded", "clinician", "127.0.0.1"),
    ]
    assert {event.object_code for event in writes} == {episode_a.code}


def test_the_front_desk_cannot_change_the_clinical_record(client, location_a, episode_a):
    desk = UserFactory(role=Role.FRONT_DESK, locations=[location_a])
    client.force_login(desk)
    url = reverse("reports-episode-evaluation", args=[episode_a.code])
    assert client.get(url).status_code == 403
