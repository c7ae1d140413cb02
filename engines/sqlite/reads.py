"""Every read of the embedded engine, each on its own read-only connection to the live file.

A read before the first index (no file yet) answers empty.
"""

from __future__ import annotations

import functools
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import numpy as np
import orjson

from cis.records import Project
from engines import ranking, spelling
from engines.base import (
    EngineUnavailable,
    FacetCount,
    GeoPoint,
    IndexStats,
    MapPoint,
    MapRequest,
    MapResult,
    SearchRequest,
    SearchResult,
    TitleSuggestion,
    check_after_width,
    effective_sort,
)
from engines.geo import circle, haversine_km, hit_distances
from engines.similarity import FieldTerm, distinctive_terms, field_term_counts
from engines.sqlite import map_query, related
from engines.sqlite import query as q
from engines.sqlite.facet_bits import BITMAP_FACETS, BitmapCache, Bitmaps, Words, stamp_of
from engines.sqlite.kept import Kept
from engines.sqlite.located import LocatedCache
from engines.sqlite.matches import Matches, compute_matches, match_key
from engines.sqlite.order import cursor_width
from engines.titles import prefix_terms

SCAN_CHUNK = 500  # rows fetched at a time by a scan
# The read deadline is checked every 1,000 virtual-machine steps: a read stops within
# milliseconds of it, and the checks do not show in a search's time (within the noise of
# 50 searches over 5,000 projects).
PROGRESS_STEPS = 1000


