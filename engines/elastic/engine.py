"""The production engine: Elasticsearch, documents always served behind an alias.

Key concepts (alias migration): concrete indices are timestamped; a full rebuild
creates a fresh index, bulk-loads it with refresh off, refreshes, then moves the alias
in ONE atomic ``update_aliases`` call and deletes the old index. Searches run against
the alias, so they see the old index or the new one, never a partial one; a crash
mid-load leaves the alias on the old index.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import elastic_transport
from elasticsearch import ApiError, Elasticsearch, NotFoundError, helpers
from elasticsearch.serializer import OrjsonSerializer

from cis.facets import folded_search_text
from cis.records import Project
from cis.text import sort_key
from engines.base import (
    EngineError,
    EngineUnavailable,
    FacetCount,
    SearchRequest,
    SearchResult,
    WriteStats,
)
from engines.elastic.query import search_body
from mappings import hidden_fields, load_mapping

BULK_CHUNK = 3000  # ~8 MB requests: measured 12 % faster than 1,000 at 100k projects
BULK_THREADS = 2
# While a fresh index loads nobody searches it: no refresh, no per-request fsync.
LOADING_SETTINGS = {"refresh_interval": "-1", "translog.durability": "async"}
LIVE_SETTINGS = {"refresh_interval": None, "translog.durability": "request"}


def es_document(project: Project) -> dict[str, Any]:
    """The stored document: the project plus folded search text and a sort key."""
    return {
        **project,
        "fold": folded_search_text(project),
        "sort_title": sort_key(project["title"]),
    }


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


class ElasticsearchEngine:
    """Elasticsearch engine honouring the Engine contract."""

    name = "elasticsearch"

    def __init__(self, client: Elasticsearch, alias: str, url: str = "") -> None:
        self.client = client
        self.alias = alias
        self.url = url

    @classmethod
    def connect(cls, url: str, alias: str) -> ElasticsearchEngine:
        """An engine on ``url``; no request is sent until first use."""
        client = Elasticsearch(
            url,
            request_timeout=30,
            max_retries=1,
            retry_on_timeout=True,
            serializer=OrjsonSerializer(),  # bulk bodies: ~10x faster than the json module
        )
        return cls(client, alias, url)

    def health(self) -> dict[str, object]:
        """Cluster health (the Maven zip has no ``GET /``, so no ping)."""
        with translated_errors(self.url):
            health = self.client.cluster.health()
        return {"engine": self.name, "status": health["status"], "alias": self.alias}

    def replace_all(self, projects: Iterable[Project]) -> WriteStats:
        """Fresh timestamped index, bulk load, refresh, atomic alias swap, delete old."""
        with translated_errors(self.url):
            old = self._indices_behind_alias()
            index = self._create_index(LOADING_SETTINGS)
            try:
                written, failed = self._bulk(projects, index)
                self.client.indices.put_settings(index=index, settings=LIVE_SETTINGS)
                self.client.indices.refresh(index=index)
            except BaseException:
                self.client.indices.delete(index=index, ignore_unavailable=True)
                raise
            self._swap_alias(old, index)
        return WriteStats(written=written, failed=failed, target=index)

    def apply_changes(self, upserts: Iterable[Project], deletions: Iterable[str]) -> WriteStats:
        """Bulk upserts and deletes through the alias, then refresh."""
        with translated_errors(self.url):
            if not self._indices_behind_alias():
                self._swap_alias([], self._create_index())
            deletes = [{"_op_type": "delete", "_id": pid} for pid in deletions]
            written, failed = self._bulk(upserts, self.alias)
            deleted, _missing = self._bulk_actions(deletes, self.alias)
            self.client.indices.refresh(index=self.alias)
        return WriteStats(written=written, deleted=deleted, failed=failed, target=self.alias)

    def search(self, request: SearchRequest) -> SearchResult:
        """Hits, exact total and multi-select facet counts."""
        with translated_errors(self.url):
            try:
                response = self.client.search(index=self.alias, **search_body(request))
            except NotFoundError:
                return SearchResult(total=0, hits=[], facets={f: [] for f in request.facets})
        hits = response["hits"]["hits"]
        full_page = len(hits) == request.size
        return SearchResult(
            total=response["hits"]["total"]["value"],
            hits=[hit["_source"] for hit in hits],
            next_after=tuple(hits[-1]["sort"]) if full_page else None,
            facets={
                facet: [FacetCount(b["key"], b["doc_count"]) for b in agg["values"]["buckets"]]
                for facet, agg in response.get("aggregations", {}).items()
            },
        )

    def get(self, project_id: str) -> Project | None:
        """The stored project without its search-only fields, or None."""
        with translated_errors(self.url):
            try:
                found = self.client.get(
                    index=self.alias, id=project_id, source_excludes=hidden_fields()
                )
            except NotFoundError:
                return None
        project: Project = found["_source"]
        return project

    def count(self) -> int:
        """Number of projects behind the alias (0 before the first index)."""
        with translated_errors(self.url):
            try:
                return int(self.client.count(index=self.alias)["count"])
            except NotFoundError:
                return 0

    def close(self) -> None:
        """Close the client's connection pool."""
        self.client.close()

    def _indices_behind_alias(self) -> list[str]:
        try:
            return sorted(self.client.indices.get_alias(name=self.alias))
        except NotFoundError:
            return []

    def _create_index(self, overrides: dict[str, Any] | None = None) -> str:
        index = f"{self.alias}-{datetime.now(UTC):%Y%m%d%H%M%S%f}"
        body = load_mapping("projects")
        settings = {**body["settings"], **(overrides or {})}
        self.client.indices.create(index=index, settings=settings, mappings=body["mappings"])
        return index

    def _swap_alias(self, old: list[str], new: str) -> None:
        actions: list[dict[str, Any]] = [{"remove": {"index": i, "alias": self.alias}} for i in old]
        actions.append({"add": {"index": new, "alias": self.alias}})
        self.client.indices.update_aliases(actions=actions)
        for index in old:
            self.client.indices.delete(index=index, ignore_unavailable=True)

    def _bulk(self, projects: Iterable[Project], index: str) -> tuple[int, int]:
        actions = ({"_id": p["id"], "_source": es_document(p)} for p in projects)
        return self._bulk_actions(actions, index)

    def _bulk_actions(self, actions: Iterable[dict[str, Any]], index: str) -> tuple[int, int]:
        # Two threads: one builds and serialises the next chunk while the other waits
        # for Elasticsearch to index the previous one.
        ok = failed = 0
        for success, _ in helpers.parallel_bulk(
            self.client,
            actions,
            index=index,
            thread_count=BULK_THREADS,
            chunk_size=BULK_CHUNK,
            raise_on_error=False,
            raise_on_exception=True,
        ):
            ok, failed = ok + success, failed + (not success)
        return ok, failed
