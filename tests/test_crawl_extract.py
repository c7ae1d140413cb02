"""Extraction of saved HTML pages into raw items: selectors, structured data, charsets."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from cis.records import RawItem
from cis_devtools.fixture_sites import SOURCES_DIR
from crawlers.config.loader import load_sources
from crawlers.config.model import FieldSpec, Navigation, SourceConfig
from crawlers.extract.pages import extract_detail, extract_listing
from crawlers.extract.raw_items import ListingEntry, Rejection, content_hash
from crawlers.extract.structured import read_structured

PAGES = Path(__file__).parent / "pages"
FIXTURE_SOURCES = SOURCES_DIR
NOW = "2026-11-29T12:00:00Z"


def fixture_config(source: str, base_url: str) -> SourceConfig:
    """A fixture-site config with its {base_url} placeholder filled."""
    return load_sources(FIXTURE_SOURCES)[source].with_base_url(base_url)


def page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def detail(name: str, url: str, source: str = "fx-html") -> RawItem:
    config = fixture_config(source, "http://site.example")
    entry = ListingEntry(
        listing_url="http://site.example/projets/", fields={}, extraction="selectors"
    )
    item = extract_detail(page(name), url, config, entry, NOW)
    assert not isinstance(item, Rejection)
    return item


def test_listing_page_yields_detail_links_and_next_page() -> None:
    config = fixture_config("fx-html", "http://site.example")
    result = extract_listing(page("html-listing.html"), "http://site.example/projets/", config, NOW)
    assert [url for url, _ in result.follow] == [
        "http://site.example/projets/repair-cafe-de-vichy/",
        "http://site.example/projets/ancien/jardin-des-lilas/",  # fragment dropped
        "https://www.example-partenaire.fr/projets/x/",  # left for the offsite filter
    ]  # the mailto: link is not followed
    assert result.next_pages == ["http://site.example/projets/page/2/"]
    assert all(entry["listing_url"] == "http://site.example/projets/" for _, entry in result.follow)
    assert result.items == []


def test_detail_page_fields_are_read_by_their_selectors() -> None:
    item = detail("html-detail.html", "http://site.example/projets/repair-cafe-de-vichy/")
    assert item["fields"] == {
        "title": "Repair Café de Vichy",
        "summary": "On y répare ensemble vélos, grille-pain et vêtements.",
        "description": "Premier paragraphe.\nSecond paragraphe.",
        "organisation": "Association Les Bricoleurs",
        "address": "12 rue des Écoles, 03200 Vichy",
        "tags": ["Recyclage", "Lien social"],
        "website": "https://www.bricoleurs-vichy.fr/",
        "image": "http://site.example/media/repair-cafe-de-vichy.jpg",
        "date": "2016",
    }
    assert item["extraction"] == "selectors"
    assert item["source"] == "fx-html"
    assert item["listing_url"] == "http://site.example/projets/"
    assert item["fetched_at"] == NOW
    assert item["content_hash"] == content_hash(item["fields"])


def test_a_bare_domain_website_and_a_broken_address_keep_their_meaning() -> None:
    config = fixture_config("fx-html", "http://site.example")
    html = (
        page("html-detail.html")
        .replace("12 rue des Écoles, 03200 Vichy", "12 rue des Écoles<br>03200 Vichy")
        .replace('href="https://www.bricoleurs-vichy.fr/"', 'href="bricoleurs-vichy.fr/"')
    )
    entry = ListingEntry(
        listing_url="http://site.example/projets/", fields={}, extraction="selectors"
    )
    item = extract_detail(html, "http://site.example/projets/repair/", config, entry, NOW)
    assert not isinstance(item, Rejection)
    assert item["fields"]["website"] == "https://bricoleurs-vichy.fr/"  # not under /projets/
    assert item["fields"]["address"] == "12 rue des Écoles\n03200 Vichy"  # the <br> kept


def test_malformed_markup_still_yields_its_data() -> None:
    item = detail("html-detail-malformed.html", "http://site.example/projets/atelier/")
    assert item["fields"]["title"] == "Atelier vélo du Canal"
    assert item["fields"]["address"] == "Marseille 4e"
    assert item["fields"]["tags"] == ["Mobilité", "Vélo"]


def test_a_page_without_title_yields_an_item_the_pipeline_will_reject() -> None:
    item = detail("html-detail-notitle.html", "http://site.example/projets/x/")
    assert "title" not in item["fields"]
    assert item["fields"]["summary"] == "Un résumé sans titre."


def test_an_empty_page_is_rejected_with_a_reason() -> None:
    config = fixture_config("fx-html", "http://site.example")
    entry = ListingEntry(listing_url="http://site.example/", fields={}, extraction="selectors")
    assert extract_detail(" \n", "http://site.example/x/", config, entry, NOW) == Rejection(
        "empty-page"
    )


@pytest.mark.parametrize(
    ("name", "headers"),
    [
        ("html-detail-latin1.html", {"Content-Type": "text/html; charset=iso-8859-1"}),
        ("html-detail-latin1-meta.html", {"Content-Type": "text/html"}),
    ],
)
def test_iso_8859_1_pages_decode_from_header_or_meta(name: str, headers: dict[str, str]) -> None:
    url = "http://site.example/projets/cafe/"
    response = HtmlResponse(url, body=(PAGES / name).read_bytes(), headers=headers)
    config = fixture_config("fx-html", "http://site.example")
    entry = ListingEntry(listing_url=url, fields={}, extraction="selectors")
    item = extract_detail(response.text, url, config, entry, NOW)
    assert not isinstance(item, Rejection)
    assert item["fields"]["title"] == "Café des âges"
    assert item["fields"]["address"] == "Saïx, 81710 Saïx"


def test_json_ld_main_entity_skips_the_publisher_and_maps_schema_org() -> None:
    url = "http://labo.example/annuaire/jardin-partage-des-lilas/"
    fields, syntax = read_structured(page("jsonld-detail.html"), url)
    assert syntax == "json-ld"
    assert fields == {
        "title": "Jardin partagé des Lilas",
        "description": "Un jardin ouvert à tous les habitants du quartier.",
        "date": "2016",
        "street": "12 rue des Écoles",
        "postcode": "69003",
        "city": "Lyon 3e",
        "region": "Auvergne-Rhône-Alpes",
        "organisation": "Association Les Mains Vertes",
        "tags": ["Jardins partagés", "Lien social"],
        "image": "/media/lilas.jpg",
        "website": "https://www.jardin-lilas.fr/",
    }


def test_json_ld_graph_is_searched_past_page_furniture() -> None:
    fields, syntax = read_structured(page("jsonld-graph.html"), "http://labo.example/annuaire/r/")
    assert syntax == "json-ld"
    assert fields["title"] == "Ressourcerie du Port"
    assert fields["city"] == "Marseille 4e"
    assert fields["tags"] == ["Réemploi", "Déchets"]


def test_microdata_is_read_when_there_is_no_json_ld() -> None:
    fields, syntax = read_structured(
        page("microdata-detail.html"), "http://labo.example/annuaire/f/"
    )
    assert syntax == "microdata"
    assert fields["title"] == "Fablab des Écluses"
    assert (fields["street"], fields["postcode"], fields["city"]) == (
        "3 quai des Écluses",
        "59000",
        "Lille",
    )
    assert fields["organisation"] == "Association Les Écluses"
    assert fields["website"] == "https://fablab-ecluses.fr/"
    assert fields["image"] == "http://labo.example/media/fablab.jpg"


def test_opengraph_is_the_last_resort() -> None:
    fields, syntax = read_structured(
        page("opengraph-detail.html"), "http://labo.example/annuaire/e/"
    )
    assert syntax == "opengraph"
    assert fields == {
        "title": "Épicerie solidaire du Marché",
        "summary": "Des produits à petit prix et des ateliers cuisine.",
        "image": "http://labo.example/media/epicerie.jpg",
        "postcode": "57000",
        "city": "Metz",
        "region": "Grand Est",
        "tags": ["Alimentation", "Solidarité"],
        "organisation": "SCIC Le Relais",
    }


def test_structured_data_comes_before_selectors_on_any_detail_page() -> None:
    item = detail("jsonld-detail.html", "http://labo.example/annuaire/jardin-partage-des-lilas/")
    assert item["extraction"] == "json-ld"
    assert item["fields"]["title"] == "Jardin partagé des Lilas"
    assert item["fields"]["image"] == "http://labo.example/media/lilas.jpg"  # made absolute


def test_a_page_without_structured_data_reads_nothing_structured() -> None:
    assert read_structured(page("html-detail.html"), "http://site.example/p/") == ({}, None)


def test_listing_items_without_detail_pages_are_read_in_place() -> None:
    config = fixture_config("fx-html", "http://site.example")
    config = dataclasses.replace(
        config,
        navigation=Navigation(items=FieldSpec("css", "li.project-card")),
        fields={
            "title": FieldSpec("css", "h2 a", scope="listing"),
            "city": FieldSpec("css", "p.project-card__place", scope="listing"),
        },
    )
    result = extract_listing(page("html-listing.html"), "http://site.example/projets/", config, NOW)
    first = result.items[0]
    assert first["url"] == "http://site.example/projets/#repair-cafe-de-vichy"  # title anchor
    assert first["fields"] == {"title": "Repair Café de Vichy", "city": "Vichy"}
    assert [i["fields"]["title"] for i in result.items][1:] == [
        "Jardin des Lilas", "Projet partenaire", "Écrivez-nous",
    ]  # fmt: skip
    assert result.follow == []
