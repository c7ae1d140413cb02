"""The portal's pages: home, results (list and map tabs), project, contributors, open data.

Each page is the API's own answer rendered as HTML: the views validate with the API's
parameter rules and shape with its response functions, so that the portal and partners
always see the same search. The enhancement layer (htmx) asks for the same pages and keeps
the part that changed; only "voir plus" gets a fragment of its own: the next 40 tiles.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import Blueprint, current_app, render_template, request
from markupsafe import Markup

from cis.settings import Settings
from engines.base import GeoPoint, SearchRequest
from search_service.api import cursors, engine, labeller
from search_service.contributors import contributors
from search_service.errors import NotFound
from search_service.open_data import raw_store
from search_service.params import parse_search_args
from search_service.portal.state import (
    MAX_PAGES,
    PAGE_SIZE,
    SHOWN_FACETS,
    TAGGED_FACETS,
    PortalSearch,
)
from search_service.responses import facet_values, full_project, search_response, tile
from search_service.understanding.reading import Reading, read_args

portal = Blueprint(
    "portal",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/assets/portal",
)
HOME_FACETS = ("domain", "region")
FACET_TITLES = {
    "domain": "Domaines",
    "public": "Publics",
    "method": "Méthodes",
    "source": "Contributeurs",
    "region": "Région",
    "departement": "Département",
    "code": "Thème",
    "commune": "Commune",
}
SORT_LABELS = {"relevance": "pertinence", "distance": "distance", "recent": "les plus récents"}
SIMILAR_NEARBY_KM = 50.0
SUMMARY_START = 180  # characters of summary a tile shows when no query word matched


@portal.app_context_processor
def page_helpers() -> dict[str, Any]:
    """What the templates need beyond a view's own values."""
    return {
        "facet_titles": FACET_TITLES,
        "selected_filters": selected_filters,
        "sorts": sorts,
        "max_pages": MAX_PAGES,
    }


def selected_filters(state: PortalSearch) -> list[dict[str, str]]:
    """Each filter value the state holds, labelled, with the query string that removes it."""
    chosen = [
        {
            "label": f"{FACET_TITLES[facet]} : {labeller().label(facet, value)}",
            "href": state.without(facet, value),
        }
        for facet in TAGGED_FACETS
        for value in state.values(facet)
    ]
    if state.first("bbox"):
        chosen.append({"label": "Zone de la carte", "href": state.without("bbox")})
    if state.first("near"):
        chosen.append({"label": "Autour d’un point", "href": state.without("near")})
    return chosen


def sorts(state: PortalSearch) -> list[tuple[str, str]]:
    """The sorts a results page offers: distance only when the search has a point."""
    offered = (
        ("relevance", "distance", "recent") if state.first("near") else ("relevance", "recent")
    )
    return [(sort, SORT_LABELS[sort]) for sort in offered]


@portal.get("/")
def home() -> str:
    """The counter, the search box and entry points by domain and by région."""
    counts = engine().stats()
    browse = engine().search(SearchRequest(size=1, facets=HOME_FACETS, facet_size=30))
    entry_points = {
        facet: facet_values(facet, values, (), labeller())
        for facet, values in browse.facets.items()
    }
    return render_template("portal/home.html", stats=counts, facets=entry_points)


@portal.get("/recherche")
def results() -> str:
    """The results of the search the URL states; the next 40 tiles when htmx asks for them."""
    state = PortalSearch.from_args(request.args)
    if request.headers.get("HX-Target") == "cis-plus":
        return _more_tiles(state)
    reading = _read(state, size=PAGE_SIZE * state.pages, facets=SHOWN_FACETS, facet_size=12)
    # htmx asks for the same page and keeps its #cis-zone: one template, no partial to drift.
    return render_template(
        "portal/results.html", state=state, answer=_shaped(reading), settings=_settings()
    )


def _more_tiles(state: PortalSearch) -> str:
    """The next 40 tiles (page ``state.pages``) and the button that loads the ones after."""
    reading = _read(state, page=state.pages, size=PAGE_SIZE, facets=())
    return render_template("portal/_more.html", state=state, answer=_shaped(reading))


def _read(state: PortalSearch, **shown: Any) -> Reading:
    """How the service reads ``state``'s search, shown as ``shown`` says (page, size, facets)."""
    reading = read_args(state.api_args(), engine(), cursors())
    return replace(reading, request=replace(reading.request, **shown))


def _shaped(reading: Reading) -> dict[str, Any]:
    """The API's search answer, with each tile's highlights and summary start as markup."""
    search = reading.request
    answer = search_response(reading, engine().search(search), labeller(), cursors())
    for hit in answer["results"]:
        marked = hit.pop("highlights")
        hit["title_html"] = Markup(marked.get("title") or Markup.escape(hit["title"]))
        hit["summary_html"] = Markup(marked.get("summary") or Markup.escape(_start(hit["summary"])))
    answer["shown"] = search.offset + len(answer["results"])
    return answer


def _start(summary: str | None) -> str:
    """The first words of ``summary``, cut at a word boundary."""
    text = summary or ""
    if len(text) <= SUMMARY_START:
        return text
    return text[: text.rfind(" ", 0, SUMMARY_START) or SUMMARY_START] + "…"


@portal.get("/projets/<project_id>")
def project(project_id: str) -> str:
    """One project: every field, every contributor listing it, a small map, similar ones near."""
    found = engine().get(project_id)
    if found is None:
        raise NotFound(f"Aucun projet n’a l’identifiant « {project_id} ».")
    shaped = full_project(found, labeller())
    location = shaped.get("location")
    near = None if location is None else _point(location)
    similar = engine().similar(
        project_id, 6, near=near, radius_km=SIMILAR_NEARBY_KM if near else None
    )
    return render_template(
        "portal/project.html",
        project=shaped,
        similar=[tile(p, labeller()) for p in similar or []],
        contacts={d["id"]: d.get("contact") for d in raw_store().descriptions()},
        settings=_settings(),
    )


def _point(location: dict[str, float]) -> GeoPoint:
    return GeoPoint(lat=location["lat"], lon=location["lon"])


@portal.get("/contributeurs")
def contributors_page() -> str:
    """Every contributor: logo, project count, last update and health."""
    return render_template("portal/contributors.html", sources=contributors(raw_store(), engine()))


@portal.get("/donnees-ouvertes")
def open_data_page() -> str:
    """Export links for the current search, and each contributor's licence."""
    state = PortalSearch.from_args(request.args)
    parse_search_args(state.api_args(), cursors())  # a bad filter is a 400 here, not in the export
    return render_template(
        "portal/open_data.html", state=state, sources=contributors(raw_store(), engine())
    )


def _settings() -> Settings:
    settings: Settings = current_app.config["CIS_SETTINGS"]
    return settings
