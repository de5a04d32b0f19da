"""The insights over the API: the same objects as `liaison scorecards --format json`.

Each endpoint declares its audience (accounts/access.py `Audience`), which the OpenAPI
description carries as `x-audience`: partner-level figures are for managers and the liaison
role and name no patient; the one clinical endpoint (episodes not responding to care) is for
managers and clinicians, narrowed to the patients they may see, and every call is audited.
Every endpoint takes `as_of` (default today), `window_days` (default 365) and `location`
(a location's practice id or code).
"""

import datetime as dt
import re

from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError, ValidationError
from pydantic import field_validator

from liaison.accounts.access import Audience, serves
from liaison.accounts.audit import audit_record
from liaison.accounts.models import AuditEvent
from liaison.care.models import Episode
from liaison.core.dates import PLAUSIBLE, PLAUSIBLE_YEAR, implausible
from liaison.insights.queries import (
    Scope,
    channels_document,
    find_location,
    gaps_document,
    not_responding_by_partner_document,
    not_responding_document,
    response_document,
    scorecards_document,
)
from liaison.insights.scope import DEFAULT_WINDOW_DAYS, MAX_WINDOW_DAYS

router = Router(tags=["insights"])
MONEY = "Money, exact, as text: 1234.50"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Filters(Schema):
    as_of: dt.date | None = Field(
        None,
        description=f"Inclusive as-of date, {PLAUSIBLE}; default today.",
        json_schema_extra={"pattern": PLAUSIBLE_YEAR},
    )
    window_days: int = Field(
        DEFAULT_WINDOW_DAYS, ge=1, le=MAX_WINDOW_DAYS, description="Window length in days."
    )
    location: str | None = Field(
        None,
        description="Only this location's patients: its practice id or code.",
        max_length=64,
    )

    @field_validator("as_of", mode="before")
    @classmethod
    def _iso(cls, value: object) -> object:
        """Only YYYY-MM-DD: not a timestamp such as 0, which would read as 1970-01-01."""
        if isinstance(value, str) and not ISO_DATE.fullmatch(value):
            raise ValueError(f"{value[:20]} is not a date (YYYY-MM-DD).")
        return value

    @field_validator("as_of")
    @classmethod
    def _plausible(cls, day: dt.date | None) -> dt.date | None:
        if day is not None and (problem := implausible(day)):
            raise ValueError(problem)
        return day


class Header(Schema):
    as_of: dt.date
    window_days: int


class PartnerOut(Schema):
    partner_id: str
    name: str
    specialty: str
    referrals: int
    mature_referrals: int
    seen: int
    conversion_rate: float | None
    declined_not_appropriate: int
    appropriateness_rate: float | None
    median_days_to_first_visit: float | None
    closed_episodes: int
    compliance_rate: float | None
    outcome_success_rate: float | None
    revenue: str = Field(description=MONEY)
    quality_index: float | None
    value_score: str | None = Field(description="revenue × quality_index, to the cent")
    recent_referrals: int
    baseline_referrals: int
    expected_recent: float
    p_decline: float
    p_growth: float
    trend: str = Field(description="none, new, dormant, declining, growing or steady")
    last_referral_on: dt.date | None
    last_touchpoint_on: dt.date | None
    needs_reconnect: bool


class ChannelOut(Schema):
    channel: str
    new_patients: int = Field(description="Patients whose first visit is in the window.")
    ltv_12m: str | None = Field(
        description=(
            "Mean payments of a patient's first 12 months, over patients first seen in the window "
            "a year earlier. " + MONEY
        )
    )
    ltv_24m: str | None = Field(
        description=(
            "Mean payments of a patient's first 24 months, over patients first seen in the window "
            "two years earlier. " + MONEY
        )
    )
    spend: str | None = Field(
        description=(
            "Acquisition spend dated in the window (for referral, touchpoint costs too); null "
            "when none was recorded. " + MONEY
        )
    )
    cost_per_new_patient: str | None = Field(description="spend ÷ new_patients. " + MONEY)
    ltv_to_cac: float | None = Field(description="ltv_12m ÷ cost_per_new_patient.")
    return_rate: float | None
    compliance_rate: float | None


class OnTimeOut(Schema):
    initial: float | None
    progress: float | None
    discharge: float | None
    redirect: float | None
    alert: float | None
    all: float | None


class ResponseOut(Schema):
    median_days_to_first_visit: float | None
    p90_days_to_first_visit: int | None
    seen_within_target_rate: float | None
    on_time_rate: OnTimeOut = Field(
        description="Of the reports owed (written or not) and due in the window, the share "
        "sent on or before the due date; a report never written is not on time."
    )
    informed_completion_rate: float | None = Field(
        description="Compliance of the episodes ended in the window whose referrer had the "
        "initial report on time."
    )
    informed_success_rate: float | None = Field(description="Outcome success of those episodes.")
    uninformed_completion_rate: float | None = Field(
        description="Compliance of the episodes whose initial report was late or never sent."
    )
    uninformed_success_rate: float | None = Field(
        description="Outcome success of those episodes. An association, not proof."
    )