class FileReader:
    """Search, get, count, map, suggest, similar, scan and stats on the file at ``path``."""

    path: Path
    read_timeout: float | None
    bitmaps: BitmapCache
    kept: Kept
    located: LocatedCache

    def search(self, request: SearchRequest) -> SearchResult:
        """Hits, total and multi-select facet counts."""
        check_after_width(request, cursor_width(request))
        with self._reader() as conn:
            if conn is None:
                return SearchResult(total=0, hits=[], facets={f: [] for f in request.facets})
            bitmaps = self.bitmaps.of(conn)
            if _by_arrays(request):
                return self._search_matches(conn, request, bitmaps)
            return _search_sql(conn, request, bitmaps)

    def _search_matches(
        self, conn: sqlite3.Connection, request: SearchRequest, bitmaps: Bitmaps
    ) -> SearchResult:
        """The search over its kept matches (``engines.sqlite.matches``), narrowed by bitmaps."""
        matches = self._matches(conn, request, bitmaps)
        chosen = _selections(conn, request, bitmaps)
        narrowing = functools.reduce(np.bitwise_and, chosen.values()) if chosen else None
        positions = matches.narrowed(narrowing)
        page = positions[request.offset : request.offset + request.size]
        rowids = matches.rowids[page].tolist()
        documents = dict(_run(conn, q.documents_sql(rowids))) if rowids else {}
        hits = [_fields(orjson.loads(documents[rowid]), request.fields) for rowid in rowids]
        next_after = None
        if hits and len(hits) == request.size:  # a full page: where the next one starts
            last = float(matches.ranks[page[-1]])
            next_after = tuple(_run(conn, q.sort_position_sql(request, rowids[-1], last))[0])
        return SearchResult(
            total=len(positions),
            hits=hits,
            facets=_facet_counts(conn, request, bitmaps, matches.bits, chosen),
            next_after=next_after,
            distances_km=hit_distances(request.near, hits),
        )

    def get(self, project_id: str) -> Project | None:
        """The stored project, or None."""
        with self._reader() as conn:
            row = conn and conn.execute(
                "SELECT d.doc FROM projects p JOIN documents d ON d.project = p.rowid WHERE p.id = ?",
                (project_id,),
            )
            found = row.fetchone() if row else None
        return orjson.loads(found[0]) if found else None

    def _matches(
        self, conn: sqlite3.Connection, request: SearchRequest, bitmaps: Bitmaps
    ) -> Matches:
        """The rows ``request``'s text and geography keep, computed once per file stamp."""
        return self.kept.get(
            (bitmaps.stamp, "matches", match_key(request)),
            lambda: compute_matches(conn, request, bitmaps.words),
            Matches.nbytes,
        )

    def map(self, request: MapRequest) -> MapResult:
        """The located hits' points when few, else their clusters on the tile grid.

        The hits are the search's kept matches narrowed by its selections
        (``engines.sqlite.located``); a view asked for again (the landing map, a région)
        is kept whole.
        """
        search = request.search
        with self._reader() as conn:
            if conn is None:
                return MapResult(located=0, clusters=[], points=[])
            bitmaps = self.bitmaps.of(conn)
            view = (
                match_key(search),
                _selection_key(search),
                request.precision,
                request.max_points,
            )
            return self.kept.get(
                (bitmaps.stamp, "map", view),
                lambda: self._map(conn, request, bitmaps),
                lambda found: 256 + 160 * (len(found.clusters) + len(found.points)),
            )

    def _map(self, conn: sqlite3.Connection, request: MapRequest, bitmaps: Bitmaps) -> MapResult:
        search = request.search
        matches = self._matches(conn, search, bitmaps)
        chosen = _selections(conn, search, bitmaps).values()
        located = self.located.of(conn, bitmaps)
        rowids = located.rowids(functools.reduce(np.bitwise_and, chosen, matches.bits))
        if len(rowids) > request.max_points:
            clusters = located.clusters(rowids, request.precision)
            return MapResult(located=len(rowids), clusters=clusters, points=[])
        rows = _run(conn, map_query.points_sql(rowids.tolist())) if len(rowids) else []
        points = [MapPoint(pid, title, GeoPoint(lat, lon)) for pid, title, lat, lon in rows]
        return MapResult(located=len(rowids), clusters=[], points=points)

    def suggest_titles(self, prefix: str, size: int) -> list[TitleSuggestion]:
        """Titles holding every folded word of ``prefix``, the last one as a prefix."""
        terms = prefix_terms(prefix)
        if not terms or size < 1:
            return []
        with self._reader() as conn:
            if conn is None:
                return []
            return self.kept.get(
                (stamp_of(conn), "titles", tuple(terms), size),
                lambda: [
                    TitleSuggestion(*row) for row in _run(conn, related.suggest_sql(terms, size))
                ],
                lambda found: 64 + 256 * len(found),  # a few short strings each
            )

    def similar(
        self,
        project_id: str,
        size: int,
        near: GeoPoint | None = None,
        radius_km: float | None = None,
    ) -> list[Project] | None:
        """Projects closest in words and codes to ``project_id``; None if it does not exist."""
        with self._reader() as conn:
            found = (
                conn
                and conn.execute(
                    "SELECT p.rowid, d.doc FROM projects p JOIN documents d ON d.project = p.rowid"
                    " WHERE p.id = ?",
                    (project_id,),
                ).fetchone()
            )
            if not conn or not found:
                return None
            project: Project = orjson.loads(found[1])
            terms = _distinctive_terms(conn, project)
            around = circle(SearchRequest(near=near, radius_km=radius_km))
            codes = sorted(set(project["codes"]))
            sql = related.similar_sql(found[0], terms, codes, size, around)
            rows = _run(conn, sql) if sql else []
        return [orjson.loads(row[0]) for row in rows]

    def corrections(self, words: Sequence[str]) -> dict[str, str]:
        """Each unknown word of ``words`` with the indexed word it likely misspells."""
        wanted = spelling.checked(words)
        if not wanted:
            return {}
        with self._reader() as conn:
            if conn is None:
                return {}
            kept = self.kept.get(
                (stamp_of(conn), "corrections", tuple(wanted)),
                lambda: _corrections(conn, wanted),
                lambda found: 64 + 128 * len(found),
            )
        return dict(kept)  # the caller's own: the kept one is shared

    def scan(self, request: SearchRequest) -> Iterator[Project]:
        """Every hit in the search's order, read from one cursor in chunks.

        The open connection keeps reading the file it opened even if a write swaps in a
        new one meanwhile: a scan sees one state of the index from start to end.
        """
        whole = replace(request, after=None)
        with self._reader() as conn:
            if conn is None:
                return
            for statement in q.preparation_sql(whole):
                _run(conn, statement)
            sql = q.hits_sql(whole, paged=False)
            cursor = conn.execute(sql.text, sql.params)
            while rows := cursor.fetchmany(SCAN_CHUNK):
                yield from (orjson.loads(row[0]) for row in rows)

    def stats(self) -> IndexStats:
        """Projects, distinct contributors and multi-listed projects."""
        with self._reader() as conn:
            if conn is None:
                return IndexStats(projects=0, contributors=0, multi_listed=0)
            projects, contributors, multi_listed = _run(conn, q.stats_sql())[0]
        return IndexStats(projects=projects, contributors=contributors, multi_listed=multi_listed)

    def count(self) -> int:
        """Number of projects in the live file (0 before the first index)."""
        with self._reader() as conn:
            return conn.execute("SELECT count(*) FROM projects").fetchone()[0] if conn else 0

    @contextmanager
    def _reader(self) -> Iterator[sqlite3.Connection | None]:
        if not self.path.exists():
            yield None
            return
        uri = f"file:{self.path}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True, timeout=self.read_timeout or 30)) as conn:
            conn.create_function("distance_km", 4, _distance_km, deterministic=True)
            conn.create_function("nearness", 4, _nearness, deterministic=True)
            if self.read_timeout is None:
                yield conn
                return
            deadline = time.monotonic() + self.read_timeout
            # SQLite calls the handler every PROGRESS_STEPS instructions; True interrupts.
            conn.set_progress_handler(lambda: time.monotonic() > deadline, PROGRESS_STEPS)
            try:
                yield conn
            except sqlite3.OperationalError as error:
                if error.sqlite_errorcode != sqlite3.SQLITE_INTERRUPT:
                    raise
                raise EngineUnavailable(
                    f"the index did not answer within {self.read_timeout} s"
                ) from error


