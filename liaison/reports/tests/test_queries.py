import datetime as dt

from liaison.reports.obligations import Obligation
from liaison.reports.owed import Status
from liaison.reports.queries import owed_groups

D = dt.date(2026, 3, 10)
ME, SOMEONE_ELSE = 7, 8
HERE, ELSEWHERE = 1, 2


class User:
    pk = ME


def owed(due_on: str, status: str, *, clinician_id=None, location_id=HERE) -> Obligation:
    return Obligation(
        kind="initial",
        due_on=dt.date.fromisoformat(due_on),
        status=status,
        sent_on=None,
        report_id=None,
        referral_id=1,
        episode_id=None,
        partner_id=1,
        location_id=location_id,
        clinician_id=clinician_id,
        clinician="",
        referral_ref="R1",
        episode_ref=None,
        partner_ref="P1",
    )


OBLIGATIONS = [
    owed("2026-03-05", Status.OVERDUE, clinician_id=ME),
    owed("2026-03-02", Status.OVERDUE, clinician_id=SOMEONE_ELSE),
    owed("2026-03-03", Status.OVERDUE),  # names nobody: everyone's at the clinic
    owed("2026-03-10", Status.DUE, clinician_id=SOMEONE_ELSE),
    owed("2026-03-10", Status.DUE, clinician_id=ME),
    owed("2026-03-12", Status.DUE, clinician_id=ME),
    owed("2026-03-12", Status.DUE, clinician_id=ME, location_id=ELSEWHERE),
]


def groups(*, mine: bool):
    found = owed_groups(
        obligations=OBLIGATIONS, user=User(), as_of=D, location_ids={HERE}, mine=mine
    )
    return [
        [(o.due_on.day, o.clinician_id) for o in group]
        for group in (found.overdue, found.due_today, found.coming_due)
    ]


def test_the_owed_are_overdue_oldest_first_due_today_and_coming_due():
    assert groups(mine=False) == [
        [(2, SOMEONE_ELSE), (3, None), (5, ME)],
        [(10, SOMEONE_ELSE), (10, ME)],
        [(12, ME), (12, ME)],
    ]


def test_mine_keeps_the_users_own_and_those_naming_nobody_at_their_clinics():
    assert groups(mine=True) == [[(3, None), (5, ME)], [(10, ME)], [(12, ME)]]
