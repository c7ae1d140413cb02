"""fx-html: paginated HTML listing pages (rel=next) → detail pages, with the broken cases."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from html import escape

from cis_devtools.fixture_sites.entries import SiteEntry, tag_slug, truth_row, with_quirks
from cis_devtools.fixture_sites.markup import SiteBuild, chunks, origin, page, robots
from cis_devtools.fixture_sites.variants import address_text
from cis_devtools.fixture_sites.world import WorldProject

SITE = "fx-html"
PAGE_SIZE = 20
QUIRKS = (
    "missing-404",
    "flaky-500",
    "redirect-chain",
    "malformed",
    "latin1-header",
    "latin1-meta",
    "robots-disallowed",
    "external",
    "no-title",
)
EXTERNAL = "https://www.example-partenaire.fr"
BARE_DOMAIN_ONE_IN = 20


def _listing_href(entry: SiteEntry) -> str:
    if entry.quirk == "redirect-chain":
        return f"/projets/ancien/{entry.slug}/"
    if entry.quirk == "robots-disallowed":
        return f"/prive/{entry.slug}/"
    if entry.quirk == "external":
        return f"{EXTERNAL}/projets/{entry.slug}/"
    return f"/projets/{entry.slug}/"


def _page_path(number: int) -> str:
    return "/projets/" if number == 1 else f"/projets/page/{number}/"


def _listing(entries: Sequence[SiteEntry], number: int, last: bool) -> str:
    cards = "\n".join(
        f'  <li class="project-card">\n    <h2 class="project-card__title">'
        f'<a href="{escape(_listing_href(e))}">{escape(e.title)}</a></h2>\n'
        f'    <p class="project-card__place">{escape(e.address.city)}</p>\n  </li>'
        for e in entries
    )
    nxt = _page_path(number + 1)
    head = "" if last else f'<link rel="next" href="{nxt}">\n'
    pager = "" if last else f'<a class="pager__next" rel="next" href="{nxt}">Page suivante</a>'
    body = (
        f'<h1>Les projets — page {number}</h1>\n<ul class="project-list">\n{cards}\n</ul>\n'
        f'<nav class="pager">{pager}</nav>'
    )
    return page(f"Projets, page {number}", body, head=head)


def _as_written(entry: SiteEntry, website: str) -> str:
    """One website in twenty written as a bare domain (``href="mon-asso.fr/"``), as real sites do."""
    if hashlib.sha1(entry.slug.encode()).digest()[0] % BARE_DOMAIN_ONE_IN:
        return website
    return website.removeprefix("https://")


def _optional_parts(entry: SiteEntry) -> list[str]:
    project = entry.project
    parts = []
    if project.organisation:
        parts.append(
            f'<p class="project__organisation">Porteur : '
            f'<span class="org">{escape(project.organisation)}</span></p>'
        )
    parts.append(f'<p class="project__address">{escape(address_text(entry.address))}</p>')
    tags = "".join(
        f'<li><a class="tag" href="/themes/{tag_slug(t)}/">{escape(t)}</a></li>' for t in entry.tags
    )
    parts.append(f'<ul class="project__tags">{tags}</ul>')
    if project.website:
        site = escape(project.website)
        href = escape(_as_written(entry, project.website))
        parts.append(f'<p class="project__website"><a rel="external" href="{href}">{site}</a></p>')
    if project.has_image:
        parts.append(f'<img class="project__image" src="/media/{entry.slug}.jpg" alt="">')
    parts.append(
        f'<p class="project__date">Créé en <time datetime="{project.year}">'
        f"{project.year}</time></p>"
    )
    return parts


def _detail_body(entry: SiteEntry) -> str:
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in entry.project.description)
    parts = [
        f'<h1 class="project__title">{escape(entry.title)}</h1>',
        f'<p class="project__summary">{escape(entry.summary)}</p>',
        f'<div class="project__description">{paragraphs}</div>',
        *_optional_parts(entry),
    ]
    inner = "\n  ".join(parts)
    return f'<p><a href="/projets/">← Tous les projets</a></p>\n<article class="project">\n  {inner}\n</article>'


def _malformed(body: str) -> str:
    # Unclosed <p>/<li> and a stray </div>: what real CMS output looks like.
    return body.replace("</li>", "").replace("</p>", "", 2).replace("</h1>", "</h1></div>", 1)


def _detail_bytes(entry: SiteEntry) -> bytes:
    body = _detail_body(entry)
    title = entry.title or "Projet"
    if entry.quirk == "malformed":
        return page(title, _malformed(body)).encode("utf-8")
    if entry.quirk in ("latin1-header", "latin1-meta"):
        charset = "iso-8859-1" if entry.quirk == "latin1-meta" else None
        return page(title, body, charset=charset).encode("iso-8859-1", "xmlcharrefreplace")
    return page(title, body).encode("utf-8")


def _add_detail(build: SiteBuild, entry: SiteEntry) -> None:
    path = f"/projets/{entry.slug}/"
    if entry.quirk == "robots-disallowed":
        path = f"/prive/{entry.slug}/"
    if entry.quirk == "external":
        build.truth.append(truth_row(entry, _listing_href(entry)))
        return
    build.truth.append(truth_row(entry, path))
    if entry.quirk == "missing-404":
        return
    build.files[path.lstrip("/") + "index.html"] = _detail_bytes(entry)
    _add_routes(build, entry, path)


def _add_routes(build: SiteBuild, entry: SiteEntry, path: str) -> None:
    if entry.quirk == "flaky-500":
        build.routes[path] = {"kind": "flaky", "file": path.lstrip("/") + "index.html"}
    elif entry.quirk == "redirect-chain":
        build.routes[f"/projets/ancien/{entry.slug}/"] = {
            "kind": "redirect",
            "status": 301,
            "location": f"{origin(SITE)}/r/{entry.slug}",
        }
        build.routes[f"/r/{entry.slug}"] = {"kind": "redirect", "status": 302, "location": path}
    elif entry.quirk in ("latin1-header", "latin1-meta"):
        charset = "; charset=iso-8859-1" if entry.quirk == "latin1-header" else ""
        build.routes[path] = {
            "kind": "file",
            "file": path.lstrip("/") + "index.html",
            "content_type": "text/html" + charset,
        }


def render(entries: list[SiteEntry], gone: Sequence[WorldProject]) -> SiteBuild:
    """Build fx-html: listing pages, detail pages, quirks, 410 for deleted projects."""
    entries = with_quirks(entries, QUIRKS)
    build = SiteBuild(entry_paths=["/projets/"])
    build.add_text("robots.txt", robots("/prive/"))
    build.add_text(
        "index.html",
        page(
            "Portail des initiatives solidaires", '<p><a href="/projets/">Voir les projets</a></p>'
        ),
    )
    pages = chunks(entries, PAGE_SIZE)
    for number, chunk in enumerate(pages, start=1):
        html = _listing(chunk, number, last=number == len(pages))
        build.add_text(_page_path(number).lstrip("/") + "index.html", html)
    for entry in entries:
        _add_detail(build, entry)
    for project in gone:
        build.routes[f"/projets/{project.slug}/"] = {"kind": "gone"}
    return build
