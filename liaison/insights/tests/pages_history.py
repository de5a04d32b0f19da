"""A small network for the insights pages' tests: one partner of each trend, as of D."""

import datetime as dt

from liaison.factories import PartnerFactory
from liaison.insights.tests.history import day, episode, referral, touchpoint, visits

D = day("2026-06-15")  # recent (2026-03-17, D], baseline (2025-03-17, 2026-03-17]


def _every(start: str, n: int, step_days: int) -> list[str]:
    first = day(start)
    return [(first + dt.timedelta(days=i * step_days)).isoformat() for i in range(n)]


def build(location) -> dict:
    """Partners by trend name; each referral's patient at `location`."""
    partners = {
        "steady": PartnerFactory(last_name="Steady", specialty_id="primary_care"),
        "declining": PartnerFactory(last_name="Dropping", specialty_id="orthopedic_surgery"),
        "dormant": PartnerFactory(last_name="Quiet", specialty_id="primary_care"),
        "growing": PartnerFactory(last_name="Rising", specialty_id="sports_medicine"),
        "new": PartnerFactory(last_name="Fresh", specialty_id="podiatry"),
    }
    dates = {
        "steady": _every("2025-04-01", 15, 28),  # about one a month, up to D
        "declining": _every("2026-01-05", 20, 3),  # all in the baseline's last months
        "dormant": _every("2025-05-01", 4, 7),
        "growing": [*_every("2025-06-01", 3, 60), *_every("2026-04-01", 10, 6)],
        "new": _every("2026-06-05", 2, 3),  # first referral after the end of May
    }
    first = {}
    for name, days in dates.items():
        for on in days:
            first.setdefault(name, referral(partners[name], on, location=location))
    # Two first visits: new patients in April of each year.
    visits(episode(first["steady"], started="2025-04-03"), "2025-04-03")
    visits(episode(first["growing"], started="2026-04-02"), "2026-04-02")
    touchpoint(partners["declining"], "2026-02-01")
    return partners


def get_as_of_d(client, user, url: str, **params):
    """The page as the user sees it, as of D."""
    client.force_login(user)
    return client.get(url, {"as_of": D.isoformat(), **params})