def _corrections(conn: sqlite3.Connection, wanted: list[str]) -> dict[str, str]:
    """Each of ``wanted`` the vocabulary lacks, with the indexed word it likely misspells."""
    conn.execute(related.VOCABULARY_SQL)
    known = {row[0] for row in _run(conn, related.known_words_sql(wanted))}
    found = {}
    for word in (w for w in wanted if w not in known):
        prefix, edits = word[: spelling.PREFIX_LENGTH], spelling.max_edits(word)
        rows = _run(conn, related.spelling_candidates_sql(word, prefix, edits))
        if correction := spelling.best_correction(word, rows):
            found[word] = correction
    return found


def _selection_key(request: SearchRequest) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The request's selections in a canonical, hashable form."""
    return tuple(
        (facet, tuple(sorted(request.filters[facet]))) for facet in q.selected_facets(request)
    )


def _by_arrays(request: SearchRequest) -> bool:
    """Whether ``request`` is served from kept matches: pages, not cursors; bitmap counts.

    Cursors (partners' deep walks), distance orders (a new point each time: nothing to
    keep) and counts of the facets of thousands of values (communes, arrondissements)
    take the SQL path.
    """
    return (
        request.after is None
        and effective_sort(request) != "distance"
        and set(request.facets).issubset(BITMAP_FACETS)
    )


def _search_sql(conn: sqlite3.Connection, request: SearchRequest, bitmaps: Bitmaps) -> SearchResult:
    """The search in SQL: temporary tables of matches and selections, a keyset page."""
    for statement in q.preparation_sql(request):
        _run(conn, statement)
    rows = _run(conn, q.hits_sql(request))
    total = _run(conn, q.total_sql(request))[0][0]
    matched = bitmaps.rows(_joined(conn, "base")) if q.has_base(request) else bitmaps.everyone
    chosen = _selections(conn, request, bitmaps)
    full_page = bool(rows) and len(rows) == request.size
    hits = [_fields(orjson.loads(row[0]), request.fields) for row in rows]
    return SearchResult(
        total=total,
        hits=hits,
        facets=_facet_counts(conn, request, bitmaps, matched, chosen),
        next_after=tuple(rows[-1][1:]) if full_page else None,
        distances_km=hit_distances(request.near, hits),
    )


