"""Contributor configs: the shipped ones validate; bad ones get errors naming file and key."""

from __future__ import annotations

import csv
import dataclasses
import json
import re
from pathlib import Path

import pytest

from cis.raw_fields import RAW_FIELDS
from crawlers.config.loader import InvalidSources, check_sources, load_sources
from crawlers.recorder import contributor_card
from crawlers.run import MissingBaseUrl, UnknownSource, fill_base_url, select_sources
from crawlers.spiders import spider_class
from crawlers.spiders.kinds import ApiSpider, FeedSpider
from tests.test_crawl_extract import FIXTURE_SOURCES

ROOT = Path(__file__).parent.parent
SOURCES = ROOT / "crawlers" / "sources"
SHARED_DATA = ROOT / "tests" / "data"  # a copy of ../shared/data/cis-2018-spiders.json
TAG_MAPPING = ROOT / "cis" / "data" / "cis-tag-mapping.csv"  # the built-in tables

VALID = """\
id: demo
name: Démo
homepage: https://demo.example/
kind: html
start_urls: [https://demo.example/projets/]
navigation:
  follow: {css: "h2 a", attr: href}
fields:
  title: {css: h1}
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_original_working_contributors_all_have_a_valid_unverified_config() -> None:
    spiders = json.loads((SHARED_DATA / "cis-2018-spiders.json").read_text(encoding="utf-8"))
    working = sum(1 for spider in spiders if spider["was_working_2018"])
    assert check_sources(SOURCES) == []
    configs = load_sources(SOURCES)
    assert len(configs) == working == 14
    assert all(not config.verified and config.kind == "html" for config in configs.values())
    assert all(config.fields.get("title") for config in configs.values())


def test_tag_tables_name_contributors_of_the_tag_mapping() -> None:
    with TAG_MAPPING.open(encoding="utf-8") as file:
        contributors = {row["source"] for row in csv.DictReader(file)}
    tables = {c.id: c.vocabulary.tables for c in load_sources(SOURCES).values()}
    assert {table for named in tables.values() for table in named} <= contributors
    assert tables["bretagne-creative"] == ("Bretagne Créative",)
    assert tables["apriles"] == ("ODAS - APRILES",)
    assert tables["my-positive-impact"] == ("My Positive Impact (Fondation Nicolas Hulot)",)


def test_fixture_site_configs_validate_and_cover_every_kind() -> None:
    configs = load_sources(FIXTURE_SOURCES)
    kinds = {config.kind for config in configs.values()}
    assert kinds == {"html", "api", "sitemap", "structured", "csv", "feed"}
    assert all(config.needs_base_url for config in configs.values())


def test_base_url_placeholders_are_filled_from_the_config_unless_the_crawl_overrides_it() -> None:
    config = load_sources(FIXTURE_SOURCES)["fx-html"]
    assert config.base_url == "http://127.0.0.1:8101"  # where `cis demo` serves it
    assert fill_base_url(config, {}).start_urls == ("http://127.0.0.1:8101/projets/",)
    filled = fill_base_url(config, {"fx-html": "http://127.0.0.1:4321/"})
    assert filled.start_urls == ("http://127.0.0.1:4321/projets/",)
    assert filled.homepage == "http://127.0.0.1:4321/"
    assert filled.allowed_domains == ["127.0.0.1"]


def test_a_base_url_placeholder_without_a_base_url_fails_the_check(tmp_path: Path) -> None:
    placeholder = VALID.replace("https://demo.example/projets/", "'{base_url}/projets/'")
    write(tmp_path, "demo.yaml", placeholder)
    [error] = check_sources(tmp_path)
    assert (error.key, error.problem) == (
        "base_url",
        "is required: {base_url} is used in start_urls, homepage or logo",
    )
    write(tmp_path, "demo.yaml", placeholder + "base_url: ftp://demo.example\n")
    assert [e.problem for e in check_sources(tmp_path)] == [
        "'ftp://demo.example' is not an http(s) URL"
    ]
    write(tmp_path, "demo.yaml", placeholder + "base_url: https://demo.example\n")
    config = load_sources(tmp_path)["demo"]
    assert fill_base_url(config, {}).start_urls == ("https://demo.example/projets/",)


def test_a_config_built_without_a_base_url_is_refused_in_one_line() -> None:
    config = dataclasses.replace(load_sources(FIXTURE_SOURCES)["fx-html"], base_url="")
    with pytest.raises(
        MissingBaseUrl, match=r"uses \{base_url\} but gives no base_url: to fill it"
    ):
        fill_base_url(config, {})


def test_unknown_source_ids_are_named_with_the_known_ones() -> None:
    configs = load_sources(FIXTURE_SOURCES)
    with pytest.raises(UnknownSource) as raised:
        select_sources(configs, ["fx-html", "nope"])
    assert "'nope'" in str(raised.value) and "fx-api" in str(raised.value)
    assert [c.id for c in select_sources(configs, None)] == sorted(configs)


@pytest.mark.parametrize(
    ("change", "key", "problem"),
    [
        (("kind: html", "kind: ftp"), "kind", "'ftp' is not one of"),
        (("id: demo", "id: other"), "id", "must equal the file name 'demo'"),
        (("  title: {css: h1}", "  title: {css: 'h1[[['}"), "fields.title.css", "invalid css"),
        (
            ("  title: {css: h1}", "  title: {xpath: '//h1['}"),
            "fields.title.xpath",
            "invalid xpath",
        ),
        (("  title: {css: h1}", "  title: {css: h1, xpath: //h1}"), "fields.title", "exactly one"),
        (
            ("  title: {css: h1}", "  title: {css: h1, regex: '('}"),
            "fields.title.regex",
            "invalid regex",
        ),
        (("  title: {css: h1}", "  title: {path: name}"), "fields.title", "needs css or xpath"),
        (("name: Démo", "name: Démo\nnom: Démo"), "nom", "unknown key"),
        (
            ("  title: {css: h1}", "  title: {css: h1}\n  themes: {css: ul}"),
            "fields.themes",
            "unknown field (known: title, summary",
        ),
        (
            ("name: Démo", "name: Démo\ntag_table: Avize"),
            "tag_table",
            "unknown tag table 'Avize' (known: 'ADEME innovation sociale', 'Atlaas",
        ),
        (
            ("name: Démo", "name: Démo\nvocabulary: {tables: [Avise, Nope]}"),
            "vocabulary.tables",
            "unknown tag table 'Nope'",
        ),
        (
            ("name: Démo", "name: Démo\nvocabulary: {labels: {Jeunes: JEU XXX}}"),
            "vocabulary.labels.Jeunes",
            "unknown CIS code(s) XXX",
        ),
        (
            ("name: Démo", "name: Démo\nvocabulary: {file: absent.csv}"),
            "vocabulary.file",
            "cannot read absent.csv",
        ),
        (
            ("name: Démo", "name: Démo\nvocabulary: {table: Avise}"),
            "vocabulary.table",
            "unknown key",
        ),
        (
            ("name: Démo", "name: Démo\nterritory: [Mayenne, Atlantide]"),
            "territory",
            "'Atlantide' names no French département or région",
        ),
        (
            ("name: Démo", "name: Démo\npoliteness: {concurrency: 8}"),
            "politeness.concurrency",
            "outside",
        ),
        (
            ("start_urls: [https://demo.example/projets/]", "start_urls: [ftp://x]"),
            "start_urls[0]",
            "not an http",
        ),
    ],
)
def test_invalid_configs_are_reported_with_file_key_and_problem(
    tmp_path: Path, change: tuple[str, str], key: str, problem: str
) -> None:
    path = write(tmp_path, "demo.yaml", VALID.replace(*change))
    errors = check_sources(tmp_path)
    assert [(e.file, e.key) for e in errors] == [(path, key)]
    assert problem in errors[0].problem
    with pytest.raises(InvalidSources, match=key.replace("[", "\\[")):
        load_sources(tmp_path)


def test_a_source_declares_its_vocabulary_in_its_config_or_a_csv_beside_it(
    tmp_path: Path,
) -> None:
    vocabulary = (
        "vocabulary:\n  tables: [avise, Semeoz]\n  file: demo-tags.csv\n"
        "  labels: {Jeunes 16-25 ans: JEU, TIC: [NUM]}\n"
    )
    write(tmp_path, "demo.yaml", VALID.replace("name: Démo", f"name: Démo\n{vocabulary}"))
    write(tmp_path, "demo-tags.csv", "label,codes\nTIC,NUM COM\nRepair,DEC COH\n")
    config = load_sources(tmp_path)["demo"]
    assert config.vocabulary.tables == ("Avise", "Semeoz")  # the names as the tables spell them
    assert dict(config.vocabulary.labels) == {
        "TIC": ("NUM",),  # inline labels win over the file
        "Repair": ("DEC", "COH"),
        "Jeunes 16-25 ans": ("JEU",),
    }
    bad = write(tmp_path, "demo-tags.csv", "tag;codes\nTIC;NUM\n")
    assert [(e.key, e.problem) for e in check_sources(tmp_path)] == [
        ("vocabulary.file", "demo-tags.csv needs the columns label, codes")
    ] and bad.exists()


def test_a_source_names_the_territory_it_covers_and_the_crawl_records_it(
    tmp_path: Path,
) -> None:
    write(
        tmp_path, "demo.yaml", VALID.replace("name: Démo", "name: Démo\nterritory: [Mayenne, '72']")
    )
    config = load_sources(tmp_path)["demo"]
    assert config.territory == ("Mayenne", "72")
    assert contributor_card(config)["territory"] == ["Mayenne", "72"]
    assert "territory" not in contributor_card(load_sources(FIXTURE_SOURCES)["fx-api"])


def test_every_field_a_config_may_fill_is_documented() -> None:
    readme = (SOURCES / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", readme, re.MULTILINE))
    assert documented == set(RAW_FIELDS)


def test_kind_specific_needs_are_checked(tmp_path: Path) -> None:
    write(tmp_path, "demo.yaml", VALID.replace("kind: html", "kind: api"))
    keys = [error.key for error in check_sources(tmp_path)]
    assert keys == ["records", "fields.title", "fields.title"]  # no path; css without follow


def test_broken_yaml_and_duplicate_ids_are_reported(tmp_path: Path) -> None:
    write(tmp_path, "demo.yaml", VALID)
    write(tmp_path, "broken.yaml", "id: [unclosed\n")
    errors = check_sources(tmp_path)
    assert [(e.file.name, e.key) for e in errors] == [("broken.yaml", "(yaml)")]
    assert str(errors[0]).startswith(str(tmp_path / "broken.yaml") + ": (yaml): ")
    assert check_sources(tmp_path / "missing")[0].problem == "is not a folder"


def test_a_valid_config_loads_with_its_defaults(tmp_path: Path) -> None:
    write(tmp_path, "demo.yaml", VALID)
    config = load_sources(tmp_path)["demo"]
    assert config.follows_detail and config.complete and not config.verified
    assert config.field_scope(config.fields["title"]) == "detail"
    assert config.politeness.download_delay is None and config.limits.max_pages is None


def test_a_config_may_name_a_bespoke_spider_class(tmp_path: Path) -> None:
    write(tmp_path, "demo.yaml", VALID + "spider: crawlers.spiders.kinds:FeedSpider\n")
    assert spider_class(load_sources(tmp_path)["demo"]) is FeedSpider
    assert spider_class(load_sources(FIXTURE_SOURCES)["fx-api"]) is ApiSpider
    write(tmp_path, "demo.yaml", VALID + "spider: scrapy:Spider\n")
    with pytest.raises(TypeError, match="not a ConfiguredSpider"):
        spider_class(load_sources(tmp_path)["demo"])
