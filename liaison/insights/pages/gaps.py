"""Insights: gaps — specialty coverage against the practice's targets (set in Settings), and
an offline map of where new patients live against where the active partners are, drawn
server-side as an inline SVG from ZIP centroids (no tiles, no network)."""

import math
from dataclasses import dataclass

from django.urls import reverse

from liaison.accounts.access import is_manager
from liaison.core.geo import zip_centroid
from liaison.insights.gaps import NEARBY_MILES, NetworkGaps, ZipCoverage
from liaison.insights.kept import kept, kept_gaps
from liaison.insights.pages.common import csv_table, filters_for, insights_page, render_page
from liaison.insights.referrals import in_window
from liaison.insights.scope import Scope
from liaison.partners.models import Partner

MAP_WIDTH, MAP_HEIGHT, MAP_MARGIN = 640, 420, 24
MAX_RADIUS, MIN_RADIUS = 18.0, 2.5
MAX_ZIPS_DRAWN = 400  # the largest ZIPs by new patients; the table lists them all


@insights_page
def page(request):
    filters = filters_for(request)
    scope = filters.scope
    gaps = kept_gaps(scope)
    drawn = kept("gaps-map", scope, lambda: coverage_map(gaps.zips, active_partner_points(scope)))
    download = csv_table(request, {
        "specialties": lambda: specialties_table(gaps),
        "gap-areas": lambda: zips_table(gap_areas(gaps)),
        "zips": lambda: zips_table(gaps.zips),
    })
    if download is not None:
        return download
    return render_page(request, "insights/gaps.html", filters, {
        "gaps": gaps, "gap_areas": gap_areas(gaps),
        "map": drawn,
        "nearby_miles": NEARBY_MILES,
        "settings_url": reverse("admin:partners_specialty_changelist")
        if is_manager(request.user) else None,
    })


def gap_areas(gaps: NetworkGaps) -> list[ZipCoverage]:
    return [z for z in gaps.zips if z.gap]


def active_partner_points(scope: Scope) -> list[tuple[float, float]]:
    """Where active partners are (a partner with a referral in the window): the centroid of
    each of their ZIPs, once however many partners share it."""
    zips = Partner.objects.filter(id__in=in_window(scope).values("partner_id")).values_list(
        "zip", flat=True).order_by().distinct()
    return sorted({p for p in (zip_centroid(z) for z in zips) if p is not None})


# ----- The map ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Circle:
    x: float
    y: float
    r: float
    zip: str
    new_patients: int
    gap: bool


@dataclass(frozen=True)
class Dot:
    x: float
    y: float


@dataclass(frozen=True)
class CoverageMap:
    width: int
    height: int
    circles: list[Circle]
    dots: list[Dot]
    zips_left_out: int


def coverage_map(zips: list[ZipCoverage], partners: list[tuple[float, float]]) -> CoverageMap:
    """ZIP circles (area ∝ new patients; red for a gap) and partner dots, projected
    equirectangularly: x = longitude × cos(mean latitude), y = −latitude, scaled to fit."""
    drawn = sorted((z for z in zips if zip_centroid(z.zip)), key=lambda z: -z.new_patients)
    left_out = len(drawn[MAX_ZIPS_DRAWN:])
    drawn = drawn[:MAX_ZIPS_DRAWN]
    points = [zip_centroid(z.zip) for z in drawn]
    if not points and not partners:
        return CoverageMap(MAP_WIDTH, MAP_HEIGHT, [], [], left_out)
    project = projection([*points, *partners])
    most = max((z.new_patients for z in drawn), default=1)
    circles = [
        Circle(*project(p), r=radius(z.new_patients, most), zip=z.zip,
               new_patients=z.new_patients, gap=z.gap)
        for z, p in zip(drawn, points, strict=True)
    ]
    circles.sort(key=lambda c: (c.gap, -c.r))  # the large below the small, the gaps on top
    return CoverageMap(MAP_WIDTH, MAP_HEIGHT, circles, [Dot(*project(p)) for p in partners],
                       left_out)


def projection(points: list[tuple[float, float]]):
    """A function (lat, lon) → (x, y) in the map's pixels, fitting every point with a margin,
    centred, and keeping the east-west scale true at the mean latitude."""
    squeeze = math.cos(math.radians(sum(lat for lat, _ in points) / len(points)))
    xs = [lon * squeeze for _, lon in points]
    ys = [-lat for lat, _ in points]
    x_span, y_span = max(xs) - min(xs), max(ys) - min(ys)
    inner_w, inner_h = MAP_WIDTH - 2 * MAP_MARGIN, MAP_HEIGHT - 2 * MAP_MARGIN
    scale = min(inner_w / max(x_span, 1e-3), inner_h / max(y_span, 1e-3))
    left = MAP_MARGIN + (inner_w - x_span * scale) / 2 - min(xs) * scale
    top = MAP_MARGIN + (inner_h - y_span * scale) / 2 - min(ys) * scale

    def project(point: tuple[float, float]) -> tuple[float, float]:
        lat, lon = point
        return round(left + lon * squeeze * scale, 1), round(top - lat * scale, 1)

    return project


def radius(new_patients: int, most: int) -> float:
    """Circle area in proportion to new patients, the largest MAX_RADIUS."""
    return round(max(MIN_RADIUS, MAX_RADIUS * math.sqrt(new_patients / most)), 1)


# ----- Tables ----------------------------------------------------------------------------


def specialties_table(gaps: NetworkGaps):
    header = ["specialty", "wanted", "target active partners", "active partners", "shortfall"]
    return header, [
        [s.name, "yes" if s.wanted else "no", s.target_active_partners,
         s.active_partners, s.shortfall]
        for s in gaps.specialties
    ]


def zips_table(zips: list[ZipCoverage]):
    header = ["ZIP", "new patients", f"active partners within {NEARBY_MILES} miles", "gap"]
    return header, [
        [z.zip, z.new_patients, z.active_partners_within_10_miles,
         "yes" if z.gap else "no"]
        for z in zips
    ]
