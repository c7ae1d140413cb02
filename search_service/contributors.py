"""The contributors as the public sees them: who they are, their licence, projects and health.

Key concepts: the raw store holds what the service knows of each contributor — its
public description (``source.json``, written at each crawl from its config) and its run
reports; the live index says how many projects list it. A licence statement is what an
export says of a contributor's data: the licence it states, or that it states none and
whom to ask.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypedDict

from cis.raw_store import RawStore
from cis.records import LicenceTerms, Project, SourceDescription
from cis.source_reports import source_health
from cis.text import fold
from cis.urls import safe_http_url
from engines import Engine
from engines.base import SearchRequest

# Facet size for counting projects by contributor: far above the number CIS federates.
CONTRIBUTOR_FACET_SIZE = 1_000


def contributors(store: RawStore, engine: Engine) -> list[dict[str, Any]]:
    """Every contributor the raw store knows, with its project count and health, by name."""
    counts = project_counts(engine)
    entries = [
        {**public_description(d), "projects": counts.get(d["id"], 0), **health(store, d["id"])}
        for d in store.descriptions()
    ]
    return sorted(entries, key=lambda entry: (fold(entry["name"]), entry["id"]))


def project_counts(engine: Engine) -> dict[str, int]:
    """Projects of the live index listed by each contributor."""
    counting = SearchRequest(size=1, facets=("source",), facet_size=CONTRIBUTOR_FACET_SIZE)
    return {count.value: count.count for count in engine.search(counting).facets["source"]}


def public_description(description: SourceDescription) -> dict[str, Any]:
    """The description with its URLs served only when well formed (else null)."""
    licence = description.get("licence")
    return {
        "id": description["id"],
        "name": description["name"],
        "homepage": safe_http_url(description.get("homepage")),
        "logo": safe_http_url(description.get("logo")),
        "licence": None if licence is None else public_licence(licence),
        "contact": description.get("contact") or None,
    }


def public_licence(licence: LicenceTerms) -> dict[str, str | None]:
    """``{name, url}``, the URL null when absent or malformed."""
    return {"name": licence["name"], "url": safe_http_url(licence.get("url"))}


def health(store: RawStore, source: str) -> dict[str, str | None]:
    """Last crawl, last success, health and failure reason, from the run reports."""
    found = source_health(store, source)
    return {
        "last_crawl": found.last_crawl,
        "last_success": found.last_success,
        "health": found.health,
        "failure": found.failure,
    }


class LicenceStatement(TypedDict):
    """What an export says of one contributor's data."""

    source: str
    name: str
    licence: str  # the licence's name, or "licence not stated, ask <name>"
    licence_url: str | None


class LicenceBook:
    """The licence statement of each contributor met in an export, made once each."""

    def __init__(self, descriptions: Iterable[SourceDescription]) -> None:
        self.known = {description["id"]: description for description in descriptions}
        self.met: dict[str, LicenceStatement] = {}

    def statements(self, project: Project) -> list[LicenceStatement]:
        """The statements of the project's contributors, in its ``sources`` order."""
        return [
            self.met.get(ref["source"]) or self._state(ref["source"], ref["name"])
            for ref in project.get("sources", [])
        ]

    def met_so_far(self) -> list[LicenceStatement]:
        """The statements of every contributor met, by id."""
        return [self.met[source] for source in sorted(self.met)]

    def _state(self, source: str, name_in_project: str) -> LicenceStatement:
        description = self.known.get(source)
        name = description["name"] if description else name_in_project or source
        statement = licence_statement(source, name, description)
        self.met[source] = statement
        return statement


def licence_statement(
    source: str, name: str, description: SourceDescription | None
) -> LicenceStatement:
    """The licence the contributor states, or whom to ask when it states none."""
    licence = description.get("licence") if description else None
    if licence is not None:
        url = safe_http_url(licence.get("url"))
        return LicenceStatement(source=source, name=name, licence=licence["name"], licence_url=url)
    homepage = safe_http_url(description.get("homepage")) if description else None
    whom = f"{name} ({homepage})" if homepage else name
    return LicenceStatement(
        source=source, name=name, licence=f"licence not stated, ask {whom}", licence_url=None
    )
