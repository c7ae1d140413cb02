"""Pure SQL of the lookups around titles and projects: title suggestions, similar projects."""

from __future__ import annotations

from engines.base import GeoPoint
from engines.similarity import SHARED_CODE_BOOST, SIMILAR_FIELDS, FieldTerm
from engines.sqlite.query import Sql, within_radius
from engines.sqlite.schema import SPELLING, TITLE_TEXT


def title_match(terms: list[str]) -> str:
    """FTS5 query: a word of the title column starts with each term."""
    return " AND ".join(f'{TITLE_TEXT} : "{term}" *' for term in terms)


def suggest_sql(terms: list[str], size: int) -> Sql:
    """``(id, title, commune, departement_code)`` of the best titles (``engines.titles``).

    The same order as Elasticsearch's: terms matching whole words, then words, then title.
    """
    whole = " + ".join("(instr(' ' || f.title_text || ' ', ?) > 0)" for _ in terms)
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


# Per-column document frequencies of the FTS index; a TEMP table, so read-only files work.
VOCABULARY_SQL = "CREATE VIRTUAL TABLE temp.vocabulary USING fts5vocab(main, projects_fts, 'col')"


def doc_freqs_sql(words: list[str]) -> Sql:
    """``(term, column, documents)`` of ``words`` in the similarity fields."""
    return Sql(
        f"SELECT term, col, doc FROM temp.vocabulary WHERE term IN ({_marks(words)})"
        f" AND col IN ({_marks(SIMILAR_FIELDS)})",
        (*words, *SIMILAR_FIELDS),
    )


def known_words_sql(words: list[str]) -> Sql:
    """``(term,)`` of the ``words`` some project holds, as written (the typo vocabulary)."""
    return Sql(
        f"SELECT term FROM temp.vocabulary WHERE col = ? AND term IN ({_marks(words)})",
        (SPELLING, *words),
    )


def spelling_candidates_sql(word: str, prefix: str, longest_edit: int) -> Sql:
    """``(term, documents)`` of the written words starting with ``prefix``, of a near length."""
    after_prefix = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return Sql(
        "SELECT term, doc FROM temp.vocabulary WHERE col = ? AND term >= ? AND term < ?"
        " AND length(term) BETWEEN ? AND ?",
        (SPELLING, prefix, after_prefix, len(word) - longest_edit, len(word) + longest_edit),
    )


def similar_sql(
    target: int,
    terms: list[FieldTerm],
    codes: list[str],
    size: int,
    around: tuple[GeoPoint, float] | None,
) -> Sql | None:
    """Docs of the projects best matching ``terms`` (bm25) plus shared ``codes``; None: nothing to match."""
    candidates: list[str] = []
    params: list[object] = []
    if terms:
        candidates.append(
            "SELECT rowid AS project, -bm25(projects_fts) AS score FROM projects_fts"
            " WHERE projects_fts MATCH ?"
        )
        params.append(" OR ".join(f'{field} : "{term}"' for field, term in terms))
    if codes:
        candidates.append(
            "SELECT project, ? * count(*) FROM facet_values"
            f" WHERE facet = 'code' AND value IN ({_marks(codes)}) GROUP BY project"
        )
        params += [SHARED_CODE_BOOST, *codes]
    if not candidates:
        return None
    near = within_radius("c.project", *around) if around else Sql("1")
    # Materialized: flattened into the join, bm25() would lose its full-text context.
    return Sql(
        f"WITH c (project, score) AS MATERIALIZED ({' UNION ALL '.join(candidates)})"
        " SELECT d.doc FROM (SELECT c.project, sum(c.score) AS score, s.sort_key"
        " FROM c JOIN projects s ON s.rowid = c.project"
        f" WHERE c.project != ? AND {near.text} GROUP BY c.project"
        " ORDER BY score DESC, s.sort_key LIMIT ?) AS page"
        " JOIN documents d ON d.project = page.project ORDER BY page.score DESC, page.sort_key",
        (*params, target, *near.params, size),
    )


def _marks(values: list[str] | tuple[str, ...]) -> str:
    return ", ".join("?" for _ in values)
