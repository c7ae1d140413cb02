"""The main job end to end, on both engines.

Fixture sites on 127.0.0.1 → Scrapy crawl → raw store → normalise, geocode, dedup,
merge → engine → `/api/v1/search`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import pytest

from cis.settings import Settings
from cis_devtools.fixture_sites import SOURCES_DIR as FIXTURE_SOURCES_DIR
from cis_devtools.fixture_sites import generate_sites, load_truth, serve_sites
from crawlers.run import crawl
from engines import Engine
from indexer.pipeline import rebuild
from search_service import create_app

PROJECTS = 150


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, list[dict[str, Any]]]:
    """Settings whose raw store holds one crawl of every fixture site, and the sites' truth."""
    root = tmp_path_factory.mktemp("sites")
    manifest = generate_sites(root, projects=PROJECTS)
    settings = Settings.from_env({}, data_dir=str(tmp_path_factory.mktemp("data")), polite="0")
    with serve_sites(root) as server:
        base_urls = {site.id: server.base_url(site.id) for site in manifest.sites}
        reports = crawl(
            settings, sorted(base_urls), sources_dir=FIXTURE_SOURCES_DIR, base_urls=base_urls
        )
    assert [r.status for r in reports] == ["ok"] * len(manifest.sites)
    return settings, load_truth(root)


@pytest.fixture
def indexed(crawled: tuple[Settings, list[dict[str, Any]]], engine: Engine) -> Any:
    rebuild(crawled[0], engine)
    return create_app(engine=engine).test_client()


def search(client: Any, query: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/search?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return json.loads(response.get_data(as_text=True))


def test_a_project_listed_by_three_sites_comes_back_once_with_its_three_contributors(
    crawled: tuple[Settings, list[dict[str, Any]]], indexed: Any
) -> None:
    by_project: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in crawled[1]:
        if not row["is_broken"]:
            by_project[row["project_key"]].append(row)
    rows = next(r for _, r in sorted(by_project.items()) if len({x["site"] for x in r}) == 3)
    body = search(indexed, f"q={rows[0]['title']}&commune={rows[0]['commune_code']}")
    assert body["total"] >= 1
    top = body["results"][0]
    assert top["address"]["commune_code"] == rows[0]["commune_code"]
    assert sorted(s["source"] for s in top["sources"]) == sorted({x["site"] for x in rows})
    assert all(s["url"].startswith("http://127.0.0.1:") for s in top["sources"])


def test_every_project_can_be_walked_page_by_page(indexed: Any) -> None:
    first = search(indexed, "size=100")
    seen = {
        r["id"]
        for page in range(1, first["pages"] + 1)
        for r in search(indexed, f"size=100&page={page}")["results"]
    }
    assert len(seen) == first["total"] >= PROJECTS * 0.9


def test_the_full_record_has_per_field_provenance(indexed: Any) -> None:
    tile = search(indexed, "size=1")["results"][0]
    record = json.loads(indexed.get(f"/api/v1/projects/{tile['id']}").get_data(as_text=True))
    assert record["provenance"]["title"] in {s["source"] for s in record["sources"]}
    assert record["location"] is not None and record["geo_precision"] == "commune"
