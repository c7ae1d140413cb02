"""The embedded default engine: one SQLite file (FTS5 + R*Tree) under the data folder.

Key concepts: the live file is never written in place. Readers open it read-only per
call. A rebuild writes a fresh sibling file, an increment a copy of the live one; either
is fsynced and ``os.replace``d over the live file, which is atomic on POSIX, so a search
sees the old index or the new one, never a half-written one, and a write killed at any
moment leaves only its ``.building-<pid>`` file, which the next run removes. With no
in-place write there is never a hot journal for a read-only reader to trip on.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from cis.files import replace_durably
from cis.records import Project
from engines.base import WriteStats
from engines.sqlite.facet_bits import BitmapCache
from engines.sqlite.kept import Kept
from engines.sqlite.located import LocatedCache
from engines.sqlite.reads import FileReader
from engines.sqlite.schema import (
    check_layout,
    create_schema,
    delete_project,
    insert_projects,
    refresh_facet_counts,
)


class SqliteEngine(FileReader):
    """Embedded engine honouring the Engine contract (its reads: ``FileReader``)."""

    name = "sqlite"

    def __init__(self, path: Path, read_timeout: float | None = None) -> None:
        self.path = path
        self.read_timeout = read_timeout
        self.bitmaps = BitmapCache()
        self.kept = Kept()
        self.located = LocatedCache()

    def health(self) -> dict[str, object]:
        """File path, size and document count."""
        size = self.path.stat().st_size if self.path.exists() else 0
        return {"engine": self.name, "status": "green", "path": str(self.path), "bytes": size}

    def replace_all(self, projects: Iterable[Project]) -> WriteStats:
        """Build a new file beside the live one, then atomically rename it over it."""
        with self._building(copy_live=False) as conn:
            written = insert_projects(conn, projects)
            conn.execute("INSERT INTO projects_fts (projects_fts) VALUES ('optimize')")
        return WriteStats(written=written, target=str(self.path))

    def apply_changes(self, upserts: Iterable[Project], deletions: Iterable[str]) -> WriteStats:
        """Upsert and delete on a copy of the live file, then rename the copy over it."""
        with self._building(copy_live=True) as conn:
            written = insert_projects(conn, upserts)
            deleted = sum(delete_project(conn, project_id) for project_id in deletions)
        return WriteStats(written=written, deleted=deleted, target=str(self.path))

    def remove_leftovers(self) -> list[str]:
        """Delete the building files of killed writes; roll back a hot journal of old versions."""
        removed = []
        for leftover in sorted(self.path.parent.glob(f"{self.path.name}.building-*")):
            leftover.unlink(missing_ok=True)
            removed.append(leftover.name)
        journal = self.path.with_name(f"{self.path.name}-journal")
        if journal.exists():  # left by a version that wrote in place: SQLite rolls it back
            with closing(sqlite3.connect(self.path)) as conn:
                conn.execute("SELECT count(*) FROM projects").fetchone()
            removed.append(f"{journal.name} (interrupted write rolled back)")
        return removed

    @contextmanager
    def _building(self, *, copy_live: bool) -> Iterator[sqlite3.Connection]:
        """A private file to write (a copy of the live one, or empty), swapped in on success."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        building = self.path.with_name(f"{self.path.name}.building-{os.getpid()}")
        building.unlink(missing_ok=True)
        try:
            copied = copy_live and self.path.exists()
            if copied:
                shutil.copyfile(self.path, building)
            with closing(sqlite3.connect(building)) as conn, conn:
                # Nobody else sees this file until it is renamed, and a killed write is
                # thrown away whole: no journal is needed.
                conn.execute("PRAGMA journal_mode = OFF")
                if copied:
                    check_layout(conn)
                create_schema(conn)
                yield conn
                refresh_facet_counts(conn)
            replace_durably(building, self.path)
        finally:
            building.unlink(missing_ok=True)

    def close(self) -> None:
        """Nothing is held open between calls."""
