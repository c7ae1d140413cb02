"""The fixture contributor sites: deterministic content, truth properties, real HTTP answers."""

from __future__ import annotations

import csv
import http.client
import io
import json
import socket
import threading
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest

from cis_devtools.fixture_sites import (
    FixtureManifest,
    FixtureServer,
    generate_sites,
    load_truth,
    max_concurrency,
    mutate_sites,
    serve_sites,
)
from cis_devtools.fixture_sites.vocab import load_tag_vocabularies
from cis_devtools.localnode.node import free_port

SMALL = 300
UA = "cis-test/1.0"
PLM_ARRONDISSEMENT_PREFIXES = ("751", "132", "6938")


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, FixtureManifest]:
    root = tmp_path_factory.mktemp("full")
    return root, generate_sites(root)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("small")
    generate_sites(root, projects=SMALL, seed=7)
    return root


@pytest.fixture(scope="module")
def server(small: Path) -> Iterator[FixtureServer]:
    with serve_sites(small) as running:
        yield running


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """GET without following redirects: (status, headers, body)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request("GET", target, headers={"User-Agent": UA, **(headers or {})})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def quirk_row(root: Path, site: str, quirk: str) -> dict[str, Any]:
    return next(r for r in load_truth(root) if r["site"] == site and r["quirk"] == quirk)


def all_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


# --- generation ---------------------------------------------------------------------------


def test_same_seed_gives_byte_identical_sites(tmp_path: Path) -> None:
    generate_sites(tmp_path / "a", projects=SMALL, seed=3)
    generate_sites(tmp_path / "b", projects=SMALL, seed=3)
    generate_sites(tmp_path / "c", projects=SMALL, seed=4)
    first, second = all_files(tmp_path / "a"), all_files(tmp_path / "b")
    assert len(first) > 500
    assert first == second
    assert all_files(tmp_path / "c")["truth.jsonl"] != first["truth.jsonl"]


def test_default_scale_gives_six_kinds_and_enough_pages(full: tuple[Path, FixtureManifest]) -> None:
    root, manifest = full
    assert [s.kind for s in manifest.sites] == ["html", "api", "sitemap", "jsonld", "csv", "feed"]
    assert len({s.tag_vocabulary for s in manifest.sites}) == 6
    assert set(load_tag_vocabularies()) >= {s.tag_vocabulary for s in manifest.sites}
    assert len(load_truth(root)) >= 5000
    assert sum(s.page_count for s in manifest.sites) > 2000
    assert FixtureManifest.load(root) == manifest


def test_listings_of_one_project_agree_on_place_but_differ_in_wording(
    full: tuple[Path, FixtureManifest],
) -> None:
    by_key: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in load_truth(full[0]):
        by_key[row["project_key"]].append(row)
    shared = [rows for rows in by_key.values() if len({r["site"] for r in rows}) >= 2]
    assert len(shared) > 0.4 * len(by_key)
    assert any(len({r["site"] for r in rows}) == 3 for rows in shared)
    for rows in shared:
        assert len({(r["commune_code"], r["postcode"], r["network"]) for r in rows}) == 1
    reworded = [rows for rows in shared if len({r["title"] for r in rows}) > 1]
    assert len(reworded) > 0.3 * len(shared)


def test_network_projects_are_dozens_of_near_identical_hard_negatives(
    full: tuple[Path, FixtureManifest],
) -> None:
    projects = {
        (r["project_key"], r["network"], r["commune_code"])
        for r in load_truth(full[0])
        if r["network"]
    }
    by_network_and_dept = Counter((network, code[:2]) for _, network, code in projects)
    same_dept_pairs = sum(n * (n - 1) // 2 for n in by_network_and_dept.values())
    assert same_dept_pairs >= 24
    repair = [r for r in load_truth(full[0]) if r["network"] == "Repair Café" and r["title"]]
    assert len({r["commune_code"] for r in repair}) >= 24
    assert all("repair caf" in r["title"].lower() for r in repair)


def test_truth_uses_commune_codes_not_arrondissements(full: tuple[Path, FixtureManifest]) -> None:
    rows = load_truth(full[0])
    assert not [r for r in rows if r["commune_code"].startswith(PLM_ARRONDISSEMENT_PREFIXES)]
    paris = [r for r in rows if r["commune_code"] == "75056"]
    assert paris
    assert all(r["postcode"].startswith("75") and len(r["postcode"]) == 5 for r in paris)


def test_csv_tags_come_from_the_sites_vocabulary(full: tuple[Path, FixtureManifest]) -> None:
    root, manifest = full
    vocabulary = {
        t for tags in load_tag_vocabularies()["Europe en France V2"].values() for t in tags
    }
    assert manifest.site("fx-csv").tag_vocabulary == "Europe en France V2"
    text = (root / "fx-csv/opendata/projets.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert rows and all(set(r["thematiques"].split("|")) <= vocabulary for r in rows)
    assert len({r["id"] for r in rows}) == len(rows)


# --- serving ------------------------------------------------------------------------------


def test_each_site_has_its_own_port_and_robots(server: FixtureServer) -> None:
    ports = {urlsplit(server.base_url(s)).port for s in server.site_ids}
    assert len(ports) == 6
    status, headers, body = fetch(server.base_url("fx-html") + "/robots.txt")
    assert (status, headers["Content-Type"]) == (200, "text/plain; charset=utf-8")
    assert body == b"User-agent: *\nDisallow: /prive/\n"
    robots = fetch(server.base_url("fx-sitemap") + "/robots.txt")[2].decode()
    assert f"Sitemap: {server.base_url('fx-sitemap')}/sitemap.xml" in robots


def html_listing_pages(server: FixtureServer) -> list[str]:
    """Every fx-html listing page, found by following rel=next from /projets/."""
    base, url, pages = server.base_url("fx-html"), "/projets/", []
    while url:
        status, headers, body = fetch(base + url)
        assert (status, headers["Content-Type"]) == (200, "text/html; charset=utf-8")
        pages.append(body.decode())
        url = pages[-1].split('rel="next" href="')[1].split('"')[0] if "rel=" in pages[-1] else ""
    return pages


def test_html_listing_pages_chain_by_rel_next(server: FixtureServer, small: Path) -> None:
    pages = html_listing_pages(server)
    links = sum(text.count('class="project-card__title"') for text in pages)
    assert links == sum(1 for r in load_truth(small) if r["site"] == "fx-html")
    assert len(pages) == -(-links // 20)
    assert 'href="https://www.example-partenaire.fr/projets/' in "".join(pages)


def test_broken_detail_links_answer_as_specified(server: FixtureServer, small: Path) -> None:
    base = server.base_url("fx-html")
    assert fetch(base + quirk_row(small, "fx-html", "missing-404")["url"])[0] == 404
    flaky = base + quirk_row(small, "fx-html", "flaky-500")["url"]
    assert [fetch(flaky)[0], fetch(flaky)[0], fetch(flaky)[0]] == [500, 200, 200]
    no_title = fetch(base + quirk_row(small, "fx-html", "no-title")["url"])[2]
    assert b'<h1 class="project__title"></h1>' in no_title
    assert fetch(base + "/../truth.jsonl")[0] == 404


def test_redirect_chain_is_301_then_302_then_the_page(server: FixtureServer, small: Path) -> None:
    base, final = server.base_url("fx-html"), quirk_row(small, "fx-html", "redirect-chain")["url"]
    listing = "".join(html_listing_pages(server))
    slug = final.split("/")[-2]
    assert f'href="/projets/ancien/{slug}/"' in listing
    status, headers, _ = fetch(f"{base}/projets/ancien/{slug}/")
    assert (status, headers["Location"]) == (301, f"{base}/r/{slug}")
    status, headers, _ = fetch(headers["Location"])
    assert (status, headers["Location"]) == (302, final)
    with urlopen(f"{base}/projets/ancien/{slug}/", timeout=10) as response:
        assert response.url == base + final


def test_latin1_pages_declare_their_charset_by_header_or_meta(
    server: FixtureServer, small: Path
) -> None:
    base = server.base_url("fx-html")
    status, headers, body = fetch(base + quirk_row(small, "fx-html", "latin1-header")["url"])
    assert (status, headers["Content-Type"]) == (200, "text/html; charset=iso-8859-1")
    assert "Créé en".encode("iso-8859-1") in body and b"charset=" not in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    status, headers, body = fetch(base + quirk_row(small, "fx-html", "latin1-meta")["url"])
    assert (status, headers["Content-Type"]) == (200, "text/html")
    assert b'<meta charset="iso-8859-1">' in body and "Créé".encode("iso-8859-1") in body


def test_conditional_requests_get_304(server: FixtureServer) -> None:
    url = server.base_url("fx-api") + "/api/projects?page=2"
    status, headers, body = fetch(url)
    assert status == 200 and body
    assert fetch(url, {"If-None-Match": headers["ETag"]})[:3:2] == (304, b"")
    assert fetch(url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert fetch(url, {"If-None-Match": '"other"'})[0] == 200


def test_api_pages_link_absolute_next_urls_on_the_server(
    server: FixtureServer, small: Path
) -> None:
    base, url, names = server.base_url("fx-api"), server.base_url("fx-api") + "/api/projects", []
    while url:
        status, headers, body = fetch(url)
        assert status == 200
        assert headers["Content-Type"] == "application/json; charset=utf-8"
        page = json.loads(body)
        names += [item["name"] for item in page["results"]]
        assert all(item["url"].startswith(f"{base}/fiche/") for item in page["results"])
        url = page["next"]
    truth = [r for r in load_truth(small) if r["site"] == "fx-api"]
    assert page["count"] == len(names) == len(truth)
    assert fetch(base + "/api/projects?page=999")[0] == 404


def test_sitemap_index_points_to_two_sitemaps_of_fetchable_pages(server: FixtureServer) -> None:
    base, ns = server.base_url("fx-sitemap"), "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    index = ET.fromstring(fetch(base + "/sitemap.xml")[2])
    sitemaps = [loc.text or "" for loc in index.iter(f"{ns}loc")]
    assert len(sitemaps) == 2 and all(s.startswith(base) for s in sitemaps)
    locs = [loc.text or "" for s in sitemaps for loc in ET.fromstring(fetch(s)[2]).iter(f"{ns}loc")]
    pages = [loc for loc in locs if "/initiative/" in loc]
    assert len(pages) > 50
    assert Counter(fetch(loc)[0] for loc in pages[:20]) == Counter({200: 20})


def test_feeds_parse_and_carry_links_on_the_server(server: FixtureServer, small: Path) -> None:
    base = server.base_url("fx-feed")
    status, headers, body = fetch(base + "/feed.xml")
    assert status == 200
    assert headers["Content-Type"] == "application/rss+xml; charset=utf-8"
    items = ET.fromstring(body).findall("./channel/item")
    assert items and all((i.findtext("link") or "").startswith(base) for i in items)
    atom = ET.fromstring(fetch(base + "/atom.xml")[2])
    entries = atom.findall("{http://www.w3.org/2005/Atom}entry")
    links = {i.findtext("link") for i in items} | {
        e.find("{http://www.w3.org/2005/Atom}link").get("href")  # type: ignore[union-attr]
        for e in entries
    }
    assert len(links) == sum(1 for r in load_truth(small) if r["site"] == "fx-feed")


def test_requests_are_logged_with_timing_and_user_agent(server: FixtureServer, small: Path) -> None:
    path = quirk_row(small, "fx-html", "robots-disallowed")["url"]
    fetch(server.base_url("fx-html") + path)
    record = [r for r in server.requests("fx-html") if r.path == path][-1]
    assert (record.status, record.user_agent, record.method) == (200, UA, "GET")
    assert record.start <= record.end


def test_concurrency_is_measurable_from_the_log(small: Path) -> None:
    with serve_sites(small, latency=0.2) as slow:
        url = slow.base_url("fx-csv") + "/opendata/projets.csv"
        threads = [threading.Thread(target=fetch, args=(url,)) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert max_concurrency(slow.requests("fx-csv")) >= 2
        assert max_concurrency(slow.requests("fx-api")) == 0


# --- mutation -----------------------------------------------------------------------------


def test_mutation_edits_deletes_and_adds_a_few_projects(tmp_path: Path) -> None:
    generate_sites(tmp_path, projects=SMALL, seed=11)
    before, files_before = load_truth(tmp_path), all_files(tmp_path / "fx-html")
    with serve_sites(tmp_path) as running:
        html = [r["url"] for r in before if r["site"] == "fx-html" and r["url"].startswith("/")]
        pages = [running.base_url("fx-html") + url for url in html]
        etags = {page: fetch(page)[1].get("ETag") for page in pages}
        mutate_sites(tmp_path, seed=1)
        after = load_truth(tmp_path)
        old_keys, new_keys = {r["project_key"] for r in before}, {r["project_key"] for r in after}
        gone = [r for r in before if r["project_key"] in old_keys - new_keys]
        assert len(old_keys - new_keys) == 6 and len(new_keys - old_keys) == 6
        statuses = {(r["site"], fetch(running.base_url(r["site"]) + r["url"])[0]) for r in gone}
        assert ("fx-html", 410) in statuses
        assert {status for _, status in statuses} <= {404, 410}
        files_after = all_files(tmp_path / "fx-html")
        unchanged = [path for path, data in files_after.items() if files_before.get(path) == data]
        assert len(unchanged) > 0.8 * len(files_before)
        revalidated = Counter(
            fetch(page, {"If-None-Match": etag})[0] for page, etag in etags.items() if etag
        )
        assert revalidated[304] > 0.8 * len(pages)
        assert revalidated[200] <= 6  # the edited projects' pages, nothing else
        assert set(revalidated) <= {200, 304, 410}
    assert FixtureManifest.load(tmp_path).mutations == [1]
    assert load_truth(tmp_path) != before


def _ports(server: FixtureServer) -> dict[str, int]:
    return {s: int(urlsplit(server.base_url(s)).port or 0) for s in server.site_ids}


def test_sites_keep_their_ports_from_one_run_to_the_next(small: Path) -> None:
    # Site n asks for first + n; whichever slots other programs hold at that moment are
    # replaced by any free port, so only the slots a site did get must come back.
    first = free_port()
    with serve_sites(small, first_port=first) as server:
        before = _ports(server)
    with serve_sites(small, first_port=first) as server:
        after = _ports(server)
    sites = [info.id for info in FixtureManifest.load(small).sites]
    slots = {site: first + n for n, site in enumerate(sites)}
    kept = {site for site, port in before.items() if port == slots[site]}
    assert kept, "no site got its own port"
    assert {site: after[site] for site in kept} == {site: before[site] for site in kept}


def test_a_taken_port_is_replaced_by_any_free_one(small: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        with serve_sites(small, first_port=taken) as server:  # site 0's slot is held
            ports = _ports(server)
            assert taken not in ports.values()
            assert all(fetch(server.base_url(s) + "/robots.txt")[0] == 200 for s in ports)
        with serve_sites(small, first_port=taken) as again:
            assert taken not in _ports(again).values()
