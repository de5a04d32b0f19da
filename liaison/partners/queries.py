"""Reads of the partner directory: search, filters, contact plans, gift and meal spending.

Partner-level only: nothing here reads a patient.
"""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, Max, Q, QuerySet, Sum, Value, When

from liaison.core.models import PracticeSettings
from liaison.partners.models import ContactCadence, Partner, PlannedTouchpoint, Touchpoint

SEARCH_LIMIT = 8
# Spending at this share of the yearly limit earns a warning before the limit itself.
SPEND_WARNING_SHARE = Decimal("0.8")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _phone_patterns(digits: str) -> list[str]:
    """The ways a phone number is written in the directory, for digits typed at the desk."""
    patterns = [digits]
    if len(digits) == 10:
        patterns += [
            f"({digits[:3]}) {digits[3:6]}-{digits[6:]}",
            f"{digits[:3]}-{digits[3:6]}-{digits[6:]}",
        ]
    if len(digits) == 7:
        patterns.append(f"{digits[:3]}-{digits[3:]}")
    return patterns


def search_q(q: str) -> Q:
    """Name, practice (organization or employer), NPI or phone: what the desk knows."""
    q = q.strip()
    digits = _digits(q)
    if digits and len(digits) >= 4 and len(digits) >= len(q.replace(" ", "")) - 4:
        condition = Q(npi__startswith=digits)
        for pattern in _phone_patterns(digits):
            condition |= Q(phone__contains=pattern) | Q(fax__contains=pattern)
        return condition
    condition = Q()
    for word in q.split()[:4]:
        condition &= (
            Q(last_name__istartswith=word)
            | Q(first_name__istartswith=word)
            | Q(organization_name__icontains=word)
            | Q(works_at__organization_name__icontains=word)
        )
    return condition


