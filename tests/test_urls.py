"""Served URLs are absolute http(s) and well formed, or absent."""

from __future__ import annotations

import pytest

from cis.urls import safe_http_url


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
