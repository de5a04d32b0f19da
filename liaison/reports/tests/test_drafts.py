import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from liaison.care.instruments import INSTRUMENTS
from liaison.factories import PartnerFactory, ReferralFactory
from liaison.reports.drafts import draft_body, outcome_change, prompts_left
from liaison.reports.markup import report_blocks
from liaison.reports.tests.builders import day, measure, referral_seen

ODI = INSTRUMENTS["ODI"]
PSFS = INSTRUMENTS["PSFS"]


@pytest.mark.parametrize(
    ("instrument", "first", "last", "words"),
    [
        (ODI, "46", "22", "ODI 46 → 22, a clinically important improvement"),
        (ODI, "46", "40", "ODI 46 → 40, better, but by less than the 10 points that matter"),
        (ODI, "30", "44", "ODI 30 → 44, a clinically important worsening"),
        (ODI, "30", "34", "ODI 30 → 34, slightly worse"),
        (ODI, "30", "30", "ODI 30 → 30, no change"),
        (PSFS, "3.5", "6", "PSFS 3.5 → 6, a clinically important improvement"),
    ],
)
def test_outcome_change_reads_in_plain_words(instrument, first, last, words):
    assert outcome_change(instrument, Decimal(first), Decimal(last)).startswith(words)


@pytest.mark.django_db
def test_the_initial_draft_holds_findings_plan_timeline_surgery_and_red_flags(evaluated_episode):
    body = draft_body(
        kind="initial",
        referral=evaluated_episode.referral,
        episode=evaluated_episode,
        as_of=day("2026-01-13"),
    )
    for words in [
        "Dear Dr. Silva,",
        "We first saw Maya on January 12, 2026.",
        "M54.16 Lumbar radiculopathy, right",
        "PRESENT: Night pain or constant pain not eased by rest: wakes once a night",
        "| Orthopedic tests: Straight leg raise (right) | Positive at 45 degrees |",
        "ODI 46 (0–100; higher is worse)",
        "2 visits a week for 6 weeks (12 visits): manual therapy",
        "We expect a clear improvement within 4 weeks.",
        "Discussed with Maya: no indication now",
        "We will write again by February 11 with progress.",
    ]:
        assert words in body
    assert prompts_left(body) == []


@pytest.mark.django_db
def test_what_the_record_lacks_is_left_as_a_prompt(location_a):
    referral, episode = referral_seen(location=location_a, visits=["2026-01-12"])
    body = draft_body(kind="initial", referral=referral, episode=episode, as_of=day("2026-01-13"))
    assert "[[Working diagnosis (ICD-10 and words)]]" in body
    assert "[[Red-flag screen not recorded" in body
    assert len(prompts_left(body)) >= 4


@pytest.mark.django_db
def test_progress_and_discharge_drafts_report_outcome_change_and_visits(location_a):
    referral, episode = referral_seen(
        location=location_a,
        visits=["2026-01-12", "2026-01-19", "2026-01-26"],
        ended_on="2026-02-20",
        planned_visits=8,
    )
    episode.recommendations = "Keep walking 30 minutes a day."
    episode.referrer_follow_up = "None needed unless the leg pain returns."
    episode.save()
    measure(episode, ("2026-01-12", "46"), ("2026-02-16", "22"))
    body = draft_body(kind="discharge", referral=referral, episode=episode, as_of=day("2026-02-20"))
    assert "ODI 46 → 22, a clinically important improvement" in body
    assert "3 of 8 planned visits attended" in body
    assert "Keep walking 30 minutes a day." in body
    assert "None needed unless the leg pain returns." in body


@pytest.mark.django_db
def test_the_redirect_letter_explains_why_and_names_the_nearest_fitting_partner(location_a):
    PartnerFactory(
        last_name="Near",
        specialty_id="neurosurgery",
        zip="02139",
        city="Cambridge",
        phone="617-555-0111",
    )
    PartnerFactory(last_name="Far", specialty_id="neurosurgery", zip="94105", city="San Francisco")
    PartnerFactory(last_name="Wrong", specialty_id="rheumatology", zip="02139")
    referral = ReferralFactory(
        patient__location=location_a,
        patient__zip="02140",
        patient__first_name="Maya",
        decision="declined",
        decided_on=day("2026-01-16"),
        received_on=day("2026-01-15"),
        decline_reason="not_appropriate",
        alternative="Progressive weakness in the leg: suggested a neurosurgical consult.",
    )
    body = draft_body(kind="redirect", referral=referral, episode=None, as_of=day("2026-01-16"))
    assert "Progressive weakness in the leg: suggested a neurosurgical consult." in body
    assert "Alex Near, MD (neurosurgery)" in body and "phone 617-555-0111" in body
    assert "about 2 miles from Maya's home" in body
    assert "Far" not in body and "Wrong" not in body


