"""The `cis` command as an admin meets it: help everywhere, one-line errors, exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cis.settings import SETTINGS
from cis_devtools.localnode.node import free_port

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
