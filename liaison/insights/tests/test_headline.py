"""The home page's headline counts still hold beside the figures."""

import pytest

from liaison.factories import PartnerFactory, ReportFactory
from liaison.insights.queries import practice_headline
from liaison.insights.tests.history import day, episode, referral, visits

pytestmark = pytest.mark.django_db


def test_headline_counts(django_assert_max_num_queries):
    partner = PartnerFactory()
    PartnerFactory(stage="prospect")
    ref = referral(partner, "2026-03-20")
    visits(episode(ref, started="2026-03-25"), "2026-03-25")
    ReportFactory(referral=ref, due_on=day("2026-03-27"))
    with django_assert_max_num_queries(5):
        headline = practice_headline(as_of=day("2026-03-31"))
    assert (headline.partners, headline.active_partners, headline.referrals_30d) == (2, 1, 1)
    assert (headline.awaiting_triage, headline.new_patients_30d, headline.reports_overdue) == (
        1, 1, 1)
