"""The due engine, rule by rule (docs/closed-loop.md), on the practice's default settings:
initial +2 business days, progress every 30 days, discharge +3, redirect +1, alert +2."""

import datetime as dt

import pytest
from django.db import connection

from liaison.care.models import Referral, Visit
from liaison.core.dates import add_business_days
from liaison.core.models import PracticeSettings
from liaison.factories import PartnerFactory, ReferralFactory, ReportFactory, VisitFactory
from liaison.reports.models import CommunicationPreference, Report
from liaison.reports.obligations import EPOCH, _plus_business_days, obligations_due
from liaison.reports.owed import obligations_of_referral
from liaison.reports.tests.builders import day, measure, referral_seen

pytestmark = pytest.mark.django_db


def owed(as_of: str, **kwargs) -> list[tuple[str, str, str]]:
    """(kind, due date, status) of every obligation due in 2026 up to a fortnight after D;
    the Python core (owed.py) must owe the same."""
    rows = obligations_due(as_of=day(as_of), since=dt.date(2025, 1, 1), **kwargs)
    assert_the_core_agrees(rows, as_of=day(as_of), since=dt.date(2025, 1, 1), **kwargs)
    return [(o.kind, o.due_on.isoformat(), o.status) for o in rows]


def assert_the_core_agrees(rows, *, as_of, since, location_ids=None) -> None:
    referrals = Referral.objects.all()
    if location_ids is not None:
        referrals = referrals.filter(patient__location_id__in=location_ids)
    core = [
        o
        for referral in referrals
        for o in obligations_of_referral(referral, as_of=as_of)
        if o.due_on >= since
    ]
    assert sorted(map(_compared, rows), key=str) == sorted(map(_compared, core), key=str)


def _compared(o) -> tuple:
    return (str(o.kind), o.due_on, o.status, o.sent_on, o.report_id, o.referral_id, o.episode_id)


def kinds(as_of: str) -> list[str]:
    return [kind for kind, _, _ in owed(as_of)]


# ----- initial -------------------------------------------------------------------------


def test_a_seen_referral_owes_an_initial_report_two_business_days_after_the_first_visit(
    location_a,
):
    referral_seen(location=location_a, visits=["2026-01-12", "2026-01-14"])  # Monday
    assert owed("2026-01-13") == [("initial", "2026-01-14", "due")]


@pytest.mark.parametrize(
    ("first_visit", "due"),
    [
        ("2026-01-15", "2026-01-19"),  # Thursday + 2 -> Monday
        ("2026-01-16", "2026-01-20"),  # Friday + 2 -> Tuesday
        ("2026-01-17", "2026-01-20"),  # Saturday + 2 -> Tuesday
        ("2026-01-18", "2026-01-20"),  # Sunday + 2 -> Tuesday
    ],
)
def test_business_days_skip_the_weekend(location_a, first_visit, due):
    referral_seen(location=location_a, visits=[first_visit])
    assert owed(first_visit) == [("initial", due, "due")]


def test_the_first_visit_is_the_earliest_attended_one_on_or_before_the_as_of_date(location_a):
    referral, episode = referral_seen(location=location_a, visits=["2026-01-14"])
    VisitFactory(episode=episode, visit_on=day("2026-01-12"), status=Visit.Status.NO_SHOW)
    assert owed("2026-01-20")[0] == ("initial", "2026-01-16", "overdue")


def test_a_referral_not_yet_seen_owes_nothing(location_a):
    referral_seen(location=location_a, visits=["2026-01-20"])
    assert owed("2026-01-19") == []


def test_overdue_means_unsent_and_due_before_the_as_of_date(location_a):
    referral_seen(location=location_a, visits=["2026-01-12"])
    assert owed("2026-01-14") == [("initial", "2026-01-14", "due")]
    assert owed("2026-01-15") == [("initial", "2026-01-14", "overdue")]


# ----- progress and discharge -----------------------------------------------------------


