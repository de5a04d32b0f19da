"""Every on-time figure Liaison shows is the share of the due engine's obligations (the rows of
`obligations_due`, as `liaison reports_due` lists them) sent on time, for the same scope: the
response page (by kind, clinician and location, and its CSV), the API, the scorecards JSON and
the partner page, on random histories (hypothesis draws small ones)."""

import datetime as dt
from collections import defaultdict

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import client_for
from liaison.care.models import Episode
from liaison.factories import (
    EpisodeFactory,
    OutcomeFactory,
    PartnerFactory,
    PatientFactory,
    ReferralFactory,
    ReportFactory,
    VisitFactory,
)
from liaison.insights.documents import scorecards_document
from liaison.insights.response import reports_on_time
from liaison.insights.scope import Scope
from liaison.insights.tests.page_checks import csv_lines
from liaison.reports.models import CommunicationPreference, Report
from liaison.reports.obligations import Status, obligations_due

pytestmark = pytest.mark.django_db

D = dt.date(2026, 3, 31)
CLINICIANS = ["Sam Lee, DPT", "Kim Ito, PT", ""]
KIND_LABELS = dict(Report.Kind.choices)


def build(draw, partners, locations) -> None:
    """Referrals seen or declined over the last 15 months, episodes open and ended, missed
    visits, readings that may raise an alert, and reports sent on time, late, after D or
    never written; sometimes a partner who wants no initial report or progress every 14
    days."""

    def before_d(most):
        return D - dt.timedelta(days=draw(st.integers(0, most)))

    if draw(st.booleans()):
        CommunicationPreference.objects.create(
            partner=partners[0],
            wants_initial=draw(st.booleans()),
            progress_report_interval_days=draw(st.sampled_from([None, 14])),
        )
    for _ in range(draw(st.integers(1, 7))):
        patient = PatientFactory(location=draw(st.sampled_from(locations)))
        received = before_d(450)
        declined = draw(st.integers(0, 4)) == 0
        ref = ReferralFactory(
            patient=patient,
            partner=draw(st.sampled_from(partners)),
            received_on=received,
            **(
                {
                    "decision": "declined",
                    "decline_reason": "not_appropriate",
                    "decided_on": received + dt.timedelta(days=draw(st.integers(0, 3))),
                }
                if declined
                else {}
            ),
        )
        episodes = []
        for _ in range(0 if declined else draw(st.integers(1, 2))):
            started = received + dt.timedelta(days=draw(st.integers(0, 20)))
            ended = started + dt.timedelta(days=draw(st.integers(0, 120)))
            ep = EpisodeFactory(
                patient=patient,
                referral=ref,
                started_on=started,
                ended_on=ended if draw(st.booleans()) else None,
                clinician_name=draw(st.sampled_from(CLINICIANS)),
                primary_measure="ODI",
            )
            for offset in draw(st.lists(st.integers(0, 60), min_size=1, max_size=3)):
                VisitFactory(
                    episode=ep,
                    visit_on=started + dt.timedelta(days=offset),
                    status=draw(st.sampled_from(["attended", "attended", "no_show"])),
                )
            for offset in draw(st.lists(st.integers(0, 60), max_size=2)):
                OutcomeFactory(
                    episode=ep,
                    instrument="ODI",
                    score=draw(st.sampled_from([30, 40])),
                    measured_on=started + dt.timedelta(days=offset),
                )
            episodes.append(ep)
        if draw(st.booleans()):  # a stray report, which may meet no obligation
            kind = draw(
                st.sampled_from(
                    ["initial", "progress", "redirect", "alert"]
                    + (["discharge"] if episodes else [])
                )
            )
            due = received + dt.timedelta(days=draw(st.integers(0, 90)))
            ReportFactory(
                referral=ref,
                kind=kind,
                due_on=due,
                sent_on=due,
                episode=draw(st.sampled_from(episodes)) if episodes else None,
            )
    # Most reports owed are written: on time, early, late, after D, or not sent yet.
    for o in obligations_due(as_of=D, since=D - dt.timedelta(days=500), ahead_days=0):
        sent = draw(st.sampled_from([0, -1, 3, None, "after D", "never written"]))
        if sent == "never written":
            continue
        if sent == "after D":
            sent_on = D + dt.timedelta(days=1)
        else:
            sent_on = None if sent is None else o.due_on + dt.timedelta(days=sent)
        ReportFactory(
            referral_id=o.referral_id,
            episode_id=o.episode_id,
            kind=o.kind,
            due_on=o.due_on,
            sent_on=sent_on,
        )


def by_hand(obligations, group) -> dict:
    """{group: (due, sent on time)} counted one obligation at a time."""
    counts = defaultdict(lambda: [0, 0])
    for o in obligations:
        counts[group(o)][0] += 1
        counts[group(o)][1] += o.status == Status.SENT_ON_TIME
    return {key: tuple(value) for key, value in counts.items()}


def rate(due: int, on_time: int) -> float | None:
    return on_time / due if due else None


def rates_by_kind(obligations) -> dict:
    counts = by_hand(obligations, lambda o: o.kind)
    rates = {kind: rate(*counts.get(kind, (0, 0))) for kind in Report.Kind.values}
    rates["all"] = rate(len(obligations), sum(c[1] for c in counts.values()))
    return rates


