"""Elasticsearch index settings and mappings, one JSON file per index kind."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any


def load_mapping(kind: str = "projects") -> dict[str, Any]:
    """The ``{"settings": …, "mappings": …}`` body of ``mappings/<kind>.json``."""
    return json.loads((files(__package__) / f"{kind}.json").read_text(encoding="utf-8"))
