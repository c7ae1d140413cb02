"""Pure translation of a SearchRequest into SQL for the embedded engine.

Key concepts: every restriction is evaluated once into a small temporary table — the
rows matching text and viewport (``base``, with their rank) and, per selected facet F,
the rows carrying a chosen value (``sel_F``). Hits read ``base`` ∩ every ``sel_F``; the
facets nobody selected are counted in one pass over those rows; a selected facet F is
counted over the rows honouring every restriction except ``sel_F`` (multi-select, as on
Elasticsearch), so picking a value never hides its siblings.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from cis.concepts import Concept, required_concepts
from cis.facets import SEARCH_FIELDS, TAGS
from engines import ranking
from engines.base import GeoPoint, SearchRequest, effective_sort
from engines.geo import circle, circle_box
from engines.sqlite.order import order_of
from engines.sqlite.schema import FTS_COLUMNS, SEARCH_COLUMNS

# bm25 weights of the FTS columns: the search fields' boosts; the columns of words as
# written (title prefixes, typo vocabulary) are never searched here.
BM25_WEIGHTS = ", ".join(
    [*(str(f.boost) for f in SEARCH_FIELDS), *("0" for _ in FTS_COLUMNS[len(SEARCH_COLUMNS) :])]
)
SEARCHED = "{" + " ".join(SEARCH_COLUMNS) + "}"
# Where a project names its own kind: a contributor's theme tag ("Numérique et inclusion
# sociale" on a bike workshop) is weaker evidence of a kind of project than its own words.
SELF_DESCRIBED = "{" + " ".join(c for c in SEARCH_COLUMNS if c != TAGS) + "}"


# How a concept's second way of meeting a project keeps the better of the two.
KEEP_BEST = (
    "ON CONFLICT DO UPDATE SET tier = max(tier, excluded.tier), score = max(score, excluded.score)"
)


@dataclass(frozen=True)
class Sql:
    """One SQL statement and its parameters."""

    text: str
    params: tuple[object, ...] = ()


def _quoted(phrase: tuple[str, ...]) -> str:
    return '"' + " ".join(phrase) + '"'


def _every(stems: tuple[str, ...]) -> str:
    """Each stem, quoted, all required."""
    return " AND ".join(_quoted((stem,)) for stem in stems)


def typed_match(concept: Concept, columns: str = SEARCHED) -> str:
    """FTS5 query of a concept's typed words close together in one of ``columns``.

    Every stem is quoted: no user text reaches FTS5 as an operator.
    """
    stems = " ".join(_quoted((stem,)) for stem in concept.phrases[0])
    return f"{columns} : NEAR({stems}, {ranking.TYPED_SLOP})"


def scattered_match(concept: Concept) -> str | None:
    """FTS5 query of a concept's typed words anywhere (None for a one-word concept)."""
    typed = concept.phrases[0]
    if len(typed) < 2:
        return None
    return f"{SEARCHED} : ({_every(typed)})"


def partial_match(concept: Concept) -> str | None:
    """FTS5 query of any of a concept's typed words (None for a one-word concept)."""
    typed = concept.phrases[0]
    if len(typed) < 2:
        return None
    return f"{SEARCHED} : ({' OR '.join(_quoted((stem,)) for stem in typed)})"


def synonym_match(concept: Concept, columns: str = SEARCHED) -> str | None:
    """FTS5 query of a concept's synonyms, each as a phrase, in ``columns``; None without."""
    synonyms = concept.phrases[1:]
    return f"{columns} : ({' OR '.join(map(_quoted, synonyms))})" if synonyms else None


def title_words_match(request: SearchRequest) -> str:
    """FTS5 query of every typed stem in the title column."""
    return f"title : ({_every(request.typed_stems)})"


def has_base(request: SearchRequest) -> bool:
    """Whether text, a viewport or a radius narrows the collection before facet selections."""
    return bool(request.concepts) or request.bbox is not None or circle(request) is not None


def selected_facets(request: SearchRequest) -> list[str]:
    """Facets with a selection, in a stable order."""
    return sorted(facet for facet, values in request.filters.items() if values)


def base_sql(request: SearchRequest) -> list[Sql]:
    """Statements that fill ``base`` (text and geography) when the request has one."""
    if not has_base(request):
        return []
    return [
        Sql("CREATE TEMP TABLE base (project INTEGER PRIMARY KEY, rank REAL)"),
        *_fill_base(request),
    ]


