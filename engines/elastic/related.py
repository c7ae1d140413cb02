"""Pure bodies of the lookups around titles and projects: title suggestions, similar projects."""

from __future__ import annotations

from typing import Any

from engines.base import TitleSuggestion
from engines.elastic.query import TITLE_ORDER

SUGGESTION_FIELDS = ["id", "title", "address.commune", "address.departement_code"]


def suggest_body(terms: list[str], size: int) -> dict[str, Any]:
    """Titles with a word starting with each term (``engines.titles``), best first.

    The score counts the terms that are whole words of the title.
    """
    starts = [{"prefix": {"fold.title": term}} for term in terms]  # served by index_prefixes
    whole = [{"constant_score": {"filter": {"term": {"fold.title": term}}}} for term in terms]
    return {
        "query": {"bool": {"filter": starts, "should": whole}},
        "size": size,
        "sort": ["_score", {"title_words": "asc"}, *TITLE_ORDER],
        "track_total_hits": False,
        "_source": {"includes": SUGGESTION_FIELDS},
    }


def suggestion(source: dict[str, Any]) -> TitleSuggestion:
    """A suggestion from a ``suggest_body`` hit."""
    address = source.get("address") or {}
    return TitleSuggestion(
        id=source["id"],
        title=source["title"],
        commune=address.get("commune", ""),
        departement_code=address.get("departement_code", ""),
    )
