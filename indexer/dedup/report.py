"""The dedup report: one row per merged project (and per refused link) for admins to review.

Each row names a project, its members (listing keys), their titles and communes, and the
links between them with exact Jaccard and reason; links a rule refused (never-merge, one
contributor twice, a second commune) are listed on the row of their first listing, so an
admin can see why two look-alikes stayed apart and add an always or never rule.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from indexer.dedup.clustering import Clustering, ScoredPair
from indexer.dedup.params import commune
from indexer.dedup.state import DedupState
from indexer.listings.listing import listing_key

COLUMNS = ("project_id", "size", "keys", "titles", "communes", "links", "refused")
SEPARATOR = " ; "


@dataclass(frozen=True)
class ReportRow:
    """One project as the report shows it."""

    project_id: str
    keys: tuple[str, ...]
    titles: tuple[str, ...]
    communes: tuple[str, ...]
    links: tuple[str, ...]  # "key ~ key = jaccard (reason)"
    refused: tuple[str, ...]  # same format, links that did not join


def _describe(state: DedupState, pair: ScoredPair) -> str:
    a, b = state.corpus.listing(pair.i), state.corpus.listing(pair.j)
    return f"{listing_key(a)} ~ {listing_key(b)} = {pair.jaccard:.3f} ({pair.reason})"


def report_rows(
    state: DedupState, clustering: Clustering, *, every_project: bool = False
) -> list[ReportRow]:
    """Rows for the clusters of ``clustering``: merged or refused ones, or all if asked."""
    by_slot: dict[int, int] = {s: c for c, slots in enumerate(clustering.clusters) for s in slots}
    links: list[list[str]] = [[] for _ in clustering.clusters]
    refused: list[list[str]] = [[] for _ in clustering.clusters]
    for pair in clustering.pairs:
        (links if pair.merged else refused)[by_slot[pair.i]].append(_describe(state, pair))
    rows = []
    for c, slots in enumerate(clustering.clusters):
        if not (every_project or len(slots) > 1 or refused[c]):
            continue
        members = [state.corpus.listing(s) for s in slots]
        rows.append(
            ReportRow(
                project_id=state.project_of[slots[0]],
                keys=tuple(listing_key(x) for x in members),
                titles=tuple(x.title for x in members),
                communes=tuple(commune(x) or "-" for x in members),
                links=tuple(links[c]),
                refused=tuple(refused[c]),
            )
        )
    return rows


def write_csv(rows: Iterable[ReportRow], path: Path) -> int:
    """Write ``rows`` as CSV (UTF-8, one line per project); returns the number of rows."""
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for row in rows:
            cells = (row.keys, row.titles, row.communes, row.links, row.refused)
            writer.writerow([row.project_id, len(row.keys), *map(SEPARATOR.join, cells)])
            count += 1
    return count