def _facet_counts(
    conn: sqlite3.Connection,
    request: SearchRequest,
    bitmaps: Bitmaps,
    matched: Words,
    chosen: dict[str, Words],
) -> dict[str, list[FacetCount]]:
    """Each facet counted over the ``matched`` rows in every selection but its own.

    Facets with bitmaps are popcounts (``engines.sqlite.facet_bits``); the others, SQL over
    the temporary tables (only the SQL path counts them).
    """
    counts = {}
    for facet in request.facets:
        if facet in BITMAP_FACETS:
            others = (rows for other, rows in chosen.items() if other != facet)
            within = functools.reduce(np.bitwise_and, others, matched)
            found = bitmaps.counts(facet, within)
        else:
            skip = facet if facet in chosen else None
            found = [(v, n) for _, v, n in _run(conn, q.counts_sql(request, [facet], skip))]
        ordered = sorted(found, key=lambda count: (-count[1], count[0]))[: request.facet_size]
        counts[facet] = [FacetCount(value, n) for value, n in ordered]
    return counts


def _selections(
    conn: sqlite3.Connection, request: SearchRequest, bitmaps: Bitmaps
) -> dict[str, Words]:
    """Per selected facet, the projects carrying a chosen value (read by SQL without bitmaps)."""
    chosen = {}
    for facet in q.selected_facets(request):
        values = request.filters[facet]
        if facet in BITMAP_FACETS:
            chosen[facet] = bitmaps.selection(facet, values)
        else:
            sql = q.selection_sql(facet, values)
            chosen[facet] = bitmaps.rows(conn.execute(sql.text, sql.params).fetchone()[0])
    return chosen


def _joined(conn: sqlite3.Connection, table: str) -> str | None:
    """The projects of temporary table ``table`` as one ``group_concat`` text."""
    joined: str | None = conn.execute(f"SELECT group_concat(project) FROM {table}").fetchone()[0]
    return joined


def _distinctive_terms(conn: sqlite3.Connection, project: Project) -> list[FieldTerm]:
    """``project``'s most distinctive (field, term) pairs over this index."""
    counts = field_term_counts(project)
    conn.execute(related.VOCABULARY_SQL)
    words = sorted({term for _, term in counts})
    doc_freqs = {(col, term): n for term, col, n in _run(conn, related.doc_freqs_sql(words))}
    docs = conn.execute("SELECT count(*) FROM projects").fetchone()[0]
    return distinctive_terms(counts, doc_freqs, docs)


def _distance_km(lat: float | None, lon: float | None, lat0: float, lon0: float) -> float | None:
    """SQL ``distance_km(lat, lon, lat0, lon0)``: exact km, NULL for an unlocated project."""
    return None if lat is None or lon is None else haversine_km(lat, lon, lat0, lon0)


def _nearness(lat: float | None, lon: float | None, lat0: float, lon0: float) -> float | None:
    """SQL ``nearness(lat, lon, lat0, lon0)``: the ranking's distance tier, NULL when unlocated."""
    km = _distance_km(lat, lon, lat0, lon0)
    return None if km is None else ranking.distance_weight(km)


def _run(conn: sqlite3.Connection, sql: q.Sql) -> list[Any]:
    return conn.execute(sql.text, sql.params).fetchall()


def _fields(project: Project, fields: tuple[str, ...] | None) -> Project:
    """``project`` with only ``fields`` (all when None), as Elasticsearch's source filter."""
    if fields is None:
        return project
    chosen: dict[str, Any] = dict(project)
    return cast(Project, {name: chosen[name] for name in fields if name in chosen})
