"""Typed contributor configuration: what one ``crawlers/sources/<id>.yaml`` file says.

Key concepts: a *kind* picks the generic spider (html, structured, api, sitemap, csv,
feed); *navigation* tells it how to walk listings; *fields* map each raw-item field to
one selector (CSS, XPath, or a dotted *path* into a JSON/CSV/feed record). The start
URLs, homepage and logo may hold a ``{base_url}`` placeholder, filled at crawl time from
the config's ``base_url`` or a caller's override (fixture sites on random ports).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from cis.records import LicenceTerms, SourceDescription
from cis.vocabulary import SourceVocabulary

Kind = Literal["html", "structured", "api", "sitemap", "csv", "feed"]
SelectorKind = Literal["css", "xpath", "path"]
Scope = Literal["listing", "detail"]

KINDS: tuple[Kind, ...] = ("html", "structured", "api", "sitemap", "csv", "feed")
BASE_URL = "{base_url}"


@dataclass(frozen=True)
class FieldSpec:
    """One selector plus its cleanup steps."""

    kind: SelectorKind
    expr: str
    attr: str | None = None  # read this attribute of the matched elements
    many: bool = False  # keep every value as a list instead of joining them
    join: str = " "  # separator when joining several values into one string
    regex: str | None = None  # keep group 1 (or the whole match) of each value
    split: str | None = None  # split each value on this separator (implies many)
    strip: bool = True  # collapse whitespace and trim
    scope: Scope | None = None  # None: the detail page when the source follows links


@dataclass(frozen=True)
class Navigation:
    """How an HTML listing is walked (kinds html and structured)."""

    items: FieldSpec | None = None  # each item block on a listing page
    follow: FieldSpec | None = None  # link from an item to its detail page
    next_page: FieldSpec | None = None  # link(s) to the next listing page
    item_url: FieldSpec | None = None  # URL of an item that has no detail page


@dataclass(frozen=True)
class RecordLayout:
    """How JSON API pages, CSV files and feeds are read (kinds api, csv, feed)."""

    items: str = ""  # api: dotted path of the record list in a page
    next: str = ""  # api: dotted path of the next page URL
    url: str = ""  # api/csv: dotted path or column of the record's page URL
    delimiter: str = ","  # csv
    follow: bool = False  # also fetch each record's page as a detail page


@dataclass(frozen=True)
class Politeness:
    """Per-source overrides of the crawl-wide politeness settings."""

    download_delay: float | None = None
    concurrency: int | None = None


@dataclass(frozen=True)
class Limits:
    """Per-source caps; a capped run is incomplete (no removals inferred from it)."""

    max_pages: int | None = None
    max_items: int | None = None


@dataclass(frozen=True)
class Licence:
    """The licence under which the contributor publishes its listing."""

    name: str  # as the contributor words it: "Licence Ouverte 2.0 (Etalab)", "CC BY-SA 4.0"
    url: str = ""  # the licence's text


@dataclass(frozen=True)
class SourceConfig:
    """A contributor: identity, kind, navigation and field selectors."""

    id: str
    name: str
    homepage: str
    kind: Kind
    start_urls: tuple[str, ...]
    path: Path
    base_url: str = ""  # fills the {base_url} placeholders unless the crawl overrides it
    fields: Mapping[str, FieldSpec] = field(default_factory=dict)
    navigation: Navigation = Navigation()
    sitemap_follow: tuple[str, ...] = ()  # regexes of sitemap URLs that are detail pages
    records: RecordLayout = RecordLayout()
    complete: bool = True  # a full listing: items absent from it were removed
    vocabulary: SourceVocabulary = field(default_factory=SourceVocabulary)
    territory: tuple[str, ...] = ()  # départements or régions it covers; () for all France
    verified: bool = False
    logo: str = ""
    licence: Licence | None = None  # None: the contributor has not stated one
    contact: str = ""  # e-mail address for corrections ("signaler une erreur"), "" when none
    spider: str | None = None  # "module:Class" for a bespoke spider
    politeness: Politeness = Politeness()
    limits: Limits = Limits()

    @property
    def follows_detail(self) -> bool:
        """Whether items are completed from their own detail page."""
        return self.navigation.follow is not None or self.records.follow or self.kind == "sitemap"

    @property
    def needs_base_url(self) -> bool:
        """Whether a ``{base_url}`` placeholder must be filled before crawling."""
        return any(BASE_URL in url for url in (*self.start_urls, self.homepage, self.logo))

    @property
    def allowed_domains(self) -> list[str]:
        """Host names of the start URLs: the only hosts the spider may request."""
        return sorted({urlsplit(url).hostname or "" for url in self.start_urls} - {""})

    def with_base_url(self, base_url: str) -> SourceConfig:
        """This config with every ``{base_url}`` placeholder replaced."""
        base = base_url.rstrip("/")
        return dataclasses.replace(
            self,
            start_urls=tuple(url.replace(BASE_URL, base) for url in self.start_urls),
            homepage=self.homepage.replace(BASE_URL, base),
            logo=self.logo.replace(BASE_URL, base),
        )

    def description(self) -> SourceDescription:
        """The contributor's public description, recorded in the raw store at each crawl."""
        terms = self.licence
        licence = None if terms is None else LicenceTerms(name=terms.name, url=terms.url)
        described = SourceDescription(
            id=self.id, name=self.name, homepage=self.homepage, logo=self.logo, licence=licence
        )
        if self.contact:
            described["contact"] = self.contact
        return described

    def field_scope(self, spec: FieldSpec) -> Scope:
        """Where a field is read: its scope, else records and listings unless a page is followed."""
        if spec.scope is not None:
            return spec.scope
        if spec.kind == "path":
            return "listing"
        return "detail" if self.follows_detail else "listing"
