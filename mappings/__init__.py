"""Elasticsearch index settings and mappings, one JSON file per index kind.

The project mapping is the single source of truth for what it declares: the search-only
fields kept out of ``_source`` and the deepest page plain paging reaches are read from it.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib.resources import files
from typing import Any


@cache
def _read(kind: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(
        (files(__package__) / f"{kind}.json").read_text(encoding="utf-8")
    )
    return body


def load_mapping(kind: str = "projects") -> dict[str, Any]:
    """The ``{"settings": …, "mappings": …}`` body of ``mappings/<kind>.json`` (a fresh copy)."""
    return copy.deepcopy(_read(kind))


def hidden_fields() -> list[str]:
    """Project fields indexed for search but never returned (``_source.excludes``)."""
    return list(_read("projects")["mappings"]["_source"]["excludes"])


def result_window() -> int:
    """How deep plain paging goes (``max_result_window``), on every engine alike."""
    return int(_read("projects")["settings"]["max_result_window"])


def layout_version() -> int:
    """Version of the project mapping (``_meta.layout``): increments only write their own."""
    return int(_read("projects")["mappings"]["_meta"]["layout"])
