"""Deterministic fake contributor sites for tests, benchmarks and `cis demo` (see README.md)."""

from cis.fixture_sites.generate import generate_sites, mutate_sites
from cis.fixture_sites.handler import RequestRecord, max_concurrency
from cis.fixture_sites.manifest import FixtureManifest, SiteInfo, load_truth
from cis.fixture_sites.server import FixtureServer, serve_sites

__all__ = [
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