def csv_rows(client, query) -> dict:
    """The response page's on-time CSV: {(by, name): (rate, due, sent on time)}."""
    lines = csv_lines(client.get(reverse("insights-response"), {**query, "csv": "on-time"}))
    import csv

    rows = {}
    for by, name, shown, due, on_time, _ in csv.reader(lines[1:]):
        rows[by, name] = (float(shown) if shown else None, int(due), int(on_time))
    return rows


def expected_csv(obligations, location_names) -> dict:
    rows = {}
    by_kind = by_hand(obligations, lambda o: o.kind)
    for kind in Report.Kind.values:
        due, on_time = by_kind.get(kind, (0, 0))
        rows["kind", KIND_LABELS[kind]] = (_rounded(rate(due, on_time)), due, on_time)
    on_time_all = sum(c[1] for c in by_kind.values())
    rows["kind", "All kinds"] = (
        _rounded(rate(len(obligations), on_time_all)),
        len(obligations),
        on_time_all,
    )
    for name, (due, on_time) in by_hand(obligations, lambda o: o.clinician).items():
        rows["clinician", name or "No clinician named"] = (
            _rounded(rate(due, on_time)),
            due,
            on_time,
        )
    for pk, (due, on_time) in by_hand(obligations, lambda o: o.location_id).items():
        rows["location", location_names[pk]] = (_rounded(rate(due, on_time)), due, on_time)
    return rows


def _rounded(value):
    return None if value is None else round(value, 4)


def completion_by_hand(scope: Scope) -> tuple:
    """(informed, uninformed) completion of the scope's closed episodes, one at a time."""
    initial = {
        o.referral_id: o.status == Status.SENT_ON_TIME
        for o in obligations_due(
            as_of=D,
            since=dt.date(2020, 1, 1),
            ahead_days=30,
            location_ids=scope.location_id and [scope.location_id],
        )
        if o.kind == "initial"
    }
    closed = Episode.objects.filter(
        ended_on__gte=scope.window_start,
        ended_on__lte=D,
        referral_id__in=initial,
        planned_visits__gt=0,
    )
    values: dict[bool, list[float]] = {True: [], False: []}
    for ep in closed:
        attended = ep.visits.filter(status="attended", visit_on__lte=D).count()
        values[initial[ep.referral_id]].append(min(1, attended / ep.planned_visits))
    return tuple(sum(v) / len(v) if v else None for v in (values[True], values[False]))


def isolated(test):
    """Each example in a savepoint rolled back after it (see test_properties.py)."""

    def run(data):
        with transaction.atomic():
            test(data)
            transaction.set_rollback(True)

    return run


@pytest.fixture
def world(client, owner, location_a, location_b):
    return client, owner, [location_a, location_b]


@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_every_on_time_figure_is_the_share_of_the_obligations_listed(world, data):
    client, owner, locations = world

    @isolated
    def example(data):
        partners = [PartnerFactory() for _ in range(3)]
        build(data.draw, partners, locations)
        window = data.draw(st.sampled_from([90, 180, 365]))  # the filter bar's choices
        location = data.draw(st.sampled_from([None, *locations]))
        scope = Scope(as_of=D, window_days=window, location_id=location.pk if location else None)
        listed = obligations_due(
            as_of=D,
            since=scope.window_start,
            ahead_days=0,
            location_ids=[location.pk] if location else None,
        )
        expected = rates_by_kind(listed)

        # The door itself, by kind, clinician and location.
        on_time = reports_on_time(scope=scope)
        assert on_time.rates == expected
        for group, key in [
            ("by_clinician", lambda o: o.clinician),
            ("by_location", lambda o: o.location_id),
        ]:
            found = {k: (c.due, c.on_time) for k, c in getattr(on_time, group).items()}
            assert found == by_hand(listed, key), group

        # The scorecards JSON, the API and the response page's CSV.
        assert scorecards_document(scope=scope)["response"]["on_time_rate"] == expected
        client_for(client, owner)
        query = {"as_of": D.isoformat(), "window_days": window}
        api_query = dict(query, **({"location": str(location.code)} if location else {}))
        body = client.get("/api/v1/insights/response", api_query).json()
        assert body["response"]["on_time_rate"] == expected
        page_query = dict(query, **({"location": str(location.code)} if location else {}))
        names = {loc.pk: loc.name for loc in locations}
        assert csv_rows(client, page_query) == expected_csv(listed, names)

        # Keeping referrers informed splits the window's closed episodes by the status of
        # their referral's initial report (whenever due), leaving out those owed none.
        informed = scorecards_document(scope=scope)["response"]
        assert (
            informed["informed_completion_rate"],
            informed["uninformed_completion_rate"],
        ) == pytest.approx(completion_by_hand(scope))

        # The partner page: the last 12 months of one partner's reports, as of today.
        partner = data.draw(st.sampled_from(partners))
        mine = [o for o in obligations_due(as_of=D, ahead_days=0) if o.partner_id == partner.pk]
        with time_machine.travel(dt.datetime(2026, 3, 31, 12, 0), tick=False):
            page = client.get(reverse("partners-detail", args=[partner.code])).content.decode()
        assert f"Owed in 12 months</abbr>: {len(mine)}<" in page
        sent_on_time = sum(o.status == Status.SENT_ON_TIME for o in mine)
        assert f"Sent on time: {sent_on_time}" in page
        overdue = sum(o.status == Status.OVERDUE for o in mine)
        assert f"Overdue, not sent: {overdue}<" in page

    example(data)
