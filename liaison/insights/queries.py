"""Reads that turn records into the figures the practice sees (definitions: docs/metrics.md).

The figures live in modules beside this one, one idea each; this module is the door the
views, the API and the command come through.
"""

from liaison.accounts.models import Location
from liaison.core.codes import by_practice_id
from liaison.insights.channels import ChannelFigures, channel_figures
from liaison.insights.documents import (
    channels_document,
    gaps_document,
    not_responding_by_partner_document,
    not_responding_document,
    response_document,
    scorecards_document,
)
from liaison.insights.gaps import NetworkGaps, network_gaps
from liaison.insights.informed import KeepingInformed, keeping_informed
from liaison.insights.not_responding import NotResponding, patients_not_responding
from liaison.insights.response import LettersOnTime, ResponseTimes, letters_on_time, response_times
from liaison.insights.scope import Scope
from liaison.insights.scorecards import PartnerScorecard, partner_scorecard, partner_scorecards

__all__ = [
    "ChannelFigures",
    "KeepingInformed",
    "LettersOnTime",
    "NetworkGaps",
    "NotResponding",
    "PartnerScorecard",
    "ResponseTimes",
    "Scope",
    "channel_figures",
    "channels_document",
    "find_location",
    "gaps_document",
    "keeping_informed",
    "letters_on_time",
    "network_gaps",
    "not_responding_by_partner_document",
    "not_responding_document",
    "partner_scorecard",
    "partner_scorecards",
    "patients_not_responding",
    "response_document",
    "response_times",
    "scorecards_document",
]


def find_location(practice_id: str) -> Location | None:
    """A location by the practice's own id, or by its code."""
    return by_practice_id(Location.objects, practice_id)
