"""Scorecards carry the partner's database id, pages link by its code: one query for the
codes of the partners a page shows."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from liaison.insights.scorecards import PartnerScorecard
from liaison.partners.models import Partner


@dataclass(frozen=True)
class Linked:
    """A scorecard and the code of its partner's page."""

    card: PartnerScorecard
    code: uuid.UUID | None


def linked(cards: Iterable[PartnerScorecard]) -> list[Linked]:
    cards = list(cards)
    codes = dict(Partner.objects.filter(pk__in=[c.pk for c in cards]).values_list("pk", "code"))
    return [Linked(c, codes.get(c.pk)) for c in cards]
