"""Schema and row writing of the embedded engine: one SQLite file with FTS5 and R*Tree."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from cis.analysis import analyse
from cis.facets import SEARCH_FIELDS, facet_values, search_text, spelling_text
from cis.records import Project
from cis.text import fold
from cis.text import sort_key as title_sort_key
from engines.base import EngineError
from engines.derived import contributor_count, first_seen_ms, title_words
from engines.sqlite.facet_bits import write_bitmaps
from engines.tiles import tile_of

SEARCH_COLUMNS = tuple(f.name for f in SEARCH_FIELDS)
# Beside the analysed search columns, two of folded words as written, never searched
# but by name: title prefixes for suggestions, and the typo step's vocabulary.
TITLE_TEXT, SPELLING = "title_text", "spell"
FTS_COLUMNS = (*SEARCH_COLUMNS, TITLE_TEXT, SPELLING)
# Stamped in each file (PRAGMA user_version); bumped whenever SCHEMA changes. 0: unstamped.
LAYOUT_VERSION = 3
# recent_key of a project without a readable first_seen: after every dated one, and
# small enough to travel in an API cursor (exact JSON integers stop at 2**53).
UNDATED = 2**53 - 1

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS projects (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    sort_key TEXT NOT NULL,
    title_key TEXT NOT NULL,  -- the analysed title: a query equal to it ranks first
    organisation_key TEXT NOT NULL,  -- the same for the organisation's name
    listed_by INTEGER NOT NULL,  -- how many contributors list it
    title_words INTEGER NOT NULL,  -- words of the folded title (short ones suggest first)
    recent_key INTEGER NOT NULL,  -- minus first_seen in ms: ascending is newest first
    lat REAL,  -- the exact point (the R*Tree keeps 32-bit floats), NULL when unlocated
    lon REAL,
    tile_x INTEGER,  -- its map tile at the finest cluster precision (engines.tiles)
    tile_y INTEGER
);
-- Documents apart: ranking thousands of matches reads small project rows, not 3 KB ones.
CREATE TABLE IF NOT EXISTS documents (
    project INTEGER PRIMARY KEY,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS projects_by_sort_key ON projects (sort_key);
CREATE INDEX IF NOT EXISTS projects_by_listed_by ON projects (listed_by);
CREATE INDEX IF NOT EXISTS projects_by_recent ON projects (recent_key, id);
-- Covers the map's clusters: a whole-country map reads this, not the table (-30 %).
CREATE INDEX IF NOT EXISTS projects_by_tile ON projects (tile_x, tile_y, lat, lon);
CREATE VIRTUAL TABLE IF NOT EXISTS projects_fts USING fts5(
    {", ".join(FTS_COLUMNS)}, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS facet_values (
    facet TEXT NOT NULL,
    value TEXT NOT NULL,
    project INTEGER NOT NULL,
    PRIMARY KEY (facet, value, project)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS facet_values_by_project ON facet_values (project, facet, value);
CREATE TABLE IF NOT EXISTS facet_totals (
    facet TEXT NOT NULL,
    value TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (facet, value)
) WITHOUT ROWID;
-- Each counted facet value's projects as a bitmap of rowids, and the stamp of the write
-- that made them (engines.sqlite.facet_bits): facet counts are popcounts, not joins.
CREATE TABLE IF NOT EXISTS facet_bits (
    facet TEXT NOT NULL,
    value TEXT NOT NULL,
    bits BLOB NOT NULL,
    PRIMARY KEY (facet, value)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS facet_bits_stamp (token TEXT NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS projects_geo USING rtree(
    project, min_lat, max_lat, min_lon, max_lon
);
"""


def create_schema(conn: sqlite3.Connection) -> None:
    """Create every table (idempotent) and stamp the layout version."""
    conn.executescript(SCHEMA)
    conn.execute(f"PRAGMA user_version = {LAYOUT_VERSION}")


