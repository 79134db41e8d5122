"""Countries of places that one text leaves open, from the other places of the teaser."""

from __future__ import annotations

from stream.enrich.entities.text import Extraction, Mention
from stream.enrich.gazetteer import gazetteer, lookup_place


def resolve_context(extractions: list[Extraction]) -> None:
    """Countries of ambiguous cities and local places from the nearest known place.

    Anchors are ranked: a region or city in the same text, then one in the other
    text, then a country (the country is often the actor, not the location:
    `Russian troops liberate <village>` in a region of Ukraine).
    """
    for index, extraction in enumerate(extractions):
        pending = [m for m in extraction.mentions if m.needs_context]
        if not pending:
            continue
        anchors: list[tuple[int, int, Mention]] = []
        for k, other in enumerate(extractions):
            for a in other.mentions:
                if a.kind == "place" and a.country and (not a.needs_context or a.confident):
                    is_country = a.name in gazetteer().countries
                    anchors.append((2 * is_country + (k != index), k, a))
        if not anchors:
            continue
        for m in pending:
            usable = [a for a in anchors if not m.options or a[2].country in m.options]
            if not usable:
                continue  # nothing around points to one namesake: the default stays
            _, _, nearest = min(
                usable, key=lambda x: (x[0], abs(x[2].start - m.start) if x[1] == index else 0)
            )
            if m.options and m.surface is None:
                m.country = nearest.country
            elif m.surface is not None:
                place = lookup_place(m.surface, context=nearest.country, place_context=True)
                if place is not None:
                    m.name, m.country = place.name, place.country
            elif m.country is None:
                m.country = nearest.country
