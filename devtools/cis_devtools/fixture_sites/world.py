"""The real-world projects behind the fixture sites: who does what, where, listed by whom.

Key concepts: a `WorldProject` is one true project (its `key` is the truth's `project_key`);
each project is listed by one to three sites. Network projects ("Repair Café de Vichy",
"Repair Café de Moulins") share a templated title and summary and cluster in one
département: they are the hard negatives a deduplicator must keep apart, with the
*siblings*, two projects one organisation runs at one address.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import random
from dataclasses import dataclass, replace

from cis_devtools.fixture_sites.geo import Town, load_towns
from cis_devtools.fixture_sites.text import de_town, slugify
from cis_devtools.fixture_sites.vocab import Network, Theme, Vocabulary, load_vocabulary

SITES_PER_PROJECT = {1: 0.45, 2: 0.35, 3: 0.20}  # how many sites list a project
MAX_NAME_DRAWS = 20
SAME_DEPT_NETWORK = 0.7  # chance a network project sits near the network's previous one
SIBLING_ONE_IN = 30  # projects run by the previous one's organisation, at the same address


@dataclass(frozen=True, slots=True)
class WorldProject:
    """One true project, as its own organisers would describe it."""

    key: str
    number: int
    theme: str
    title: str
    slug: str  # from the first title: page URLs stay put when the title is edited
    summary: str
    public: str  # whom its summary addresses: "aux familles"; "" in a network's shared summary
    description: tuple[str, ...]  # paragraphs
    organisation: str | None
    website: str | None
    has_image: bool
    street: str | None
    town: Town
    postcode: str
    network: str | None
    codes: tuple[str, ...]
    year: int
    updated: str  # YYYY-MM-DD
    sites: tuple[str, ...]


class _TownPicker:
    """Weighted choice of towns (bigger towns hold more projects), and by département."""

    def __init__(self, towns: tuple[Town, ...]) -> None:
        self.towns = towns
        self.cumulative = list(itertools.accumulate(t.population**0.5 for t in towns))
        self.by_dept: dict[str, list[Town]] = {}
        for town in towns:
            self.by_dept.setdefault(town.dept_code, []).append(town)

    def pick(self, rng: random.Random) -> Town:
        point = rng.random() * self.cumulative[-1]
        return self.towns[bisect.bisect(self.cumulative, point)]

    def near(self, rng: random.Random, town: Town, used: set[str]) -> Town | None:
        free = [t for t in self.by_dept[town.dept_code] if t.commune_code not in used]
        return rng.choice(free) if free else None


class WorldBuilder:
    """Makes projects one at a time from one random stream; same seed, same projects."""

    def __init__(self, seed: int | str, site_weights: dict[str, float]) -> None:
        self.rng = random.Random(seed)
        self.vocab: Vocabulary = load_vocabulary()
        self.towns = _TownPicker(load_towns())
        self.site_weights = site_weights
        self.network_towns: dict[str, list[Town]] = {}
        self.names: set[tuple[str, str]] = set()
        self.slugs: set[str] = set()
        self.next_number = 1
        self.previous: WorldProject | None = None

    def build(self, count: int) -> list[WorldProject]:
        """`count` new projects, numbered after every project made so far."""
        first, self.next_number = self.next_number, self.next_number + count
        return [self.project(n) for n in range(first, first + count)]

    def project(self, number: int) -> WorldProject:
        """One new project.

        One in SIBLING_ONE_IN is run by the previous one's organisation, at its address; its
        draws are made all the same, so that the world after it stays put.
        """
        rng = self.rng
        theme = rng.choices(self.vocab.themes, weights=[t.weight for t in self.vocab.themes])[0]
        town, network = self._place(theme)
        sibling = self._elder(number) if network is None else None
        if sibling is not None:
            town = sibling.town
        words, title = self._named(theme, town, network is not None)
        org = self._organisation(words)
        if sibling is not None:
            org = sibling.organisation
        project = self._project(number, theme, town, network, words, title, org)
        if sibling is not None:
            project = replace(
                project, street=sibling.street, postcode=sibling.postcode, website=sibling.website
            )
        self.previous = project
        return project

    def _elder(self, number: int) -> WorldProject | None:
        """The project a new one is the sibling of: the previous one, if it may have one."""
        elder = self.previous
        chosen = hashlib.blake2b(f"sibling:{number}".encode(), digest_size=4).digest()
        if int.from_bytes(chosen) % SIBLING_ONE_IN or elder is None:
            return None
        return elder if elder.organisation and elder.network is None else None

    def _project(
        self,
        number: int,
        theme: Theme,
        town: Town,
        network: Network | None,
        words: dict[str, str],
        title: str,
        org: str | None,
    ) -> WorldProject:
        rng = self.rng
        return WorldProject(
            key=f"P{number:05d}",
            number=number,
            theme=theme.id,
            title=title,
            slug=self._unique_slug(title),
            summary=self._summary(theme, title, org, words, network is not None),
            public="" if network else words["public"],
            description=self._description(),
            organisation=org,
            website=self._website(org or title),
            has_image=rng.random() < 0.5,
            street=self._street(),
            town=town,
            postcode=rng.choice(town.postcodes),
            network=network.name if network else None,
            codes=theme.codes,
            year=int(words["year"]),
            updated=f"2018-{rng.randint(1, 6):02d}-{rng.randint(1, 28):02d}",
            sites=self._sites(),
        )

    def _place(self, theme: Theme) -> tuple[Town, Network | None]:
        network = theme.network
        if network is None or self.rng.random() >= network.share:
            return self.towns.pick(self.rng), None
        town = self._network_town(network)
        return (town, network) if town else (self.towns.pick(self.rng), None)

    def _unique_slug(self, title: str) -> str:
        base = slug = slugify(title)
        count = 1
        while slug in self.slugs:
            count += 1
            slug = f"{base}-{count}"
        self.slugs.add(slug)
        return slug

    def _network_town(self, network: Network) -> Town | None:
        placed = self.network_towns.setdefault(network.name, [])
        used = {t.commune_code for t in placed}
        town = None
        if placed and self.rng.random() < SAME_DEPT_NETWORK:
            town = self.towns.near(self.rng, placed[-1], used)
        town = town or self.towns.pick(self.rng)
        if town.commune_code in used:
            return None
        placed.append(town)
        return town

    def _words(self, town: Town) -> dict[str, str]:
        lists, rng = self.vocab.lists, self.rng
        picks = {key[:-1]: rng.choice(values) for key, values in lists.items()}
        return picks | {
            "town": town.name,
            "de_town": de_town(town.name),
            "year": str(rng.randint(2008, 2017)),
        }

    def _named(self, theme: Theme, town: Town, in_network: bool) -> tuple[dict[str, str], str]:
        # Two projects of one name in one commune do not exist (the name is how people
        # tell them apart), so a name already taken there is drawn again.
        for draw in range(MAX_NAME_DRAWS):
            words = self._words(town)
            title = self._title(theme, words, in_network and draw == 0)
            if draw == MAX_NAME_DRAWS - 1:
                title = f"{title} – {words['quartier']}"
            if (slugify(title), town.commune_code) not in self.names:
                break
        self.names.add((slugify(title), town.commune_code))
        return words, title

    def _title(self, theme: Theme, words: dict[str, str], in_network: bool) -> str:
        if in_network and theme.network:
            return theme.network.title.format(**words)
        title = self.rng.choice(theme.titles).format(**words)
        return title[0].upper() + title[1:]

    def _summary(
        self, theme: Theme, title: str, org: str | None, words: dict[str, str], in_network: bool
    ) -> str:
        if in_network and theme.network:
            return theme.network.summary.format(**words)
        opener = words["summary_opener"].format(
            title=title,
            public=words["public"],
            activity=self.rng.choice(theme.activities),
            rhythm=words["rhythm"],
            org=org or "une association locale",
            year=words["year"],
        )
        return f"{opener} {words['summary_closer']}"

    def _description(self) -> tuple[str, ...]:
        sentences = self.rng.sample(self.vocab.lists["description_sentences"], 4)
        return (" ".join(sentences[:2]), " ".join(sentences[2:]))

    def _organisation(self, words: dict[str, str]) -> str | None:
        if self.rng.random() < 0.15:
            return None
        return words["organisation"].format(**words)

    def _website(self, name: str) -> str | None:
        if self.rng.random() < 0.4:
            return None
        tld = self.rng.choice((".fr", ".org", ".asso.fr", ".fr"))
        return f"https://www.{slugify(name).replace('-', '')[:28]}{tld}/"

    def _street(self) -> str | None:
        if self.rng.random() < 0.3:
            return None
        return f"{self.rng.randint(1, 120)} {self.rng.choice(self.vocab.lists['streets'])}"

    def _sites(self) -> tuple[str, ...]:
        k = self.rng.choices(list(SITES_PER_PROJECT), list(SITES_PER_PROJECT.values()))[0]
        pool = dict(self.site_weights)
        chosen: list[str] = []
        for _ in range(k):
            site = self.rng.choices(list(pool), weights=list(pool.values()))[0]
            chosen.append(site)
            del pool[site]
        return tuple(sorted(chosen))
