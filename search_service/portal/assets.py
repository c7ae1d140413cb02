"""The front-end files the portal serves from the npm packages, and nothing else of them.

``npm ci`` installs DSFR, htmx and Leaflet under ``CIS_FRONTEND_DIR``; DSFR's ``dist`` alone
is 88 MB, so each package lists the few files its pages use (and the fonts, icons and
images those stylesheets point to). URLs carry the package version, so browsers may keep
a file for a year: a new version is a new URL.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, send_from_directory

from cis.settings import Settings

log = logging.getLogger(__name__)
YEAR_S = 365 * 24 * 3600


@dataclass(frozen=True)
class VendorPackage:
    """An npm package: where its served files sit, and which of them may be served."""

    npm_name: str
    folder: str  # inside the package
    served: tuple[str, ...]  # glob patterns, relative to ``folder``


PACKAGES = {
    "dsfr": VendorPackage(
        "@gouvfr/dsfr",
        "dist",
        (
            "dsfr.min.css",
            "dsfr.module.min.js",
            "dsfr.nomodule.min.js",
            "fonts/*.woff2",
            "fonts/*.woff",
            "icons/*/*.svg",
            "favicon/*",
        ),
    ),
    "htmx": VendorPackage("htmx.org", "dist", ("htmx.min.js",)),
    "leaflet": VendorPackage("leaflet", "dist", ("leaflet.js", "leaflet.css", "images/*.png")),
}

vendor_assets = Blueprint("vendor_assets", __name__)


@vendor_assets.get("/assets/vendor/<package>/<path:path>")
def vendor_file(package: str, path: str) -> Response:
    """One listed file of an npm package, cacheable for a year."""
    found = PACKAGES.get(package)
    if found is None or not any(fnmatchcase(path, pattern) for pattern in found.served):
        abort(404)
    return send_from_directory(package_root(found), path, max_age=YEAR_S)


def package_root(package: VendorPackage) -> Path:
    """The folder of ``package`` that its served files are relative to."""
    settings: Settings = current_app.config["CIS_SETTINGS"]
    return settings.frontend_dir / package.npm_name / package.folder


def vendor_url(package: str, path: str) -> str:
    """The URL of one served file, with the installed version as its cache key."""
    return f"/assets/vendor/{package}/{path}?v={installed_version(package)}"


def installed_version(package: str) -> str:
    """The version ``npm ci`` installed, or ``missing``."""
    settings: Settings = current_app.config["CIS_SETTINGS"]
    return _version(settings.frontend_dir / PACKAGES[package].npm_name / "package.json")


@cache
def _version(manifest: Path) -> str:
    try:
        version: str = json.loads(manifest.read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        log.warning("front-end package missing at %s: run `npm ci` (make setup)", manifest.parent)
        return "missing"
    return version
