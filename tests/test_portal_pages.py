"""The portal's pages as a browser without JavaScript gets them: HTML over the API's answers.

The journeys in a real browser are in tests/browser/; here, what every page must say and
must never do (run a contributor's markup, load a script inline), on the embedded engine.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from cis.raw_store import RawStore
from engines.sqlite.engine import SqliteEngine
from search_service import create_app
from tests.factories import catalogue, project
from tests.synthetic_projects import synthetic_projects

HOSTILE = project(
    "p-hostile",
    "<script>alert('titre')</script> Jardin",
    summary='<img src=x onerror="alert(1)"> résumé',
    organisation="<b>Asso</b>",
    website="javascript:alert(1)",
    sources=["avise", "solidarum"],
)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


@pytest.fixture
def client(tmp_path: Path) -> FlaskClient:
    """The app over the test catalogue, 60 synthetic projects and a hostile one."""
    engine = SqliteEngine(tmp_path / "cis.sqlite3")
    engine.replace_all([*catalogue(), *synthetic_projects(60), HOSTILE])
    store = RawStore(tmp_path / "raw")
    store.write_description("avise", {
        "id": "avise", "name": "Avise", "homepage": "https://www.avise.org",
        "logo": "", "licence": None, "contact": "projets@avise.org",
    })  # fmt: skip
    return create_app({"data_dir": str(tmp_path)}, engine=engine).test_client()


def page(client: FlaskClient, url: str, status: int = 200) -> str:
    """The HTML of ``url``, checked for its status, type and security policy."""
    answer = client.get(url)
    assert answer.status_code == status, answer.data[:300]
    assert answer.mimetype == "text/html"
    assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
    html = answer.get_data(as_text=True)
    assert not INLINE_SCRIPT.search(html), "an inline script would be refused by the CSP"
    assert " style=" not in html, "an inline style would be refused by the CSP"
    return html


def tiles(html: str) -> list[str]:
    return re.findall(r'class="fr-col-12 fr-col-sm-6 fr-col-lg-4 cis-tuile"', html)


def test_home_shows_the_counter_a_search_box_and_entry_points(client: FlaskClient) -> None:
    html = page(client, "/")
    assert re.search(
        r"<strong>69</strong> projets référencés par <strong>\d+</strong> contributeurs", html
    )
    assert '<form role="search"' in html and '<label class="fr-label" for="q">' in html
    assert 'href="/recherche?domain=inclusion"' in html  # by domain, with its label
    assert "Inclusion (" in html
    assert 'href="/recherche?region=84"' in html and "Auvergne-Rhône-Alpes (" in html


def test_results_come_40_at_a_time_and_the_url_says_how_many_pages(client: FlaskClient) -> None:
    first = page(client, "/recherche")
    assert len(tiles(first)) == 40
    assert "69 projets trouvés, 40 affichés." in first
    assert 'href="?pages=2"' in first and "Voir 29 projets de plus" in first
    second = page(client, "/recherche?pages=2")
    assert len(tiles(second)) == 69 and "Voir" not in second.split('id="cis-plus"')[1][:200]


def test_htmx_asking_for_more_gets_the_next_tiles_only(client: FlaskClient) -> None:
    answer = client.get(
        "/recherche?pages=2", headers={"HX-Request": "true", "HX-Target": "cis-plus"}
    )
    html = answer.get_data(as_text=True)
    assert len(tiles(html)) == 29
    assert 'hx-swap-oob="beforeend:#cis-tuiles"' in html and "<html" not in html


def test_a_filter_is_checked_shown_as_a_removable_tag_and_clearable(client: FlaskClient) -> None:
    html = page(client, "/recherche?q=moulins&domain=inclusion")
    assert re.search(r'name="domain" value="inclusion" checked', html)
    assert 'aria-label="Retirer le filtre Domaines : Inclusion"' in html
    assert 'href="?q=moulins"' in html  # the tag's link: same text, filter gone
    assert "Effacer les filtres" in html


def test_the_filter_panel_offers_every_facet_that_has_values(client: FlaskClient) -> None:
    html = page(client, "/recherche")
    for facet in ("Domaines", "Publics", "Contributeurs", "Région", "Département"):
        assert f">{facet}</legend>" in html


def test_a_search_without_results_suggests_a_way_out(client: FlaskClient) -> None:
    html = page(client, "/recherche?q=zzzqqq&domain=inclusion")
    assert "Aucun projet trouvé" in html
    assert "Retirer le filtre « Domaines : Inclusion »" in html
    assert "Vérifiez l’orthographe de « zzzqqq »" in html


def test_sorting_by_distance_is_offered_only_around_a_point(client: FlaskClient) -> None:
    assert ">distance</a>" not in page(client, "/recherche?q=jardin")
    near = page(client, "/recherche?q=jardin&near=46.56,3.33")
    assert 'href="?q=jardin&amp;near=46.56%2C3.33&amp;sort=distance"' in near


def test_contributor_text_is_escaped_everywhere(client: FlaskClient) -> None:
    for url in ("/recherche?q=jardin", "/projets/p-hostile"):
        html = page(client, url)
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>Asso" not in html
        assert "&lt;script&gt;" in html
    assert "javascript:alert" not in page(client, "/projets/p-hostile")


def test_the_project_page_links_to_each_contributor_and_offers_a_correction(
    client: FlaskClient,
) -> None:
    html = page(client, "/projets/p-epicerie")
    assert "<h1>Épicerie solidaire de Moulins</h1>" in html
    assert 'href="https://avise.example/p/p-epicerie"' in html
    assert 'href="https://solidarum.example/p/p-epicerie"' in html
    assert 'href="mailto:projets@avise.org?subject=' in html  # Avise states a contact
    assert html.count("mailto:") == 1  # Solidarum does not
    assert 'id="cis-carte-projet"' in html and 'aria-hidden="true"' in html


def test_mistakes_are_french_pages_and_the_api_stays_json(client: FlaskClient) -> None:
    assert "radius_km needs near" in page(client, "/recherche?radius_km=5", 400)
    assert "Page introuvable" in page(client, "/projets/p-nope", 404)
    assert "Page introuvable" in page(client, "/nulle-part", 404)
    assert client.get("/api/v1/projects/p-nope").mimetype == "application/json"


def test_unknown_parameters_of_a_shared_link_are_dropped(client: FlaskClient) -> None:
    assert len(tiles(page(client, "/recherche?utm_source=lettre&fbclid=x"))) == 40


def test_the_open_data_page_exports_the_current_search(client: FlaskClient) -> None:
    html = page(client, "/donnees-ouvertes?q=jardin&domain=sust_env")
    assert 'href="/api/v1/export?format=csv&amp;q=jardin&amp;domain=sust_env"' in html
    assert 'href="/api/v1/export?format=geojson&amp;q=jardin&amp;domain=sust_env"' in html
    assert "Non précisée : demander à" in html  # Avise states no licence


def test_only_listed_front_end_files_are_served_for_a_year(client: FlaskClient) -> None:
    css = client.get("/assets/vendor/dsfr/dsfr.min.css")
    assert css.status_code == 200 and "max-age=31536000" in css.headers["Cache-Control"]
    css.close()
    for unlisted in ("dsfr/dsfr.css", "dsfr/../package.json", "leaflet/leaflet-src.js", "x/y.js"):
        assert client.get(f"/assets/vendor/{unlisted}").status_code == 404


def test_pages_are_compressed_for_browsers_that_accept_it(client: FlaskClient) -> None:
    answer = client.get("/recherche", headers={"Accept-Encoding": "gzip"})
    assert answer.headers["Content-Encoding"] == "gzip"
    assert answer.headers["Vary"] == "Accept-Encoding"


def test_the_results_say_how_the_query_was_read_and_offer_the_text_as_typed(
    client: FlaskClient,
) -> None:
    page = client.get("/recherche?q=épicrie+près+de+Moulins").get_data(as_text=True)
    understood = re.search(r"<p[^>]*data-understood[^>]*>(.*?)</p>", page, re.S)
    assert understood is not None
    text = re.sub(r"\s+", " ", understood[1])
    assert "Résultats pour « epicerie » (au lieu de « epicrie »)" in text
    assert "Lieu : Moulins (03)" in text
    assert "literal=true" in text and "tel quel" in text
    literal = client.get("/recherche?q=épicrie+près+de+Moulins&literal=true")
    assert "data-understood" not in literal.get_data(as_text=True)
