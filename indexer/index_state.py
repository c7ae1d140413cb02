"""What one indexing run leaves for the next: ids, first sightings, fingerprints, dedup state.

Key concepts: project ids and first-seen dates are keyed by *listing* ("source|url"),
which survives recrawls, so a project keeps its id when its members change; the
fingerprint of each indexed project tells what changed since the last run; ``runs``
names the raw-store run each source was indexed from, so `cis index` re-reads only the
sources with a new run. The ``DedupState`` (corpus, sketches, projects) is saved in a
fresh folder of ``dedup-state/<engine>-<alias>/`` and the ``IndexState`` JSON names it:
the atomic write of that JSON commits both, and older folders are removed after it.

Both are kept per engine and alias, not shared: each index holds its own copy of the
projects and may lag behind the raw store on its own (a shared dedup state would tell
the second engine that nothing changed). A write that starts is first recorded in a
journal of the ids it touches; if the run dies before the commit, the next run rewrites
or deletes those ids, so the live index agrees with the states again.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cis.files import write_atomic
from cis.records import Project
from cis.settings import Settings
from indexer.dedup.params import STATE_VERSION
from indexer.dedup.state import DedupState

# Refreshed at every crawl even when nothing changed: not part of a project's content.
VOLATILE_FIELDS = ("updated_at",)
VOLATILE_SOURCE_FIELDS = ("last_seen",)


@dataclass
class IndexState:
    """Ids and first sightings by listing key, fingerprints by project, runs by source."""

    project_ids: dict[str, str] = field(default_factory=dict)
    first_seen: dict[str, str] = field(default_factory=dict)
    fingerprints: dict[str, str] = field(default_factory=dict)
    runs: dict[str, str] = field(default_factory=dict)  # source -> raw-store run id
    rules: list[list[str]] = field(default_factory=list)  # [kind, key, key] clustered with
    dedup: str = ""  # folder of the DedupState committed with this state
    dedup_version: str = ""  # its STATE_VERSION, checked without reading it

    @classmethod
    def load(cls, path: Path) -> IndexState:
        """The saved state, or an empty one before the first run."""
        if not path.exists():
            return cls()
        return cls(**json.loads(path.read_text(encoding="utf-8")))

    def save(self, path: Path) -> None:
        """Write atomically: a crash leaves the previous state."""
        write_atomic(path, json.dumps(asdict(self), ensure_ascii=False))


@dataclass(frozen=True)
class StateFiles:
    """Where the states of one engine's index live."""

    index: Path  # the IndexState JSON
    journal: Path  # ids an unfinished engine write may have left unlike the states
    dedup_root: Path  # one folder per saved DedupState; the IndexState names the current one

    @classmethod
    def of(cls, data_dir: Path, engine_name: str, alias: str) -> StateFiles:
        """The files of ``engine_name``'s index under ``alias``."""
        name = f"{engine_name}-{alias}"
        index = data_dir / "index-state" / f"{name}.json"
        return cls(index, index.with_name(f"{name}.unsure.json"), data_dir / "dedup-state" / name)

    def load_dedup(self, state: IndexState) -> DedupState | None:
        """The DedupState committed with ``state``; None if none (raises on another version)."""
        folder = self.dedup_root / state.dedup
        if not state.dedup or not folder.is_dir():
            return None
        return DedupState.load(folder)

    def unsure(self) -> set[str]:
        """Ids of a write that started but was not committed (empty after a clean run)."""
        if not self.journal.exists():
            return set()
        return set(json.loads(self.journal.read_text(encoding="utf-8")))

    def mark_unsure(self, ids: Iterable[str]) -> None:
        """Record the ids an engine write is about to touch, before it starts."""
        write_atomic(self.journal, json.dumps(sorted(ids)))

    def remove_stale(self, state: IndexState) -> list[str]:
        """Remove what a run killed in its commit left: other dedup folders, temporary files."""
        folders = sorted(self.dedup_root.iterdir()) if self.dedup_root.is_dir() else []
        stale = [f for f in folders if f.name != state.dedup]
        stale += sorted(self.index.parent.glob(".*.tmp")) if self.index.parent.is_dir() else []
        for path in stale:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
        return [path.name for path in stale]

    def commit(self, state: IndexState, dedup: DedupState | None) -> None:
        """Save ``dedup`` in a new folder, then ``state`` naming it, then drop what they replace.

        ``dedup`` None: the committed dedup state stands; only ``state`` is saved.
        """
        generation = state.dedup
        if dedup is not None:
            generation = f"{int(state.dedup or 0) + 1:06d}"
            folder = self.dedup_root / generation
            if folder.exists():  # left by a run that died before its commit
                shutil.rmtree(folder)
            dedup.save(folder)
            state.dedup, state.dedup_version = generation, STATE_VERSION
        state.save(self.index)
        self.journal.unlink(missing_ok=True)
        for old in self.dedup_root.iterdir():
            if old.name != generation:
                shutil.rmtree(old)


def fingerprint(project: Project) -> str:
    """A hash of the project's content, ignoring fields every recrawl refreshes."""
    stable = {k: v for k, v in project.items() if k not in VOLATILE_FIELDS}
    stable["sources"] = [
        {k: v for k, v in ref.items() if k not in VOLATILE_SOURCE_FIELDS}
        for ref in project["sources"]
    ]
    return hashlib.sha1(json.dumps(stable, sort_keys=True).encode()).hexdigest()


def state_files(settings: Settings, engine_name: str) -> StateFiles:
    """Where the states of ``engine_name``'s index live."""
    return StateFiles.of(settings.data_dir, engine_name, settings.index_alias)
