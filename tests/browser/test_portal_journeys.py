"""The public's journeys through the portal in a real Chromium, on both engines.

Each journey runs with JavaScript (results change in place) and, map excepted, without it
(plain GET forms and links). Every page must also leave the browser log clean: no console
error, which includes every Content-Security-Policy violation, and no off-site request
other than map tiles (answered blank: markers and clusters must draw without tiles).
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from cis.raw_store import RawStore
from cis_devtools.browser import axe_violations
from engines import Engine
from engines.sqlite.engine import SqliteEngine
from tests.browser.conftest import OpenPage
from tests.browser.harness import DESKTOP, MOBILE, BrowserLog, screenshot

TILES = "#cis-tuiles > li"
ALLIER_VIEW = "9/46.35/3.38"  # Moulins and Vichy, no other commune of the test projects


@dataclass(frozen=True)
class Visitor:
    """A browser page, and whether its JavaScript runs."""

    page: Page
    javascript: bool


@pytest.fixture(scope="module")
def portal_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A raw store describing one contributor, with a contact for corrections."""
    data_dir = tmp_path_factory.mktemp("portal-data")
    RawStore(data_dir / "raw").write_description("avise", {
        "id": "avise", "name": "Avise", "homepage": "https://www.avise.org",
        "logo": "", "licence": None, "contact": "projets@avise.org",
    })  # fmt: skip
    return data_dir


@pytest.fixture
def engine_name(portal_engine: Engine) -> str:
    return "sqlite" if isinstance(portal_engine, SqliteEngine) else "elasticsearch"


@pytest.fixture(params=[True, False], ids=["js", "nojs"])
def visitor(request: pytest.FixtureRequest, open_page: OpenPage) -> Visitor:
    """A visitor with JavaScript on, then one with it off."""
    return Visitor(open_page(javascript=request.param), request.param)


@pytest.fixture(autouse=True)
def clean_log(browser_log: BrowserLog) -> Iterator[None]:
    """Every journey ends without a console error, CSP violation or refused request."""
    yield
    assert browser_log.errors == []


def api_total(portal_url: str, query: str) -> int:
    with urllib.request.urlopen(f"{portal_url}/api/v1/search?{query}&size=1") as answer:
        total: int = json.load(answer)["total"]
    return total


