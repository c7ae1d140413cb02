"""The raw store: what the crawlers hand to the indexer, as files.

Key concepts: each source has a folder ``<root>/<source>/``; each crawl run writes
``<run>.jsonl`` (one raw item a line), ``<run>.state.json`` (per-URL HTTP validators and
what each page yielded, plus the URLs removed in that run) and ``<run>.report.json``;
``source.json`` holds the contributor's public description (name, pages, licence) as
its config said at the latest crawl, for the search service, which never reads configs.
Items are written under a temporary name and renamed when the run succeeds; only then is
the ``LATEST`` pointer file replaced (atomically), so a failed or interrupted run leaves
the last good run in place. The indexer reads ``latest_items`` and ``latest_removals``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from cis.files import write_atomic
from cis.records import RawItem, SourceDescription

LATEST = "LATEST"
DESCRIPTION = "source.json"


class RawStore:
    """Read (and, for crawlers, write) the per-source runs under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def sources(self) -> list[str]:
        """Sources that have at least one successful run, sorted."""
        if not self.root.is_dir():
            return []
        return sorted(p.parent.name for p in self.root.glob(f"*/{LATEST}"))

    def known_sources(self) -> list[str]:
        """Sources crawled at least once, successfully or not, sorted."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and p.name[0] != ".")

    def latest_run(self, source: str) -> str | None:
        """Id of the source's last successful run, None if it never succeeded."""
        pointer = self.root / source / LATEST
        return pointer.read_text(encoding="utf-8").strip() if pointer.is_file() else None

    def latest_items(self, source: str) -> Iterator[RawItem]:
        """The raw items of the source's last successful run (nothing if none)."""
        run = self.latest_run(source)
        if run is None:
            return
        with (self.root / source / f"{run}.jsonl").open(encoding="utf-8") as lines:
            for line in lines:
                yield json.loads(line)

    def latest_removals(self, source: str) -> list[str]:
        """URLs the last successful run found removed (404/410, or absent from a full listing)."""
        return list(self.latest_state(source).get("removed", []))

    def latest_state(self, source: str) -> dict[str, Any]:
        """The state file of the last successful run (``{}`` if none)."""
        run = self.latest_run(source)
        path = self.root / source / f"{run}.state.json"
        return json.loads(path.read_text(encoding="utf-8")) if run and path.is_file() else {}

    def latest_contributor(self, source: str) -> dict[str, Any]:
        """Identity of the source at its last successful run: name, homepage, tag table."""
        return dict(self.latest_state(source).get("contributor", {"name": source}))

    def write_description(self, source: str, description: SourceDescription) -> Path:
        """Record the contributor's public description (every crawl rewrites it)."""
        path = self.root / source / DESCRIPTION
        write_atomic(path, json.dumps(description, ensure_ascii=False, indent=2, sort_keys=True))
        return path

    def description(self, source: str) -> SourceDescription:
        """The contributor's public description as its latest crawl recorded it."""
        path = self.root / source / DESCRIPTION
        if path.is_file():
            recorded: SourceDescription = json.loads(path.read_text(encoding="utf-8"))
            return recorded
        # Crawled before descriptions were recorded: what its last good run said.
        card = self.latest_contributor(source)
        return {
            "id": source,
            "name": card.get("name") or source,
            "homepage": card.get("homepage") or "",
            "logo": card.get("logo") or "",
            "licence": None,
        }

    def descriptions(self) -> list[SourceDescription]:
        """The description of every known source, by id."""
        return [self.description(source) for source in self.known_sources()]

    def report_paths(self, source: str) -> list[Path]:
        """Report files of every run of ``source`` (failed ones too), oldest first."""
        return sorted((self.root / source).glob("*.report.json"))

    def write_report(self, source: str, run: str, report: dict[str, Any]) -> Path:
        """Write a run's report next to its items."""
        path = self.root / source / f"{run}.report.json"
        write_atomic(path, json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True))
        return path

    def open_run(self, source: str, run: str) -> RunWriter:
        """Start writing run ``run`` of ``source`` (under a temporary name)."""
        folder = self.root / source
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob(".*.tmp"):  # leftovers of an interrupted run
            stale.unlink()
        return RunWriter(folder, run)


class RunWriter:
    """Items of one run, appended to a temporary file until ``commit`` or ``abort``."""

    def __init__(self, folder: Path, run: str) -> None:
        self.folder = folder
        self.run = run
        self.tmp_path = folder / f".{run}.jsonl.tmp"
        self._file: IO[str] = self.tmp_path.open("w", encoding="utf-8")

    def write(self, item: RawItem) -> None:
        """Append one item."""
        self._file.write(json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n")

    def commit(self, state: dict[str, Any]) -> None:
        """Publish the run: items and state renamed into place, then ``LATEST`` swapped."""
        self._close()
        os.replace(self.tmp_path, self.folder / f"{self.run}.jsonl")
        write_atomic(self.folder / f"{self.run}.state.json", json.dumps(state, ensure_ascii=False))
        write_atomic(self.folder / LATEST, self.run + "\n")

    def abort(self) -> None:
        """Drop the run's items; ``LATEST`` keeps pointing at the last good run."""
        self._close()
        self.tmp_path.unlink(missing_ok=True)

    def _close(self) -> None:
        if self._file.closed:
            return
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()


def new_run_id(root: Path, sources: list[str]) -> str:
    """A UTC timestamp id (``20261129T232200123Z``) not yet used by any of ``sources``."""
    moment = datetime.now(UTC)
    while True:
        run = moment.strftime("%Y%m%dT%H%M%S") + f"{moment.microsecond // 1000:03d}Z"
        if not any(any((root / s).glob(f"{run}.*")) for s in sources):
            return run
        moment += timedelta(milliseconds=1)
