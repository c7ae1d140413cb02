"""The shared distance figures and the radius prefilter box."""

from __future__ import annotations

import math

import pytest

from engines.base import GeoPoint, SearchRequest
from engines.geo import circle, circle_box, distance_km, haversine_km, hit_distances
from tests.factories import project

PARIS = GeoPoint(48.8566, 2.3522)
LYON = GeoPoint(45.7640, 4.8357)


def test_great_circle_distance_in_km() -> None:
    assert haversine_km(PARIS.lat, PARIS.lon, LYON.lat, LYON.lon) == pytest.approx(391.5, abs=0.1)
    assert haversine_km(0, 0, 0, 180) == pytest.approx(math.pi * 6371.0087714)
    assert haversine_km(PARIS.lat, PARIS.lon, PARIS.lat, PARIS.lon) == 0


def test_reported_distances_are_rounded_to_a_tenth_and_none_without_a_point() -> None:
    assert distance_km(PARIS, {"lat": LYON.lat, "lon": LYON.lon}) == 391.5
    located = project("p-a", "A", address={})  # at 46.0, 2.0
    unlocated = project("p-b", "B", location=None)
    assert hit_distances(GeoPoint(46.0, 2.0), [located, unlocated]) == [0.0, None]
    assert hit_distances(None, [located]) is None


def test_a_radius_needs_both_a_centre_and_a_distance() -> None:
    assert circle(SearchRequest(near=PARIS, radius_km=5)) == (PARIS, 5)
    assert circle(SearchRequest(near=PARIS)) is None
    assert circle(SearchRequest(radius_km=5)) is None


@pytest.mark.parametrize("center", [PARIS, GeoPoint(-33.9, 18.4), GeoPoint(64.1, -21.9)])
def test_the_prefilter_box_holds_the_whole_circle(center: GeoPoint) -> None:
    radius = 80.0
    box = circle_box(center, radius)
    for bearing in range(0, 360, 5):  # points on the circle, by the destination formula
        angle, theta = radius / 6371.0087714, math.radians(bearing)
        phi = math.radians(center.lat)
        lat = math.asin(
            math.sin(phi) * math.cos(angle) + math.cos(phi) * math.sin(angle) * math.cos(theta)
        )
        lon = math.radians(center.lon) + math.atan2(
            math.sin(theta) * math.sin(angle) * math.cos(phi),
            math.cos(angle) - math.sin(phi) * math.sin(lat),
        )
        assert box.south <= math.degrees(lat) <= box.north
        assert box.west <= math.degrees(lon) <= box.east
    assert box.north - box.south == pytest.approx(2 * math.degrees(radius / 6371.0087714))


def test_near_a_pole_or_the_antimeridian_the_box_spans_every_longitude() -> None:
    polar = circle_box(GeoPoint(89.5, 10.0), 100)
    assert (polar.west, polar.east, polar.north) == (-180.0, 180.0, 90.0)
    fiji = circle_box(GeoPoint(-17.7, 179.9), 50)
    assert (fiji.west, fiji.east) == (-180.0, 180.0)
