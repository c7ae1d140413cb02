"""fx-feed: an RSS 2.0 feed of most projects and a short Atom feed, plus article pages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape

from cis_devtools.fixture_sites.entries import SiteEntry, truth_row, with_quirks
from cis_devtools.fixture_sites.markup import SiteBuild, origin, page, robots
from cis_devtools.fixture_sites.variants import address_text
from cis_devtools.fixture_sites.world import WorldProject

SITE = "fx-feed"
ATOM_SHARED = 10  # newest RSS items that the Atom feed repeats
_XML = '<?xml version="1.0" encoding="UTF-8"?>\n'


def atom_only(project: WorldProject) -> bool:
    """Whether a project appears in the Atom feed only (about one in forty)."""
    return project.number % 40 == 7


def _path(entry: SiteEntry) -> str:
    return f"/articles/{entry.slug}.html"


def _text(entry: SiteEntry) -> str:
    lines = [entry.summary, f"Lieu : {address_text(entry.address)}"]
    if entry.project.organisation:
        lines.append(f"Porteur : {entry.project.organisation}")
    return "\n".join(lines)


def _when(entry: SiteEntry) -> datetime:
    return datetime.fromisoformat(entry.project.updated).replace(hour=9, tzinfo=UTC)


def _rss_item(entry: SiteEntry) -> str:
    title = f"<title>{escape(entry.title)}</title>" if entry.title else ""
    cats = "".join(f"<category>{escape(t)}</category>" for t in entry.tags)
    return (
        f"<item>{title}<link>{origin(SITE)}{_path(entry)}</link>"
        f"<description>{escape(_text(entry))}</description>{cats}"
        f'<guid isPermaLink="false">fx-feed-{entry.project.number}</guid>'
        f"<pubDate>{format_datetime(_when(entry), usegmt=True)}</pubDate></item>\n"
    )


def _rss(entries: Sequence[SiteEntry]) -> str:
    items = "".join(_rss_item(e) for e in entries)
    return (
        f'{_XML}<rss version="2.0">\n<channel>\n<title>Fil des territoires</title>\n'
        f"<link>{origin(SITE)}/</link>\n<description>Initiatives des territoires"
        f"</description>\n<language>fr</language>\n{items}</channel>\n</rss>\n"
    )


def _atom_entry(entry: SiteEntry) -> str:
    cats = "".join(f'<category term="{escape(t)}"/>' for t in entry.tags)
    return (
        f"<entry><title>{escape(entry.title)}</title>"
        f'<link href="{origin(SITE)}{_path(entry)}"/>'
        f"<id>urn:fx-feed:{entry.project.number}</id>"
        f"<updated>{_when(entry).isoformat().replace('+00:00', 'Z')}</updated>"
        f"<summary>{escape(_text(entry))}</summary>{cats}</entry>\n"
    )


def _atom(entries: Sequence[SiteEntry]) -> str:
    body = "".join(_atom_entry(e) for e in entries)
    return (
        f'{_XML}<feed xmlns="http://www.w3.org/2005/Atom">\n<title>Fil des territoires'
        f"</title>\n<id>urn:fx-feed</id>\n<updated>2018-06-30T09:00:00Z</updated>\n"
        f'<link rel="self" href="{origin(SITE)}/atom.xml"/>\n{body}</feed>\n'
    )


def _article(entry: SiteEntry) -> str:
    text = "".join(f"<p>{escape(p)}</p>" for p in (entry.summary, *entry.project.description))
    body = (
        f'<h1 class="article-titre">{escape(entry.title)}</h1>\n'
        f'<div class="article-corps">{text}</div>'
    )
    return page(entry.title or "Article", body)


def render(entries: list[SiteEntry], gone: Sequence[WorldProject]) -> SiteBuild:
    """Build fx-feed: /feed.xml (RSS 2.0), /atom.xml and the article pages they link."""
    feed_only = [e for e in entries if not atom_only(e.project)]
    entries = with_quirks(feed_only, ("no-title",)) + [e for e in entries if atom_only(e.project)]
    newest = sorted(entries, key=lambda e: (e.project.updated, e.project.number), reverse=True)
    rss = [e for e in newest if not atom_only(e.project)]
    atom = [e for e in newest if atom_only(e.project)] + rss[:ATOM_SHARED]
    build = SiteBuild(entry_paths=["/feed.xml", "/atom.xml"])
    build.add_text("robots.txt", robots("/brouillons/"))
    build.add_text("feed.xml", _rss(rss))
    build.add_text("atom.xml", _atom([e for e in atom if e.title]))
    for entry in entries:
        build.truth.append(truth_row(entry, _path(entry)))
        build.add_text(_path(entry).lstrip("/"), _article(entry))
    return build
