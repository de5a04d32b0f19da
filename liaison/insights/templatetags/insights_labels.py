"""The words for the codes that figures carry (specialty, trend, channel, report kind), so
that printed summaries read like the pages: "Primary care", not `primary_care`."""

from django import template

from liaison.care.models import Channel
from liaison.insights.pages.ranking import SPECIALTIES
from liaison.insights.response import ALL_KINDS
from liaison.insights.scorecards import Trend
from liaison.reports.models import ReportKind

register = template.Library()

KINDS = {**dict(ReportKind.choices), ALL_KINDS: "All kinds"}
CHANNELS = dict(Channel.choices)


@register.filter
def specialty_label(slug: str) -> str:
    return SPECIALTIES.get(slug, slug)


@register.filter
def trend_label(trend: str) -> str:
    return Trend(trend).label if trend in Trend.values else trend


@register.filter
def channel_label(channel: str) -> str:
    return CHANNELS.get(channel, channel)


@register.filter
def kind_label(kind: str) -> str:
    return KINDS.get(kind, kind)
