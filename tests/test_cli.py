"""The `cis` command as an admin meets it: help everywhere, one-line errors, exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cis.raw_store import RawStore
from cis.settings import SETTINGS
from cis_devtools.localnode.node import free_port
from crawlers.extract.raw_items import ListingEntry, make_item

COMMANDS = [
    "crawl",
    "sources",
    "dedup",
    "index",
    "reindex",
    "serve",
    "partners",
    "demo",
    "es",
    "settings",
    "tags",
]


def cis(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cis_cli.main", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    result = cis(command, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith(f"usage: cis {command}")


@pytest.mark.parametrize("command", ["index", "reindex", "serve"])
def test_an_unreachable_elasticsearch_is_one_line_and_fails(command: str) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = cis(command, CIS_ELASTICSEARCH_URL=url)
    assert result.returncode != 0
    assert result.stderr.strip() == (
        f"cis {command}: Elasticsearch unreachable at {url}: [Errno 111] Connection refused"
    )


def test_a_malformed_setting_names_the_variable() -> None:
    result = cis("serve", CIS_PORT="eighty")
    assert result.returncode == 2
    assert result.stderr.strip() == "cis serve: CIS_PORT must be a whole number, got 'eighty'"


def test_an_unknown_source_is_named(tmp_path: object) -> None:
    result = cis("crawl", "no-such-site", CIS_DATA_DIR=str(tmp_path))
    assert result.returncode == 2
    assert "no-such-site" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_config_whose_base_url_cannot_be_filled_is_refused_in_one_line(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "demo.yaml").write_text(
        "id: demo\nname: Demo\nhomepage: https://demo.example/\nkind: html\n"
        "start_urls: ['{base_url}/projets/']\nnavigation:\n  follow: {css: 'h2 a', attr: href}\n",
        encoding="utf-8",
    )
    env = {"CIS_DATA_DIR": str(tmp_path / "data"), "CIS_SOURCES_DIR": str(sources)}
    check = cis("sources", "check", **env)
    assert check.returncode == 1
    assert "demo.yaml: base_url: is required: {base_url} is used in" in check.stderr
    result = cis("crawl", "demo", **env)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"cis crawl: invalid source config: {sources / 'demo.yaml'}: base_url: is required: "
        "{base_url} is used in start_urls, homepage or logo"
    ]


def test_settings_table_lists_every_variable() -> None:
    table = cis("settings").stdout
    assert "| `CIS_ELASTICSEARCH_URL` | `` |" in table
    assert table.count("| `CIS_") == len(SETTINGS)


def test_the_readme_settings_table_is_the_generated_one() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    for line in cis("settings").stdout.splitlines():
        assert line in readme


def test_tags_report_lists_unmapped_labels_with_suggestions_and_writes_a_draft(
    tmp_path: Path,
) -> None:
    store = RawStore(tmp_path / "raw")
    writer = store.open_run("fx-new", "20261201T000000000Z")
    for number, tags in enumerate(
        (["Alimentation solidaire", "Zèbres"], ["Alimentation solidaire"])
    ):
        entry = ListingEntry(listing_url="https://fx.example/", fields={}, extraction="selectors")
        fields = {"title": f"Projet {number}", "tags": tags, "publics": "Seniors"}
        writer.write(
            make_item("fx-new", f"https://fx.example/{number}", entry, fields, "selectors", "")
        )
    writer.commit({"contributor": {"name": "FX", "vocabulary": {"tables": [], "labels": {}}}})
    env = {"CIS_DATA_DIR": str(tmp_path)}
    report = cis("tags", "report", **env)
    assert report.returncode == 0, report.stderr
    lines = report.stdout.splitlines()
    assert lines[0] == "fx-new: 2 unmapped label(s)"  # "Seniors" is a code's label
    assert lines[1].split()[:4] == ["2", "Alimentation", "solidaire", "AGR"]
    assert lines[2].split()[:3] == ["1", "Zèbres", "-"]
    draft = tmp_path / "fx-new-tags.csv"
    assert cis("tags", "report", "fx-new", "--write", str(draft), **env).returncode == 0
    assert (
        draft.read_text(encoding="utf-8")
        == "label,codes\nAlimentation solidaire,AGR COH\nZèbres,\n"
    )
    unknown = cis("tags", "report", "nope", **env)
    assert (unknown.returncode, unknown.stdout) == (2, "")
    assert "no crawl of 'nope' in the raw store; known: fx-new" in unknown.stderr
