"""Insights: gaps — specialty coverage against the practice's targets (set in Settings), and
a map of where new patients live against where the active partners are.

The map is drawn twice from the same points (ZIP centroids). On the server as an inline SVG,
labelled, with its legend: it needs no network and is what tests, printouts and offline
browsers see. In the browser, static/js/insights/gaps_map.js puts the same bubbles and
markers on map tiles with Leaflet (vendored) from the practice's `LIAISON_MAP_TILES`, and
shows that map only once a tile has loaded; until then, or with no tile server set, the
drawing stays."""

import math
from dataclasses import dataclass, replace

from django.conf import settings
from django.urls import reverse

from liaison.accounts.access import is_manager
from liaison.core.geo import zip5, zip_centroid
from liaison.insights.gaps import NEARBY_MILES, ActivePlace, NetworkGaps, ZipCoverage
from liaison.insights.pages.common import csv_table, filters_for, insights_page, render_page
from liaison.insights.queries import kept_gaps, kept_gaps_map

MAP_WIDTH, MAP_HEIGHT, MAP_MARGIN = 640, 420, 24
LEGEND_HEIGHT = 30  # a band below the plot
MAX_RADIUS, MIN_RADIUS = 18.0, 2.5
MAX_ZIPS_DRAWN = 400  # the largest ZIPs by new patients; the table lists them all
LABEL_WIDTH, LABEL_HEIGHT = 34, 11  # a five-digit ZIP at the labels' size
ZIPS_LABELLED = 12  # besides every gap, the largest ZIPs carry their number on the map
NAMES_PER_PLACE = 5  # a partner marker's popup names this many, then says how many more


@insights_page
def page(request):
    filters = filters_for(request)
    scope = filters.scope
    gaps = kept_gaps(scope=scope)
    drawn = kept_gaps_map(scope=scope, draw=lambda gaps, places: coverage_map(gaps.zips, places))
    download = csv_table(
        request,
        {
            "specialties": lambda: specialties_table(gaps),
            "gap-areas": lambda: zips_table(gap_areas(gaps)),
            "zips": lambda: zips_table(gaps.zips),
        },
    )
    if download is not None:
        return download
    tiles = settings.LIAISON_MAP_TILES
    return render_page(
        request,
        "insights/gaps.html",
        filters,
        {
            "gaps": gaps,
            "gap_areas": gap_areas(gaps),
            "map": drawn,
            "map_tiles": tiles,
            "map_data": map_data(drawn, tiles, settings.LIAISON_MAP_ATTRIBUTION),
            "nearby_miles": NEARBY_MILES,
            "settings_url": reverse("admin:partners_specialty_changelist")
            if is_manager(request.user)
            else None,
        },
    )


def gap_areas(gaps: NetworkGaps) -> list[ZipCoverage]:
    return [z for z in gaps.zips if z.gap]


# ----- The map ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    """A ZIP written beside its circle, in the drawing's pixels."""

    x: float
    y: float
    anchor: str  # "start" (right of the circle) or "end" (left of it)

    def box(self) -> tuple[float, float, float, float]:
        left = self.x - LABEL_WIDTH if self.anchor == "end" else self.x
        return left, self.y - LABEL_HEIGHT, left + LABEL_WIDTH, self.y


@dataclass(frozen=True)
class Circle:
    """A ZIP's bubble: x, y, r in the drawing's pixels; lat, lon for the tiled map."""

    x: float
    y: float
    r: float
    zip: str
    new_patients: int
    gap: bool
    lat: float
    lon: float
    partners_nearby: int | None
    label: Label | None = None


@dataclass(frozen=True)
class Dot:
    """A place with active partners."""

    x: float
    y: float
    zip: str
    lat: float
    lon: float
    names: tuple[str, ...]


@dataclass(frozen=True)
class CoverageMap:
    width: int
    height: int
    circles: list[Circle]
    dots: list[Dot]
    zips_left_out: int

    @property
    def legend_y(self) -> int:
        return self.height - LEGEND_HEIGHT // 2


