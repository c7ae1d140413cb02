"""The house's shape, checked: layers, and each fact declared once and found where it is used."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cis.facets import FACETS, SEARCH_FIELDS
from cis.settings import SETTINGS, Settings
from mappings import hidden_fields, load_mapping

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("cis", "mappings", "engines", "crawlers", "indexer", "search_service", "cis_cli")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def mapped_field(path: str) -> dict[str, Any]:
    """The mapping of the project field at a dotted ``path`` (KeyError when it is not mapped)."""
    node: dict[str, Any] = load_mapping("projects")["mappings"]
    for key in path.split("."):
        node = node["properties"][key]
    return node


@pytest.mark.parametrize("facet", FACETS, ids=lambda f: f.name)
def test_every_facet_counts_a_keyword_field_of_the_mapping(facet: Any) -> None:
    assert mapped_field(facet.path)["type"] == "keyword"


@pytest.mark.parametrize("field", SEARCH_FIELDS, ids=lambda f: f.name)
def test_every_search_field_is_a_text_field_of_the_mapping(field: Any) -> None:
    assert mapped_field(f"stem.{field.name}")["type"] == "text"


def test_every_hidden_field_is_mapped() -> None:
    for name in hidden_fields():
        assert mapped_field(name)


def test_every_setting_is_declared_once_and_read_into_the_settings() -> None:
    declared = [s.name for s in SETTINGS]
    assert len(declared) == len(set(declared))
    assert declared == [f.name for f in dataclasses.fields(Settings)]


def _copy_tree(target: Path) -> None:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, target / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copytree(ROOT / "devtools" / "cis_devtools", target / "cis_devtools")
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    # lint-imports puts its working directory first on the path: it reads the copy.
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_the_layers_contract_holds_and_breaks_on_an_upward_import(tmp_path: Path) -> None:
    _copy_tree(tmp_path)
    assert _lint_imports(tmp_path).returncode == 0

    text_module = tmp_path / "cis" / "text.py"
    hidden = "\n\ndef _sneaky() -> None:\n    import search_service  # noqa: F401\n"
    text_module.write_text(text_module.read_text(encoding="utf-8") + hidden, encoding="utf-8")
    broken = _lint_imports(tmp_path)

    assert broken.returncode == 1
    assert "BROKEN" in broken.stdout
    assert "cis.text -> search_service" in broken.stdout
