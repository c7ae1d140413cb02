"""A contributor config states the licence of its listing; `cis sources check` validates it."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawlers.config.loader import check_sources, load_sources
from crawlers.config.model import Licence
from tests.test_crawl_extract import FIXTURE_SOURCES
from tests.test_crawl_sources import SOURCES, VALID, write

ETALAB = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"


@pytest.mark.parametrize(
    ("line", "licence"),
    [
        ("", None),
        ('licence: ""', None),
        ("licence: CC BY-SA 4.0", Licence("CC BY-SA 4.0")),
        (
            f"licence: {{name: Licence Ouverte 2.0 (Etalab), url: '{ETALAB}'}}",
            Licence("Licence Ouverte 2.0 (Etalab)", ETALAB),
        ),
        ("licence:\n  name: ODbL 1.0\n", Licence("ODbL 1.0")),
    ],
)
def test_a_licence_is_a_name_with_an_optional_url_or_absent(
    tmp_path: Path, line: str, licence: Licence | None
) -> None:
    write(tmp_path, "demo.yaml", VALID + line + "\n")
    assert load_sources(tmp_path)["demo"].licence == licence


@pytest.mark.parametrize(
    ("line", "key", "problem"),
    [
        ("licence: {url: 'https://x.example/l'}", "licence.name", "is required"),
        ("licence: {name: CC BY, url: 'ftp://x.example/l'}", "licence.url", "not a well-formed"),
        ("licence: {name: CC BY, url: '/licence'}", "licence.url", "absolute http(s)"),
        ("licence: {name: CC BY, version: 4}", "licence.version", "unknown key"),
        ("licence: [CC BY]", "licence", "expected a licence name or {name"),
        ("licence: CC BY; ODbL", "licence.name", "no ';'"),
        ('licence: "CC BY\\nODbL"', "licence.name", "one line"),
        (f"licence: {'x' * 201}", "licence.name", "at most 200 characters"),
        ("contact: projets.avise.org", "contact", "not an e-mail address"),
        ("contact: a@b.example?cc=all@x.example", "contact", "not an e-mail address"),
    ],
)
def test_a_malformed_licence_is_named_by_the_check(
    tmp_path: Path, line: str, key: str, problem: str
) -> None:
    path = write(tmp_path, "demo.yaml", VALID + line + "\n")
    errors = check_sources(tmp_path)
    assert [(e.file, e.key) for e in errors] == [(path, key)]
    assert problem in errors[0].problem


def test_the_description_recorded_at_each_crawl_carries_the_licence(tmp_path: Path) -> None:
    write(
        tmp_path,
        "demo.yaml",
        VALID + f"logo: https://demo.example/l.png\nlicence: {{name: LO 2.0, url: '{ETALAB}'}}\n",
    )
    assert load_sources(tmp_path)["demo"].description() == {
        "id": "demo",
        "name": "Démo",
        "homepage": "https://demo.example/",
        "logo": "https://demo.example/l.png",
        "licence": {"name": "LO 2.0", "url": ETALAB},
    }
    write(tmp_path, "demo.yaml", VALID)
    assert load_sources(tmp_path)["demo"].description()["licence"] is None


@pytest.mark.parametrize("folder", [SOURCES, FIXTURE_SOURCES], ids=["real", "fixture"])
def test_configs_state_varied_licences_and_some_none(folder: Path) -> None:
    licences = [config.licence for config in load_sources(folder).values()]
    stated = [licence for licence in licences if licence is not None]
    assert None in licences and len({licence.name for licence in stated}) >= 3
    assert any(licence.url for licence in stated) and any(not licence.url for licence in stated)
