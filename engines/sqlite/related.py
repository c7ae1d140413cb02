"""Pure SQL of the lookups around titles and projects: title suggestions, similar projects."""

from __future__ import annotations

from engines.sqlite.query import Sql


def title_match(terms: list[str]) -> str:
    """FTS5 query: a word of the title column starts with each term."""
    return " AND ".join(f'title : "{term}" *' for term in terms)


def suggest_sql(terms: list[str], size: int) -> Sql:
    """``(id, title, commune, departement_code)`` of the best titles (``engines.titles``).

    The same order as Elasticsearch's: terms matching whole words, then words, then title.
    """
    whole = " + ".join("(instr(' ' || f.title || ' ', ?) > 0)" for _ in terms)
    return Sql(
        "SELECT page.id, json_extract(d.doc, '$.title'),"
        " ifnull(json_extract(d.doc, '$.address.commune'), ''),"
        " ifnull(json_extract(d.doc, '$.address.departement_code'), '')"
        f" FROM (SELECT f.rowid AS project, s.id, {whole} AS whole_words,"
        " s.title_words, s.sort_key FROM projects_fts f JOIN projects s ON s.rowid = f.rowid"
        " WHERE projects_fts MATCH ? ORDER BY whole_words DESC, s.title_words, s.sort_key"
        " LIMIT ?) AS page JOIN documents d ON d.project = page.project"
        " ORDER BY page.whole_words DESC, page.title_words, page.sort_key",
        (*(f" {term} " for term in terms), title_match(terms), size),
    )
