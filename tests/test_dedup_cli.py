"""`cis dedup` as an admin meets it: review merged projects, set rules, name bad keys.

A module fixture writes a small raw store (two contributors listing one Repair Café, and
one project each) and runs `cis reindex` into the embedded engine; each test works on
a copy of that data dir, through the real command in a subprocess.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cis.raw_store import RawStore
from tests.factories import raw_item

REPAIR = (
    "Le Repair Café de Moulins réunit chaque premier samedi du mois des bénévoles qui aident "
    "les habitants à réparer leurs objets : petit électroménager, vêtements, vélos et jouets."
)
ALPHA = "alpha|https://alpha.example/p/repair-cafe"
BETA = "beta|https://beta.example/projets/repair-cafe-moulins"
GARDEN = "alpha|https://alpha.example/p/jardin"


def cis(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CIS_DATA_DIR": str(data_dir)}
    env.pop("CIS_ELASTICSEARCH_URL", None)  # the embedded engine
    return subprocess.run(
        [sys.executable, "-m", "cis_cli.main", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("indexed")
    store = RawStore(data_dir / "raw")
    items = {
        "alpha": [
            raw_item(ALPHA, "Repair Café de Moulins", REPAIR),
            raw_item(GARDEN, "Jardin partagé des Champins", "Un potager cultivé en commun."),
        ],
        "beta": [raw_item(BETA, "Le Repair Café de Moulins", REPAIR)],
    }
    for source, listed in items.items():
        run = store.open_run(source, "20261101T000000000Z")
        for item in listed:
            run.write(item)
        run.commit({"contributor": {"name": source.title()}})
    assert cis(data_dir, "reindex").returncode == 0
    return data_dir


@pytest.fixture
def data_dir(indexed: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(indexed, tmp_path / "data"))


def test_the_report_shows_each_merged_project_with_its_members_and_links(data_dir: Path) -> None:
    result = cis(data_dir, "dedup", "report")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("(2 listings)") == 1
    assert f"  {ALPHA}  [03190]  Repair Café de Moulins" in result.stdout
    assert f"  linked   {ALPHA} ~ {BETA} = " in result.stdout
    assert GARDEN not in result.stdout  # alone and unrefused: only with --all
    assert GARDEN in cis(data_dir, "dedup", "report", "--all").stdout


def test_the_report_exports_as_csv(data_dir: Path) -> None:
    result = cis(data_dir, "dedup", "report", "--csv", str(data_dir / "report.csv"))
    assert result.returncode == 0, result.stderr
    with (data_dir / "report.csv").open(encoding="utf-8") as src:
        (row,) = list(csv.DictReader(src))
    assert (row["size"], row["keys"]) == ("2", f"{ALPHA} ; {BETA}")


def test_a_never_rule_splits_the_project_at_the_next_index_and_forget_undoes_it(
    data_dir: Path,
) -> None:
    assert cis(data_dir, "dedup", "never", ALPHA, BETA).returncode == 0
    rules = json.loads((data_dir / "dedup-overrides.json").read_text(encoding="utf-8"))
    assert rules == {"never": [[ALPHA, BETA]], "always": []}
    assert "(2 listings)" in cis(data_dir, "dedup", "report").stdout  # not before `cis index`
    assert cis(data_dir, "index").returncode == 0
    report = cis(data_dir, "dedup", "report").stdout
    assert "(2 listings)" not in report and f"  refused  {ALPHA} ~ {BETA} = " in report
    assert cis(data_dir, "dedup", "forget", ALPHA, BETA).returncode == 0
    assert cis(data_dir, "index").returncode == 0
    assert "(2 listings)" in cis(data_dir, "dedup", "report").stdout


def test_an_always_rule_merges_what_the_text_keeps_apart(data_dir: Path) -> None:
    assert cis(data_dir, "dedup", "always", GARDEN, BETA).returncode == 0
    assert cis(data_dir, "index").returncode == 0
    blocks = cis(data_dir, "dedup", "report").stdout.split("\n\n")
    merged = next(block for block in blocks if "(2 listings)" in block)
    assert GARDEN in merged and BETA in merged and "(always)" in merged
    assert ALPHA not in merged  # alpha already lists the garden in that project


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("beta|https://beta.example/nowhere", "no listing 'beta|https://beta.example/nowhere'"),
        ("beta-without-url", "'beta-without-url' is not a listing key: write it as source|url"),
    ],
)
def test_a_bad_key_is_named_in_one_line_and_no_rule_is_written(
    data_dir: Path, key: str, message: str
) -> None:
    result = cis(data_dir, "dedup", "never", ALPHA, key)
    assert result.returncode == 2
    assert result.stderr.startswith(f"cis dedup: {message}")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (data_dir / "dedup-overrides.json").exists()


def test_the_report_before_any_index_run_says_what_to_do(tmp_path: Path) -> None:
    result = cis(tmp_path, "dedup", "report")
    assert result.returncode == 2
    assert result.stderr.strip().endswith("run `cis index` first")
