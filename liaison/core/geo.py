"""Geography that works offline: US ZIP centroids (the `zipcodes` package embeds them) and
great-circle distances between them."""

import math
from functools import lru_cache

import zipcodes

EARTH_RADIUS_MILES = 3958.8


def zip5(value: str | None) -> str | None:
    """The five-digit ZIP of `02139` or `02139-4307`; None for anything else."""
    head = (value or "").strip()[:5]
    return head if len(head) == 5 and head.isdigit() else None


@lru_cache(maxsize=50_000)
def zip_centroid(value: str | None) -> tuple[float, float] | None:
    """(latitude, longitude) of a ZIP's centroid, or None when the ZIP is unknown."""
    code = zip5(value)
    if code is None:
        return None
    try:
        found = zipcodes.matching(code)
    except (ValueError, TypeError):
        return None
    if not found:
        return None
    return float(found[0]["lat"]), float(found[0]["long"])


def haversine_miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points, in miles."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(h))
