import datetime as dt

import pytest

from liaison.factories import PartnerFactory, ReferralFactory
from liaison.reports.models import ReportKind
from liaison.reports.pdf import report_pdf, reports_pdf
from liaison.reports.services import report_add_addendum, report_draft, report_sign
from liaison.reports.tests.builders import day, measure
from liaison.reports.tests.conftest import pdf_pages, pdf_text

pytestmark = pytest.mark.django_db


def signed_initial(episode, clinician):
    report = report_draft(
        referral=episode.referral,
        kind="initial",
        episode=episode,
        due_on=day("2026-01-14"),
        by=clinician,
    )
    report_sign(report=report, body=report.body, by=clinician)
    report.refresh_from_db()
    return report


def test_the_initial_report_is_one_page_with_findings_plan_and_red_flags(
    evaluated_episode, clinician
):
    pdf = report_pdf(report=signed_initial(evaluated_episode, clinician))
    assert pdf.startswith(b"%PDF")
    assert pdf_pages(pdf) == 1
    text = pdf_text(pdf)
    for words in [
        "Riverside Clinic",  # the letterhead
        "Fax 617-555-0198",
        "Initial report",
        "Straight leg raise (right)",  # findings
        "Positive at 45 degrees",
        "2 visits a week for 6 weeks",  # plan
        "Night pain",  # red flags
        "M54.16",
        "Signed electronically",
        ", DPT",
    ]:
        assert words in text, words


def test_every_kind_of_report_renders_to_pdf(evaluated_episode, clinician, location_a):
    episode = evaluated_episode
    episode.ended_on = dt.date(2026, 2, 27)
    episode.discharge_reason = "goals_met"
    episode.recommendations = "Keep up the home program three times a week."
    episode.referrer_follow_up = "None needed unless symptoms return."
    episode.save()
    measure(episode, ("2026-02-20", "22"))
    PartnerFactory(last_name="Spine", specialty_id="neurosurgery", zip="02139")
    declined = ReferralFactory(
        patient__location=location_a,
        decision="declined",
        decided_on=day("2026-01-16"),
        received_on=day("2026-01-15"),
        decline_reason="not_appropriate",
        alternative="Progressive weakness in the leg: suggested a neurosurgical consult.",
    )
    expected = {
        "initial": "Lumbar radiculopathy",
        "progress": "ODI 46 → 22, a clinically important improvement",
        "discharge": "Keep up the home program",
        "redirect": "neurosurgical consult",
        "alert": "we would like your view",
    }
    for kind in ReportKind.values:
        referral = declined if kind == "redirect" else episode.referral
        report = report_draft(
            referral=referral,
            kind=kind,
            episode=None if kind == "redirect" else episode,
            due_on=day("2026-03-02"),
            by=clinician,
        )
        text = pdf_text(report_pdf(report=report))
        assert expected[kind] in " ".join(text.split()), kind
        assert "Draft, not signed" in text


def test_an_addendum_is_printed_below_the_signed_report(evaluated_episode, clinician):
    report = signed_initial(evaluated_episode, clinician)
    report_add_addendum(report=report, body="The SLR was positive on the left.", by=clinician)
    text = pdf_text(report_pdf(report=report))
    assert "Addendum" in text and "positive on the left" in text


def test_the_print_queue_pdf_holds_every_report(evaluated_episode, clinician):
    report = signed_initial(evaluated_episode, clinician)
    pdf = reports_pdf(reports=[report, report])
    assert pdf_pages(pdf) == 2


def test_a_long_evaluation_still_fits_the_initial_report_on_one_page(evaluated_episode, clinician):
    from liaison.care.models import Finding, RedFlag

    episode = evaluated_episode
    for n in range(7):  # ten findings in all
        Finding.objects.create(
            episode=episode,
            category="palpation",
            item=f"Lumbar segment L{n % 5 + 1}",
            result="tender, reproduces familiar pain",
            notes="grade II mobilisation tolerated",
        )
    RedFlag.objects.filter(episode=episode, kind="cancer_history").update(
        present=True, notes="breast cancer 2015, in remission; oncologist aware"
    )
    measure(episode, ("2026-01-12", "7"), instrument="NPRS")
    pdf = report_pdf(report=signed_initial(episode, clinician))
    assert pdf_pages(pdf) == 1
    assert "breast cancer 2015" in pdf_text(pdf)