def drop_base_sql() -> list[Sql]:
    """Statements that drop what ``base_sql`` created: the connection may search again."""
    return [Sql(f"DROP TABLE IF EXISTS temp.{table}") for table in ("base", "met", "titled")]


def preparation_sql(request: SearchRequest) -> list[Sql]:
    """Statements that fill the temporary tables the other queries read."""
    statements = base_sql(request)
    for facet in selected_facets(request):
        values = request.filters[facet]
        marks = ", ".join("?" for _ in values)
        statements += [
            Sql(f"CREATE TEMP TABLE sel_{facet} (project INTEGER PRIMARY KEY)"),
            Sql(
                f"INSERT OR IGNORE INTO sel_{facet} SELECT project FROM facet_values"
                f" WHERE facet = ? AND value IN ({marks})",
                (facet, *values),
            ),
        ]
    return statements


def _geo_restrictions(request: SearchRequest, column: str) -> Sql:
    """``column`` (a project rowid) is in the viewport and the radius, when given."""
    clauses: list[str] = []
    params: list[object] = []
    if box := request.bbox:
        clauses.append(
            f"{column} IN (SELECT project FROM projects_geo"
            " WHERE min_lat >= ? AND max_lat <= ? AND min_lon >= ? AND max_lon <= ?)"
        )
        params += [box.south, box.north, box.west, box.east]
    if around := circle(request):
        clause = within_radius(column, *around)
        clauses.append(clause.text)
        params += clause.params
    return Sql(" AND ".join(clauses) or "1", tuple(params))


def _fill_base(request: SearchRequest) -> list[Sql]:
    geo = _geo_restrictions(request, "rowid")
    if not request.concepts:
        return [Sql(f"INSERT INTO base SELECT rowid, 0 FROM projects WHERE {geo.text}", geo.params)]
    return (
        [
            Sql(
                "CREATE TEMP TABLE met (project INTEGER, concept INTEGER, tier REAL, score REAL,"
                " PRIMARY KEY (project, concept)) WITHOUT ROWID"
            ),
            Sql("CREATE TEMP TABLE titled (project INTEGER PRIMARY KEY)"),
            *([] if request.near else [_titled(request)]),
        ]
        + [
            statement
            for number, concept in enumerate(request.concepts)
            for statement in _meet(number, concept, partly=request.meets_partly)
        ]
        + [_ranked_base(request)]
    )


def _titled(request: SearchRequest) -> Sql:
    """``titled``: the projects whose title holds every typed word."""
    return Sql(
        "INSERT INTO titled SELECT rowid FROM projects_fts WHERE projects_fts MATCH ?",
        (title_words_match(request),),
    )


def _meet(number: int, concept: Concept, *, partly: bool) -> list[Sql]:
    """Rows of ``met`` for the projects meeting concept ``number``: its tier, its text score.

    A concept met twice (text and code, two ways) keeps its best tier and score, as
    ``dis_max`` does: one row per project and concept, in their order, ready to be summed.
    """
    bm25 = f"bm25(projects_fts, {BM25_WEIGHTS})"
    statements = [
        Sql(
            f"INSERT INTO met SELECT rowid, {number}, ?, -? * {bm25} FROM projects_fts"
            f" WHERE projects_fts MATCH ? {KEEP_BEST}",
            (tier, weight, match),
        )
        for tier, weight, match in _text_ways(concept, partly=partly)
    ]
    full = ranking.concept_weight(concept.kind)
    coded = [(full, ranking.CODE_MATCH, concept.codes, 1)]
    if partly and concept.themes:  # coded with all a kind's themes: maybe one of that kind
        share = ranking.PARTIAL
        coded.append(
            (full * share, ranking.CODE_MATCH * share, concept.themes, len(concept.themes))
        )
    for tier, score, codes, needed in coded:
        if codes:
            marks = ", ".join("?" for _ in codes)
            statements.append(
                Sql(
                    f"INSERT INTO met SELECT project, {number}, ?, ? FROM facet_values"
                    f" WHERE facet = 'code' AND value IN ({marks})"
                    f" GROUP BY project HAVING count(*) >= ? {KEEP_BEST}",
                    (tier, score, *codes, needed),
                )
            )
    return statements


