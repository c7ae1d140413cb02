"""Extraction of saved record documents: JSON API pages, CSV, RSS/Atom feeds, sitemaps."""

from __future__ import annotations

import dataclasses

from crawlers.config.model import FieldSpec
from crawlers.extract.documents import extract_api_page, extract_csv, extract_feed, extract_sitemap
from crawlers.extract.select import clean, select_path
from tests.test_crawl_extract import NOW, PAGES, fixture_config


def test_api_page_records_become_items_with_the_next_page() -> None:
    config = fixture_config("fx-api", "http://api.example")
    text = (PAGES / "api-page.json").read_text(encoding="utf-8")
    result = extract_api_page(text, "http://api.example/api/projects?page=1", config, NOW)
    assert result.next_pages == ["http://api.example/api/projects?page=2"]
    first, second, nameless = result.items
    assert first["url"] == "http://api.example/fiche/17/"
    assert first["extraction"] == "api"
    assert first["listing_url"] == "http://api.example/api/projects?page=1"
    assert first["fields"] == {
        "title": "Épicerie solidaire du Cœur",
        "summary": "Aide alimentaire.",
        "organisation": "CCAS de Vichy",
        "street": "12 rue des Écoles",
        "postcode": "03200",
        "city": "Vichy",
        "departement": "03",
        "tags": ["aide alimentaire", "lutte contre les exclusions"],
        "website": "https://coeur.example/",
        "date": "2018-03-02T09:00:00Z",
    }
    assert second["url"] == "http://api.example/fiche/18/"  # relative URL resolved
    assert (
        "organisation" not in second["fields"] and "tags" not in second["fields"]
    )  # nulls omitted
    assert "title" not in nameless["fields"]  # "" is no title: the pipeline rejects it


def test_api_page_that_is_not_json_is_rejected() -> None:
    config = fixture_config("fx-api", "http://api.example")
    result = extract_api_page("<html>oops</html>", "http://api.example/api/projects", config, NOW)
    assert (result.rejection, result.items) == ("not-json", [])


def test_api_records_can_be_followed_to_their_detail_page() -> None:
    config = fixture_config("fx-api", "http://api.example")
    config = dataclasses.replace(config, records=dataclasses.replace(config.records, follow=True))
    text = (PAGES / "api-page.json").read_text(encoding="utf-8")
    result = extract_api_page(text, "http://api.example/api/projects", config, NOW)
    assert result.items == []
    url, entry = result.follow[0]
    assert url == "http://api.example/fiche/17/"
    assert entry["fields"]["title"] == "Épicerie solidaire du Cœur"
    assert entry["extraction"] == "api"


def test_csv_rows_become_items_keyed_by_their_page_url() -> None:
    config = fixture_config("fx-csv", "http://csv.example")
    text = (PAGES / "projets.csv").read_bytes().decode("utf-8")
    result = extract_csv(text, "http://csv.example/opendata/projets.csv", config, NOW)
    first, untitled = result.items
    assert first["url"] == "http://csv.example/projets/FEDER-000123.html"
    assert first["extraction"] == "csv"
    assert first["fields"]["summary"] == "Cultiver; partager"  # quoted separator
    assert first["fields"]["city"] == "Montaigu-Vendée"
    assert first["fields"]["tags"] == ["Alimentation", "Economie sociale et solidaire"]
    assert "website" not in first["fields"]  # empty cell = missing
    assert "title" not in untitled["fields"]


def test_csv_without_the_url_column_is_rejected() -> None:
    config = fixture_config("fx-csv", "http://csv.example")
    result = extract_csv("a;b\r\n1;2\r\n", "http://csv.example/x.csv", config, NOW)
    assert result.rejection == "csv-without-url-column"


def test_rss_and_atom_entries_give_the_same_fields() -> None:
    config = fixture_config("fx-feed", "http://feed.example")
    rss = extract_feed(
        (PAGES / "feed.xml").read_bytes(), "http://feed.example/feed.xml", config, NOW
    )
    atom = extract_feed(
        (PAGES / "atom.xml").read_bytes(), "http://feed.example/atom.xml", config, NOW
    )
    entry, untitled = rss.items
    assert entry["url"] == "http://feed.example/articles/repair-cafe-beaulieu.html"
    assert entry["extraction"] == "feed"
    assert entry["fields"] == {
        "title": "Repair Café Du Quartier Beaulieu",
        "summary": "Un atelier de réparation ouvert à tous.",
        "address": "Occitanie, Pennautier",
        "organisation": "Fédération des centres sociaux",
        "tags": ["Empreinte écologique des territoires", "Lien social"],
        "date": "2018-09-15T09:00:00Z",
    }
    assert atom.items[0]["content_hash"] == entry["content_hash"]
    assert "title" not in untitled["fields"]


def test_sitemap_index_leads_to_sitemaps_and_url_sets_to_project_pages() -> None:
    config = fixture_config("fx-sitemap", "http://sitemap.example")
    index = extract_sitemap(
        (PAGES / "sitemap-index.xml").read_bytes(), "http://sitemap.example/sitemap.xml", config
    )
    assert index.next_pages == [
        "http://sitemap.example/sitemaps/initiatives-1.xml",
        "http://sitemap.example/sitemaps/initiatives-2.xml",
    ]
    urlset = extract_sitemap(
        (PAGES / "sitemap-urlset.xml").read_bytes(), "http://sitemap.example/s.xml", config
    )
    assert [url for url, _ in urlset.follow] == [
        "http://sitemap.example/initiative/jardin-des-lilas.html",
        "http://sitemap.example/initiative/repair-cafe.html",
    ]  # home and about pages do not match sitemap.follow


def test_a_broken_sitemap_is_rejected() -> None:
    config = fixture_config("fx-sitemap", "http://sitemap.example")
    assert (
        extract_sitemap(b"", "http://sitemap.example/sitemap.xml", config).rejection
        == "not-a-sitemap"
    )


def test_dotted_paths_map_over_lists_index_them_and_try_alternatives() -> None:
    record = {"tags": [{"term": "a"}, {"term": "b"}], "images": [{"url": "x"}], "updated": "2018"}
    assert select_path(record, FieldSpec("path", "tags.term", many=True)) == ["a", "b"]
    assert select_path(record, FieldSpec("path", "images.0.url")) == "x"
    assert select_path(record, FieldSpec("path", "published|updated")) == "2018"
    assert select_path(record, FieldSpec("path", "missing.key")) is None


def test_cleanup_steps_regex_split_join_strip() -> None:
    assert (
        clean(["Lieu : Vichy\nPorteur : X"], FieldSpec("path", "", regex=r"^Lieu : (.*)$"))
        == "Vichy"
    )
    assert clean(["a| b |"], FieldSpec("path", "", split="|")) == ["a", "b"]
    joined = clean(["  un  deux\n\n  trois ", "quatre"], FieldSpec("css", "", join=" / "))
    assert joined == "un deux\ntrois / quatre"  # spaces collapsed, line breaks kept once
    assert clean([" x "], FieldSpec("css", "", strip=False)) == " x "
    assert clean(["", "  "], FieldSpec("css", "")) is None