@pytest.mark.django_db
def test_the_redirect_letter_says_why_and_where_each_under_its_heading(location_a):
    chosen = PartnerFactory(last_name="Chosen", specialty_id="rheumatology", city="Boston")
    referral = ReferralFactory(
        patient__location=location_a,
        decision="declined",
        decided_on=day("2026-01-16"),
        received_on=day("2026-01-15"),
        decline_reason="not_appropriate",
        decline_note="Morning stiffness over an hour points to an inflammatory cause.",
        alternative="A rheumatology work-up first.",
        alternative_partner=chosen,
    )
    body = draft_body(kind="redirect", referral=referral, episode=None, as_of=day("2026-01-16"))
    report = sections(body)
    assert report["Why we are not the right fit"] == [
        "Morning stiffness over an hour points to an inflammatory cause."
    ]
    assert report["Where we suggest"][:2] == [
        "A rheumatology work-up first.",
        "Alex Chosen, MD (rheumatology), Boston.",
    ]
    assert prompts_left(body) == []


@pytest.mark.django_db
def test_a_redirect_letter_without_the_reason_in_words_prompts_for_it(location_a):
    referral = ReferralFactory(
        patient__location=location_a,
        decision="declined",
        decided_on=day("2026-01-16"),
        received_on=day("2026-01-15"),
        decline_reason="not_appropriate",
        alternative="The emergency department, today.",
    )
    body = draft_body(kind="redirect", referral=referral, episode=None, as_of=day("2026-01-16"))
    why = sections(body)["Why we are not the right fit"]
    assert why == ["[[Why this referral is not right for us now, in a sentence or two]]"]
    assert "The emergency department, today." in sections(body)["Where we suggest"]


def sections(body: str) -> dict[str, list[str]]:
    """The paragraphs under each heading of a report, by heading."""
    out: dict[str, list[str]] = {}
    heading = None
    for block in report_blocks(body):
        if block.kind == "heading":
            heading = block.text
            out[heading] = []
        elif heading is not None:
            out[heading].append(block.text)
    return out


@pytest.mark.django_db
def test_the_redirect_letter_prefers_the_partner_triage_chose(location_a):
    chosen = PartnerFactory(last_name="Chosen", specialty_id="rheumatology", zip="10001")
    PartnerFactory(last_name="Closer", specialty_id="rheumatology", zip="02139")
    referral = ReferralFactory(
        patient__location=location_a,
        decision="declined",
        decided_on=day("2026-01-16"),
        decline_reason="not_appropriate",
        alternative="Inflammatory pattern.",
        alternative_partner=chosen,
        received_on=day("2026-01-15"),
    )
    body = draft_body(kind="redirect", referral=referral, episode=None, as_of=day("2026-01-16"))
    assert "Alex Chosen, MD" in body and "Closer" not in body


@pytest.mark.django_db
def test_the_alert_says_what_was_expected_what_happened_and_proposes_a_next_step(location_a):
    referral, episode = referral_seen(
        location=location_a, visits=["2026-01-12", "2026-01-20"], expected_improvement_weeks=4
    )
    measure(episode, ("2026-01-12", "30"), ("2026-02-13", "44"))
    body = draft_body(kind="alert", referral=referral, episode=episode, as_of=day("2026-02-16"))
    assert "is not improving as we expected, and we would like your view" in body
    assert "An improvement of at least 10 points on the Oswestry Disability Index" in body
    assert "within 4 weeks of starting care on January 12" in body
    assert "ODI 30 → 44, a clinically important worsening" in body
    assert "An orthopedic or pain management consult" in body
    assert "Would you let us know what you think?" in body


def test_the_markup_reads_headings_lists_tables_and_paragraphs():
    text = "Dear X,\n\n## Plan\n- one\n- two\n| A | B |\n| 1 | 2 |\nThe end\nof it."
    blocks = report_blocks(text)
    assert [b.kind for b in blocks] == ["paragraph", "heading", "list", "table", "paragraph"]
    assert blocks[2].lines == ["one", "two"]
    assert blocks[3].header == ["A", "B"] and blocks[3].body_rows == [["1", "2"]]
    assert blocks[4].text == "The end of it."


@pytest.mark.django_db
def test_a_draft_written_today_names_the_next_progress_date(evaluated_episode):
    with time_machine.travel(dt.datetime(2026, 2, 20, 9, 0), tick=False):
        body = draft_body(
            kind="progress",
            referral=evaluated_episode.referral,
            episode=evaluated_episode,
            as_of=dt.date(2026, 2, 20),
        )
    assert "Next update by March 13" in body