def coverage_map(zips: list[ZipCoverage], partners: list[ActivePlace]) -> CoverageMap:
    """ZIP circles (area ∝ new patients; red for a gap) and partner dots, projected
    equirectangularly: x = longitude × cos(mean latitude), y = −latitude, scaled to fit."""
    drawn = sorted((z for z in zips if zip_centroid(z.zip)), key=lambda z: -z.new_patients)
    left_out = len(drawn[MAX_ZIPS_DRAWN:])
    drawn = drawn[:MAX_ZIPS_DRAWN]
    height = MAP_HEIGHT + LEGEND_HEIGHT
    points = [zip_centroid(z.zip) for z in drawn]
    if not points and not partners:
        return CoverageMap(MAP_WIDTH, height, [], [], left_out)
    project = projection([*points, *(p.point for p in partners)])
    most = max((z.new_patients for z in drawn), default=1)
    circles = labelled(
        [
            Circle(
                *project(p),
                r=radius(z.new_patients, most),
                zip=zip5(z.zip),
                new_patients=z.new_patients,
                gap=z.gap,
                lat=p[0],
                lon=p[1],
                partners_nearby=z.active_partners_within_10_miles,
            )
            for z, p in zip(drawn, points, strict=True)
        ]
    )
    circles.sort(key=lambda c: (c.gap, -c.r))  # the large below the small, the gaps on top
    dots = [
        Dot(*project(p.point), zip=p.zip, lat=p.point[0], lon=p.point[1], names=p.names)
        for p in partners
    ]
    return CoverageMap(MAP_WIDTH, height, circles, dots, left_out)


def labelled(circles: list[Circle]) -> list[Circle]:
    """The circles, the gaps and then the largest labelled with their ZIP where the label
    overlaps no other label (right of the circle, else left of it), at most ZIPS_LABELLED
    besides the gaps."""
    placed: list[tuple[float, float, float, float]] = []
    others = 0
    out = []
    for circle in sorted(circles, key=lambda c: (not c.gap, -c.new_patients, c.zip)):
        label = None
        if circle.gap or others < ZIPS_LABELLED:
            label = next((c for c in _label_places(circle) if _free(c.box(), placed)), None)
        if label is not None:
            placed.append(label.box())
            others += not circle.gap
        out.append(replace(circle, label=label))
    return out


def _label_places(circle: Circle) -> list[Label]:
    y = round(circle.y + LABEL_HEIGHT / 3, 1)
    right = Label(round(circle.x + circle.r + 2, 1), y, "start")
    left = Label(round(circle.x - circle.r - 2, 1), y, "end")
    places = [right, left] if circle.x + circle.r + LABEL_WIDTH <= MAP_WIDTH else [left]
    return [p for p in places if p.box()[0] >= 0]


def _free(box, placed) -> bool:
    return not any(
        box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed
    )


def map_data(drawn: CoverageMap, tiles: str, attribution: str) -> dict:
    """What the tiled map draws (a json_script data island): the same circles and places."""
    return {
        "tiles": tiles,
        "attribution": attribution,
        "nearby_miles": NEARBY_MILES,
        "zips": [
            {
                "zip": c.zip,
                "lat": c.lat,
                "lon": c.lon,
                "r": c.r,
                "gap": c.gap,
                "new_patients": c.new_patients,
                "partners_nearby": c.partners_nearby,
            }
            for c in drawn.circles
        ],
        "partners": [
            {
                "zip": d.zip,
                "lat": d.lat,
                "lon": d.lon,
                "count": len(d.names),
                "names": list(d.names[:NAMES_PER_PLACE]),
            }
            for d in drawn.dots
        ],
    }


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
        [
            s.name,
            "yes" if s.wanted else "no",
            s.target_active_partners,
            s.active_partners,
            s.shortfall,
        ]
        for s in gaps.specialties
    ]


def zips_table(zips: list[ZipCoverage]):
    header = ["ZIP", "new patients", f"active partners within {NEARBY_MILES} miles", "gap"]
    return header, [
        [z.zip, z.new_patients, z.active_partners_within_10_miles, "yes" if z.gap else "no"]
        for z in zips
    ]
