"""Great-circle distances and radius boxes, one definition for both engines.

Both engines report the distances computed here from each hit's stored point, so a
project is the same number of km away whichever engine serves it. The earth radius is
Elasticsearch's own (``GeoUtils.EARTH_MEAN_RADIUS``), so its ``geo_distance`` filter and
the SQLite radius check draw the same circle.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from cis.records import Location, Project
from engines.base import BBox, GeoPoint, SearchRequest

EARTH_RADIUS_KM = 6371.0087714


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two WGS84 points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def distance_km(near: GeoPoint, location: Location | None) -> float | None:
    """Distance reported for a hit, rounded to 0.1 km; None when it has no point."""
    if location is None:
        return None
    return round(haversine_km(near.lat, near.lon, location["lat"], location["lon"]), 1)


def hit_distances(near: GeoPoint | None, hits: Iterable[Project]) -> list[float | None] | None:
    """``SearchResult.distances_km``: each hit's distance from ``near`` (None without it)."""
    if near is None:
        return None
    return [distance_km(near, hit.get("location")) for hit in hits]


def circle(request: SearchRequest) -> tuple[GeoPoint, float] | None:
    """Centre and radius the hits must lie within, when the request restricts to one."""
    if request.near is None or request.radius_km is None:
        return None
    return request.near, request.radius_km


def circle_box(center: GeoPoint, radius_km: float) -> BBox:
    """A box holding every point within ``radius_km`` of ``center`` (a prefilter, not exact).

    Near a pole or across the antimeridian it spans every longitude: rare, and still right.
    """
    angle = radius_km / EARTH_RADIUS_KM * (1 + 1e-9)  # a hair wider against rounding
    dlat = math.degrees(angle)
    south, north = center.lat - dlat, center.lat + dlat
    if south <= -90 or north >= 90 or angle >= math.pi / 2:
        return BBox(south=max(south, -90.0), west=-180.0, north=min(north, 90.0), east=180.0)
    ratio = math.sin(angle) / math.cos(math.radians(center.lat))
    dlon = 180.0 if ratio >= 1 else math.degrees(math.asin(ratio))
    west, east = center.lon - dlon, center.lon + dlon
    if west < -180 or east > 180:
        west, east = -180.0, 180.0
    return BBox(south=south, west=west, north=north, east=east)
