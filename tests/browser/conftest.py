"""Fixtures of the browser tests: one Chromium, the portal served for real on both engines.

- ``browser``: the session's headless Chromium (Debian's, see cis_devtools.browser).
- ``portal_engine``: the test catalogue plus 400 synthetic projects, on each engine in turn
  (module scope, so read-only: a test must not write to it).
- ``portal_app`` / ``portal_url``: the Flask app over it, and its base URL, served for
  real on 127.0.0.1 (module scope).
- ``page`` (desktop), ``mobile_page``, ``page_without_js``: pages in fresh contexts, closed
  after the test; ``open_page(javascript=True, viewport=DESKTOP)`` opens more.
- ``browser_log``: the errors and off-site requests of every page the test opened.

Helpers the tests call (``screenshot``, ``serve``, ``DESKTOP``, ``MOBILE``) are in harness.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from cis.records import Project
from cis_devtools.browser import launch_chromium
from engines import Engine
from engines.elastic.engine import ElasticsearchEngine
from engines.sqlite.engine import SqliteEngine
from search_service import create_app
from tests.browser.harness import DESKTOP, MOBILE, BrowserLog, Viewport, new_page, serve
from tests.factories import catalogue
from tests.synthetic_projects import synthetic_projects

SYNTHETIC_COUNT = 400  # above the 300 located hits the map returns as points: clusters
# Marked here too, so that `-m "not elasticsearch"` leaves it out whatever the test id.
PORTAL_ENGINES = ["sqlite", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)]
OpenPage = Callable[..., Page]


def portal_projects() -> list[Project]:
    """What the portal is tested on: the hand-written catalogue, then synthetic volume."""
    projects = [*catalogue(), *synthetic_projects(SYNTHETIC_COUNT)]
    ids = [p["id"] for p in projects]
    assert len(set(ids)) == len(ids), "catalogue and synthetic project ids collide"
    return projects


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """Playwright's driver for the session."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """One headless Chromium for the whole session."""
    launched = launch_chromium(playwright)
    yield launched
    launched.close()


def _filled(engine: Engine) -> Iterator[Engine]:
    """``engine`` holding portal_projects(); checked unchanged afterwards."""
    projects = portal_projects()
    engine.replace_all(projects)
    yield engine
    assert engine.count() == len(projects), "a browser test changed the shared portal engine"


@pytest.fixture(scope="module")
def portal_sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The embedded engine on a fresh file, filled, for one test module."""
    engine = SqliteEngine(tmp_path_factory.mktemp("portal-engine") / "cis.sqlite3")
    yield from _filled(engine)
    engine.close()


@pytest.fixture(scope="module")
def portal_es_engine(es_url: str) -> Iterator[Engine]:
    """Elasticsearch on a fresh alias, filled, for one test module; its indices deleted after."""
    engine = ElasticsearchEngine.connect(es_url, alias=f"test-{uuid.uuid4().hex[:10]}")
    try:
        yield from _filled(engine)
    finally:
        # Deleting by wildcard is refused (action.destructive_requires_name): name each index.
        if names := list(engine.client.indices.get(index=f"{engine.alias}-*")):
            engine.client.indices.delete(index=",".join(names))
        engine.close()


@pytest.fixture(scope="module", params=PORTAL_ENGINES)
def portal_engine(request: pytest.FixtureRequest) -> Engine:
    """Each engine in turn, holding the catalogue and 400 synthetic projects (read-only)."""
    fixture = "portal_es_engine" if request.param == "elasticsearch" else "portal_sqlite_engine"
    engine: Engine = request.getfixturevalue(fixture)
    return engine


@pytest.fixture(scope="module")
def portal_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The app's data directory: empty (no raw store, so no contributor names)."""
    return tmp_path_factory.mktemp("portal-data")


@pytest.fixture(scope="module")
def portal_app(portal_engine: Engine, portal_data_dir: Path) -> Flask:
    """The service (API and portal) over ``portal_engine``."""
    return create_app(engine=portal_engine, test_config={"data_dir": str(portal_data_dir)})


@pytest.fixture(scope="module")
def portal_url(portal_app: Flask) -> Iterator[str]:
    """Base URL of ``portal_app`` served on 127.0.0.1 (no trailing slash)."""
    with serve(portal_app) as url:
        yield url


@pytest.fixture
def browser_log() -> BrowserLog:
    """Console errors, uncaught exceptions and off-site requests of the test's pages."""
    return BrowserLog()


@pytest.fixture
def open_page(browser: Browser, browser_log: BrowserLog) -> Iterator[OpenPage]:
    """Opens pages, each in a fresh context: ``open_page(javascript=True, viewport=DESKTOP)``."""
    contexts: list[BrowserContext] = []

    def open_(*, javascript: bool = True, viewport: Viewport = DESKTOP) -> Page:
        page = new_page(browser, browser_log, javascript=javascript, viewport=viewport)
        contexts.append(page.context)
        return page

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page: OpenPage) -> Page:
    """A desktop page (1280x800), JavaScript on."""
    return open_page()


@pytest.fixture
def mobile_page(open_page: OpenPage) -> Page:
    """A phone page (390x844, touch), JavaScript on."""
    return open_page(viewport=MOBILE)


@pytest.fixture
def page_without_js(open_page: OpenPage) -> Page:
    """A desktop page with JavaScript off: what the portal must still do without it."""
    return open_page(javascript=False)