def test_an_open_episode_owes_progress_every_thirty_days_after_the_first_visit(location_a):
    referral_seen(location=location_a, visits=["2026-01-12", "2026-01-14"])
    assert [o for o in owed("2026-03-20") if o[0] == "progress"] == [
        ("progress", "2026-02-11", "overdue"),
        ("progress", "2026-03-13", "overdue"),
    ]
    # The next one shows once it is within two weeks.
    assert ("progress", "2026-04-12", "due") in owed("2026-03-30")


def test_an_episode_that_ends_before_its_first_progress_report_owes_none(location_a):
    referral_seen(location=location_a, visits=["2026-01-12"], ended_on="2026-02-05")
    assert kinds("2026-03-01") == ["initial", "discharge"]


def test_a_progress_report_due_on_the_discharge_day_gives_way_to_the_discharge_report(
    location_a,
):
    referral_seen(location=location_a, visits=["2026-01-12"], ended_on="2026-02-11")
    assert kinds("2026-03-01") == ["initial", "discharge"]


def test_an_ended_episode_owes_a_discharge_report_three_business_days_later(location_a):
    referral_seen(location=location_a, visits=["2026-01-12"], ended_on="2026-02-05")  # Thu
    assert ("discharge", "2026-02-10", "due") in owed("2026-02-06")


def test_an_episode_ending_after_the_as_of_date_is_still_open(location_a):
    referral_seen(location=location_a, visits=["2026-01-12"], ended_on="2026-02-20")
    assert "discharge" not in kinds("2026-02-19")
    assert "discharge" in kinds("2026-02-20")


# ----- redirect -------------------------------------------------------------------------


def test_a_referral_declined_as_not_appropriate_owes_a_redirect_letter_the_next_business_day(
    location_a,
):
    ReferralFactory(
        patient__location=location_a,
        received_on=day("2026-01-15"),
        decision="declined",
        decided_on=day("2026-01-16"),
        decline_reason="not_appropriate",
    )
    ReferralFactory(
        patient__location=location_a,
        received_on=day("2026-01-15"),
        decision="declined",
        decided_on=day("2026-01-16"),
        decline_reason="insurance",
    )
    assert owed("2026-01-16") == [("redirect", "2026-01-19", "due")]


# ----- alert ----------------------------------------------------------------------------


def test_a_patient_not_responding_owes_an_alert_from_the_measurement_that_showed_it(location_a):
    _, episode = referral_seen(location=location_a, visits=["2026-01-12"])
    measure(episode, ("2026-01-12", "46"), ("2026-02-02", "44"), ("2026-02-09", "40"))
    # Feb 9 (Monday) is the first measurement 28+ days after the first: 6 < 10 points.
    assert ("alert", "2026-02-11", "due") in owed("2026-02-10")


def test_a_worsening_patient_owes_an_alert(location_a):
    _, episode = referral_seen(location=location_a, visits=["2026-01-12"])
    measure(episode, ("2026-01-12", "30"), ("2026-02-13", "44"))  # Friday
    assert ("alert", "2026-02-17", "due") in owed("2026-02-16")


@pytest.mark.parametrize(
    "scores",
    [
        [("2026-01-12", "46"), ("2026-02-09", "36")],  # improved by exactly the MCID
        [("2026-01-12", "46"), ("2026-02-08", "46")],  # only 27 days apart
        [("2026-01-12", "46")],  # measured once
    ],
)
def test_no_alert_without_evidence_of_non_response(location_a, scores):
    _, episode = referral_seen(location=location_a, visits=["2026-01-12"])
    measure(episode, *scores)
    assert "alert" not in kinds("2026-03-01")


def test_only_the_primary_instrument_and_an_open_episode_count_for_alerts(location_a):
    _, episode = referral_seen(location=location_a, visits=["2026-01-12"], ended_on="2026-02-09")
    measure(episode, ("2026-01-12", "6"), ("2026-02-10", "6"), instrument="NPRS")
    measure(episode, ("2026-01-12", "46"), ("2026-02-09", "45"))  # on the discharge day
    assert "alert" not in kinds("2026-03-01")


