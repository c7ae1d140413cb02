"""Values computed from a project when it is written, indexed beside it by both engines.

They are never returned (Elasticsearch keeps them out of ``_source``, SQLite in columns
of its own): each engine reads the same figure from the same function.
"""

from __future__ import annotations

from cis.records import Project


def contributor_count(project: Project) -> int:
    """How many distinct contributors list ``project`` (the home page's multi-listed count)."""
    return len({ref["source"] for ref in project["sources"]})
