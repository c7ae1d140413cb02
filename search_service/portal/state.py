"""The portal's search state, held whole in the URL: text, filters, pages shown, tab, map view.

The filter and sort parameters are the API's own (``q``, ``domain``, ``bbox``, ``near``,
``sort``…), so that a results URL and its export or map URL differ only in their path; the
portal adds three of its own: ``pages`` (how many pages of 40 are shown), ``vue`` (list or
map tab) and ``carte`` (the map view, ``zoom/lat/lon``). Parameters the portal does not know
(a tracker's ``utm_source``) are dropped rather than refused: a shared link still opens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from search_service.params import FILTER_PARAMETERS, listed_values

PAGE_SIZE = 40
MAX_PAGES = 25  # 1,000 tiles on one page without JavaScript: beyond, narrow the search
VIEWS = ("liste", "carte")
# Facets the portal offers as filters, in the order of the filter panel.
SHOWN_FACETS = ("domain", "public", "method", "source", "region", "departement")
# Filters a person can set that the panel does not list, still shown as removable tags.
TAGGED_FACETS = (*SHOWN_FACETS, "code", "commune")
MAP_VIEW = re.compile(
    r"^(?:[0-9]|1[0-8])/-?[0-9]{1,2}(?:\.[0-9]{1,6})?/-?[0-9]{1,3}(?:\.[0-9]{1,6})?$"
)
SEARCH_PARAMETERS = FILTER_PARAMETERS | {"sort"}


@dataclass(frozen=True)
class PortalSearch:
    """One search as the URL states it; every link of a results page is derived from it."""

    params: tuple[tuple[str, str], ...]  # the API parameters kept, in URL order, none empty
    pages: int = 1
    view: str = "liste"
    map_view: str = ""  # "zoom/lat/lon", empty: fit the results

    @classmethod
    def from_args(cls, args: MultiDict[str, str]) -> PortalSearch:
        """The state a query string holds; malformed portal values fall back to defaults."""
        kept = tuple(
            (name, value.strip())
            for name, value in args.items(multi=True)
            if name in SEARCH_PARAMETERS and value.strip()
        )
        pages = args.get("pages", "1")
        view = args.get("vue", "liste")
        map_view = args.get("carte", "")
        return cls(
            params=kept,
            pages=min(int(pages), MAX_PAGES)
            if pages.isascii() and pages.isdecimal() and int(pages)
            else 1,
            view=view if view in VIEWS else "liste",
            map_view=map_view if MAP_VIEW.match(map_view) else "",
        )

    @property
    def text(self) -> str:
        """What the person typed."""
        return self.first("q")

    def first(self, name: str) -> str:
        """The first value of parameter ``name``, empty when absent."""
        return next((value for key, value in self.params if key == name), "")

    def values(self, name: str) -> tuple[str, ...]:
        """Every value of parameter ``name`` (comma lists split, as the API reads them)."""
        return tuple(listed_values(self.api_args(), name))

    def api_args(self) -> MultiDict[str, str]:
        """The parameters the API's validation reads."""
        return MultiDict(list(self.params))

    def filter_count(self) -> int:
        """How many filter values (and a map area) narrow the search."""
        return sum(len(self.values(facet)) for facet in TAGGED_FACETS) + bool(self.first("bbox"))

    def query(self, *, pages: int | None = None, view: str | None = None) -> str:
        """The query string of this state, with ``pages`` or ``view`` changed."""
        pairs = list(self.params)
        pages = self.pages if pages is None else pages
        view = self.view if view is None else view
        if pages > 1:
            pairs.append(("pages", str(pages)))
        if view != "liste":
            pairs.append(("vue", view))
        if self.map_view and view == "carte":
            pairs.append(("carte", self.map_view))
        return urlencode(pairs)

    def api_query(self) -> str:
        """The API parameters alone, for export and map URLs."""
        return urlencode(self.params)

    def without(self, name: str, value: str | None = None) -> str:
        """The query string without ``name`` (or only its ``value``), back to the first page."""
        pairs = []
        for key, raw in self.params:
            if key != name:
                pairs.append((key, raw))
            elif value is not None:
                rest = ",".join(p for p in (p.strip() for p in raw.split(",")) if p and p != value)
                if rest:
                    pairs.append((key, rest))
        return PortalSearch(tuple(pairs), view=self.view, map_view=self.map_view).query()

    def literal_query(self) -> str:
        """The query string searching the text as typed: no place read, no word corrected."""
        pairs = (*((k, v) for k, v in self.params if k != "literal"), ("literal", "true"))
        return PortalSearch(pairs, view=self.view, map_view=self.map_view).query()

    def cleared(self) -> str:
        """The query string keeping the text and sort, without any filter."""
        pairs = tuple((k, v) for k, v in self.params if k in ("q", "sort"))
        return PortalSearch(pairs, view=self.view).query()

    def sorted_by(self, sort: str) -> str:
        """The query string with another sort, back to the first page."""
        pairs = tuple((k, v) for k, v in self.params if k != "sort")
        if sort != "relevance":
            pairs += (("sort", sort),)
        return PortalSearch(pairs, view=self.view, map_view=self.map_view).query()
