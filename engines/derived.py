"""Values computed from a project when it is written, indexed beside it by both engines.

They are never returned (Elasticsearch keeps them out of ``_source``, SQLite in columns
of its own): each engine reads the same figure from the same function.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cis.records import Project
from cis.text import fold

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def contributor_count(project: Project) -> int:
    """How many distinct contributors list ``project`` (the home page's multi-listed count)."""
    return len({ref["source"] for ref in project["sources"]})


def first_seen_ms(project: Project) -> int | None:
    """When ``project`` was first listed, in ms since the epoch (as Elasticsearch dates sort).

    None when the date is missing or unreadable; a date without offset is UTC, as there.
    """
    try:
        seen = datetime.fromisoformat(project["first_seen"])
    except (KeyError, TypeError, ValueError):
        return None
    if seen.tzinfo is None:
        seen = seen.replace(tzinfo=UTC)
    return (seen - EPOCH) // timedelta(milliseconds=1)


def title_words(project: Project) -> int:
    """How many words its folded title has: shorter titles suggest first."""
    return len(fold(project["title"]).split())