def check_layout(conn: sqlite3.Connection) -> None:
    """Refuse to write into a copy of a file laid out by an older version (columns lack)."""
    found = conn.execute("PRAGMA user_version").fetchone()[0]
    if found != LAYOUT_VERSION:
        raise EngineError(
            f"the index file has layout {found}, this version writes layout {LAYOUT_VERSION}:"
            " run `cis reindex` once to rebuild it"
        )


def sort_key(project: Project) -> str:
    """Browse order when there is no query: title, then id for a stable tie-break."""
    return f"{title_sort_key(project['title'])}\x00{project['id']}"


def insert_projects(conn: sqlite3.Connection, projects: Iterable[Project]) -> int:
    """Insert or replace ``projects`` with their FTS text, facet values and point."""
    written = 0
    for project in projects:
        delete_project(conn, project["id"])
        cursor = conn.execute(
            "INSERT INTO projects"
            " (id, sort_key, title_key, organisation_key, listed_by, title_words, recent_key,"
            " lat, lon, tile_x, tile_y) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (project["id"], sort_key(project), *_name_keys(project), *_derived_columns(project)),
        )
        row = int(cursor.lastrowid or 0)
        conn.execute(
            "INSERT INTO documents VALUES (?, ?)", (row, json.dumps(project, ensure_ascii=False))
        )
        _index_row(conn, row, project)
        written += 1
    return written


def _name_keys(project: Project) -> tuple[str, str]:
    """``title_key, organisation_key``: the analysed names an exact query equals."""
    return analyse(project["title"]), analyse(project.get("organisation") or "")


def _derived_columns(project: Project) -> tuple[object, ...]:
    """``listed_by, title_words, recent_key, lat, lon, tile_x, tile_y`` of ``project``."""
    seen = first_seen_ms(project)
    counts = (
        contributor_count(project),
        title_words(project),
        UNDATED if seen is None else -seen,
    )
    if not (location := project.get("location")):
        return (*counts, None, None, None, None)
    lat, lon = location["lat"], location["lon"]
    return (*counts, lat, lon, *tile_of(lat, lon))


def _index_row(conn: sqlite3.Connection, row: int, project: Project) -> None:
    text = search_text(project)
    text |= {TITLE_TEXT: fold(project["title"]), SPELLING: spelling_text(project)}
    placeholders = ", ".join("?" for _ in FTS_COLUMNS)
    conn.execute(
        f"INSERT INTO projects_fts (rowid, {', '.join(FTS_COLUMNS)}) VALUES (?, {placeholders})",
        (row, *(text[c] for c in FTS_COLUMNS)),
    )
    conn.executemany(
        "INSERT INTO facet_values (facet, value, project) VALUES (?, ?, ?)",
        [
            (facet, value, row)
            for facet, values in facet_values(project).items()
            for value in values
        ],
    )
    if location := project.get("location"):
        lat, lon = location["lat"], location["lon"]
        conn.execute("INSERT INTO projects_geo VALUES (?, ?, ?, ?, ?)", (row, lat, lat, lon, lon))


def refresh_facet_counts(conn: sqlite3.Connection) -> None:
    """Recount every facet value (the browse page reads these) and rebuild the bitmaps."""
    conn.execute("DELETE FROM facet_totals")
    conn.execute(
        "INSERT INTO facet_totals SELECT facet, value, count(*) FROM facet_values GROUP BY facet, value"
    )
    write_bitmaps(conn)


def delete_project(conn: sqlite3.Connection, project_id: str) -> bool:
    """Remove one project and everything indexed for it; False when it was absent."""
    found = conn.execute("SELECT rowid FROM projects WHERE id = ?", (project_id,)).fetchone()
    if found is None:
        return False
    row = found[0]
    conn.execute("DELETE FROM projects WHERE rowid = ?", (row,))
    conn.execute("DELETE FROM documents WHERE project = ?", (row,))
    conn.execute("DELETE FROM projects_fts WHERE rowid = ?", (row,))
    conn.execute("DELETE FROM facet_values WHERE project = ?", (row,))
    conn.execute("DELETE FROM projects_geo WHERE project = ?", (row,))
    return True
