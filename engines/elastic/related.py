"""Pure bodies of the lookups around titles and projects: title suggestions, similar projects."""

from __future__ import annotations

from typing import Any

from cis.facets import search_text
from cis.records import Project
from engines import spelling
from engines.base import GeoPoint, SearchRequest, TitleSuggestion
from engines.elastic.query import TITLE_ORDER, geo_filters
from engines.similarity import MAX_QUERY_TERMS, SHARED_CODE_BOOST, SIMILAR_FIELDS
from mappings import hidden_fields

SUGGESTION_FIELDS = ["id", "title", "address.commune", "address.departement_code"]


SPELLING_CANDIDATES = 10  # per word, for engines.spelling to choose from


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


def similar_body(
    project: Project, size: int, near: GeoPoint | None, radius_km: float | None
) -> dict[str, Any]:
    """Projects sharing ``project``'s distinctive words or codes, best first, itself excluded.

    The text is given as an artificial document: the stored one keeps no analysed text.
    """
    text = search_text(project)
    like = {"doc": {"stem": {field: text[field] for field in SIMILAR_FIELDS}}}
    words = {
        "more_like_this": {
            "fields": [f"stem.{field}" for field in SIMILAR_FIELDS],
            "like": [like],
            "min_term_freq": 1,  # so that small catalogues find neighbours too
            "min_doc_freq": 1,
            "max_query_terms": MAX_QUERY_TERMS,
            "minimum_should_match": 1,  # any distinctive word makes a candidate, as on SQLite
        }
    }
    codes = [
        {"constant_score": {"filter": {"term": {"codes": code}}, "boost": SHARED_CODE_BOOST}}
        for code in sorted(set(project["codes"]))
    ]
    query: dict[str, Any] = {
        "bool": {
            "should": [words, *codes],
            "minimum_should_match": 1,
            "must_not": [{"ids": {"values": [project["id"]]}}],
        }
    }
    if around := geo_filters(SearchRequest(near=near, radius_km=radius_km)):
        query["bool"]["filter"] = around
    return {
        "query": query,
        "size": size,
        "sort": ["_score", *TITLE_ORDER],
        "track_total_hits": False,
        "_source": {"excludes": hidden_fields()},
    }


def spelling_body(words: list[str]) -> dict[str, Any]:
    """Candidates for each word the index lacks: the term suggester on the written words.

    It proposes; ``engines.spelling`` decides, as on SQLite.
    """
    suggester = {
        "field": "spell",
        "suggest_mode": "missing",
        "max_edits": 2,
        "prefix_length": spelling.PREFIX_LENGTH,
        "min_word_length": spelling.MIN_LENGTH,
        "size": SPELLING_CANDIDATES,
        "string_distance": "damerau_levenshtein",
    }
    # The suggester's own analysis splits on spaces only: the words come folded.
    return {"size": 0, "suggest": {"spelling": {"text": " ".join(words), "term": suggester}}}


def known_words_body(words: list[str]) -> dict[str, Any]:
    """How many projects hold each of ``words`` in their typo vocabulary, in one count.

    A size-0 aggregation, which the shard request cache keeps (a suggester request never
    is): words some project holds need no suggester, which proposes only for missing ones.
    """
    found = {word: {"term": {"spell": word}} for word in words}
    return {"size": 0, "aggs": {"known": {"filters": {"filters": found}}}}


def known_words(response: dict[str, Any]) -> set[str]:
    """The words of a ``known_words_body`` answer that some project holds."""
    buckets = response["aggregations"]["known"]["buckets"]
    return {word for word, bucket in buckets.items() if bucket["doc_count"]}


def corrections(response: dict[str, Any]) -> dict[str, str]:
    """Word → correction from a ``spelling_body`` answer."""
    found = {}
    for entry in response.get("suggest", {}).get("spelling", []):
        candidates = [(o["text"], o["freq"]) for o in entry["options"]]
        if candidates and (correction := spelling.best_correction(entry["text"], candidates)):
            found[entry["text"]] = correction
    return found
