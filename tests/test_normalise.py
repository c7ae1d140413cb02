"""A raw item, as a crawler stored it, becomes a clean, coded, geocoded listing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cis.raw_store import RawStore
from cis.records import RawItem
from cis.vocabulary import SourceVocabulary
from indexer.geo.geocoder import Geocoder
from indexer.listings.listing import Listing
from indexer.listings.normalise import (
    ELLIPSIS,
    RejectedItem,
    canonical_url,
    cut_summary,
    iso_date,
    normalise,
    strip_html,
    valid_siret,
)
from indexer.listings.reader import ListingReader
from indexer.listings.taxonomy import Taxonomy


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return Taxonomy.load()


@pytest.fixture(scope="module")
def geocoder() -> Geocoder:
    return Geocoder.load()


def raw_item(**fields: Any) -> RawItem:
    return RawItem(
        source="fx-html",
        url="http://127.0.0.1:8080/projets/repair-cafe-de-vichy/",
        listing_url="http://127.0.0.1:8080/projets/",
        fetched_at="2026-11-29T10:00:00Z",
        content_hash="0" * 40,
        extraction="selectors",
        fields=fields,
    )


@pytest.fixture
def listing_of(taxonomy: Taxonomy, geocoder: Geocoder) -> Any:
    def make(tag_table: str = "Avise", **fields: Any) -> Listing:
        item = raw_item(**{"title": "Repair Café de Vichy", **fields})
        vocabulary = SourceVocabulary((tag_table,))
        return normalise(
            item, source_name="FX", vocabulary=vocabulary, taxonomy=taxonomy, geocoder=geocoder
        )

    return make


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>Le <b>Repair</b> Café</p><p>Entrée libre</p>", "Le Repair Café Entrée libre"),
        ("l'<em>é</em>té &amp; l&#8217;hiver&nbsp;!", "l'été & l\u2019hiver !"),
        ("un<br>deux<li>trois", "un deux trois"),
        ("<div>texte<script>alert(1)</script><style>p{}</style></div>", "texte"),
        ("  des \n\t espaces  ", "des espaces"),
        ("&lt;b&gt; écrit en clair", "<b> écrit en clair"),
        ("a < b et c > d", "a < b et c > d"),
    ],
)
def test_html_is_stripped_to_plain_text(html: str, text: str) -> None:
    assert strip_html(html) == text


def test_a_short_summary_is_kept_whole() -> None:
    assert cut_summary("Un café pour réparer ensemble.") == "Un café pour réparer ensemble."


def test_a_long_summary_is_cut_on_a_word_boundary() -> None:
    text = "réparer ensemble, " * 30  # 540 characters
    summary = cut_summary(text)
    assert len(summary) <= 300 and summary.endswith(ELLIPSIS)
    kept = summary.removesuffix(ELLIPSIS)
    assert text.startswith(kept) and text[len(kept)] in " ,"  # a whole word ends there


def test_the_cut_drops_a_half_word_and_dangling_punctuation() -> None:
    assert cut_summary("aaa, bbb ccc", limit=10) == "aaa, bbb" + ELLIPSIS
    assert cut_summary("aaa, bbbbbb", limit=8) == "aaa" + ELLIPSIS
    assert cut_summary("a" * 20, limit=8) == "a" * 7 + ELLIPSIS  # one long word


def test_the_summary_falls_back_to_the_start_of_the_description(listing_of: Any) -> None:
    description = "<p>" + "Un atelier de réparation. " * 20 + "</p>"
    listing = listing_of(description=description)
    assert listing.summary.startswith("Un atelier de réparation.")
    assert listing.summary.endswith(ELLIPSIS) and len(listing.summary) <= 300
    assert listing_of(summary="Résumé.", description=description).summary == "Résumé."


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "HTTPS://WWW.Repair.FR:443/Projet/?utm_source=x&id=3#haut",
            "https://repair.fr/Projet?id=3",
        ),
        ("http://repair.fr/", "http://repair.fr"),
        ("http://repair.fr:8080/a/", "http://repair.fr:8080/a"),
        ("www.repair.fr", "http://repair.fr"),
        ("repair.fr/ateliers/", "http://repair.fr/ateliers"),
        ("https://repair.fr/?utm_medium=mail&utm_campaign=x", "https://repair.fr"),
        ("mailto:contact@repair.fr", ""),
        ("ftp://repair.fr/", ""),
        ("Voir le site", ""),
        ("http://", ""),
        ("https://repair.fr:99999/", ""),
    ],
)
def test_website_urls_are_canonical(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


@pytest.mark.parametrize(
    ("value", "siret"),
    [
        ("732 829 320 00074", "73282932000074"),
        ("73282932000074", "73282932000074"),
        ("73282932000075", ""),  # checksum fails
        ("7328293200007", ""),  # 13 digits
        ("SIRET inconnu", ""),
        ("35600000049837", "35600000049837"),  # La Poste: digit sum is a multiple of 5
        ("35600000000048", "35600000000048"),  # La Poste head office: plain Luhn
    ],
)
def test_siret_is_fourteen_luhn_checked_digits(value: str, siret: str) -> None:
    assert valid_siret(value) == siret


@pytest.mark.parametrize(
    ("value", "date"),
    [
        ("2016", "2016"),
        ("Créé en 2016", "2016"),
        ("12/03/2017", "2017-03-12"),
        ("12.03.2017", "2017-03-12"),
        ("2017-03-12", "2017-03-12"),
        ("2018-03-02T09:00:00Z", "2018-03-02"),
        ("1er février 2016", "2016-02-01"),
        ("Publié le 12 mars 2017", "2017-03-12"),
        ("Fri, 02 Mar 2018 09:00:00 +0000", "2018-03-02"),
        ("mars 2017", "2017"),  # only the year is sure
        ("31/02/2017", "2017"),  # no such day
        ("bientôt", ""),
    ],
)
def test_dates_become_iso(value: str, date: str) -> None:
    assert iso_date(value) == date


def test_a_free_text_address_is_split_and_geocoded(listing_of: Any) -> None:
    listing = listing_of(address="12 rue des Écoles, 03200 Vichy")
    assert listing.address == {
        "street": "12 rue des Écoles",
        "postcode": "03200",
        "city": "Vichy",
        "commune_code": "03310",
        "commune": "Vichy",
        "departement_code": "03",
        "departement": "Allier",
        "region_code": "84",
        "region": "Auvergne-Rhône-Alpes",
    }
    assert listing.geo_precision == "commune"
    assert listing.location == {
        "lat": pytest.approx(46.12, abs=0.01),
        "lon": pytest.approx(3.43, abs=0.01),
    }


@pytest.mark.parametrize(
    "written",
    [
        "Maison des associations\nVichy",
        "Maison des associations<br>Vichy",
        "<p>Maison des associations<br/>Vichy</p>",
    ],
)
def test_an_address_on_several_lines_is_read_line_by_line(listing_of: Any, written: str) -> None:
    listing = listing_of(address=written)
    assert (listing.address["street"], listing.address["city"]) == (
        "Maison des associations",
        "Vichy",
    )
    assert listing.address["commune_code"] == "03310"


@pytest.mark.parametrize(
    ("written", "street"),
    [
        ("Auvergne-Rhône-Alpes, Vichy", None),
        ("Allier, Vichy", None),
        ("Auvergne-Rhône-Alpes, 12 rue des Écoles, Vichy", "12 rue des Écoles"),
    ],
)
def test_a_region_or_departement_written_before_the_town_is_no_street(
    listing_of: Any, written: str, street: str | None
) -> None:
    listing = listing_of(address=written)
    assert listing.address.get("street") == street
    assert listing.address["commune_code"] == "03310"


def test_address_fields_are_geocoded_with_the_region_as_a_hint(listing_of: Any) -> None:
    listing = listing_of(street="1 place du Marché", postcode=3200, city="VICHY", region="Auvergne")
    assert listing.address["postcode"] == "03200"  # the spreadsheet's lost zero restored
    assert (listing.address["city"], listing.address["commune"]) == ("VICHY", "Vichy")
    assert listing.address["street"] == "1 place du Marché"
    saint_denis = listing_of(city="Saint-Denis", region="Seine-Saint-Denis")
    assert saint_denis.address["commune_code"] == "93066"
    both = listing_of(city="Saint-Denis", region="Île-de-France", departement="93")
    assert both.address["commune_code"] == "93066"
    spaced = listing_of(postcode="75 011", city="Paris")
    assert (spaced.address["postcode"], spaced.address["commune_code"]) == ("75011", "75056")


@pytest.mark.parametrize(
    ("written", "arrondissement"),
    [
        ({"address": "8 rue Oberkampf, 75011 Paris"}, "75111"),
        ({"address": "Paris XIe"}, "75111"),
        ({"address": "Paris 11ème"}, "75111"),
        ({"postcode": "13013", "city": "Marseille"}, "13213"),
        ({"city": "Lyon 1er"}, "69381"),
        ({"city": "Paris"}, None),  # no postcode: the city only
    ],
)
def test_paris_lyon_and_marseille_keep_the_arrondissement_beside_the_commune(
    listing_of: Any, written: dict[str, str], arrondissement: str | None
) -> None:
    address = listing_of(**written).address
    assert address["commune_code"] in ("75056", "13055", "69123")
    assert address.get("arrondissement_code") == arrondissement


def test_a_departement_only_address_has_departement_precision(listing_of: Any) -> None:
    listing = listing_of(address="Allier")
    assert listing.geo_precision == "departement"
    assert "commune_code" not in listing.address and listing.location is not None


def test_no_address_means_no_location(listing_of: Any) -> None:
    listing = listing_of()
    assert (listing.address, listing.location, listing.geo_precision) == ({}, None, "none")


def test_tags_in_one_string_are_split_and_coded(listing_of: Any) -> None:
    listing = listing_of(tags="Agriculture, Alimentation solidaire; Zèbres | Agriculture")
    assert listing.raw_tags == ["Agriculture", "Alimentation solidaire", "Zèbres"]
    assert listing.codes == ["AGR", "COH"]
    assert listing.unknown_tags == ["Zèbres"]
    assert (listing.domains, listing.publics, listing.methods) == (
        ["health_sport", "social_net", "sust_env"],
        [],
        [],
    )


def test_tags_given_as_a_list_are_kept_whole(listing_of: Any) -> None:
    listing = listing_of(tag_table="Bretagne Créative", tags=["Silver économie", "<b>RSE</b>"])
    assert listing.raw_tags == ["Silver économie", "RSE"]
    assert listing.codes == ["GOU", "SAN", "SEN"]
    assert listing.publics == ["senior"] and listing.methods == ["govern"]


def test_publics_are_coded_like_tags(listing_of: Any) -> None:
    listing = listing_of(tags="Lien social", publics=["Seniors", "Personnes handicapées"])
    assert listing.raw_tags == ["Lien social", "Seniors", "Personnes handicapées"]
    assert "SEN" in listing.codes and "senior" in listing.publics


def test_a_2018_item_of_arrays_and_nulls_is_normalised(listing_of: Any) -> None:
    listing = listing_of(
        title=["  Repair ", "Café &amp; Co "],
        summary=None,
        description=["<p>Premier paragraphe.</p>", "Second."],
        organisation=["Association", "Les Bricoleurs"],
        partners="Ville de Vichy; CCAS de Vichy | Ville de Vichy",
        address=["12 rue des Écoles", "03200 Vichy", "France"],
        website=["Site web", "https://www.repair-vichy.fr/"],
        image=[None, "/relative.jpg", "https://img.example.org/a.jpg"],
        date=["", "Créé en 2016"],
        siret=["non communiqué", "732 829 320 00074"],
        legal_status="Association loi 1901",
    )
    assert listing.title == "Repair Café & Co"
    assert listing.summary == listing.description == "Premier paragraphe. Second."
    assert listing.organisation == "Association Les Bricoleurs"
    assert listing.partners == ["Ville de Vichy", "CCAS de Vichy"]
    assert listing.address["commune_code"] == "03310"
    assert listing.address["street"] == "12 rue des Écoles"
    assert listing.website == "https://repair-vichy.fr"
    assert listing.image == "https://img.example.org/a.jpg"
    assert (listing.date, listing.siret) == ("2016", "73282932000074")
    assert listing.legal_status == "Association loi 1901"
    assert (listing.source, listing.source_name) == ("fx-html", "FX")


@pytest.mark.parametrize("title", [None, "", "   ", "<p> </p>", ["", None], "—"])
def test_an_item_without_a_usable_title_is_rejected(listing_of: Any, title: Any) -> None:
    with pytest.raises(RejectedItem) as rejected:
        listing_of(title=title)
    assert rejected.value.reason == "no usable title"


@pytest.mark.parametrize("url", ["", "/projets/x/", "javascript:void(0)", "ftp://site.fr/x"])
def test_an_item_without_a_usable_url_is_rejected(
    taxonomy: Taxonomy, geocoder: Geocoder, url: str
) -> None:
    item = raw_item(title="Repair Café")
    item["url"] = url
    with pytest.raises(RejectedItem) as rejected:
        normalise(
            item,
            source_name="FX",
            vocabulary=SourceVocabulary(),
            taxonomy=taxonomy,
            geocoder=geocoder,
        )
    assert rejected.value.reason == "no usable url"


def test_a_source_is_coded_by_the_vocabulary_its_crawl_recorded(tmp_path: Path) -> None:
    store = RawStore(tmp_path)
    writer = store.open_run("fx-new", "20261201T000000000Z")
    for number, tags in enumerate(
        (["TIC, numérique", "Agriculture"], ["Zèbres", "TIC, numérique"])
    ):
        item = raw_item(title=f"Projet {number}", tags=tags)
        writer.write({**item, "source": "fx-new", "url": f"https://fx.example/p/{number}"})
    vocabulary = SourceVocabulary(("Semeoz", "Nope"), (("TIC, numérique", ("NUM",)),))
    writer.commit({"contributor": {"name": "FX", "vocabulary": vocabulary.card()}})
    reader = ListingReader(store, progress=False)
    first, second = reader.read_source("fx-new")
    assert (first.codes, second.codes) == (["AGR", "NUM"], ["NUM"])  # "Nope" is left out
    assert reader.report.unmapped_shares() == ["fx-new: 25% of 4 labels unmapped"]


def test_a_homonym_lands_in_the_territory_its_contributor_covers(tmp_path: Path) -> None:
    store = RawStore(tmp_path)
    for source, territory in (("fx-national", None), ("fx-mayenne", ["Mayenne"])):
        writer = store.open_run(source, "20261201T000000000Z")
        item = raw_item(title="Jardin de Bais", address="Bais")
        writer.write({**item, "source": source, "url": f"https://{source}.example/p/1"})
        card = {"name": source} | ({"territory": territory} if territory else {})
        writer.commit({"contributor": card})
    reader = ListingReader(store, progress=False)
    [national], [regional] = reader.read_source("fx-national"), reader.read_source("fx-mayenne")
    assert (national.address["commune_code"], national.geo_precision) == ("35014", "homonym")
    assert (regional.address["commune_code"], regional.geo_precision) == ("53016", "commune")
