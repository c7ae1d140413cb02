"""Every error a user can cause: one line on stderr, exit 2, no traceback, nothing written.

One table of cases, each run through the real `cis` command in a subprocess with its own
data dir under ``tmp_path`` (fresh, a copy of a small index, or unusable on purpose). The
whole of ``tmp_path`` is snapshotted before and after: a failed command creates nothing
and changes no byte. No case needs the network or Elasticsearch: each one fails before
any connection.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cis.raw_store import RawStore
from tests.factories import raw_item

KEY_A = "alpha|https://alpha.example/p/repair-cafe"
KEY_B = "alpha|https://alpha.example/p/jardin"
MISSING_KEY = "alpha|https://alpha.example/p/nowhere"

DataDir = Callable[[Path, Path], Path]  # (tmp_path, the indexed data dir) -> CIS_DATA_DIR


def fresh(tmp: Path, indexed: Path) -> Path:
    return tmp / "data"  # not created: a command that fails must not create it


def copy_of_index(tmp: Path, indexed: Path) -> Path:
    return Path(shutil.copytree(indexed, tmp / "data"))


def under_a_file(tmp: Path, indexed: Path) -> Path:
    (tmp / "file").write_text("not a folder", encoding="utf-8")
    return tmp / "file" / "data"


def a_file(tmp: Path, indexed: Path) -> Path:
    (tmp / "data").write_text("not a folder", encoding="utf-8")
    return tmp / "data"


def read_only(tmp: Path, indexed: Path) -> Path:
    (tmp / "data").mkdir(mode=0o555)
    return tmp / "data"


def name_too_long(tmp: Path, indexed: Path) -> Path:
    return tmp / ("x" * 300)


@dataclass(frozen=True)
class Case:
    """A command line, its environment (``{tmp}`` is ``tmp_path``), and what its one line says."""

    args: tuple[str, ...]
    says: str
    env: Mapping[str, str] = field(default_factory=dict)
    data_dir: DataDir = fresh
    unprivileged: bool = False  # run without root's right to write anywhere


# Data dir checks use `crawl nope`: were the check gone, the line would name the source,
# not CIS_DATA_DIR, and nothing would be crawled. Demo cases never serve, for the same reason.
CASES = {
    # an unusable CIS_DATA_DIR, for each command that writes
    "data-dir-under-a-file-crawl": Case(("crawl", "nope"), "CIS_DATA_DIR", data_dir=under_a_file),
    "data-dir-is-a-file-index": Case(("index",), "Not a directory", data_dir=a_file),
    "data-dir-name-too-long-reindex": Case(
        ("reindex",), "File name too long", data_dir=name_too_long
    ),
    "data-dir-under-a-file-dedup-rule": Case(
        ("dedup", "never", KEY_A, KEY_B), "CIS_DATA_DIR", data_dir=under_a_file
    ),
    "data-dir-under-a-file-demo": Case(
        ("demo", "--projects", "1", "--no-serve"), "CIS_DATA_DIR", data_dir=under_a_file
    ),
    "data-dir-read-only-crawl": Case(("crawl", "nope"), "Permission denied", data_dir=read_only, unprivileged=True),
    # files the user names
    "csv-in-a-missing-folder": Case(
        ("dedup", "report", "--csv", "{tmp}/no-such-folder/report.csv"),
        "cannot write the CSV to",
        data_dir=copy_of_index,
    ),
    "csv-is-a-folder": Case(
        ("dedup", "report", "--csv", "{tmp}"), "Is a directory", data_dir=copy_of_index
    ),
    # malformed settings, one or more per kind
    "url-bad-scheme": Case(("index",), "CIS_ELASTICSEARCH_URL", {"CIS_ELASTICSEARCH_URL": "htp:/nope"}),
    "url-no-host": Case(("index",), "with a host", {"CIS_ELASTICSEARCH_URL": "http://:9200"}),
    "url-http-no-port": Case(("reindex",), "needs a port", {"CIS_ELASTICSEARCH_URL": "http://localhost"}),
    "url-bad-port": Case(("serve",), "port number", {"CIS_ELASTICSEARCH_URL": "http://127.0.0.1:99999"}),
    "port-too-big": Case(("serve",), "CIS_PORT must be a port number 1–65535, got '99999'", {"CIS_PORT": "99999"}),
    "port-zero": Case(("serve",), "CIS_PORT must be a port number", {"CIS_PORT": "0"}),
    "port-not-a-number": Case(("serve",), "CIS_PORT must be a whole number", {"CIS_PORT": "eighty"}),
    "es-port-too-big": Case(("es", "status"), "CIS_ES_PORT", {"CIS_ES_PORT": "70000"}),
    "workers-zero": Case(("serve",), "CIS_WORKERS must be a whole number ≥ 1", {"CIS_WORKERS": "0"}),
    "workers-not-a-number": Case(("serve",), "CIS_WORKERS", {"CIS_WORKERS": "two"}),
    "flag-maybe": Case(("crawl", "nope"), "CIS_POLITE must be one of 1/0/true/false/yes/no/on/off", {"CIS_POLITE": "maybe"}),
    "flag-empty": Case(("crawl", "nope"), "CIS_HTTP_CACHE", {"CIS_HTTP_CACHE": ""}),
    "log-level-unknown": Case(("serve",), "CIS_LOG_LEVEL must be one of DEBUG", {"CIS_LOG_LEVEL": "loud"}),
    # malformed arguments
    "serve-port-too-big": Case(("serve", "--port", "99999"), "argument --port: must be a port number"),
    "serve-port-not-a-number": Case(("serve", "--port", "http"), "argument --port"),
    "demo-negative-projects": Case(("demo", "--projects", "-5", "--no-serve"), "argument --projects: must be a whole number ≥ 1"),
    "demo-zero-projects": Case(("demo", "--projects", "0", "--no-serve"), "argument --projects"),
    "demo-port-zero": Case(("demo", "--port", "0", "--projects", "1", "--no-serve"), "argument --port"),
    "no-command": Case((), "required: COMMAND"),
    "unknown-command": Case(("frobnicate",), "invalid choice: 'frobnicate'"),
    "unknown-argument": Case(("index", "--bogus"), "unrecognized arguments: --bogus"),
    "unknown-action": Case(("sources", "nope"), "invalid choice: 'nope'"),
    "missing-rule-key": Case(("dedup", "never", KEY_A), "required: KEY_B"),
    # what the commands refuse
    "unknown-source": Case(("crawl", "nope"), "unknown source 'nope'"),
    "dedup-report-before-any-index": Case(("dedup", "report"), "run `cis index` first"),
    "dedup-csv-before-any-index": Case(("dedup", "report", "--csv", "{tmp}/r.csv"), "run `cis index` first"),
    "dedup-bad-keys": Case(("dedup", "never", "a", "b"), "'a' is not a listing key"),
    "dedup-unknown-key": Case(("dedup", "always", KEY_A, MISSING_KEY), "no listing", data_dir=copy_of_index),
    "dedup-same-key-twice": Case(("dedup", "never", KEY_A, KEY_A), KEY_A, data_dir=copy_of_index),
    "dedup-forget-no-rule": Case(("dedup", "forget", KEY_A, KEY_B), "no rule about", data_dir=copy_of_index),
}  # fmt: skip
# Root may write in a read-only folder: run as root, such a case drops the capabilities
# that override file permissions (it stays root, so it still reads the checkout, wherever
# that is and whatever its mode).
UNPRIVILEGED = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with a small committed index (one contributor, two projects)."""
    data_dir = tmp_path_factory.mktemp("indexed")
    run = RawStore(data_dir / "raw").open_run("alpha", "20261101T000000000Z")
    run.write(raw_item(KEY_A, "Repair Café de Moulins", "On y répare ensemble ses objets."))
    run.write(raw_item(KEY_B, "Jardin partagé des Champins", "Un potager cultivé en commun."))
    run.commit({"contributor": {"name": "Alpha"}})
    result = cis_in_subprocess(["reindex"], {"CIS_DATA_DIR": str(data_dir)})
    assert result.returncode == 0, result.stderr
    return data_dir


