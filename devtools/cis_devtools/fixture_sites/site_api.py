"""fx-api: a paged JSON API (`/api/projects?page=N`) whose items point to human pages."""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from typing import Any

from cis_devtools.fixture_sites.entries import SiteEntry, truth_row, with_quirks
from cis_devtools.fixture_sites.markup import SiteBuild, chunks, origin, page, robots
from cis_devtools.fixture_sites.world import WorldProject

SITE = "fx-api"
PAGE_SIZE = 50


def _item(entry: SiteEntry) -> dict[str, Any]:
    project, address = entry.project, entry.address
    org = {"name": project.organisation} if project.organisation else None
    image = f"{origin(SITE)}/media/{project.number}.jpg" if project.has_image else None
    return {
        "id": project.number,
        "name": entry.title,
        "summary": entry.summary,
        "organisation": org,
        "location": {
            "street": address.street,
            "zip": address.postcode,
            "city": address.city,
            "department": address.dept_code,
        },
        "themes": list(entry.tags),
        "website": project.website,
        "image": image,
        "url": f"{origin(SITE)}/fiche/{project.number}/",
        "updated_at": f"{project.updated}T09:00:00Z",
    }


def _page_url(number: int) -> str:
    return f"{origin(SITE)}/api/projects?page={number}"


def _api_page(items: Sequence[SiteEntry], number: int, pages: int, total: int) -> str:
    doc = {
        "count": total,
        "next": _page_url(number + 1) if number < pages else None,
        "previous": _page_url(number - 1) if number > 1 else None,
        "results": [_item(e) for e in items],
    }
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def _human_page(entry: SiteEntry) -> str:
    body = (
        f'<h1>{escape(entry.title)}</h1>\n<p class="chapo">{escape(entry.summary)}</p>\n'
        f"<p>{escape(entry.address.city)}</p>"
    )
    return page(entry.title or "Fiche", body)


def render(entries: list[SiteEntry], gone: Sequence[WorldProject]) -> SiteBuild:
    """Build fx-api: JSON pages (routed by query string) and one human page per item."""
    entries = with_quirks(entries, ("no-title",))
    build = SiteBuild(entry_paths=["/api/projects?page=1"])
    build.add_text("robots.txt", robots("/admin/"))
    pages = chunks(entries, PAGE_SIZE)
    for number, chunk in enumerate(pages, start=1):
        path = f"api/projects/page-{number}.json"
        build.add_text(path, _api_page(chunk, number, len(pages), len(entries)))
        build.routes[f"/api/projects?page={number}"] = {"kind": "file", "file": path}
    build.routes["/api/projects"] = {"kind": "file", "file": "api/projects/page-1.json"}
    for entry in entries:
        url = f"/fiche/{entry.project.number}/"
        build.add_text(url.lstrip("/") + "index.html", _human_page(entry))
        build.truth.append(truth_row(entry, url))
    return build