def test_decimal_scores_meeting_the_mcid_exactly_raise_no_alert(location_a):
    _, episode = referral_seen(location=location_a, visits=["2026-01-12"], primary_measure="NPRS")
    measure(episode, ("2026-01-12", "6.3"), ("2026-02-10", "4.3"), instrument="NPRS")
    assert "alert" not in kinds("2026-03-01")


# ----- settings and per-partner overrides -------------------------------------------------


def test_the_practice_sets_the_rules(location_a):
    PracticeSettings.objects.update_or_create(id=1, defaults={"initial_report_business_days": 5})
    referral_seen(location=location_a, visits=["2026-01-12"])
    assert owed("2026-01-12") == [("initial", "2026-01-19", "due")]


def test_a_surgeon_who_wants_updates_every_fourteen_days_gets_them(location_a):
    surgeon = PartnerFactory(specialty_id="orthopedic_surgery")
    CommunicationPreference.objects.create(partner=surgeon, progress_report_interval_days=14)
    referral_seen(location=location_a, visits=["2026-01-12"], partner=surgeon)
    referral_seen(location=location_a, visits=["2026-01-12"])  # another partner: every 30
    progress = [due for kind, due, _ in owed("2026-02-20") if kind == "progress"]
    assert progress == ["2026-01-26", "2026-02-09", "2026-02-11", "2026-02-23"]


def test_a_partner_who_wants_only_the_discharge_report_is_owed_nothing_else(location_a):
    partner = PartnerFactory()
    CommunicationPreference.objects.create(
        partner=partner, wants_initial=False, wants_progress=False, wants_alert=False
    )
    _, episode = referral_seen(
        location=location_a, visits=["2026-01-12"], ended_on="2026-03-20", partner=partner
    )
    measure(episode, ("2026-01-12", "46"), ("2026-02-10", "46"))
    assert kinds("2026-03-25") == ["discharge"]


def test_a_partner_override_of_the_business_days_moves_the_due_date(location_a):
    partner = PartnerFactory()
    CommunicationPreference.objects.create(partner=partner, initial_report_business_days=0)
    referral_seen(location=location_a, visits=["2026-01-17"], partner=partner)  # Saturday
    assert owed("2026-01-17") == [("initial", "2026-01-17", "due")]


# ----- the reports that meet obligations -------------------------------------------------


def test_a_report_sent_by_its_due_date_is_on_time_and_one_sent_after_is_late(location_a):
    referral, episode = referral_seen(location=location_a, visits=["2026-01-12"])
    ReportFactory(
        referral=referral,
        episode=episode,
        kind="initial",
        due_on=day("2026-01-14"),
        sent_on=day("2026-01-14"),
    )
    late, late_episode = referral_seen(location=location_a, visits=["2026-01-12"])
    ReportFactory(
        referral=late,
        episode=late_episode,
        kind="initial",
        due_on=day("2026-01-14"),
        sent_on=day("2026-01-16"),
    )
    assert sorted(status for _, _, status in owed("2026-01-20")) == ["sent_late", "sent_on_time"]


def test_a_report_sent_after_the_as_of_date_does_not_count_yet(location_a):
    referral, episode = referral_seen(location=location_a, visits=["2026-01-12"])
    ReportFactory(
        referral=referral,
        episode=episode,
        kind="initial",
        due_on=day("2026-01-14"),
        sent_on=day("2026-01-16"),
    )
    [obligation] = obligations_due(as_of=day("2026-01-15"), since=day("2026-01-01"))
    assert (obligation.status, obligation.sent_on) == ("overdue", None)


def test_progress_reports_meet_progress_obligations_in_order(location_a):
    referral, episode = referral_seen(location=location_a, visits=["2026-01-12"])
    for due, sent in [("2026-02-11", "2026-02-10"), ("2026-03-13", "2026-03-16")]:
        ReportFactory(
            referral=referral, episode=episode, kind="progress", due_on=day(due), sent_on=day(sent)
        )
    progress = [o for o in owed("2026-04-20") if o[0] == "progress"]
    assert progress == [
        ("progress", "2026-02-11", "sent_on_time"),
        ("progress", "2026-03-13", "sent_late"),
        ("progress", "2026-04-12", "overdue"),
    ]


