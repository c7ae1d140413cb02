"""fx-csv: one open-data CSV file (`;`, UTF-8, tags joined by `|`) plus a page per row."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from html import escape

from cis_devtools.fixture_sites.entries import SiteEntry, truth_row, with_quirks
from cis_devtools.fixture_sites.markup import SiteBuild, origin, page, robots
from cis_devtools.fixture_sites.world import WorldProject

SITE = "fx-csv"
CSV_PATH = "/opendata/projets.csv"
COLUMNS = (
    "id",
    "nom_projet",
    "resume",
    "porteur",
    "adresse",
    "code_postal",
    "commune",
    "departement",
    "thematiques",
    "site_web",
    "url_fiche",
    "date_maj",
)


def row_id(project: WorldProject) -> str:
    """The stable row id of a project in the CSV file."""
    return f"FEDER-{project.number:06d}"


def _row(entry: SiteEntry) -> tuple[str, ...]:
    project, address = entry.project, entry.address
    return (
        row_id(project),
        entry.title,
        entry.summary,
        project.organisation or "",
        address.street or "",
        address.postcode or "",
        address.city,
        address.dept_code,
        "|".join(entry.tags),
        project.website or "",
        f"{origin(SITE)}/projets/{row_id(project)}.html",
        project.updated,
    )


def _csv(entries: Sequence[SiteEntry]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(_row(e) for e in entries)
    return out.getvalue()


def _row_page(entry: SiteEntry) -> str:
    body = (
        f"<h1>{escape(entry.title)}</h1>\n<p>{escape(entry.summary)}</p>\n"
        f"<p>{escape(entry.address.city)}</p>"
    )
    return page(entry.title or row_id(entry.project), body)


def render(entries: list[SiteEntry], gone: Sequence[WorldProject]) -> SiteBuild:
    """Build fx-csv: the CSV, its small landing page and one HTML page per row."""
    entries = with_quirks(entries, ("no-title",))
    build = SiteBuild(entry_paths=[CSV_PATH])
    build.add_text("robots.txt", robots("/admin/"))
    build.add_text(CSV_PATH.lstrip("/"), _csv(entries))
    link = f'<p><a href="{CSV_PATH}">Télécharger les projets (CSV)</a></p>'
    build.add_text("opendata/index.html", page("Données ouvertes", link))
    for entry in entries:
        url = f"/projets/{row_id(entry.project)}.html"
        build.truth.append(truth_row(entry, url))
        build.add_text(url.lstrip("/"), _row_page(entry))
    return build
