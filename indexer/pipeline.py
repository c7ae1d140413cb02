"""The indexer's two jobs, from the raw store to the live index.

Key concepts: both jobs build every project from every source's last good run
(normalise → geocode → cluster → merge). ``rebuild`` then loads them all into a fresh
index swapped in atomically; ``apply_increments`` writes only the projects whose
fingerprint changed since the last run and deletes the ones that vanished. The engine
is checked first, so an unreachable engine fails before any work.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from cis.engines import Engine, open_engine
from cis.engines.base import WriteStats
from cis.records import Project
from cis.settings import Settings
from crawlers.raw_store import RawStore
from indexer.dedup import cluster
from indexer.listings import ReadReport, read_listings
from indexer.merge import merge_clusters
from indexer.overrides import Overrides, listing_key
from indexer.state import IndexState, fingerprint, state_path


@dataclass
class IndexReport:
    """Counts and timings of one indexing run, printed by the CLI."""

    job: str
    read: ReadReport = field(default_factory=ReadReport)
    listings: int = 0
    projects: int = 0
    multi_source: int = 0
    write: WriteStats = field(default_factory=WriteStats)
    seconds: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        """A few lines for the admin."""
        rejected = sum(self.read.rejected.values())
        lines = [
            f"{self.job}: {self.read.raw_items:,} raw items from {self.read.sources} sources"
            f" → {self.listings:,} listings ({rejected:,} rejected)"
            f" → {self.projects:,} projects ({self.multi_source:,} listed by several contributors)",
            f"written {self.write.written:,}, deleted {self.write.deleted:,},"
            f" failed {self.write.failed:,} into {self.write.target}",
            "seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in self.seconds.items()),
        ]
        lines += [f"rejected {n:,}: {reason}" for reason, n in self.read.rejected.most_common()]
        return "\n".join(lines)


def build_projects(settings: Settings, state: IndexState, report: IndexReport) -> list[Project]:
    """Every project the raw store describes, ids carried over from ``state``."""
    started = time.perf_counter()
    listings, report.read = read_listings(RawStore(settings.raw_dir))
    report.seconds["normalise"] = time.perf_counter() - started
    clustering = cluster(listings, Overrides.load(overrides_path(settings)))
    report.seconds["dedup"] = time.perf_counter() - started - report.seconds["normalise"]
    for listing in listings:
        state.first_seen.setdefault(listing_key(listing), listing.fetched_at)
    groups = [[listings[i] for i in members] for members in clustering.clusters]
    projects = merge_clusters(groups, first_seen=state.first_seen, previous_ids=state.project_ids)
    state.project_ids = {
        listing_key(x): p["id"] for g, p in zip(groups, projects, strict=True) for x in g
    }
    report.listings, report.projects = len(listings), len(projects)
    report.multi_source = sum(len({x.source for x in g}) > 1 for g in groups)
    report.seconds["merge"] = time.perf_counter() - started - sum(report.seconds.values())
    return projects


def overrides_path(settings: Settings) -> Path:
    """The admins' never/always-merge rules."""
    return settings.data_dir / "dedup-overrides.json"


def rebuild(settings: Settings, engine: Engine | None = None) -> IndexReport:
    """Build everything and swap it in as the live index."""
    engine = engine or open_engine(settings)
    engine.health()
    report, path = IndexReport("reindex"), _state_path(settings, engine)
    state = IndexState.load(path)
    projects = build_projects(settings, state, report)
    started = time.perf_counter()
    report.write = engine.replace_all(projects)
    report.seconds["write"] = time.perf_counter() - started
    state.fingerprints = {p["id"]: fingerprint(p) for p in projects}
    state.save(path)
    return report


def apply_increments(settings: Settings, engine: Engine | None = None) -> IndexReport:
    """Write only new and changed projects, delete vanished ones."""
    engine = engine or open_engine(settings)
    engine.health()
    report, path = IndexReport("index"), _state_path(settings, engine)
    state = IndexState.load(path)
    previous = state.fingerprints
    projects = build_projects(settings, state, report)
    state.fingerprints = {p["id"]: fingerprint(p) for p in projects}
    changed = [p for p in projects if previous.get(p["id"]) != state.fingerprints[p["id"]]]
    vanished = sorted(set(previous) - set(state.fingerprints))
    started = time.perf_counter()
    report.write = engine.apply_changes(changed, vanished)
    report.seconds["write"] = time.perf_counter() - started
    state.save(path)
    return report


def _state_path(settings: Settings, engine: Engine) -> Path:
    return state_path(settings.data_dir, engine.name, settings.index_alias)
