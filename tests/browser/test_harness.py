"""The browser-test harness itself: Chromium, the served portal, page logs, axe, screenshots.

The pages here are throwaway Flask apps under the portal's kind of policy (no inline
script), so that each helper is shown to detect what it is for, not merely to run.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator

import pytest
from flask import Flask, Response
from playwright.sync_api import Page, expect

from cis_devtools.browser import axe_violations
from engines import Engine
from tests.browser.conftest import SYNTHETIC_COUNT, OpenPage
from tests.browser.harness import (
    BLANK_PNG,
    DESKTOP,
    MOBILE,
    BrowserLog,
    Viewport,
    screenshot,
    serve,
)
from tests.factories import catalogue

STRICT_CSP = "default-src 'self'; img-src 'self' https:; style-src 'self' https:"
CLEAN = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Page propre</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>Propre</h1><p>Rien à signaler.</p>
<img src="/pixel.png" alt="Un pixel"><button type="button">Chercher</button></main></body></html>"""
BROKEN = CLEAN.replace(' alt="Un pixel"', "").replace(">Chercher<", "><")
SCRIPTED = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Scripts</title>
<script src="/page.js"></script><script>document.title = "inline ran";</script></head>
<body><main><h1 id="state">sans JavaScript</h1></main></body></html>"""
PAGE_JS = """document.addEventListener("DOMContentLoaded", () => {
    document.getElementById("state").textContent = "avec JavaScript";
    throw new Error("exprès");
});"""
ENHANCED = BROKEN.replace("</title>", '</title><script src="/enhance.js" defer></script>').replace(
    "<button", '<button aria-label="Chercher"'
)
ENHANCE_JS = 'document.querySelector("img").alt = "Un pixel";'
OFF_SITE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Ailleurs</title>
<link rel="stylesheet" href="https://cdn.example.org/style.css"></head>
<body><main><h1>Tuile</h1><img src="https://tile.example.org/5/16/11.png" alt="Tuile"></main>
</body></html>"""


@pytest.fixture(scope="module")
def throwaway_url() -> Iterator[str]:
    """A tiny site whose pages all carry a strict Content-Security-Policy."""
    app = Flask(__name__)
    pages = {
        "clean": CLEAN,
        "broken": BROKEN,
        "scripted": SCRIPTED,
        "enhanced": ENHANCED,
        "off-site": OFF_SITE,
    }

    @app.get("/<name>")
    def html(name: str) -> Response:
        return Response(pages[name], headers={"Content-Security-Policy": STRICT_CSP})

    @app.get("/<name>.js")
    def script(name: str) -> Response:
        source = {"page": PAGE_JS, "enhance": ENHANCE_JS}[name]
        return Response(source, mimetype="text/javascript")

    @app.get("/pixel.png")
    @app.get("/favicon.ico")
    def pixel() -> Response:
        return Response(BLANK_PNG, mimetype="image/png")

    with serve(app) as url:
        yield url


def test_the_api_document_loads_in_the_browser_on_each_engine(
    page: Page, portal_url: str, portal_engine: Engine
) -> None:
    response = page.goto(f"{portal_url}/api/v1/openapi.json")
    assert response is not None and response.ok
    assert response.headers["content-type"].startswith("application/json")
    assert json.loads(page.locator("body").inner_text())["openapi"].startswith("3.")


def test_the_portal_engine_holds_more_than_a_page_of_results(
    page: Page, portal_url: str, portal_engine: Engine
) -> None:
    response = page.goto(f"{portal_url}/api/v1/search")
    assert response is not None and response.ok
    total = len(catalogue()) + SYNTHETIC_COUNT
    assert response.json()["total"] == total > 40
    assert portal_engine.count() == total


def test_axe_finds_serious_violations_despite_a_strict_policy(
    page: Page, throwaway_url: str, browser_log: BrowserLog
) -> None:
    page.goto(f"{throwaway_url}/broken")
    found = {v["id"]: v for v in axe_violations(page)}
    assert set(found) == {"image-alt", "button-name"}
    assert found["image-alt"]["targets"] == ["img"]
    assert found["button-name"]["targets"] == ["button"]
    assert all(v["impact"] in ("serious", "critical") and v["help"] for v in found.values())
    # Injecting axe was no inline script: the policy reported nothing.
    assert browser_log.errors == []


def test_axe_finds_nothing_on_a_clean_page_and_filters_by_impact(
    page: Page, throwaway_url: str, browser_log: BrowserLog
) -> None:
    page.goto(f"{throwaway_url}/clean")
    assert axe_violations(page) == []
    page.goto(f"{throwaway_url}/broken")  # a new document: axe is injected again
    assert axe_violations(page, impacts=("minor",)) == []
    with pytest.raises(ValueError, match="unknown axe impacts"):
        axe_violations(page, impacts=("severe",))
    assert browser_log.errors == []


def test_axe_checks_the_page_as_built_with_or_without_javascript(
    page: Page, page_without_js: Page, throwaway_url: str, browser_log: BrowserLog
) -> None:
    page.goto(f"{throwaway_url}/enhanced")
    expect(page.locator("img")).to_have_attribute("alt", "Un pixel")
    assert axe_violations(page) == []
    page_without_js.goto(f"{throwaway_url}/enhanced")
    assert [v["id"] for v in axe_violations(page_without_js)] == ["image-alt"]
    assert browser_log.errors == []


def test_page_runs_scripts_and_logs_policy_violations_and_exceptions(
    page: Page, throwaway_url: str, browser_log: BrowserLog
) -> None:
    page.goto(f"{throwaway_url}/scripted")
    expect(page.locator("#state")).to_have_text("avec JavaScript")
    assert page.title() == "Scripts"  # the inline script was refused...
    # ... and both the refusal and the page's exception are in the log.
    assert any("Content Security Policy" in e for e in browser_log.errors), browser_log.errors
    assert any(e == "uncaught Error: exprès" for e in browser_log.errors), browser_log.errors


def test_page_without_js_runs_no_script(
    page_without_js: Page, throwaway_url: str, browser_log: BrowserLog
) -> None:
    page_without_js.goto(f"{throwaway_url}/scripted")
    expect(page_without_js.locator("#state")).to_have_text("sans JavaScript")
    assert browser_log.errors == []


def test_off_site_images_are_answered_blank_and_other_requests_refused(
    page: Page, throwaway_url: str, browser_log: BrowserLog
) -> None:
    page.goto(f"{throwaway_url}/off-site")
    expect(page.locator("img")).to_have_js_property("naturalWidth", 1)
    assert browser_log.offline_images == ["https://tile.example.org/5/16/11.png"]
    assert "off-site stylesheet refused: https://cdn.example.org/style.css" in browser_log.errors


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=lambda v: v.name)
def test_screenshots_are_full_page_pngs_at_the_viewport_width(
    open_page: OpenPage, throwaway_url: str, viewport: Viewport
) -> None:
    page = open_page(viewport=viewport)
    page.goto(f"{throwaway_url}/clean")
    assert page.evaluate("() => [innerWidth, matchMedia('(pointer: coarse)').matches]") == [
        viewport.width,
        viewport.is_mobile,
    ]
    data = screenshot(page, f"harness/clean-{viewport.name}").read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert struct.unpack(">II", data[16:24]) == (viewport.width, viewport.height)