def cis_in_subprocess(
    args: list[str], env: Mapping[str, str], *, unprivileged: bool = False
) -> subprocess.CompletedProcess[str]:
    # Only the case's CIS_* variables: the caller's own (an ES URL, say) must not leak in.
    base = {name: value for name, value in os.environ.items() if not name.startswith("CIS_")}
    return subprocess.run(
        [*(UNPRIVILEGED if unprivileged else []), sys.executable, "-m", "cis_cli.main", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**base, **env},
    )


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root`` with its bytes (None for a folder)."""
    return {
        str(path.relative_to(root)): None if path.is_dir() else path.read_bytes()
        for path in sorted(root.rglob("*"))
    }


@pytest.mark.parametrize("case", [pytest.param(case, id=name) for name, case in CASES.items()])
def test_a_user_error_is_one_line_exit_2_and_writes_nothing(
    case: Case, tmp_path: Path, indexed: Path
) -> None:
    data_dir = case.data_dir(tmp_path, indexed)
    env = {"CIS_DATA_DIR": str(data_dir), **case.env}
    before = snapshot(tmp_path)
    result = cis_in_subprocess(
        [arg.format(tmp=tmp_path) for arg in case.args],
        env,
        unprivileged=case.unprivileged and os.geteuid() == 0,
    )
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith("cis") and case.says in line
    assert snapshot(tmp_path) == before