def partners_search(*, q: str, limit: int = SEARCH_LIMIT) -> list[Partner]:
    """The best few matches for the intake form, active partners first."""
    if len(q.strip()) < 2:
        return []
    partners = (
        Partner.objects.filter(search_q(q))
        .exclude(stage=Partner.Stage.LOST)
        .select_related("specialty", "works_at")
        .annotate(
            stage_rank=Case(
                When(stage=Partner.Stage.PARTNER, then=Value(2)),
                When(stage=Partner.Stage.MEETING, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("-stage_rank", "last_name", "organization_name", "first_name")
    )
    return list(partners[:limit])


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    specialty: str = ""
    stage: str = ""
    area: str = ""  # a ZIP (or its first digits) or a city
    owner: str = ""  # a user's username, or "none"
    pks: frozenset[int] | None = None  # set by the page from a figure (e.g. the trend)


def partner_directory(*, filters: DirectoryFilters) -> QuerySet:
    partners = Partner.objects.select_related("specialty", "owner", "works_at")
    if filters.q:
        partners = partners.filter(search_q(filters.q))
    if filters.specialty:
        partners = partners.filter(specialty_id=filters.specialty)
    if filters.stage:
        partners = partners.filter(stage=filters.stage)
    if filters.area:
        area = filters.area.strip()
        if area.isdigit():
            partners = partners.filter(zip__startswith=area)
        else:
            partners = partners.filter(city__iexact=area)
    if filters.owner == "none":
        partners = partners.filter(owner__isnull=True)
    elif filters.owner:
        partners = partners.filter(owner__username=filters.owner)
    if filters.pks is not None:
        partners = partners.filter(pk__in=filters.pks)
    return partners.order_by("last_name", "organization_name", "first_name", "id")


def partners_with_npi(*, npi: str) -> QuerySet:
    return Partner.objects.filter(npi=npi)


def partners_named_like(*, partner: Partner) -> QuerySet:
    """Other partners who may be the same: same NPI, or same name (any case) and ZIP."""
    same = Q()
    if partner.npi:
        same |= Q(npi=partner.npi)
    if partner.kind == Partner.Kind.ORGANIZATION:
        same |= Q(organization_name__iexact=partner.organization_name)
    else:
        same |= Q(last_name__iexact=partner.last_name, first_name__iexact=partner.first_name)
    return Partner.objects.filter(same).exclude(pk=partner.pk).select_related("specialty")


# ---------------------------------------------------------------------------------------
# Contacts: plans, cadence, spending
# ---------------------------------------------------------------------------------------


def plans_due(*, until: dt.date) -> QuerySet:
    """Open touchpoint plans up to `until` (missed ones included), soonest first."""
    return (
        PlannedTouchpoint.objects.open()
        .filter(planned_on__lte=until)
        .select_related("partner", "owner")
        .order_by("planned_on", "id")
    )


def _cadence_overdue_q(as_of: dt.date) -> Q:
    # One condition per cadence keeps the comparison a plain date test in any database.
    overdue = Q(last_contact__isnull=True)
    for days in ContactCadence.values:
        overdue |= Q(contact_cadence_days=days, last_contact__lte=as_of - dt.timedelta(days=days))
    return overdue


def cadence_overdue(*, as_of: dt.date) -> QuerySet:
    """Partners with a contact cadence whose last touchpoint is a full cadence or more ago
    (or who were never contacted), longest-waiting first."""
    return (
        Partner.objects.filter(contact_cadence_days__isnull=False)
        .exclude(stage=Partner.Stage.LOST)
        .annotate(
            last_contact=Max(
                "touchpoints__occurred_on", filter=Q(touchpoints__occurred_on__lte=as_of)
            )
        )
        .filter(_cadence_overdue_q(as_of))
        .order_by("last_contact", "last_name", "organization_name")
    )


def next_contact_due(partner: Partner, last_contact: dt.date | None) -> dt.date | None:
    if partner.contact_cadence_days is None or last_contact is None:
        return None
    return last_contact + dt.timedelta(days=partner.contact_cadence_days)


@dataclass(frozen=True)
class Spend:
    """Gifts and meals to one partner in one calendar year, against the practice's limit."""

    year: int
    spent: Decimal
    limit: Decimal

    @property
    def share(self) -> float:
        return float(self.spent / self.limit) if self.limit else 0.0

    @property
    def percent(self) -> int:
        """The share spent, in whole percent, at most 100 (for the meter)."""
        return min(100, round(self.share * 100))

    @property
    def remaining(self) -> Decimal:
        return self.limit - self.spent

    @property
    def level(self) -> str:
        """ok, near (at 80 % or more) or over the limit."""
        if self.spent > self.limit:
            return "over"
        if self.limit and self.spent >= self.limit * SPEND_WARNING_SHARE:
            return "near"
        return "ok"

    def after(self, cost: Decimal) -> "Spend":
        return Spend(self.year, self.spent + cost, self.limit)


def partner_spend(*, partner: Partner, year: int, exclude_pk: int | None = None) -> Spend:
    touchpoints = Touchpoint.objects.filter(partner=partner, occurred_on__year=year)
    if exclude_pk is not None:
        touchpoints = touchpoints.exclude(pk=exclude_pk)
    spent = touchpoints.aggregate(total=Sum("cost"))["total"] or Decimal("0.00")
    return Spend(year, spent, PracticeSettings.current().gift_annual_limit)


def last_contacts(*, partner_ids, as_of: dt.date) -> dict[int, dt.date]:
    """Each partner's latest touchpoint on or before `as_of`."""
    rows = (
        Touchpoint.objects.filter(partner_id__in=partner_ids, occurred_on__lte=as_of)
        .values("partner_id")
        .annotate(last=Max("occurred_on"))
        .order_by()
    )
    return {row["partner_id"]: _as_date(row["last"]) for row in rows}


def _as_date(value) -> dt.date | None:
    # SQLite hands an aggregate over a date column back as text.
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def stage_counts(*, owner=None) -> dict[str, int]:
    partners = Partner.objects.all() if owner is None else Partner.objects.filter(owner=owner)
    rows = partners.values("stage").annotate(n=Count("id")).order_by()
    counts = {row["stage"]: row["n"] for row in rows}
    return {stage: counts.get(stage, 0) for stage in Partner.Stage.values}
