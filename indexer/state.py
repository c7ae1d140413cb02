"""What one indexing run leaves for the next: stable ids, first sightings, fingerprints.

Key concepts: project ids and first-seen dates are keyed by *listing* ("source|url"),
which survives recrawls, so a project keeps its id when its members change; the
fingerprint of each indexed project tells `cis index` what changed since the last run.
One state file per engine and alias, since each holds its own copy of the projects.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cis.records import Project

# Refreshed at every crawl even when nothing changed: not part of a project's content.
VOLATILE_FIELDS = ("updated_at",)
VOLATILE_SOURCE_FIELDS = ("last_seen",)


@dataclass
class IndexState:
    """Listing key → project id and first sighting; project id → content fingerprint."""

    project_ids: dict[str, str] = field(default_factory=dict)
    first_seen: dict[str, str] = field(default_factory=dict)
    fingerprints: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> IndexState:
        """The saved state, or an empty one before the first run."""
        if not path.exists():
            return cls()
        return cls(**json.loads(path.read_text(encoding="utf-8")))

    def save(self, path: Path) -> None:
        """Write atomically: a crash leaves the previous state."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(asdict(self), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)


def state_path(data_dir: Path, engine_name: str, alias: str) -> Path:
    """Where the state of one engine's index lives."""
    return data_dir / "index-state" / f"{engine_name}-{alias}.json"


def fingerprint(project: Project) -> str:
    """A hash of the project's content, ignoring fields every recrawl refreshes."""
    stable = {k: v for k, v in project.items() if k not in VOLATILE_FIELDS}
    stable["sources"] = [
        {k: v for k, v in ref.items() if k not in VOLATILE_SOURCE_FIELDS}
        for ref in project["sources"]
    ]
    return hashlib.sha1(json.dumps(stable, sort_keys=True).encode()).hexdigest()