def test_each_obligation_names_the_report_that_meets_it(location_a):
    referral, episode = referral_seen(location=location_a, visits=["2026-01-12"])
    report = ReportFactory(referral=referral, episode=episode, kind="initial")
    [obligation] = obligations_due(as_of=day("2026-01-13"), since=day("2026-01-01"))
    assert obligation.report_id == report.pk
    assert (obligation.referral_id, obligation.episode_id) == (referral.pk, episode.pk)


# ----- derived from the record ------------------------------------------------------------


def test_an_obligation_disappears_when_the_visit_that_caused_it_is_corrected(location_a):
    _, episode = referral_seen(location=location_a, visits=["2026-01-12"])
    assert kinds("2026-01-20") == ["initial"]
    Visit.objects.filter(episode=episode).update(status=Visit.Status.NO_SHOW)
    assert kinds("2026-01-20") == []


def test_correcting_a_discharge_date_moves_the_discharge_report(location_a):
    _, episode = referral_seen(location=location_a, visits=["2026-01-12"], ended_on="2026-02-05")
    assert ("discharge", "2026-02-10", "overdue") in owed("2026-02-20")
    episode.ended_on = None
    episode.discharge_reason = None
    episode.save()
    assert "discharge" not in kinds("2026-02-20")


def test_a_corrected_decline_reason_removes_the_redirect_letter(location_a):
    referral = ReferralFactory(
        patient__location=location_a,
        received_on=day("2026-01-15"),
        decision="declined",
        decided_on=day("2026-01-16"),
        decline_reason="not_appropriate",
    )
    assert kinds("2026-01-20") == ["redirect"]
    referral.decline_reason = "insurance"
    referral.save()
    assert kinds("2026-01-20") == []


# ----- scope and window --------------------------------------------------------------------


def test_a_location_sees_only_its_patients_obligations(location_a, location_b):
    referral_seen(location=location_a, visits=["2026-01-12"])
    referral_seen(location=location_b, visits=["2026-01-13"])
    assert owed("2026-01-20", location_ids=[location_b.pk]) == [
        ("initial", "2026-01-15", "overdue")
    ]


def test_the_default_listing_is_the_year_up_to_d_and_the_next_two_weeks(location_a):
    # Due Dec 4 and 26, 2024: more than a year before D, so not listed unless asked for.
    referral_seen(location=location_a, visits=["2024-12-02"], ended_on="2024-12-20")
    referral_seen(location=location_a, visits=["2026-01-12"])  # due Jan 14, 2026
    listed = obligations_due(as_of=day("2026-01-13"))
    assert [(o.kind, o.due_on) for o in listed] == [("initial", day("2026-01-14"))]
    everything = obligations_due(as_of=day("2026-01-13"), since=day("2024-01-01"))
    assert [o.kind for o in everything] == ["initial", "discharge", "initial"]


def test_obligations_carry_the_practices_own_ids(location_a):
    referral, episode = referral_seen(location=location_a, visits=["2026-01-12"])
    referral.external_id = "R-17"
    referral.save()
    [obligation] = obligations_due(as_of=day("2026-01-13"))
    assert obligation.referral_ref == "R-17"
    assert obligation.episode_ref == str(episode.code)  # no practice id: the code
    assert obligation.partner_ref == str(referral.partner.code)


def test_the_sql_business_day_arithmetic_matches_the_python_rule(db):
    sql = "SELECT " + _plus_business_days("%(day)s", "%(count)s")
    start = dt.date(2026, 1, 5)
    with connection.cursor() as cursor:
        for offset in range(14):
            for count in range(13):
                date = start + dt.timedelta(days=offset)
                cursor.execute(sql, {"day": (date - EPOCH).days, "count": count})
                got = EPOCH + dt.timedelta(days=cursor.fetchone()[0])
                assert got == add_business_days(date, count), (date, count)


