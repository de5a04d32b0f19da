"""Network gaps (docs/metrics.md, "Network gaps"): specialties short of active partners, and
areas where new patients live with no active partner nearby."""

from dataclasses import dataclass

from django.db.models import Count

from liaison.core.geo import haversine_miles, zip5, zip_centroid
from liaison.insights.care_sums import located
from liaison.insights.first_visits import in_window
from liaison.insights.models import PatientFacts
from liaison.insights.scope import Scope
from liaison.partners.models import NAME_FIELDS, Partner, Specialty, display_name

NEARBY_MILES = 10
GAP_MIN_NEW_PATIENTS = 5


@dataclass(frozen=True)
class SpecialtyCoverage:
    specialty: str
    name: str
    wanted: bool
    target_active_partners: int | None  # None for a specialty the practice does not seek
    active_partners: int
    shortfall: int  # active partners missing to reach the target (0 when met or not wanted)


@dataclass(frozen=True)
class ZipCoverage:
    zip: str
    new_patients: int
    active_partners_within_10_miles: int | None  # None when the ZIP's centroid is unknown
    gap: bool


@dataclass(frozen=True)
class NetworkGaps:
    specialties: list[SpecialtyCoverage]
    zips: list[ZipCoverage]


def network_gaps(*, scope: Scope) -> NetworkGaps:
    """Specialty coverage and ZIP coverage; three queries."""
    active = _active_partners(scope)
    return NetworkGaps(specialties=_specialty_coverage(active), zips=_zip_coverage(scope, active))


def _active_partners(scope: Scope) -> list[dict]:
    """Partners with a referral received in the window: their specialty and ZIP."""
    ids = in_window(scope).values("partner_id")
    return list(Partner.objects.filter(id__in=ids).values("specialty_id", "zip").order_by())


def _specialty_coverage(active: list[dict]) -> list[SpecialtyCoverage]:
    counts: dict[str, int] = {}
    for partner in active:
        counts[partner["specialty_id"]] = counts.get(partner["specialty_id"], 0) + 1
    rows = []
    for specialty in Specialty.objects.order_by("name"):
        target = specialty.target_active_partners if specialty.wanted else None
        n = counts.get(specialty.slug, 0)
        rows.append(
            SpecialtyCoverage(
                specialty=specialty.slug,
                name=specialty.name,
                wanted=specialty.wanted,
                target_active_partners=target,
                active_partners=n,
                shortfall=max(0, target - n) if target is not None else 0,
            )
        )
    return rows


def _zip_coverage(scope: Scope, active: list[dict]) -> list[ZipCoverage]:
    new_by_zip: dict[str, int] = {}
    new_patients = PatientFacts.objects.filter(
        first_visit_on__gte=scope.window_start, first_visit_on__lte=scope.as_of
    )
    rows = located(new_patients, scope, "location_id").values("zip").annotate(n=Count("pk"))
    for row in rows.order_by():
        code = zip5(row["zip"])
        if code is not None:
            new_by_zip[code] = new_by_zip.get(code, 0) + row["n"]
    partner_points = [p for p in (zip_centroid(a["zip"]) for a in active) if p is not None]
    rows = [_zip_row(code, n, partner_points) for code, n in new_by_zip.items()]
    return sorted(rows, key=lambda r: (not r.gap, -r.new_patients, r.zip))


def _zip_row(code: str, new_patients: int, partner_points: list) -> ZipCoverage:
    centre = zip_centroid(code)
    if centre is None:
        return ZipCoverage(code, new_patients, None, gap=False)
    nearby = sum(1 for p in partner_points if haversine_miles(centre, p) <= NEARBY_MILES)
    gap = new_patients >= GAP_MIN_NEW_PATIENTS and nearby == 0
    return ZipCoverage(code, new_patients, nearby, gap=gap)


@dataclass(frozen=True)
class ActivePlace:
    """A ZIP where active partners are (a partner with a referral in the window)."""

    zip: str
    point: tuple[float, float]
    names: tuple[str, ...]


def active_partner_places(*, scope: Scope) -> list[ActivePlace]:
    """The active partners by the centroid of their ZIP, named, in one query."""
    rows = (
        Partner.objects.filter(id__in=in_window(scope).values("partner_id"))
        .values_list("zip", *NAME_FIELDS)
        .order_by("last_name", "organization_name", "first_name")
    )
    names: dict[str, list[str]] = {}
    for zip_code, *name in rows:
        code = zip5(zip_code)
        if code is not None and zip_centroid(code) is not None:
            names.setdefault(code, []).append(display_name(*name))
    return [ActivePlace(code, zip_centroid(code), tuple(names[code])) for code in sorted(names)]
