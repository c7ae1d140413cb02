"""fx-sitemap: a sitemap index → two sitemaps → detail pages with their own markup."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from cis_devtools.fixture_sites.entries import SiteEntry, truth_row, with_quirks
from cis_devtools.fixture_sites.markup import SiteBuild, origin, page, robots
from cis_devtools.fixture_sites.variants import address_lines
from cis_devtools.fixture_sites.world import WorldProject

SITE = "fx-sitemap"
SITEMAPS = ("sitemaps/initiatives-1.xml", "sitemaps/initiatives-2.xml")
OTHER_PAGES = ("/", "/a-propos.html", "/carte.html")
_XML = '<?xml version="1.0" encoding="UTF-8"?>\n'
_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def _index() -> str:
    items = "".join(f"  <sitemap><loc>{origin(SITE)}/{path}</loc></sitemap>\n" for path in SITEMAPS)
    return f"{_XML}<sitemapindex {_NS}>\n{items}</sitemapindex>\n"


def _urlset(urls: Sequence[tuple[str, str]]) -> str:
    items = "".join(
        f"  <url><loc>{origin(SITE)}{escape(path)}</loc><lastmod>{lastmod}</lastmod></url>\n"
        for path, lastmod in urls
    )
    return f"{_XML}<urlset {_NS}>\n{items}</urlset>\n"


def _info(label: str, css: str, html: str) -> str:
    return f'    <dt>{label}</dt><dd class="{css}">{html}</dd>\n'


def _detail(entry: SiteEntry) -> str:
    project = entry.project
    org = project.organisation
    header = f'<h1 class="fiche-nom">{escape(entry.title)}</h1>'
    if org:
        header += f'<span class="fiche-structure">{escape(org)}</span>'
    infos = _info("Adresse", "adresse", "<br>".join(map(escape, address_lines(entry.address))))
    if project.website:
        site = escape(project.website)
        infos += _info("Site web", "site", f'<a href="{site}">{site}</a>')
    tags = "".join(f'<span class="thematique">{escape(t)}</span>' for t in entry.tags)
    infos += _info("Thématiques", "thematiques", tags)
    text = "".join(f"<p>{escape(p)}</p>" for p in project.description)
    image = f'\n  <img class="fiche-visuel" src="/images/{entry.slug}.jpg" alt="">'
    body = (
        f'<div id="fiche">\n  <header class="fiche-entete">{header}</header>\n'
        f'  <div class="fiche-chapo">{escape(entry.summary)}</div>\n'
        f'  <div class="fiche-texte">{text}</div>\n  <dl class="fiche-infos">\n{infos}  </dl>'
        f"{image if project.has_image else ''}\n</div>"
    )
    return page(f"{entry.title} — Carte des alternatives", body)


def render(entries: list[SiteEntry], gone: Sequence[WorldProject]) -> SiteBuild:
    """Build fx-sitemap: robots.txt with Sitemap:, the index, two sitemaps, detail pages."""
    entries = with_quirks(entries, ("missing-404",))
    build = SiteBuild(entry_paths=["/sitemap.xml"])
    sitemap = f"{origin(SITE)}/sitemap.xml"
    build.add_text("robots.txt", robots("/recherche", sitemap=sitemap))
    build.add_text("sitemap.xml", _index())
    for path in OTHER_PAGES:
        name = "index.html" if path == "/" else path.lstrip("/")
        build.add_text(
            name, page("Carte des alternatives", '<p><a href="/carte.html">Carte</a></p>')
        )
    urls = [(path, "2018-01-15") for path in OTHER_PAGES]
    for entry in entries:
        path = f"/initiative/{entry.slug}.html"
        urls.append((path, entry.project.updated))
        build.truth.append(truth_row(entry, path))
        if entry.quirk != "missing-404":
            build.add_text(path.lstrip("/"), _detail(entry))
    half = len(urls) // 2
    build.add_text(SITEMAPS[0], _urlset(urls[:half]))
    build.add_text(SITEMAPS[1], _urlset(urls[half:]))
    return build