def _text_ways(concept: Concept, *, partly: bool) -> list[tuple[float, float, str]]:
    """``(tier, text score weight, FTS5 query)`` of each way text meets ``concept``.

    A kind of project is fully met by what a project says of itself; named only in a
    contributor's theme tags, it earns ``APART`` (``engines.ranking``).
    """
    full = ranking.concept_weight(concept.kind)
    apart = full * ranking.APART
    own = SELF_DESCRIBED if concept.kind else SEARCHED
    ways = [
        (full, 1.0, typed_match(concept, own)),
        (full, ranking.SYNONYM, synonym_match(concept, own)),
        (apart, ranking.SCATTERED, scattered_match(concept)),
    ]
    if concept.kind:
        ways.append((apart, 1.0, typed_match(concept, TAGS)))
        ways.append((apart, ranking.SYNONYM, synonym_match(concept, TAGS)))
    if partly:
        partial = full * ranking.PARTIAL
        ways.append((partial, ranking.PARTIAL * ranking.SCATTERED, partial_match(concept)))
    return [(tier, weight, match) for tier, weight, match in ways if match]


def _ranked_base(request: SearchRequest) -> Sql:
    """``base``: projects meeting enough concepts, ranked by the tiers of ``engines.ranking``.

    Each concept counts its best tier and score (``met`` keeps them).
    """
    geo = _geo_restrictions(request, "c.project")
    keys = request.name_keys
    marks = ", ".join("?" for _ in keys)
    exact = f"(s.title_key IN ({marks}) OR s.organisation_key IN ({marks}))"
    score = [
        "sum(c.tier)",
        "sum(c.score)",
        f"{ranking.EXACT_NAME} * {exact}",
        f"{ranking.LISTED} * (min(s.listed_by, {ranking.LISTED_CAP}) - 1)",
    ]
    params: list[object] = [*keys, *keys]
    if (near := request.near) is not None and effective_sort(request) == "relevance":
        score.append("ifnull(nearness(s.lat, s.lon, ?, ?), 0)")
        params += [near.lat, near.lon]
    else:
        score.append(f"{ranking.TITLE_WORDS} * (c.project IN titled)")
    return Sql(
        f"INSERT INTO base SELECT c.project, -({' + '.join(score)}) FROM met c"
        f" JOIN projects s ON s.rowid = c.project WHERE {geo.text}"
        " GROUP BY c.project HAVING count(*) >= ?",
        (*params, *geo.params, required_concepts(len(request.concepts))),
    )


def within_radius(column: str, center: GeoPoint, radius_km: float) -> Sql:
    """``column`` (a project rowid) is within ``radius_km`` of ``center``.

    The R*Tree keeps the candidates in the circle's box (an overlap test: its 32-bit
    bounds are rounded outwards), then the exact great-circle distance decides.
    """
    box = circle_box(center, radius_km)
    return Sql(
        f"{column} IN (SELECT g.project FROM projects_geo g JOIN projects p ON p.rowid = g.project"
        " WHERE g.max_lat >= ? AND g.min_lat <= ? AND g.max_lon >= ? AND g.min_lon <= ?"
        " AND distance_km(p.lat, p.lon, ?, ?) <= ?)",
        (box.south, box.north, box.west, box.east, center.lat, center.lon, radius_km),
    )


@dataclass(frozen=True)
class Rows:
    """The rows honouring a set of restrictions: ``SELECT r.<column> FROM <table> r WHERE …``."""

    table: str
    column: str
    where: str

    @property
    def with_projects(self) -> tuple[str, str]:
        """A ``FROM`` clause reaching each row's ``projects`` row too, and that row's alias."""
        if self.table == "projects":
            return "projects r", "r"
        return f"{self.table} r JOIN projects s ON s.rowid = r.{self.column}", "s"


def rows_of(request: SearchRequest, skip_facet: str | None = None) -> Rows:
    """The rows honouring every restriction of ``request`` (but ``skip_facet``'s selection)."""
    facets = [f for f in selected_facets(request) if f != skip_facet]
    table, column = ("base", "project") if has_base(request) else ("projects", "rowid")
    return Rows(table, column, " AND ".join(f"r.{column} IN sel_{f}" for f in facets) or "1")


