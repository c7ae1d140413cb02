"""The engine contract: what the indexer writes through and the search service reads through.

Two implementations honour it — Elasticsearch (production) and SQLite FTS5 (embedded
default) — and one contract test suite runs against both.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal, Protocol

from cis.analysis import analyse
from cis.concepts import Concept, concepts, partly_met_counts
from cis.errors import CisError
from cis.facets import FACETS
from cis.records import Project

DEFAULT_FACET_SIZE = 20
# How hits are ordered. ``relevance``: best text match first (title order without text);
# ``distance``: nearest to ``near`` first (needs ``near``); ``recent``: newest listing
# first (``first_seen`` descending); ``title``: folded title. Every order ends on the id.
Sort = Literal["relevance", "distance", "recent", "title"]
SORTS: tuple[Sort, ...] = ("relevance", "distance", "recent", "title")


class EngineError(CisError):
    """The engine failed in a way the caller cannot fix by changing its request."""


class EngineUnavailable(EngineError):
    """The engine cannot be reached (down, wrong URL, not started)."""


class InvalidCursor(EngineError):
    """``request.after`` is no sort position of this search (another search's, or forged)."""


def check_after_width(request: SearchRequest, width: int) -> None:
    """Raise InvalidCursor unless ``request.after`` is empty or holds ``width`` sort values."""
    if request.after and len(request.after) != width:
        raise InvalidCursor(f"a cursor of {len(request.after)} values for a sort of {width}")


def effective_sort(request: SearchRequest) -> Sort:
    """The order the hits come in.

    ``distance`` without ``near`` falls back to ``relevance``; ``relevance`` without text
    but with ``near`` is ``distance``: nearness is then all that tells hits apart.
    """
    if request.sort == "distance" and request.near is None:
        return "relevance"
    if request.sort == "relevance" and request.near is not None and not request.concepts:
        return "distance"
    return request.sort


class RejectedDocuments(EngineError):
    """The engine refused some documents: the write was abandoned, the live index untouched."""

    def __init__(self, failed: int, total: int, reasons: list[str]) -> None:
        first = "; ".join(reasons[:3])
        super().__init__(
            f"{failed:,} of {total:,} documents rejected, the live index is unchanged; first: {first}"
        )
        self.failed = failed
        self.reasons = reasons


@dataclass(frozen=True)
class BBox:
    """A map viewport in WGS84 degrees."""

    south: float
    west: float
    north: float
    east: float


@dataclass(frozen=True)
class GeoPoint:
    """A WGS84 point in degrees."""

    lat: float
    lon: float


@dataclass(frozen=True)
class SearchRequest:
    """A validated search: free text, multi-select facet filters, viewport, page."""

    text: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    bbox: BBox | None = None
    page: int = 1
    size: int = 40
    facets: tuple[str, ...] = tuple(f.name for f in FACETS)
    facet_size: int = DEFAULT_FACET_SIZE
    # Deep walks: the sort position of the previous page's last hit (see SearchResult.next_after).
    # When set, ``page`` is ignored and the hits start right after that position.
    after: tuple[str | float, ...] | None = None
    # A reference point: every hit gets its distance from it (SearchResult.distances_km);
    # with ``radius_km`` only projects within that great-circle distance match; in a
    # relevance order, nearer hits rank higher among equal text matches (engines.ranking).
    near: GeoPoint | None = None
    radius_km: float | None = None
    sort: Sort = "relevance"
    # The query as typed when ``text`` is what remains of it once a place was read out of
    # it ("Repair Café de Vichy" → "Repair Café"): a title or organisation equal to either
    # ranks first.
    typed: str = ""
    # Whether a lone concept partly met matches too (cis.concepts.partly_met_counts); off
    # where only full matches should count, as when sizing a place's radius.
    partly: bool = True
    # The top-level project fields each hit is read for (None: the whole document): a page
    # of tiles needs a tenth of what a project holds, and the rest is read for nothing.
    fields: tuple[str, ...] | None = None

    @cached_property
    def concepts(self) -> tuple[Concept, ...]:
        """What ``text`` asks for (``cis.concepts``): read once per request, by every builder."""
        return concepts(self.text)

    @cached_property
    def meets_partly(self) -> bool:
        """Whether hits partly meeting the query's concept match (and rank after the others)."""
        return self.partly and partly_met_counts(len(self.concepts))

    @cached_property
    def typed_stems(self) -> tuple[str, ...]:
        """The stems of every word typed (synonyms aside), for the title-words tier."""
        return tuple(stem for concept in self.concepts for stem in concept.phrases[0])

    @cached_property
    def name_keys(self) -> tuple[str, ...]:
        """The analysed forms a title or organisation must have to equal the query (first rank)."""
        keys = (analyse(self.text), analyse(self.typed))
        return tuple(key for key in dict.fromkeys(keys) if key)

    @property
    def offset(self) -> int:
        """Index of the page's first hit in the whole result list (0 when walking by ``after``)."""
        return 0 if self.after is not None else (self.page - 1) * self.size


@dataclass(frozen=True)
class FacetCount:
    """How many hits carry one value of a facet."""

    value: str
    count: int


@dataclass(frozen=True)
class SearchResult:
    """One page of hits, the total, and per-facet counts (multi-select semantics)."""

    total: int
    hits: list[Project]
    facets: dict[str, list[FacetCount]]
    # Sort position of the last hit of a full page, to pass as ``after`` for the next one.
    next_after: tuple[str | float, ...] | None = None
    # With ``request.near``: each hit's distance in km, in hit order (None: hit has no point).
    distances_km: list[float | None] | None = None


@dataclass(frozen=True)
class MapRequest:
    """Where a search's hits are: clusters on a tile grid, or the points themselves when few."""

    search: SearchRequest  # text, filters, bbox, near/radius: the same hits as the list
    zoom: int = 5  # the map's zoom level, 0-20; clusters use the tile grid at zoom + 2
    max_points: int = 300  # at most this many located hits come back as single points

    @property
    def precision(self) -> int:
        """Tile grid level of the clusters: 4 x 4 cells per map tile."""
        return min(self.zoom + 2, MAX_TILE_PRECISION)


MAX_TILE_PRECISION = 22


@dataclass(frozen=True)
class Cluster:
    """Located hits of one grid cell: how many, their centroid and bounding box."""

    count: int
    center: GeoPoint
    bounds: BBox
    tile: str  # "precision/x/y" of the web-mercator tile grid (as geotile_grid keys)


@dataclass(frozen=True)
class MapPoint:
    """One located hit, for a marker."""

    id: str
    title: str
    location: GeoPoint


@dataclass(frozen=True)
class MapResult:
    """Located hits of a map request: ``points`` when ``located <= max_points``, else clusters."""

    located: int  # hits with a point, inside bbox/radius
    clusters: list[Cluster]
    points: list[MapPoint]


@dataclass(frozen=True)
class TitleSuggestion:
    """A project whose title completes what the user typed."""

    id: str
    title: str
    commune: str  # "" when unknown
    departement_code: str


@dataclass(frozen=True)
class IndexStats:
    """The home counter: projects, contributors, and projects listed by several of them."""

    projects: int
    contributors: int
    multi_listed: int


@dataclass(frozen=True)
class WriteStats:
    """What a write did: documents written, deleted, and where (index name or file)."""

    written: int = 0
    deleted: int = 0
    target: str = ""


class Engine(Protocol):
    """Index a batch, swap to a fresh index, search with facets, get by id."""

    name: str

    def health(self) -> dict[str, object]:
        """Engine status; raises EngineUnavailable when it cannot be reached."""
        ...

    def replace_all(self, projects: Iterable[Project]) -> WriteStats:
        """Build a fresh index from ``projects`` and swap it in atomically (zero downtime).

        Raises RejectedDocuments, the fresh index dropped, if any document is refused.
        """
        ...

    def apply_changes(self, upserts: Iterable[Project], deletions: Iterable[str]) -> WriteStats:
        """Upsert and delete on a copy of the live index, then swap the copy in atomically.

        The live index is never written in place: a write killed at any moment leaves it
        whole, and readers never need write access. Raises RejectedDocuments like
        ``replace_all``.
        """
        ...

    def remove_leftovers(self) -> list[str]:
        """Remove what killed writes left behind (copies, fresh indices); say what went.

        Only safe while no other write runs: the indexer calls it under its run lock.
        """
        ...

    def search(self, request: SearchRequest) -> SearchResult:
        """Run ``request`` against the live index."""
        ...

    def get(self, project_id: str) -> Project | None:
        """The stored project, or None."""
        ...

    def map(self, request: MapRequest) -> MapResult:
        """Clusters (count, centroid, bounds per grid cell) or points of the located hits."""
        ...

    def suggest_titles(self, prefix: str, size: int) -> list[TitleSuggestion]:
        """Projects whose title has every word of ``prefix``, the last one as a prefix."""
        ...

    def similar(
        self,
        project_id: str,
        size: int,
        near: GeoPoint | None = None,
        radius_km: float | None = None,
    ) -> list[Project] | None:
        """Projects closest in text and themes to ``project_id`` (itself excluded), best first.

        None when there is no such project. ``near``/``radius_km`` restrict as in search.
        """
        ...

    def corrections(self, words: Sequence[str]) -> dict[str, str]:
        """Each of the folded ``words`` no project holds, with the word it likely misspells.

        Words without a likely correction are left out (``engines.spelling`` decides).
        """
        ...

    def scan(self, request: SearchRequest) -> Iterator[Project]:
        """Every hit of ``request`` (paging ignored), in a stable order, without loading all."""
        ...

    def stats(self) -> IndexStats:
        """Counts for the home page."""
        ...

    def count(self) -> int:
        """Number of projects in the live index."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...
