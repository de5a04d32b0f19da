"""Each figure runs a fixed number of queries, whatever the size of the history."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.core.models import PracticeSettings
from liaison.factories import PartnerFactory
from liaison.insights import data_version, queries
from liaison.insights.scope import Scope
from liaison.insights.tests.history import (
    day,
    episode,
    payment,
    reading,
    referral,
    spend,
    touchpoint,
    visits,
)

pytestmark = pytest.mark.django_db

SCOPE = Scope(as_of=day("2026-03-31"))
CACHE_TABLE = getattr(settings, "CACHE_TABLE", "liaison_cache")
VERSION_TABLE = data_version.TABLE
TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"}


def grow(partners: int, referrals_each: int):
    for _ in range(partners):
        partner = PartnerFactory()
        touchpoint(partner, "2026-02-01", cost="20.00")
        spend("social", "2026-02-01", "150.00")
        for i in range(referrals_each):
            ref = referral(partner, f"2026-0{1 + i % 3}-0{1 + i % 9}")
            ep = episode(ref, started="2026-03-10", ended="2026-03-20")
            visits(ep, "2026-03-10", "2026-03-12")
            reading(ep, "2026-03-10", 40)
            reading(ep, "2026-03-20", 20)
            payment(ref.patient, "2026-03-10", "90.00", ep)


CALLS = [
    (lambda: queries.partner_scorecards(scope=SCOPE), 5),
    (lambda: queries.channel_figures(scope=SCOPE), 3),
    # The target and the first visits; the reports on time and keeping referrers informed
    # each read the rules (two queries) and run the due engine's statement.
    (lambda: queries.response_times(scope=SCOPE), 6),
    (lambda: queries.network_gaps(scope=SCOPE), 3),
    (lambda: queries.patients_not_responding(scope=SCOPE), 1),
    (lambda: queries.scorecards_document(scope=SCOPE), 12),
]


@pytest.mark.parametrize(("call", "count"), CALLS)
def test_query_count_does_not_grow_with_the_history(django_assert_num_queries, call, count):
    PracticeSettings.current()
    grow(1, 1)
    with django_assert_num_queries(count):
        call()
    grow(4, 6)
    with django_assert_num_queries(count):
        call()


def figure_queries(call) -> int:
    """The queries `call` runs over the practice's records (the cache's own and the data
    version's are not counted: they depend on the cache backend, not on the figures)."""
    with CaptureQueriesContext(connection) as captured:
        call()
    return sum(
        CACHE_TABLE not in q["sql"]
        and VERSION_TABLE not in q["sql"]
        and q["sql"].split()[0].upper() not in TRANSACTION_CONTROL
        for q in captured.captured_queries
    )


def test_one_partners_scorecard_in_five_queries_and_two_for_the_pooled_rates():
    partner = PartnerFactory()
    counts = []
    for size in (1, 4):
        grow(size, 3)  # a write: the data version advances
        card = lambda: queries.partner_scorecard(scope=SCOPE, partner=partner)  # noqa: E731
        counts.append((figure_queries(card), figure_queries(card)))
    assert counts == [(7, 5), (7, 5)]  # after a write, then with the pooled rates kept