def hits_sql(request: SearchRequest, *, paged: bool = True) -> Sql:
    """``(doc, *sort position)`` of the page (every hit when not ``paged``), in sort order.

    With ``request.after`` the page starts right after that sort position (keyset paging).
    """
    rows = rows_of(request)
    source, s = rows.with_projects
    order = order_of(request, s)
    keys = [f"k{n}" for n in range(len(order.columns))]
    select = ", ".join(
        f"{column} AS {key}" for column, key in zip(order.columns, keys, strict=True)
    )
    keyset, after = "", tuple(request.after or ())
    if after:
        keyset = f"AND ({', '.join(keys)}) > ({', '.join('?' for _ in after)})"
    page = (request.size, request.offset) if paged else (-1, 0)  # LIMIT -1: no limit
    # Order and cut the page first, then read its documents: sorting thousands of
    # matches with their documents attached was most of a broad query's time.
    return Sql(
        f"SELECT d.doc, {', '.join(f'page.{k}' for k in keys)} FROM (SELECT r.{rows.column}"
        f" AS project, {select} FROM {source} WHERE {rows.where} {keyset}"
        f" ORDER BY {', '.join(keys)} LIMIT ? OFFSET ?) AS page"
        f" JOIN documents d ON d.project = page.project ORDER BY {', '.join(f'page.{k}' for k in keys)}",
        (*order.params, *after, *page),
    )


def matches_sql(request: SearchRequest) -> Sql:
    """``(rowid, rank)`` of every row ``base_sql`` keeps (all, without one), in sort order.

    Selections aside: ``engines.sqlite.matches`` narrows these rows with bitmaps.
    """
    rows = rows_of(replace(request, filters={}))
    source, s = rows.with_projects
    order = order_of(request, s)
    rank = "r.rank" if rows.table == "base" else "0"
    return Sql(
        f"SELECT r.{rows.column}, {rank} FROM {source} ORDER BY {', '.join(order.columns)}",
        order.params,
    )


def sort_position_sql(request: SearchRequest, rowid: int, rank: float) -> Sql:
    """The sort position (a cursor's values) of the project at ``rowid`` ranked ``rank``."""
    order = order_of(request, "s")
    return Sql(
        f"SELECT {', '.join(order.columns)} FROM (SELECT ? AS rank) r, projects s"
        " WHERE s.rowid = ?",
        (*order.params, rank, rowid),
    )


def selection_sql(facet: str, values: tuple[str, ...]) -> Sql:
    """The projects carrying any of ``values`` of ``facet``, as one ``group_concat`` text."""
    marks = ", ".join("?" for _ in values)
    return Sql(
        f"SELECT group_concat(project) FROM facet_values WHERE facet = ? AND value IN ({marks})",
        (facet, *values),
    )


def documents_sql(rowids: list[int]) -> Sql:
    """``(rowid, doc)`` of each of ``rowids`` (a page: a few dozen)."""
    return Sql(
        f"SELECT project, doc FROM documents WHERE project IN ({', '.join('?' for _ in rowids)})",
        tuple(rowids),
    )


def total_sql(request: SearchRequest) -> Sql:
    """How many projects honour every restriction."""
    rows = rows_of(request)
    return Sql(f"SELECT count(*) FROM {rows.table} r WHERE {rows.where}")


def counts_sql(request: SearchRequest, facets: list[str], skip_facet: str | None = None) -> Sql:
    """``(facet, value, count)`` rows for ``facets`` over the restricted rows.

    ``skip_facet`` counts over the rows without that facet's own selection.
    """
    marks = ", ".join("?" for _ in facets)
    if not has_base(request) and not [f for f in selected_facets(request) if f != skip_facet]:
        return Sql(
            f"SELECT facet, value, n FROM facet_totals WHERE facet IN ({marks})", tuple(facets)
        )
    rows = rows_of(request, skip_facet)
    return Sql(
        f"SELECT v.facet, v.value, count(*) FROM (SELECT r.{rows.column} AS project"
        f" FROM {rows.table} r WHERE {rows.where}) AS m"
        f" CROSS JOIN facet_values v ON v.project = m.project AND v.facet IN ({marks})"
        " GROUP BY v.facet, v.value",
        tuple(facets),
    )


def stats_sql() -> Sql:
    """``(projects, contributors, multi_listed)``: counts kept by every write, no scan."""
    return Sql(
        "SELECT (SELECT count(*) FROM projects),"
        " (SELECT count(*) FROM facet_totals WHERE facet = 'source'),"
        " (SELECT count(*) FROM projects WHERE listed_by >= 2)"
    )