def params(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def shown_total(page: Page) -> int:
    """The result count the page states ("1 234 projets trouvés, 40 affichés.")."""
    text = page.locator("[data-total]").inner_text()
    found = re.match(r"([\d\s\u202f]+) projets? trouvés?", text)
    return int(re.sub(r"\D", "", found[1])) if found else 0


def apply_filters(visitor: Visitor) -> None:
    """Without JavaScript the filter form needs its button; with it, a change is enough."""
    if not visitor.javascript:
        visitor.page.get_by_role("button", name="Appliquer les filtres").click()


def test_search_then_filter_then_remove_the_filter(visitor: Visitor, portal_url: str) -> None:
    page = visitor.page
    page.goto(f"{portal_url}/")
    # A searchbox, which JavaScript turns into a combobox offering suggestions.
    search = page.get_by_label("Rechercher un projet, un lieu ou un thème")
    search.fill("jardin")
    search.press("Enter")
    page.wait_for_url("**/recherche?q=jardin")
    everything = shown_total(page)
    assert everything == api_total(portal_url, "q=jardin") > 0

    label = page.locator("#facette-domain label").first
    domain = page.locator("#facette-domain input").first.get_attribute("value")
    label.click()
    apply_filters(visitor)
    page.wait_for_url(re.compile(rf"domain={domain}"))
    narrowed = api_total(portal_url, f"q=jardin&domain={domain}")
    expect(page.locator("[data-total]")).to_contain_text(f"{narrowed} projet")
    expect(page.locator("#facette-domain input").first).to_be_checked()

    page.locator(".cis-retirer").first.click()
    page.wait_for_url("**/recherche?q=jardin")
    expect(page.locator("[data-total]")).to_contain_text(f"{everything} projets")


def test_forty_more_then_back(visitor: Visitor, portal_url: str) -> None:
    page = visitor.page
    page.goto(f"{portal_url}/recherche")
    expect(page.locator(TILES)).to_have_count(40)
    page.get_by_role("link", name="Voir 40 projets de plus").click()
    expect(page.locator(TILES)).to_have_count(80)
    assert params(page)["pages"] == ["2"]
    if visitor.javascript:  # the keyboard goes on from the first new tile
        assert page.evaluate(
            "document.activeElement.closest('li')?.matches('#cis-tuiles > li:nth-child(41)')"
        )
    page.go_back()
    page.wait_for_url(f"{portal_url}/recherche")
    expect(page.locator(TILES)).to_have_count(40)


def test_the_back_button_restores_the_previous_search(visitor: Visitor, portal_url: str) -> None:
    page = visitor.page
    page.goto(f"{portal_url}/recherche?q=atelier")
    before = shown_total(page)
    page.locator("#facette-region label").first.click()
    apply_filters(visitor)
    page.wait_for_url(re.compile("region="))
    page.go_back()
    page.wait_for_url(f"{portal_url}/recherche?q=atelier")
    expect(page.locator("[data-total]")).to_contain_text(f"{before} projet")
    expect(page.locator("#facette-region input").first).not_to_be_checked()
    expect(page.get_by_label("Rechercher un projet, un lieu ou un thème")).to_have_value("atelier")


def test_a_tile_leads_to_its_project_and_the_project_to_its_contributors(
    visitor: Visitor, portal_url: str
) -> None:
    page = visitor.page
    page.goto(f"{portal_url}/recherche?q=%C3%A9picerie+solidaire+moulins")
    page.locator(TILES).first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Épicerie solidaire de Moulins")
    contributors = page.locator(".cis-sources a[target=_blank]")
    expect(contributors).to_have_count(2)
    hrefs = {contributors.nth(i).get_attribute("href") for i in range(2)}
    assert hrefs == {"https://avise.example/p/p-epicerie", "https://solidarum.example/p/p-epicerie"}
    expect(page.get_by_role("link", name="Signaler une erreur à Avise")).to_have_attribute(
        "href", re.compile(r"^mailto:projets@avise\.org\?subject=")
    )
    expect(page.locator("#similaires")).to_be_visible()


def test_the_map_draws_clusters_and_narrows_the_list_to_its_view(
    page: Page, portal_url: str, browser_log: BrowserLog
) -> None:
    page.goto(f"{portal_url}/recherche?vue=carte")
    carte = page.locator("#cis-carte")
    expect(carte).to_have_attribute("data-state", "ready")
    expect(carte).to_have_attribute("aria-hidden", "true")
    assert int(carte.get_attribute("data-clusters") or 0) > 0
    expect(page.locator(".cis-grappe").first).to_be_visible()  # drawn without any tile

    page.goto(f"{portal_url}/recherche?vue=carte&carte={ALLIER_VIEW}")
    expect(carte).to_have_attribute("data-state", "ready")
    page.get_by_role("button", name="Rechercher dans cette zone").click()
    page.wait_for_url(re.compile("bbox="))
    bbox = params(page)["bbox"][0]
    in_view = api_total(portal_url, f"bbox={bbox}")
    assert 0 < in_view < api_total(portal_url, "q=")
    expect(page.locator("[data-total]")).to_contain_text(f"{in_view} projet")
    expect(page.get_by_role("link", name="Retirer le filtre Zone de la carte")).to_be_visible()
    assert params(page)["vue"] == ["carte"] and params(page)["carte"]


def test_the_map_tab_without_javascript_keeps_the_list(
    page_without_js: Page, portal_url: str
) -> None:
    page_without_js.goto(f"{portal_url}/recherche?vue=carte")
    expect(
        page_without_js.get_by_text("la liste ci-dessous présente les mêmes projets")
    ).to_be_visible()
    expect(page_without_js.locator(TILES)).to_have_count(40)


def test_typed_suggestions_offer_places_as_filters(page: Page, portal_url: str) -> None:
    page.goto(f"{portal_url}/")
    page.get_by_role("combobox").press_sequentially("moulin")
    option = page.get_by_role("option", name=re.compile(r"^Moulins \(03\)"))
    expect(option).to_be_visible()
    while page.get_by_role("combobox").get_attribute(
        "aria-activedescendant"
    ) != option.get_attribute("id"):
        page.get_by_role("combobox").press("ArrowDown")
    page.get_by_role("combobox").press("Enter")
    page.wait_for_url("**/recherche?commune=03190")
    expect(
        page.get_by_role("link", name=re.compile("Retirer le filtre Commune : Moulins"))
    ).to_be_visible()


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("home", "/"),
        ("results", "/recherche?q=jardin&domain=sust_env"),
        ("map", f"/recherche?vue=carte&carte={ALLIER_VIEW}"),
        ("project", "/projets/p-epicerie"),
        ("contributors", "/contributeurs"),
    ],
)
def test_pages_have_no_serious_accessibility_violation_and_are_pictured(
    open_page: OpenPage, portal_url: str, engine_name: str, name: str, path: str
) -> None:
    for viewport in (DESKTOP, MOBILE):
        page = open_page(viewport=viewport)
        page.goto(f"{portal_url}{path}")
        if name == "map":
            expect(page.locator("#cis-carte")).to_have_attribute("data-state", "ready")
        assert axe_violations(page) == [], f"{name} at {viewport.name} width"
        screenshot(page, f"{name}-{viewport.name}-{engine_name}")


def test_on_a_phone_the_filters_fold_away_above_the_results(
    mobile_page: Page, portal_url: str
) -> None:
    mobile_page.goto(f"{portal_url}/recherche")
    first_filter = mobile_page.locator("#facette-domain label").first
    expect(first_filter).to_be_hidden()
    expect(mobile_page.locator(TILES).first).to_be_in_viewport()
    mobile_page.locator("#cis-filtres-repli > summary").click()
    first_filter.click()
    mobile_page.wait_for_url(re.compile("domain="))
    expect(mobile_page.get_by_text("Filtres (1 actif)")).to_be_visible()
    expect(mobile_page.locator("#facette-domain label").first).to_be_visible()  # left open
