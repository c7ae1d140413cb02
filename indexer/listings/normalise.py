"""Normalisation: one raw item → one clean, coded, geocoded ``Listing``.

Key concepts: raw field values may be strings, lists of strings (the 2018 scraper stored
arrays), numbers or None; each is cleaned once (HTML tags dropped, entities decoded,
whitespace collapsed) and then shaped: the summary cut on a word boundary, the website
URL canonicalised, the SIRET checked, the date made ISO, the address geocoded and the
raw tags coded. An item without a usable title or URL is rejected with a reason.
"""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Callable
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from lxml import etree

from cis.records import RawItem
from cis.text import to_ascii
from cis.vocabulary import SourceVocabulary
from indexer.geo.geocoder import Geocoder
from indexer.geo.parse import clean_postcode, split_address
from indexer.listings.listing import Listing
from indexer.listings.taxonomy import Taxonomy

SUMMARY_CHARS = 300
ELLIPSIS = "…"
_INLINE_TAGS = frozenset(
    ("a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "em", "font", "i", "ins",
     "kbd", "mark", "q", "s", "small", "span", "strong", "sub", "sup", "time", "u", "var")
)  # fmt: skip
_HIDDEN_TAGS = frozenset({"script", "style", "template"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_BARE_HOST = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?(?:[/?#]|$)", re.IGNORECASE)
_PARTNER_SEPARATORS = re.compile(r"\s*[;|\n]\s*")
_LA_POSTE_SIREN = "356000000"  # its establishments' SIRETs use a digit-sum rule, not Luhn
_LA_POSTE_HEAD_OFFICE = "35600000000048"
_MONTH_NAMES = (
    "janvier janv jan january", "fevrier fevr fev feb february", "mars mar march",
    "avril avr apr april", "mai may", "juin jun june", "juillet juil jul july",
    "aout aug august", "septembre sept sep september", "octobre oct october",
    "novembre nov november", "decembre dec december",
)  # fmt: skip
_MONTHS = {name: n for n, names in enumerate(_MONTH_NAMES, start=1) for name in names.split()}
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})")
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b")
_TEXT_DATE = re.compile(r"\b(\d{1,2})(?:er)?\s+([a-z]+)\.?\s+(\d{4})\b")
_YEAR = re.compile(r"\b(?:18|19|20)\d{2}\b")


class RejectedItem(Exception):
    """A raw item that cannot become a listing; ``reason`` is a short, stable phrase."""

    def __init__(self, reason: str, value: object = None) -> None:
        super().__init__(f"{reason}: {value!r}")
        self.reason = reason


@cache
def _html_parser() -> etree.HTMLParser:
    return etree.HTMLParser(remove_comments=True, remove_pis=True)


def strip_html(text: str) -> str:
    """Plain text of an HTML fragment: tags dropped, entities decoded, whitespace collapsed."""
    return " ".join(_plain(text).split())


def address_lines(text: str) -> str:
    """An address as one line, its lines (``<br>``, line breaks) separated by ", "."""
    lines = (" ".join(line.split()) for line in _plain(text).splitlines())
    return ", ".join(line for line in lines if line)


def _plain(text: str) -> str:
    if "<" in text:
        return _html_text(text)
    return html.unescape(text) if "&" in text else text


def _html_text(fragment: str) -> str:
    """Text of an HTML fragment; block-level tags separate words, inline ones do not."""
    try:
        root = etree.fromstring(fragment, _html_parser())
    except (ValueError, etree.ParserError):  # e.g. a string with an XML encoding declaration
        return html.unescape(fragment)
    if root is None:
        return ""
    etree.strip_elements(root, *_HIDDEN_TAGS, with_tail=False)
    for element in root.iter():
        if element.tag == "br":
            element.tail = "\n" + element.tail if element.tail else "\n"
        elif element.tag not in _INLINE_TAGS:
            element.text = " " + element.text if element.text else " "
            element.tail = " " + element.tail if element.tail else " "
    return str(etree.tostring(root, method="text", encoding=str))


def _strings(value: Any) -> list[str]:
    """The clean, non-empty strings of a raw value (a string, a list of them, a number…)."""
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    text = strip_html(value) if isinstance(value, str) else ""
    return [text] if text else []


def _raw_strings(value: Any) -> list[str]:
    """The strings of a raw value as written (a string, a list of them, a number…)."""
    if isinstance(value, list):
        return [s for item in value for s in _raw_strings(item)]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [str(value)]
    return [value] if isinstance(value, str) else []


def _text(value: Any, separator: str = " ") -> str:
    return separator.join(_strings(value))


def _first(value: Any, parse: Callable[[str], str]) -> str:
    """The first non-empty ``parse`` result over the strings of ``value``."""
    return next(filter(None, map(parse, _strings(value))), "")


def cut_summary(text: str, limit: int = SUMMARY_CHARS) -> str:
    """``text`` itself if short enough, else cut on a word boundary and ended with "…"."""
    if len(text) <= limit:
        return text
    head = text[:limit]  # one character beyond the kept part, to see if a word ends there
    head = head.rsplit(" ", 1)[0] if " " in head else head[: limit - 1]
    return head.rstrip(" ,;:.-\u2013\u2014") + ELLIPSIS


def http_url(url: str) -> str:
    """``url`` stripped if it is an absolute http(s) URL with a host, else ""."""
    url = url.strip()
    parts = urlsplit(url)
    return url if parts.scheme.lower() in _DEFAULT_PORTS and parts.hostname else ""


def canonical_url(url: str) -> str:
    """Canonical http(s) URL, or "" when it is not an http(s) URL.

    Lower-case host without www., default port, fragment, utm_* parameters or trailing slash.
    """
    url = url.strip()
    if _BARE_HOST.match(url):
        url = "http://" + url
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    scheme, host = parts.scheme.lower(), (parts.hostname or "").removeprefix("www.")
    if scheme not in _DEFAULT_PORTS or not host:
        return ""
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    query = parts.query
    if "utm_" in query.lower():
        params = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, v) for k, v in params if not k.lower().startswith("utm_")])
    return urlunsplit((scheme, netloc, parts.path.rstrip("/"), query, ""))


