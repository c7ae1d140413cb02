"""Every read of the Elasticsearch engine, always through the alias.

A read of an alias that does not exist yet (before the first index) answers empty.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace

import elastic_transport
from elasticsearch import ApiError, Elasticsearch, NotFoundError

from cis.records import Project
from engines import spelling
from engines.base import (
    EngineError,
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
)
from engines.elastic.map_query import clusters, clusters_body, points_body
from engines.elastic.query import scan_body, search_body, stats_body
from engines.elastic.related import (
    corrections,
    known_words,
    known_words_body,
    similar_body,
    spelling_body,
    suggest_body,
    suggestion,
)
from engines.geo import hit_distances
from engines.titles import prefix_terms
from mappings import hidden_fields

SCAN_CHUNK = 1000  # hits per search_after page of a scan
# Reads the public repeats (a search's page and its facet counts, map cells, completions,
# a project page's similar projects) are answered from the shard request cache until the
# index changes: ES caches only size-0 requests unless asked. At 100,000 projects it cuts
# a cached search from ~20 ms to ~2 ms of node time (``benchmarks.search_load``). Scans
# and gets stay uncached.
REQUEST_CACHE = True


@contextmanager
def translated_errors(url: str) -> Iterator[None]:
    """Turn transport failures into EngineUnavailable and API failures into EngineError."""
    try:
        yield
    except (elastic_transport.ConnectionError, elastic_transport.ConnectionTimeout) as error:
        reason = str(error).rsplit(": ", 1)[-1].rstrip(")")  # e.g. "[Errno 111] Connection refused"
        raise EngineUnavailable(f"Elasticsearch unreachable at {url}: {reason}") from error
    except ApiError as error:
        if error.meta.status in (502, 503, 504):
            raise EngineUnavailable(
                f"Elasticsearch at {url} answered {error.meta.status}"
            ) from error
        raise EngineError(f"Elasticsearch error: {error}") from error


class AliasReader:
    """Search, get, count, map, suggest, similar, scan and stats on ``alias``."""

    client: Elasticsearch
    reader: Elasticsearch  # the client with the service's read timeout, no retry
    alias: str
    url: str

    def search(self, request: SearchRequest) -> SearchResult:
        """Hits, exact total and multi-select facet counts."""
        with translated_errors(self.url):
            try:
                body = search_body(request)
                check_after_width(request, len(body["sort"]))
                response = self.reader.search(index=self.alias, request_cache=REQUEST_CACHE, **body)
            except NotFoundError:
                return SearchResult(total=0, hits=[], facets={f: [] for f in request.facets})
        hits = response["hits"]["hits"]
        full_page = bool(hits) and len(hits) == request.size
        projects = [hit["_source"] for hit in hits]
        return SearchResult(
            total=response["hits"]["total"]["value"],
            hits=projects,
            next_after=tuple(hits[-1]["sort"]) if full_page else None,
            distances_km=hit_distances(request.near, projects),
            facets={
                facet: [FacetCount(b["key"], b["doc_count"]) for b in agg["values"]["buckets"]]
                for facet, agg in response.get("aggregations", {}).items()
            },
        )

    def get(self, project_id: str) -> Project | None:
        """The stored project without its search-only fields, or None."""
        with translated_errors(self.url):
            try:
                found = self.reader.get(
                    index=self.alias, id=project_id, source_excludes=hidden_fields()
                )
            except NotFoundError:
                return None
        project: Project = found["_source"]
        return project

    def map(self, request: MapRequest) -> MapResult:
        """The located hits' points when few, else their clusters on the tile grid."""
        with translated_errors(self.url):
            try:
                response = self.reader.search(
                    index=self.alias, request_cache=REQUEST_CACHE, **clusters_body(request)
                )
                located = response["hits"]["total"]["value"]
                if located > request.max_points:
                    cells = response["aggregations"]["cells"]["buckets"]
                    return MapResult(located=located, clusters=clusters(cells), points=[])
                body = points_body(request)
                hits = self.reader.search(index=self.alias, request_cache=REQUEST_CACHE, **body)[
                    "hits"
                ]["hits"]
            except NotFoundError:
                return MapResult(located=0, clusters=[], points=[])
        points = [
            MapPoint(id=p["id"], title=p["title"], location=GeoPoint(**p["location"]))
            for p in (hit["_source"] for hit in hits)
        ]
        return MapResult(located=located, clusters=[], points=points)

    def suggest_titles(self, prefix: str, size: int) -> list[TitleSuggestion]:
        """Titles holding every folded word of ``prefix``, the last one as a prefix."""
        terms = prefix_terms(prefix)
        if not terms or size < 1:
            return []
        with translated_errors(self.url):
            try:
                response = self.reader.search(
                    index=self.alias, request_cache=REQUEST_CACHE, **suggest_body(terms, size)
                )
            except NotFoundError:
                return []
        return [suggestion(hit["_source"]) for hit in response["hits"]["hits"]]

    def corrections(self, words: Sequence[str]) -> dict[str, str]:
        """Each unknown word of ``words`` with the indexed word it likely misspells.

        Known words are found by a cached count first; only the others go to the suggester.
        """
        wanted = spelling.checked(words)
        if not wanted:
            return {}
        with translated_errors(self.url):
            try:
                counted = self.reader.search(
                    index=self.alias, request_cache=REQUEST_CACHE, **known_words_body(wanted)
                )
                missing = [word for word in wanted if word not in known_words(dict(counted))]
                if not missing:
                    return {}
                response = self.reader.search(
                    index=self.alias, request_cache=REQUEST_CACHE, **spelling_body(missing)
                )
            except NotFoundError:
                return {}
        return corrections(dict(response))

    def similar(
        self,
        project_id: str,
        size: int,
        near: GeoPoint | None = None,
        radius_km: float | None = None,
    ) -> list[Project] | None:
        """Projects closest in words and codes to ``project_id``; None if it does not exist."""
        if (project := self.get(project_id)) is None:
            return None
        with translated_errors(self.url):
            try:
                body = similar_body(project, size, near, radius_km)
                response = self.reader.search(index=self.alias, request_cache=REQUEST_CACHE, **body)
            except NotFoundError:  # the index was swapped away meanwhile
                return None
        return [hit["_source"] for hit in response["hits"]["hits"]]

    def scan(self, request: SearchRequest) -> Iterator[Project]:
        """Every hit in the search's order, one ``search_after`` page at a time.

        No point-in-time: a rebuild deletes the index it replaces, which would end the
        walk; plain ``search_after`` on the alias carries on in the new index instead.
        """
        chunk = replace(request, page=1, size=SCAN_CHUNK, after=None, facets=())
        while True:
            with translated_errors(self.url):
                try:
                    hits = self.reader.search(index=self.alias, **scan_body(chunk))["hits"]["hits"]
                except NotFoundError:
                    return
            yield from (hit["_source"] for hit in hits)
            if len(hits) < SCAN_CHUNK:
                return
            chunk = replace(chunk, after=tuple(hits[-1]["sort"]))

    def stats(self) -> IndexStats:
        """Projects, distinct contributors and multi-listed projects, in one request."""
        with translated_errors(self.url):
            try:
                response = self.reader.search(index=self.alias, **stats_body())
            except NotFoundError:
                return IndexStats(projects=0, contributors=0, multi_listed=0)
        aggs = response["aggregations"]
        return IndexStats(
            projects=response["hits"]["total"]["value"],
            contributors=aggs["contributors"]["value"],
            multi_listed=aggs["multi_listed"]["doc_count"],
        )

    def count(self) -> int:
        """Number of projects behind the alias (0 before the first index)."""
        with translated_errors(self.url):
            try:
                return int(self.reader.count(index=self.alias)["count"])
            except NotFoundError:
                return 0
