"""Write the fixture sites to disk: `generate_sites` once, `mutate_sites` between crawls."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from cis_devtools.fixture_sites.entries import build_entries
from cis_devtools.fixture_sites.manifest import (
    MANIFEST_FILE,
    ROUTES_FILE,
    TRUTH_FILE,
    FixtureManifest,
    SiteInfo,
)
from cis_devtools.fixture_sites.markup import SiteBuild
from cis_devtools.fixture_sites.mutations import build_world
from cis_devtools.fixture_sites.registry import SITES


def _write_if_changed(path: Path, data: bytes) -> None:
    # Unchanged files keep their mtime, so Last-Modified stays valid across mutations.
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _sync_dir(site_dir: Path, files: dict[str, bytes]) -> None:
    if site_dir.is_dir():
        for old in site_dir.rglob("*"):
            if old.is_file() and old.relative_to(site_dir).as_posix() not in files:
                old.unlink()
    for rel, data in files.items():
        _write_if_changed(site_dir / rel, data)


def _site_info(site_id: str, build: SiteBuild) -> SiteInfo:
    spec = next(s for s in SITES if s.id == site_id)
    listed = sum(1 for row in build.truth if not row["is_broken"])
    return SiteInfo(
        spec.id,
        spec.kind,
        spec.name,
        spec.tag_vocabulary,
        build.entry_paths,
        listed,
        len(build.files),
    )


def _render_all(count: int, seed: int, mutations: Sequence[int]) -> dict[str, SiteBuild]:
    projects, gone = build_world(count, seed, mutations)
    return {
        spec.id: spec.render(
            build_entries(projects, spec.id, seed, spec.tag_vocabulary, spec.address_styles),
            [p for p in gone if spec.id in p.sites],
        )
        for spec in SITES
    }


def _materialise(root: Path, count: int, seed: int, mutations: list[int]) -> FixtureManifest:
    builds = _render_all(count, seed, mutations)
    for site_id, build in builds.items():
        _sync_dir(root / site_id, build.files)
    rows = sorted(
        (r for b in builds.values() for r in b.truth), key=lambda r: (r["site"], r["url"])
    )
    truth = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows)
    routes = {site_id: build.routes for site_id, build in builds.items()}
    manifest = FixtureManifest(
        seed, count, [_site_info(k, b) for k, b in builds.items()], list(mutations)
    )
    _write_if_changed(root / TRUTH_FILE, truth.encode("utf-8"))
    _write_if_changed(root / ROUTES_FILE, json.dumps(routes, indent=1, sort_keys=True).encode())
    _write_if_changed(root / MANIFEST_FILE, manifest.to_json().encode("utf-8"))
    return manifest


def generate_sites(out_dir: Path, *, projects: int = 3000, seed: int = 2018) -> FixtureManifest:
    """Write every site under out_dir/<site_id>/, plus truth.jsonl, routes.json, manifest.json."""
    if projects < 1:
        raise ValueError(f"projects must be at least 1, got {projects}")
    return _materialise(Path(out_dir), projects, seed, [])


def mutate_sites(root: Path, *, seed: int) -> FixtureManifest:
    """Edit, delete and add a few projects in already generated sites (see mutations.py)."""
    manifest = FixtureManifest.load(Path(root))
    mutations = [*manifest.mutations, seed]
    return _materialise(Path(root), manifest.projects, manifest.seed, mutations)
