"""Served URLs are absolute http(s) and well formed, or absent."""

from __future__ import annotations

import pytest

from cis.urls import absolute_url, safe_http_url

PAGE = "http://contributeur.example/projets/tous-en-selle/"


@pytest.mark.parametrize(
    ("value", "served"),
    [
        ("https://exemple.fr", "https://exemple.fr/"),
        ("  HTTPS://Exemple.FR/Projet?id=3#fiche ", "https://exemple.fr/Projet?id=3#fiche"),
        ("https://café-réparation.fr/", "https://xn--caf-rparation-dhbc.fr/"),
        ("http://127.0.0.1:8123/projets/1", "http://127.0.0.1:8123/projets/1"),
    ],
)
def test_a_well_formed_http_url_is_served_normalised(value: str, served: str) -> None:
    assert safe_http_url(value) == served


@pytest.mark.parametrize(
    "value",
    [
        'http://site.fr/i.png" onerror="alert(5)',
        "http://site.fr/a b.png",
        "http://site.fr/<script>",
        "javascript:alert(1)",
        "data:image/png;base64,AAAA",
        "ftp://site.fr/file",
        "//site.fr/relative-to-scheme",
        "/projets/12",
        "tous-en-selle-margencel.eu/",
        "http://localhost/",
        "http://user:secret@site.fr/",
        "http://site.fr:99999/",
        "http://-site-.fr/",
        "http://999.1.1.1/",
        "http://site.fr/\x00",
        "https://" + "a" * 2_100 + ".fr/",
        "",
        None,
        42,
    ],
)
def test_anything_else_is_absent(value: object) -> None:
    assert safe_http_url(value) is None


@pytest.mark.parametrize(
    ("written", "absolute"),
    [
        ("tous-en-selle-margencel.eu/", "https://tous-en-selle-margencel.eu/"),  # a domain
        ("www.asso.bzh/contact", "https://www.asso.bzh/contact"),
        ("mon-asso.fr?lang=fr", "https://mon-asso.fr?lang=fr"),
        ("logo.png", "http://contributeur.example/projets/tous-en-selle/logo.png"),  # a path
        ("images/a.jpg", "http://contributeur.example/projets/tous-en-selle/images/a.jpg"),
        ("asso.fr", "http://contributeur.example/projets/tous-en-selle/asso.fr"),  # a suffix
        ("/media/a.jpg", "http://contributeur.example/media/a.jpg"),
        ("//cdn.example.org/a.jpg", "http://cdn.example.org/a.jpg"),
        ("https://site.fr/", "https://site.fr/"),
        ("mailto:contact@site.fr", "mailto:contact@site.fr"),  # left for safe_http_url to drop
    ],
)
def test_a_link_without_scheme_is_a_domain_when_it_starts_with_one(
    written: str, absolute: str
) -> None:
    assert absolute_url(PAGE, written) == absolute