def test_reports_without_obligations_are_left_alone(location_a):
    referral, _ = referral_seen(location=location_a, visits=["2026-01-20"])
    ReportFactory(referral=referral, kind="redirect")
    assert owed("2026-01-10") == []
    assert Report.objects.count() == 1


# ----- the reports still owed (Today) --------------------------------------------------

UNSENT_D = dt.date(2026, 3, 4)


def _history(draw, locations) -> None:
    """Referrals seen or declined over the last year and a half, with episodes, attended
    and missed visits, readings, and reports sent on time, late, after D or not at all."""
    from hypothesis import strategies as st

    from liaison.factories import EpisodeFactory, OutcomeFactory, PatientFactory

    def before_d(most=540):
        return UNSENT_D - dt.timedelta(days=draw(st.integers(0, most)))

    partners = [PartnerFactory() for _ in range(2)]
    for _ in range(draw(st.integers(1, 6))):
        patient = PatientFactory(location=draw(st.sampled_from(locations)))
        received = before_d()
        declined = draw(st.booleans())
        ref = ReferralFactory(
            patient=patient,
            partner=draw(st.sampled_from(partners)),
            received_on=received,
            **(
                {
                    "decision": "declined",
                    "decline_reason": "not_appropriate",
                    "decided_on": received,
                }
                if declined
                else {}
            ),
        )
        episodes = []
        for _ in range(0 if declined else draw(st.integers(0, 2))):
            started = min(UNSENT_D, received + dt.timedelta(days=draw(st.integers(0, 30))))
            ended = started + dt.timedelta(days=draw(st.integers(0, 150)))
            ep = EpisodeFactory(
                patient=patient,
                referral=ref,
                started_on=started,
                ended_on=ended if ended <= UNSENT_D and draw(st.booleans()) else None,
                primary_measure="ODI",
            )
            for offset in draw(st.lists(st.integers(0, 120), max_size=4)):
                VisitFactory(
                    episode=ep,
                    visit_on=started + dt.timedelta(days=offset),
                    status=draw(st.sampled_from(["attended", "attended", "no_show"])),
                )
            for offset in draw(st.lists(st.integers(0, 90), max_size=3)):
                OutcomeFactory(
                    episode=ep,
                    instrument="ODI",
                    measured_on=started + dt.timedelta(days=offset),
                    score=draw(st.sampled_from([20, 30, 40, 50])),
                )
            episodes.append(ep)
        for _ in range(draw(st.integers(0, 3))):
            kind = draw(
                st.sampled_from(
                    ["initial", "progress", "alert", "redirect"]
                    + (["discharge"] if episodes else [])
                )
            )
            due = before_d(400)
            sent = draw(
                st.sampled_from(
                    [None, due, due + dt.timedelta(days=9), UNSENT_D + dt.timedelta(days=1)]
                )
            )
            episode = draw(st.sampled_from(episodes)) if episodes else None
            ReportFactory(referral=ref, kind=kind, due_on=due, sent_on=sent, episode=episode)


def test_the_reports_still_owed_are_the_due_engines_overdue_and_due_today(location_a, location_b):
    """`obligations_unsent` (Today's lists) gives exactly the unsent rows of
    `obligations_due` up to D, for the practice and for one location, on random histories."""
    from django.db import transaction
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from liaison.reports.obligations import Status, obligations_unsent

    @settings(
        max_examples=40,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.data())
    def check(data):
        with transaction.atomic():
            _history(data.draw, [location_a, location_b])
            for location_ids in (None, [location_a.pk]):
                everything = obligations_due(
                    as_of=UNSENT_D, ahead_days=0, location_ids=location_ids
                )
                unsent = [o for o in everything if o.status in Status.UNSENT]
                assert obligations_unsent(as_of=UNSENT_D, location_ids=location_ids) == unsent
            transaction.set_rollback(True)

    check()
