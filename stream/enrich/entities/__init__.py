"""The entity extractor: people, organisations and places of a teaser's or an article's texts.

A left-to-right scan over the capitalised runs of each text's tokens: a run is
matched against what is known (people, organisations, the gazetteer) longest
first, else classified by the words around it (titles, heads of organisation
names, prepositions of place, toponym endings). Places that stay ambiguous (a city
several countries have, a village no gazetteer holds) take their country from the
nearest known place of the same teaser. A nationality word counts as its country
only when it names the state (`Russian troops`, not `Russian scientists`).
"""

from __future__ import annotations

from operator import attrgetter
from typing import TypedDict

from stream.enrich.entities.cues import teaser_cues
from stream.enrich.entities.resolution import resolve_context
from stream.enrich.entities.scan import Extractor
from stream.enrich.entities.text import Extraction
from stream.enrich.people import PeopleIndex
from stream.enrich.tokens import Token
from stream.models import Place

__all__ = ["Found", "extract"]


class Found(TypedDict):
    """What `extract` found, as `stream.models.Entities` declares it."""

    people: list[str]
    organizations: list[str]
    places: list[Place]


def extract(token_lists: list[list[Token]], people: PeopleIndex) -> Found:
    """The entities of a teaser's or an article's texts, as the plain data of `Entities`."""
    local: dict[str, str] = {}
    # Last text first, so that a surname in the headline links to the name the
    # lead gives in full (`Szijjarto calls...` / `Peter Szijjarto stated...`).
    cues = teaser_cues(token_lists)
    extractions = [
        Extractor(toks, people, local, cues).run() if toks else Extraction()  # no lead
        for toks in reversed(token_lists)
    ]
    extractions.reverse()
    for extraction in extractions:
        for name in extraction.full_names:
            people.learn(name)
    resolve_context(extractions)
    found: Found = {"people": [], "organizations": [], "places": []}
    seen: set[tuple[str, str]] = set()
    for extraction in extractions:
        for m in sorted(extraction.mentions, key=_START):
            key = (m.kind, m.name.casefold())
            if key not in seen:
                seen.add(key)
                if m.kind == "person":
                    found["people"].append(m.name)
                elif m.kind == "org":
                    found["organizations"].append(m.name)
                else:
                    found["places"].append(_place(m.name, m.country))
    # Plain data: the caller validates it once as part of its model (`Entities`, or
    # the teaser's `Enrichment`), in pydantic-core, which costs less than building
    # the models here did.
    return found


_START = attrgetter("start")

#: Places as the models of the output, by name and country: a `Place` is frozen, so
#: one instance serves every teaser that names it (validating a new one costs ~2 µs,
#: and a teaser names three). Bounded as the tokenizer's memo is.
_PLACES: dict[tuple[str, str | None], Place] = {}
_MEMO_PLACES = 1 << 14


def _place(name: str, country: str | None) -> Place:
    place = _PLACES.get((name, country))
    if place is None:
        if len(_PLACES) >= _MEMO_PLACES:
            _PLACES.clear()
        place = _PLACES[name, country] = Place(name=name, country=country)
    return place