def valid_siret(value: str) -> str:
    """The SIRET in ``value`` (spaces removed) if it is 14 digits with a valid checksum."""
    digits = "".join(value.split())
    if len(digits) != 14 or not (digits.isascii() and digits.isdigit()):
        return ""
    if digits.startswith(_LA_POSTE_SIREN) and digits != _LA_POSTE_HEAD_OFFICE:
        return digits if sum(map(int, digits)) % 5 == 0 else ""
    return digits if _luhn_ok(digits) else ""


def _luhn_ok(digits: str) -> bool:
    doubled = (int(d) * 2 for d in digits[-2::-2])
    total = sum(map(int, digits[-1::-2])) + sum(d - 9 if d > 9 else d for d in doubled)
    return total % 10 == 0


def iso_date(value: str) -> str:
    """``value`` as "YYYY-MM-DD", or "YYYY" when only the year is sure; "" if no date."""
    text = to_ascii(value).lower()
    for pattern, order in ((_ISO_DATE, "ymd"), (_NUMERIC_DATE, "dmy"), (_TEXT_DATE, "dmy")):
        for match in pattern.finditer(text):
            found = dict(zip(order, match.groups(), strict=True))
            month = _MONTHS.get(found["m"]) or (int(found["m"]) if found["m"].isdigit() else 0)
            try:
                return datetime.date(int(found["y"]), month, int(found["d"])).isoformat()
            except ValueError:
                continue
    year = _YEAR.search(text)
    return year.group() if year else ""


def _add_place(
    listing: Listing, fields: dict[str, Any], geocoder: Geocoder, territory: str
) -> None:
    """Address parts (as written, else as geocoded), location and precision."""
    free_text = ", ".join(address_lines(text) for text in _raw_strings(fields.get("address")))
    written_street, written_postcode, written_city = split_address(free_text)
    # "Occitanie, Leucate": the part before the town is the région, no street.
    street_parts = [p for p in written_street.split(", ") if p and not geocoder.names_area(p)]
    street = _text(fields.get("street"), ", ") or ", ".join(street_parts)
    postcode = clean_postcode(_text(fields.get("postcode"))) or written_postcode
    city = _text(fields.get("city"))
    region = _text([fields.get("region"), fields.get("departement")], ", ")
    geo = geocoder.locate(
        postcode=postcode, city=city, region=region, text=free_text, territory=territory
    )
    listing.address = geo.address_parts()
    if street:
        listing.address["street"] = street
    if postcode:
        listing.address["postcode"] = postcode
    if city or written_city:
        listing.address["city"] = city or written_city
    listing.location, listing.geo_precision = geo.location, geo.precision


def _add_codes(
    listing: Listing, fields: dict[str, Any], table: SourceVocabulary, taxonomy: Taxonomy
) -> None:
    """Raw tags and publics once each, their CIS codes, the labels without one, the facets.

    One string is cut at its separators.
    """
    labels = [
        label
        for value in (fields.get("tags"), fields.get("publics"))
        for label in (
            taxonomy.split_tags(table, strip_html(value))
            if isinstance(value, str)
            else _strings(value)
        )
    ]
    listing.raw_tags = list(dict.fromkeys(labels))
    listing.codes, listing.unknown_tags = taxonomy.codes_for(table, listing.raw_tags)
    facets = taxonomy.facets_for(listing.codes)
    listing.domains, listing.publics, listing.methods = (
        facets[field] for field in ("domains", "publics", "methods")
    )


def _partners(value: Any) -> list[str]:
    if isinstance(value, str):
        value = _PARTNER_SEPARATORS.split(value)
    return list(dict.fromkeys(_strings(value)))


def _title_and_url(raw: RawItem) -> tuple[str, str]:
    """The item's clean title and page URL, or RejectedItem when either is unusable."""
    title = _text(raw["fields"].get("title"))
    if not any(c.isalnum() for c in title):
        raise RejectedItem("no usable title", raw["fields"].get("title"))
    url = http_url(raw["url"])
    if not url:
        raise RejectedItem("no usable url", raw["url"])
    return title, url


def normalise(
    raw: RawItem,
    *,
    source_name: str,
    vocabulary: SourceVocabulary,
    taxonomy: Taxonomy,
    geocoder: Geocoder,
    territory: str = "",
) -> Listing:
    """Clean, code and geocode one raw item; raise RejectedItem without title or URL.

    ``territory``: the départements or régions its contributor covers, for homonyms.
    """
    fields = raw["fields"]
    title, url = _title_and_url(raw)
    description = _text(fields.get("description"))
    listing = Listing(
        source=raw["source"],
        source_name=source_name,
        url=url,
        fetched_at=raw["fetched_at"],
        title=title,
        summary=cut_summary(_text(fields.get("summary")) or description),
        description=description,
        organisation=_text(fields.get("organisation")),
        partners=_partners(fields.get("partners")),
        website=_first(fields.get("website"), canonical_url),
        image=_first([fields.get("image"), fields.get("logo")], http_url),
        date=_first(fields.get("date"), iso_date),
        siret=_first(fields.get("siret"), valid_siret),
        legal_status=_text(fields.get("legal_status")),
    )
    _add_place(listing, fields, geocoder, territory)
    _add_codes(listing, fields, vocabulary, taxonomy)
    return listing
