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

from stream.enrich.entities.cues import teaser_cues
from stream.enrich.entities.resolution import resolve_context
from stream.enrich.entities.scan import Extractor
from stream.enrich.entities.text import Mention
from stream.enrich.people import PeopleIndex
from stream.enrich.tokens import Token
from stream.models import Entities, Place

__all__ = ["extract"]


def extract(token_lists: list[list[Token]], people: PeopleIndex) -> Entities:
    local: dict[str, str] = {}
    # Last text first, so that a surname in the headline links to the name the
    # lead gives in full (`Szijjarto calls...` / `Peter Szijjarto stated...`).
    cues = teaser_cues(token_lists)
    extractions = [Extractor(toks, people, local, cues).run() for toks in reversed(token_lists)]
    extractions.reverse()
    for extraction in extractions:
        for name in extraction.full_names:
            people.learn(name)
    resolve_context(extractions)
    found: dict[str, list[Mention]] = {"person": [], "org": [], "place": []}
    seen: set[tuple[str, str]] = set()
    for extraction in extractions:
        for m in sorted(extraction.mentions, key=lambda m: m.start):
            key = (m.kind, m.name.casefold())
            if key not in seen:
                seen.add(key)
                found[m.kind].append(m)
    # Built from the extractor's own strings, which are what the models declare:
    # validating them again cost ~5 % of a teaser's enrichment. The teaser's
    # `Enrichment` is still validated as a whole when it is built.
    return Entities.model_construct(
        people=[m.name for m in found["person"]],
        organizations=[m.name for m in found["org"]],
        places=[Place.model_construct(name=m.name, country=m.country) for m in found["place"]],
    )