class ScorecardsOut(Header):
    partners: list[PartnerOut]
    channels: list[ChannelOut]
    response: ResponseOut


class ChannelsOut(Header):
    channels: list[ChannelOut]


class ResponseTimesOut(Header):
    response: ResponseOut


class SpecialtyOut(Schema):
    specialty: str
    name: str
    wanted: bool
    target_active_partners: int | None
    active_partners: int
    shortfall: int


class ZipOut(Schema):
    zip: str
    new_patients: int
    active_partners_within_10_miles: int | None
    gap: bool


class GapsOut(Header):
    specialties: list[SpecialtyOut]
    zips: list[ZipOut]


class NotRespondingOut(Schema):
    episode_code: str
    partner_id: str | None
    instrument: str
    readings: int
    days_measured: int
    improvement: float
    mcid: float
    worsening: bool


class NotRespondingListOut(Header):
    episodes: list[NotRespondingOut]


class PartnerNotRespondingOut(Schema):
    partner_id: str | None = Field(description="None: patients who came without a referral")
    not_responding: int
    worsening: int


class NotRespondingByPartnerOut(Header):
    partners: list[PartnerNotRespondingOut]


class Problem(Schema):
    detail: str


class FieldError(Schema):
    loc: list[str | int] = Field(description='Where: ["query", "as_of"]')
    msg: str = Field(description="What is wrong, in words.")
    type: str


class Invalid(Schema):
    detail: list[FieldError]


# What an endpoint answers besides its figures: 400 a parameter it cannot take (a date out of
# range, a location no practice id or code names), 401 not signed in, 403 a role the endpoint
# does not serve.
FAILURES = {400: Invalid, 401: Problem, 403: Problem}


def _for(audience: str) -> dict:
    """The OpenAPI extension that states an endpoint's audience."""
    return {"openapi_extra": {"x-audience": audience}}


PARTNER_LEVEL, CLINICAL = _for(Audience.PARTNER), _for(Audience.CLINICAL)


@router.get("/scorecards", response={200: ScorecardsOut, **FAILURES}, **PARTNER_LEVEL)
def scorecards(request, filters: Query[Filters]):
    """Every partner's scorecard, the channels and the response times."""
    return scorecards_document(scope=_scope(request, filters, Audience.PARTNER))


@router.get("/channels", response={200: ChannelsOut, **FAILURES}, **PARTNER_LEVEL)
def channels(request, filters: Query[Filters]):
    """New patients, value, spend and its return, returns and compliance per acquisition
    channel."""
    return channels_document(scope=_scope(request, filters, Audience.PARTNER))


@router.get("/response", response={200: ResponseTimesOut, **FAILURES}, **PARTNER_LEVEL)
def response(request, filters: Query[Filters]):
    """Days from referral to first visit, reports sent on time, and keeping referrers
    informed."""
    return response_document(scope=_scope(request, filters, Audience.PARTNER))


@router.get("/gaps", response={200: GapsOut, **FAILURES}, **PARTNER_LEVEL)
def gaps(request, filters: Query[Filters]):
    """Specialties short of active partners, and ZIPs with new patients but no partner near."""
    return gaps_document(scope=_scope(request, filters, Audience.PARTNER))


@router.get(
    "/not-responding/by-partner",
    response={200: NotRespondingByPartnerOut, **FAILURES},
    **PARTNER_LEVEL,
)
def not_responding_by_partner(request, filters: Query[Filters]):
    """How many of each partner's patients are not responding to care: counts, no episode."""
    return not_responding_by_partner_document(scope=_scope(request, filters, Audience.PARTNER))


@router.get("/not-responding", response={200: NotRespondingListOut, **FAILURES}, **CLINICAL)
def not_responding(request, filters: Query[Filters]):
    """Open episodes not responding to care (worsening ones flagged), of the patients the
    caller may see: episode codes, never names. Audited."""
    document = not_responding_document(
        scope=_scope(request, filters, Audience.CLINICAL), user=request.auth
    )
    audit_record(
        request=request,
        user=request.auth,
        action=AuditEvent.Action.VIEW,
        obj=Episode,
        detail=f"API not-responding list: {len(document['episodes'])} episodes",
    )
    return document


def _scope(request, filters: Filters, audience: str) -> Scope:
    """The scope the filters ask for, once the user is known to be served by the endpoint."""
    if not serves(request.auth, audience):
        raise HttpError(403, Audience.REFUSALS[audience])
    location_id = None
    if filters.location is not None:
        location = find_location(filters.location)
        if location is None:
            raise ValidationError(
                [
                    {
                        "loc": ["query", "location"],
                        "msg": "No location has this practice id or code.",
                        "type": "value_error",
                    }
                ]
            )
        location_id = location.pk
    return Scope(
        as_of=filters.as_of or timezone.localdate(),
        window_days=filters.window_days,
        location_id=location_id,
    )
