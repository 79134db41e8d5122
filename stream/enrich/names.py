"""Names from maintained data: given names of people, and the names of listed companies.

Given names come from `gender-guesser`'s dictionary (Jörg Michael's `nam_dict`, ~40,000
first names of 50 countries, read straight from the file the package ships: 0.04 s,
where its own detector takes 0.6 s); a capitalised run that opens with a common word
that is no one's first name (`Super Falcons`, `Marxist Anura ...`) is no person's
name. Company names come from `pytickersymbols` (the members of 20 stock indices,
rebuilt weekly by its authors from the index pages), without their legal form
(`Saab AB` -> `Saab`) or group word (`Volkswagen Group` -> `Volkswagen`); names that
are also places, nationalities, dictionary words or given names are left out
(`Toyota` is a city, `Shell` a word), so that a lone `Pfizer` or `Glencore` is a
company wherever it stands. Both are built once per process (see `preload`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path
from typing import Final

from stream.enrich.gazetteer import gazetteer, is_big_city
from stream.enrich.vocabulary import is_english_word

#: Words after a company's own name that name its group, not the company (`Volkswagen
#: Group`); the name is also known without them.
_GROUP_WORDS: Final = frozenset(
    {"group", "holding", "holdings", "corporation", "company", "inc", "plc", "se", "ag"}
)
_PARENTHESIS = re.compile(r"\s*\(.*?\)")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@functools.cache
def given_names() -> frozenset[str]:
    """First names of people (`Leo`, `Sajid`, `Coco`), ASCII-folded, as capitalised."""
    import gender_guesser  # type: ignore[import-untyped]  # untyped

    path = Path(gender_guesser.__file__).parent / "data" / "nam_dict.txt"
    names: set[str] = set()
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line[:1] in "#=":
                continue
            # `M  Aad      ...`: the sex code, then the name; `+` joins the parts of a
            # compound name (`Abd+al`), which a headline writes as words of its own.
            parts = line.split(maxsplit=2)
            if len(parts) > 1 and "+" not in parts[1]:
                names.add(_fold(parts[1]))
    return frozenset(names)


def is_given_name(word: str) -> bool:
    return word in given_names()


@functools.lru_cache(maxsize=1 << 16)
def is_common_word(word: str) -> bool:
    """A dictionary word that is no one's first name (`Super`, `Marxist`, `Real`)."""
    return word not in given_names() and is_english_word(word)


def is_company(name: str) -> bool:
    return name in companies()


@functools.cache
def companies() -> frozenset[str]:
    """Names of listed companies as headlines write them (`Pfizer`, `Rio Tinto`)."""
    from cleanco import basename  # type: ignore[import-untyped]  # untyped
    from pytickersymbols.indices_data import INDICES  # type: ignore[import-untyped]

    gaz = gazetteer()
    places = (gaz.cities, gaz.countries, gaz.demonyms, gaz.subdivisions, gaz.regions, gaz.states)
    found: set[str] = set()
    for index in INDICES.values():
        for company in index["companies"]:
            name = _fold(_PARENTHESIS.sub("", str(company["name"]))).strip(" ,.")
            forms = {name, basename(name).strip(" ,.")}
            for form in list(forms):
                words = form.split()
                while len(words) > 1 and words[-1].casefold().strip(".") in _GROUP_WORDS:
                    words.pop()
                forms.add(" ".join(words))
            for form in forms:
                words = form.split()
                if not form or not form[:1].isupper():
                    continue
                if len(words) == 1 and (
                    len(form) < 3
                    or any(form in p for p in places)
                    or is_english_word(form)
                    or is_given_name(form)
                ):
                    continue  # `Toyota`, `Shell`, `Mercedes`: a place, a word or a name
                if len(words) > 1 and (form in gaz.countries or is_big_city(form)):
                    continue  # `Rio Tinto` is a town too, but no big city
                found.add(form)
    return frozenset(found)
