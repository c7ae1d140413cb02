"""Pure bodies of the Elasticsearch map requests, and the clusters read from the answer.

One request counts the located hits and clusters them (``geotile_grid`` with each cell's
``geo_centroid`` and ``geo_bounds``); when they are few, a second one fetches their points.
Facet selections narrow the hits directly: a map has no facet counts to keep.
"""

from __future__ import annotations

from typing import Any

from engines.base import BBox, Cluster, GeoPoint, MapRequest, SearchRequest
from engines.elastic.query import main_query, selection_filters
from engines.tiles import MAX_CLUSTERS, key_tile


def located_query(request: SearchRequest) -> dict[str, Any]:
    """The search's hits that have a point."""
    located = [*selection_filters(request), {"exists": {"field": "location"}}]
    return {"bool": {"must": [main_query(request)], "filter": located}}


def clusters_body(request: MapRequest) -> dict[str, Any]:
    """The located total and the most populated ``MAX_CLUSTERS`` cells at the precision."""
    grid: dict[str, Any] = {
        "field": "location",
        "precision": request.precision,
        "size": MAX_CLUSTERS,
    }
    if box := request.search.bbox:  # no cell outside the viewport is even considered
        grid["bounds"] = {
            "top_left": {"lat": box.north, "lon": box.west},
            "bottom_right": {"lat": box.south, "lon": box.east},
        }
    return {
        "query": located_query(request.search),
        "size": 0,
        "track_total_hits": True,
        "aggs": {
            "cells": {
                "geotile_grid": grid,
                "aggs": {
                    "centroid": {"geo_centroid": {"field": "location"}},
                    "bounds": {"geo_bounds": {"field": "location", "wrap_longitude": False}},
                },
            }
        },
    }


def points_body(request: MapRequest) -> dict[str, Any]:
    """Id, title and point of every located hit (there are at most ``max_points``), by id."""
    return {
        "query": located_query(request.search),
        "size": request.max_points,
        "sort": [{"id": "asc"}],
        "_source": {"includes": ["id", "title", "location"]},
    }


def clusters(buckets: list[dict[str, Any]]) -> list[Cluster]:
    """The cells of a ``clusters_body`` answer, most populated first, then by tile."""
    found = [
        Cluster(
            count=bucket["doc_count"],
            center=GeoPoint(**bucket["centroid"]["location"]),
            bounds=_bbox(bucket["bounds"]["bounds"]),
            tile=bucket["key"],
        )
        for bucket in buckets
    ]
    return sorted(found, key=lambda cluster: (-cluster.count, key_tile(cluster.tile)))


def _bbox(bounds: dict[str, Any]) -> BBox:
    top_left, bottom_right = bounds["top_left"], bounds["bottom_right"]
    return BBox(
        south=bottom_right["lat"],
        west=top_left["lon"],
        north=top_left["lat"],
        east=bottom_right["lon"],
    )
