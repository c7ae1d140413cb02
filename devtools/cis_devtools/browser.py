"""A headless Chromium for the portal's browser tests, and axe-core accessibility checks in it.

The browser is Debian's ``chromium`` (``make system-packages``), not one ``playwright
install`` downloads: that needs the internet. axe-core comes from ``npm ci``
(``node_modules/axe-core``, a development dependency of package.json).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from contextlib import suppress
from functools import cache
from pathlib import Path
from typing import TypedDict, cast

from playwright.sync_api import Browser, CDPSession, Error, Page, Playwright

# The checkout this file belongs to (devtools/ is installed in editable mode beside it).
PROJECT_ROOT = Path(__file__).resolve().parents[2]
AXE_SOURCE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
# --no-sandbox: the tests may run as root, where Chromium's sandbox refuses to start.
# Without the last three, Chromium keeps calling Google services (safe browsing, component
# and sync updates), which fails and retries on a closed network.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
# axe-core's impact levels, least to most severe.
IMPACTS = ("minor", "moderate", "serious", "critical")


class BrowserSetupError(RuntimeError):
    """Chromium or axe-core is missing from this machine."""


class AxeViolation(TypedDict):
    """One axe-core rule a page breaks, and where."""

    id: str  # the rule, e.g. "image-alt"
    impact: str  # one of IMPACTS
    help: str  # what the rule asks for, in a sentence
    help_url: str
    # One CSS selector per offending element; for an element inside an iframe or a shadow
    # root, the selectors of each level joined by " >> " (frames) or " >>> " (shadow roots).
    targets: list[str]


def chromium_path() -> str:
    """The Chromium executable: ``$CIS_CHROMIUM``, else ``chromium`` on the PATH."""
    if configured := os.environ.get("CIS_CHROMIUM"):
        if not os.access(configured, os.X_OK):
            raise BrowserSetupError(f"CIS_CHROMIUM={configured} is not an executable file")
        return configured
    if found := shutil.which("chromium"):
        return found
    raise BrowserSetupError(
        "no Chromium for the browser tests: run `make system-packages` (it installs Debian's "
        "chromium), or point CIS_CHROMIUM at a Chromium executable"
    )


def launch_chromium(playwright: Playwright) -> Browser:
    """A headless Chromium that makes no request of its own (close it when done)."""
    return playwright.chromium.launch(
        executable_path=chromium_path(), args=list(CHROMIUM_ARGS), headless=True
    )


@cache
def _axe_source(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BrowserSetupError(
            f"axe-core is missing ({path}): run `npm ci` in {PROJECT_ROOT}"
        ) from None


# Whether the page was parsed with scripting off: a fragment parser then builds the
# content of <noscript> as elements, not text. Runs even where page.evaluate hangs.
_SCRIPTING_OFF = """(() => {
    const probe = document.createElement("div");
    probe.innerHTML = "<noscript><p></p></noscript>";
    return probe.querySelector("p") !== null;
})()"""
# With scripting off, Chromium runs no timer callback (nor queueMicrotask, observers...),
# and axe-core waits on setTimeout: run them as promise reactions, which V8 still runs.
# No page script can notice: none runs in such a page.
_TIMERS_AS_PROMISES = """(() => {
    const pending = new Set();
    let last = 0;
    window.setTimeout = (callback, delay, ...args) => {
        const id = ++last;
        pending.add(id);
        Promise.resolve().then(() => {
            if (pending.delete(id) && typeof callback === "function") callback(...args);
        });
        return id;
    };
    window.clearTimeout = (id) => { pending.delete(id); };
})()"""
# Gets the impacts to keep; resolves to AxeViolation dicts.
_RUN_AXE = """(async (impacts) => {
    const results = await window.axe.run(document, {resultTypes: ["violations"]});
    const selector = (target) =>
        target.map((level) => Array.isArray(level) ? level.join(" >>> ") : level).join(" >> ");
    return results.violations
        .filter((violation) => impacts.includes(violation.impact))
        .map((violation) => ({
            id: violation.id,
            impact: violation.impact,
            help: violation.help,
            help_url: violation.helpUrl,
            targets: violation.nodes.map((node) => selector(node.target)),
        }));
})"""


def axe_violations(
    page: Page,
    impacts: Sequence[str] = ("serious", "critical"),
    *,
    axe_source: Path = AXE_SOURCE,
) -> list[AxeViolation]:
    """The axe-core violations of ``page`` as it is now, of the given impacts.

    axe-core runs in the page's main frame, evaluated through the DevTools protocol, which
    the page's Content-Security-Policy does not govern: a ``<script>`` tag would be refused
    by ``script-src 'self'``, and bypassing the policy would hide the very violations the
    tests look for. It also runs in a page whose context has JavaScript off (where
    ``page.evaluate`` never returns), on the DOM as built without scripts. It stays in the
    page until the next navigation. (Like axe-core anywhere, it ignores what is inside
    ``<noscript>``, even when that is shown.)
    """
    if unknown := set(impacts) - set(IMPACTS):
        raise ValueError(f"unknown axe impacts {sorted(unknown)}: choose among {IMPACTS}")
    session = page.context.new_cdp_session(page)
    try:
        if not _evaluate(session, page, "typeof window.axe === 'object'"):
            if _evaluate(session, page, _SCRIPTING_OFF):
                _evaluate(session, page, _TIMERS_AS_PROMISES)
            # The script as is; its last value says whether it worked.
            source = f"{_axe_source(axe_source)}\n;typeof window.axe === 'object'"
            if not _evaluate(session, page, source):
                raise BrowserSetupError(f"{axe_source} did not define window.axe in {page.url}")
        found = _evaluate(session, page, f"{_RUN_AXE}({json.dumps(list(impacts))})")
    finally:
        with suppress(Error):  # the page may have gone (crashed, closed): keep the first error
            session.detach()
    return cast(list[AxeViolation], found)


def _evaluate(session: CDPSession, page: Page, expression: str) -> object:
    """The JSON value of ``expression`` in the page's main world, promises awaited."""
    answer = session.send(
        "Runtime.evaluate",
        {"expression": expression, "returnByValue": True, "awaitPromise": True},
    )
    if details := answer.get("exceptionDetails"):
        thrown = details.get("exception", {}).get("description") or details.get("text")
        raise RuntimeError(f"axe-core failed in {page.url}: {thrown}")
    return answer["result"].get("value")
