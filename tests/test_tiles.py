"""The tile grid of map clusters: Elasticsearch's geotile keys, computed in Python."""

from __future__ import annotations

import random

import pytest

from engines.base import MAX_TILE_PRECISION, MapRequest, SearchRequest
from engines.tiles import coarser, indexed_point, key_tile, tile_key, tile_of


def test_tiles_are_computed_from_the_point_as_indexed() -> None:
    # Elasticsearch's own example (GeoTileUtils): a point 4e-5 tile from an edge at
    # zoom 18, which its 32-bit indexed form crosses.
    lat, lon = 45.61884022447444, 140.74779717298918
    assert tile_of(lat, lon, 18) == (233561, 93659)
    assert indexed_point(lat, lon) != (lat, lon)
    assert abs(indexed_point(lat, lon)[0] - lat) < 1e-7


def test_keys_observed_on_elasticsearch() -> None:
    assert tile_key(8, *tile_of(46.5, 3.3, 8)) == "8/130/90"
    assert tile_key(8, *tile_of(48.1, -1.6, 8)) == "8/126/88"
    assert key_tile("8/126/88") == (8, 126, 88)


def test_the_grid_edges_clip_to_the_first_and_last_tiles() -> None:
    assert tile_of(90.0, 180.0, 5) == (31, 0)
    assert tile_of(-90.0, -180.0, 5) == (0, 31)
    assert tile_of(85.06, 0.0, 3) == (4, 0)  # beyond the mercator mask: top row
    assert tile_of(0.0, 0.0, 0) == (0, 0)


def test_a_stored_fine_tile_shifted_is_the_tile_at_the_coarser_precision() -> None:
    rng = random.Random(3)
    for _ in range(2_000):
        lat, lon = rng.uniform(-89.9, 89.9), rng.uniform(-180, 180)
        x, y = tile_of(lat, lon)
        for precision in range(MAX_TILE_PRECISION + 1):
            assert (coarser(x, precision), coarser(y, precision)) == tile_of(lat, lon, precision)


@pytest.mark.parametrize(("zoom", "precision"), [(0, 2), (5, 7), (20, 22), (25, 22)])
def test_clusters_use_four_by_four_cells_per_map_tile(zoom: int, precision: int) -> None:
    assert MapRequest(SearchRequest(), zoom=zoom).precision == precision
