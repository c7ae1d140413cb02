"""The manifest (what was generated) and the truth (which listing is which project)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

MANIFEST_FILE = "manifest.json"
TRUTH_FILE = "truth.jsonl"
ROUTES_FILE = "routes.json"


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """One generated site, as crawler configs and tests need to know it."""

    id: str
    kind: str  # html | api | sitemap | jsonld | csv | feed
    name: str
    tag_vocabulary: str  # contributor name in cis-tag-mapping.csv
    entry_paths: list[str]  # where a crawl starts, relative to the site root
    project_count: int  # truth lines of the site that are not broken
    page_count: int  # documents that answer 200


@dataclass(frozen=True, slots=True)
class FixtureManifest:
    """Everything `generate_sites` wrote, also saved as manifest.json."""

    seed: int
    projects: int
    sites: list[SiteInfo]
    mutations: list[int] = field(default_factory=list)

    def site(self, site_id: str) -> SiteInfo:
        """The site with this id (KeyError names it when unknown)."""
        for info in self.sites:
            if info.id == site_id:
                return info
        raise KeyError(f"no fixture site {site_id!r}")

    def to_json(self) -> str:
        """Stable, pretty JSON."""
        return json.dumps(asdict(self), ensure_ascii=False, indent=1) + "\n"

    @classmethod
    def load(cls, root: Path) -> FixtureManifest:
        """Read root/manifest.json."""
        raw = json.loads((root / MANIFEST_FILE).read_text(encoding="utf-8"))
        sites = [SiteInfo(**site) for site in raw.pop("sites")]
        return cls(sites=sites, **raw)


def load_truth(root: Path) -> list[dict[str, Any]]:
    """Read root/truth.jsonl: one dict per listing."""
    lines = (root / TRUTH_FILE).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line]
