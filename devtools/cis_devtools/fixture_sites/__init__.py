"""Deterministic fake contributor sites for tests, benchmarks and `cis demo` (see README.md)."""

from pathlib import Path

from cis_devtools.fixture_sites.generate import generate_sites, mutate_sites
from cis_devtools.fixture_sites.handler import RequestRecord, max_concurrency
from cis_devtools.fixture_sites.manifest import FixtureManifest, SiteInfo, load_truth
from cis_devtools.fixture_sites.server import FixtureServer, serve_sites

# The crawler configs of the fixture sites (``{base_url}`` filled with each site's address).
SOURCES_DIR = Path(__file__).parent / "sources"

__all__ = [
    "SOURCES_DIR",
    "FixtureManifest",
    "FixtureServer",
    "RequestRecord",
    "SiteInfo",
    "generate_sites",
    "load_truth",
    "max_concurrency",
    "mutate_sites",
    "serve_sites",
]
