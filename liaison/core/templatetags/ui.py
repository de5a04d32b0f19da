"""Presentation helpers for the templates: labels and arrangements, never business rules."""

import datetime as dt
from dataclasses import dataclass

from django import template
from django.utils import timezone

from liaison.accounts.models import Role

register = template.Library()


@register.filter
def role_label(user) -> str:
    role = getattr(user, "role", None)
    return Role(role).label if role else "No role"


@register.filter
def age(birth_date: dt.date | None) -> int | None:
    """Whole years from `birth_date` to today in the practice's time zone."""
    if not birth_date:
        return None
    today = timezone.localdate()
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - before_birthday


@dataclass(frozen=True)
class TimelineEvent:
    on: dt.date
    kind: str  # "referral", "episode-start" or "episode-end"
    obj: object


@register.simple_tag
def timeline(referrals, episodes) -> list[TimelineEvent]:
    """Referrals received, episodes started and episodes ended, newest first."""
    events = [TimelineEvent(r.received_on, "referral", r) for r in referrals]
    for episode in episodes:
        events.append(TimelineEvent(episode.started_on, "episode-start", episode))
        if episode.ended_on:
            events.append(TimelineEvent(episode.ended_on, "episode-end", episode))
    order = {"episode-end": 0, "episode-start": 1, "referral": 2}
    # On one day, a referral comes before the episode it opens: newest-first shows it below.
    return sorted(events, key=lambda e: (e.on, -order[e.kind]), reverse=True)
