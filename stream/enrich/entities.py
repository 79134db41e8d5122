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

import re
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Final

from stream.enrich.companies import is_company_form
from stream.enrich.gazetteer import (
    SMALL_CITY,
    city_candidates,
    gazetteer,
    is_big_city,
    lookup_place,
)
from stream.enrich.lexicon import (
    BLOCS,
    CITY_REGION_COUNTRIES,
    CONNECTORS,
    EVENT_PREFIXES,
    FEATURE_PREFIXES,
    FUNCTION_WORDS,
    GEO_HEADS,
    INITIAL_SKIP,
    LOCATIVE,
    NAME_PARTICLES,
    NONSTATE_HEADS,
    NOT_ENTITIES,
    NOT_NAMES,
    NOT_ORG_ACRONYMS,
    OBJECT_AFTER,
    ORG_AFTER,
    ORG_ALIASES,
    ORG_BEFORE,
    ORG_HEADS,
    ORG_LEADERS,
    ORGANIZATIONS,
    OTHER_HEADS,
    PERSON_AFTER,
    PLACE_AFTER,
    PLACE_BEFORE,
    PLACE_PARTICLES,
    REGION_SUFFIXES,
    ROMAN_NUMERAL,
    SPEAKER_NOUNS,
    SPEECH_VERBS,
    STATE_HEADS,
    STATE_ORG_HEADS,
    STRONG_TOPONYM_END,
    TITLE_PARTS,
    TITLES,
    TOPONYM_END,
    US_STATE_CUES,
)
from stream.enrich.people import PeopleIndex, surname_of
from stream.enrich.tokens import Token
from stream.enrich.vocabulary import is_english_word
from stream.models import Entities, Place

_PLACE_KINDS: Final = frozenset({"country", "city", "state", "region"})
#: Words of an organisation's head that a place after `of` belongs to (`Reserve Bank`).
_NAMED_FOR_PLACE_HEAD: Final = 3
#: Prepositions that put a place, not a person, after them (`in Moreno`).
_PLACE_PREPOSITIONS: Final = frozenset({"in", "at", "near", "outside", "around", "into"})
#: How many times larger than any namesake abroad a city must be to anchor others.
_CONFIDENT_FACTOR: Final = 10
#: Words of the longest company name read up to its legal form.
_LONGEST_COMPANY: Final = 6
#: A lower-case letter then a capital inside one word: a brand (`VinFast`, `AfD`).
_CAMEL: Final = re.compile(r"[a-z][A-Z]")


@dataclass(slots=True)
class _Mention:
    kind: str  # "person" | "org" | "place"
    name: str
    start: int  # token index, for order and proximity
    country: str | None = None
    # Names that still need the teaser's context: ambiguous cities, local places.
    surface: str | None = None
    needs_context: bool = False
    # The countries the name may belong to (`Punjab`: IN, PK); context picks one.
    options: tuple[str, ...] = ()
    # An ambiguous city whose largest namesake dwarfs the others (`Madrid`): it
    # keeps its default and may anchor the others (`Valencia` next to it is ES).
    confident: bool = False


@dataclass(slots=True)
class _Extraction:
    mentions: list[_Mention] = field(default_factory=list)
    full_names: list[str] = field(default_factory=list)


def _lower_words_before(toks: list[Token], i: int, n: int) -> tuple[str, ...]:
    """Up to n words before position i, nearest last, stopping at punctuation."""
    words: list[str] = []
    j = i - 1
    while j >= 0 and len(words) < n:
        if toks[j].brk:
            break
        words.insert(0, toks[j].low)
        j -= 1
    return tuple(words)


def _word_after(toks: list[Token], j: int) -> Token | None:
    """The token after a span ending at j, unless punctuation separates them."""
    if j < len(toks) and not toks[j - 1].brk:
        return toks[j]
    return None


class _Extractor:
    """Entity mentions of one text: a left-to-right scan over capitalised runs."""

    def __init__(self, toks: list[Token], people: PeopleIndex, local: dict[str, str]) -> None:
        self.toks = toks
        self.people = people
        self.local = local  # surname -> full name seen in this teaser
        self.gaz = gazetteer()
        self.out = _Extraction()
        self._matches: dict[int, tuple[int, str, str] | None] = {}

    # -- lexicon matches ----------------------------------------------------------

    def _span_text(self, i: int, j: int) -> str:
        return " ".join(t.text for t in self.toks[i:j])

    def _match(self, i: int) -> tuple[int, str, str] | None:
        """Longest known name starting at i, as (end, kind, text); memoised."""
        if i not in self._matches:
            self._matches[i] = self._find(i)
        return self._matches[i]

    def _find(self, i: int) -> tuple[int, str, str] | None:
        toks = self.toks
        if i >= len(toks) or not (toks[i].cap or toks[i].acronym):
            return None
        first = toks[i].text
        widest = max(self.gaz.span_from(first), self.people.span_from(first))
        if i + 1 < len(toks) and toks[i + 1].low == "city":
            widest = max(widest, 2)  # `Gaza City`
        limit = min(len(toks), i + widest)
        j = i + 1
        while (
            j < limit
            and not toks[j - 1].brk
            and (toks[j].cap or toks[j].low in CONNECTORS or toks[j].low in PLACE_PARTICLES)
        ):
            j += 1  # `Rio de Janeiro`, `Vina del Mar`, `Rio Grande do Sul`
        for end in range(j, i, -1):
            if not toks[end - 1].cap:
                continue
            text = self._span_text(i, end)
            kind = self._kind(text, single=end - i == 1)
            if kind is not None:
                return end, kind, text
        return None

    def _kind(self, text: str, *, single: bool) -> str | None:
        gaz = self.gaz
        if text in NOT_ENTITIES:
            return "none"
        if single and text.casefold() in NOT_NAMES:
            return None  # `Airport`, `Fleet`, `Republic` are towns somewhere
        if self.people.canonical(text) is not None:
            return "person"
        if text in ORGANIZATIONS:
            return "org"
        if text in gaz.regions:
            return "region"
        if text in gaz.countries:
            return "country"
        if text in gaz.demonyms:
            return "demonym"
        if text in gaz.states and not is_big_city(text):
            return "state"  # `Florida`, not Floridablanca; but `Washington` the city
        if text in gaz.cities or (text.startswith("St. ") and "Saint " + text[4:] in gaz.cities):
            return "city"
        if text.endswith(" City") and text[:-5] in gaz.cities:
            return "city"  # `Gaza City`
        if text in gaz.subdivisions and not (single and text.casefold() in NOT_NAMES):
            return "subdivision"
        if single and (text in self.local or self.people.is_known_word(text)):
            return "surname"  # a shared one (`Brown`) is a person too, as written
        return None

    def _place_context(self, i: int) -> bool:
        """A preposition of place before, a region suffix or a possessive after."""
        toks = self.toks
        before = _lower_words_before(toks, i, 1)
        if before and before[-1] in LOCATIVE | {"of", "between", "and"}:
            return True
        if i > 0 and toks[i - 1].dash and self._is_place(i - 1):
            return True  # `Rasht — Astara`, `Moscow-Denpasar`
        return toks[i].poss or self._region_suffix(i + 1) is not None

    def _is_place(self, i: int) -> bool:
        """Whether a known place ends at token i (for ranges and possessives)."""
        for m in reversed(self.out.mentions):
            if m.kind == "place" and m.start <= i:
                return m.start >= i - 3
        return False

    def _weak(self, i: int, match: tuple[int, str, str]) -> bool:
        """A one-word city or surname that is part of a longer unknown name.

        `Irina Kim`, `Alen Simonyan`, `Vladimir Saldo`: a city's name is often a
        first or last name; with a capitalised unknown word beside it, the pair is
        a name. A small town without a preposition of place is weak too.
        """
        end, kind, text = match
        toks = self.toks
        if kind not in {"city", "surname"} or end != i + 1:
            return False
        if kind == "city":
            cities = city_candidates(text, place_context=False)
            # A small town's name is a common word as often as not (`Olympic`,
            # `Airport`, `Republic` are towns): it needs a preposition or a region.
            if cities and cities[0].population < SMALL_CITY and not self._place_context(i):
                return True
        if end >= len(toks) or toks[i].brk or not toks[end].namelike:
            return False
        nxt = toks[end].low
        if nxt in REGION_SUFFIXES or nxt in ORG_HEADS or nxt in GEO_HEADS or nxt in OTHER_HEADS:
            return False
        if kind == "city" and self._team_after(end):
            return False  # `Dallas Mavericks`: a team, read by `_known`
        follow = self._match(end)
        return follow is None or (follow[1] in {"city", "surname"} and follow[0] == end + 1)

    def _team_after(self, end: int) -> bool:
        """A capitalised plural after a city that ends the name: `Dallas Mavericks`."""
        toks = self.toks
        after = _word_after(toks, end)
        return (
            after is not None
            and after.namelike
            and after.text.endswith("s")
            and not (end + 1 < len(toks) and toks[end + 1].cap and not toks[end].brk)
            and self._match(end) is None
            and after.low not in NOT_NAMES
        )

    # -- the scan -----------------------------------------------------------------

    def run(self) -> _Extraction:
        toks = self.toks
        i = 0
        while i < len(toks):
            tok = toks[i]
            if tok.low == "battlegroup" or (
                tok.low == "battle" and i + 1 < len(toks) and toks[i + 1].low == "group"
            ):
                i = self._battlegroup(i)
            elif not tok.cap:
                i += 1
            elif (
                tok.initial
                and tok.low in INITIAL_SKIP
                and not tok.acronym
                and (self._match(i) is None or self._match(i)[0] == i + 1)  # type: ignore[index]
            ):
                i += 1  # `In Anchorage`, `According to`: a capital only by position
            else:
                i = self._run(i)
        return self.out

    def _battlegroup(self, i: int) -> int:
        toks = self.toks
        j = i + (2 if toks[i].low == "battle" else 1)
        if j < len(toks) and toks[j].cap and not toks[j - 1].brk:
            self._add("org", f"Battlegroup {toks[j].text}", i)
            return j + 1
        return j

    def _run(self, i: int) -> int:
        """Classify the capitalised run that starts at i; return where it ends."""
        toks = self.toks
        start = i
        if toks[i].low in EVENT_PREFIXES | FEATURE_PREFIXES and not toks[i].brk:
            j = i + 1
            while j < len(toks) and toks[j].namelike and not toks[j - 1].brk:
                j += 1
            if j > i + 1 and toks[i].low in FEATURE_PREFIXES:
                self._local_place(self._span_text(i, j), i)  # `Mount Lewotobi`
            if j > i + 1:
                return j  # `Typhoon Yagi`: an event, no person
        form = self._company_end(i)
        if form is not None:
            self._add("org", self._span_text(i, form), i)  # `Banco Santander S.A.`
            return form
        title = False
        # `Russian Deputy Foreign Minister Sergey Ryabkov`: titles are dropped and
        # make what follows a person.
        while i < len(toks) and self._is_title(i, in_title=title):
            title = True
            if toks[i].brk:
                return i + 1
            i += 1
            if (
                i + 1 < len(toks)
                and toks[i].low in {"of", "for", "and"}
                and (toks[i + 1].low in TITLES or toks[i + 1].low in TITLE_PARTS)
            ):
                i += 1
        if i >= len(toks) or not (toks[i].cap or toks[i].acronym):
            return max(i, start + 1)
        match = self._match(i)
        if match is not None and not self._weak(i, match):
            return self._known(i, match, title)
        return self._unknown(i, title)

    def _company_end(self, i: int) -> int | None:
        """End of a capitalised run from i that ends with a legal form (`Ltd`), or None."""
        toks = self.toks
        j = i
        while j < len(toks) and toks[j].cap and j - i < _LONGEST_COMPANY:
            if j > i and is_company_form(toks[j].text):
                return j + 1
            if toks[j].brk and not toks[j].text.endswith("."):
                return None
            j += 1
        return None

    def _is_title(self, i: int, *, in_title: bool = False) -> bool:
        """A capitalised title word (`President`, `Special Presidential Envoy`,
        `Minister for Political Affairs`)."""
        toks = self.toks
        tok = toks[i]
        if not tok.cap:
            return False
        low = tok.low
        if in_title and low in TITLE_PARTS:
            return True
        if "-" in low and all(p in TITLES or p in TITLE_PARTS for p in low.split("-")):
            return True  # `Secretary-General`, `Vice-President`
        if low not in TITLES and low.endswith("s") and low[:-1] in TITLES:
            low = low[:-1]  # `Astronauts Butch Wilmore and Suni Williams`
        if low in TITLES:
            match = self._match(i)
            # `General Motors`, `Prince Harry`: a title that starts a known name.
            return match is None or match[0] == i + 1 or match[1] not in {"person", "org"}
        if low not in TITLE_PARTS:
            return False
        # `Special Presidential Envoy`, `Foreign Minister`: parts before a title.
        j = i + 1
        while j < len(toks) and toks[j].cap and not toks[j - 1].brk and j - i < 4:
            if toks[j].low in TITLES:
                return True
            if toks[j].low not in TITLE_PARTS:
                return False
            j += 1
        return False

    def _known(self, i: int, match: tuple[int, str, str], title: bool) -> int:
        end, kind, text = match
        toks = self.toks
        after = _word_after(toks, end)
        if kind == "none":
            return end
        if kind in {"person", "surname"}:
            if after is not None and after.cap and after.low in OTHER_HEADS | ORG_HEADS:
                return end + 1  # `Trump Route`: a name inside another name
            self._person(text, i, single=kind == "surname")
            return end
        if kind == "org":
            self._add("org", text, i)
            return self._org_list(end)
        if kind == "demonym":
            return self._demonym(i, end, text)
        if kind == "country":
            return self._country(i, end, text)
        region_end = self._region_suffix(end)
        if after is not None and after.cap and after.low in NOT_NAMES - TITLES:
            # `Washington Airport`, `Pacific Fleet`, `Hudson River`, `Ottawa
            # Convention`: the place names something else.
            return self._unknown(i, title)
        if after is not None and self._org_after(end) is not None and kind != "region":
            return self._unknown(i, title)  # `Rostov Nuclear Power Plant`
        if kind == "subdivision":
            return self._subdivision(i, end, text, region_end)
        if kind == "city" and after is not None:
            if after.low in ORG_LEADERS and not after.cap:
                self._add("org", text, i)  # `Barcelona president`: the club
                return end
            if self._team_after(end):
                self._add("org", f"{text} {after.text}", i)  # `Dallas Mavericks`: a team
                return end + 1
        place = lookup_place(text, context=None, place_context=False)
        if place is None:
            return end
        if kind == "subdivision":
            return self._subdivision(i, end, text, region_end)
        if region_end is not None or self._regions_ahead(end):
            if place.country in CITY_REGION_COUNTRIES:
                self._add("place", f"{place.name} Region", i, place.country)
                return region_end or end
            # `Buenos Aires province`, `Valparaiso region`: the subdivision itself.
            owners = self.gaz.subdivisions.get(text)
            if owners:
                return self._subdivision(i, end, text, region_end)
        mention = self._add("place", place.name, i, place.country)
        if kind == "city":
            candidates = city_candidates(text, place_context=True)
            countries = {c.country for c in candidates}
            if len(countries) > 1:
                mention.surface, mention.needs_context = text, True
                mention.options = tuple(sorted(countries))
                rival = max(c.population for c in candidates if c.country != candidates[0].country)
                mention.confident = candidates[0].population >= _CONFIDENT_FACTOR * rival
        return region_end or end

    def _subdivision(self, i: int, end: int, text: str, region_end: int | None) -> int:
        """A state or province (`Tamil Nadu`, `Punjab province`), where a cue stands.

        Its name is often a word or a person's name elsewhere, so it needs a cue:
        a preposition of place, a suffix (`province`, `state`), a country's
        possessive before it (`India's Tamil Nadu`) or a place and a comma before
        it (`Wayanad, Kerala`). Among namesakes the teaser's context chooses,
        else the most populous country.
        """
        toks = self.toks
        owners = self.gaz.subdivisions[text]
        cue = (
            region_end is not None
            or self._place_context(i)
            or (i > 0 and toks[i - 1].poss and self._is_place(i - 1))
            or (i > 0 and toks[i - 1].brk and not toks[i - 1].dash and self._is_place(i - 1))
            or (end < len(toks) and toks[end].low in {"state", "governor"})
        )
        if not cue:
            return self._unknown(i, False)
        place = lookup_place(text, context=None, place_context=True)
        mention = self._add("place", text, i, place.country if place else owners[0])
        if len(owners) > 1:
            mention.needs_context, mention.options = True, tuple(owners)
        return region_end or end

    def _country(self, i: int, end: int, text: str) -> int:
        """A country name; used attributively (`US goods`) it may not name the state."""
        toks = self.toks
        code = self.gaz.countries[text]
        place = self.gaz.country(code)
        org_end = None if toks[end - 1].poss else self._org_after(end)
        if org_end is not None:
            org = self._span_text(end, org_end)
            self._add("org", f"{text} {org}", i)
            if toks[org_end - 1].low in STATE_ORG_HEADS or org in ORGANIZATIONS:
                # `US Treasury` names the state; `Kenya Airways` is a company.
                self._add("place", place.name, i, place.country)
            return org_end
        after = _word_after(toks, end)
        if not toks[end - 1].poss and after is not None and after.low in NONSTATE_HEADS:
            return end
        if not toks[end - 1].poss and after is not None and after.cap and after.low in GEO_HEADS:
            self._add("place", f"{text} {after.text}", i, place.country)  # `Panama Canal`
            return end + 1
        state = self.gaz.states.get(text)
        if state is not None:
            # `Georgia` is a country and a US state: `Georgia Governor` is the
            # state; else the teaser's other places choose, the country by default.
            if after is not None and after.low in US_STATE_CUES:
                self._add("place", text, i, state)
                return end
            mention = self._add("place", place.name, i, place.country)
            mention.needs_context, mention.options = True, (place.country or code, state)
            mention.surface = None
            return end
        self._add("place", place.name, i, place.country)
        return end

    def _demonym(self, i: int, end: int, text: str) -> int:
        """`Russian troops` -> Russia; `Russian scientists` -> nothing."""
        code = self.gaz.demonyms[text]
        country = self.gaz.country_names.get(code, code)
        org_end = self._org_after(end)
        if org_end is not None:
            org = self._span_text(end, org_end)
            self._add("org", f"{text} {org}", i)
            if self.toks[org_end - 1].low in STATE_ORG_HEADS or org in ORGANIZATIONS:
                self._add("place", country, i, code)
            return org_end
        if self._names_state(end):
            self._add("place", country, i, code)
        return end

    def _org_after(self, end: int) -> int | None:
        """End of an organisation's name that starts at `end` (`Foreign Ministry`,
        `Indo-Pacific Command`, `Pacific Fleet`), or None."""
        toks = self.toks
        if end >= len(toks) or toks[end - 1].brk or not (toks[end].cap or toks[end].acronym):
            return None
        match = self._match(end)
        if match is not None and match[1] == "org":
            return match[0]
        j = end
        while j < len(toks) and (j == end or not toks[j - 1].brk) and j - end < 6:
            if not toks[j].cap:
                # `Agricultural and Livestock Research Organization`
                if toks[j].low not in {"and", "of"} or j + 1 >= len(toks) or not toks[j + 1].cap:
                    return None
                j += 1
                continue
            if self._is_title(j):
                return None
            if toks[j].low in ORG_HEADS:
                while j + 1 < len(toks) and toks[j + 1].cap and toks[j + 1].low in ORG_HEADS:
                    j += 1  # `Nuclear Power Plant`
                return j + 1
            j += 1
        return None

    def _names_state(self, end: int) -> bool:
        """Whether the words after a demonym make it name the state."""
        toks = self.toks
        j = end
        steps = 0
        while j < len(toks) and steps < 4:
            tok = toks[j]
            low = tok.low
            if (
                low in {"and", "or"}
                or tok.text in self.gaz.demonyms
                or tok.text in self.gaz.countries
            ):
                j += 1  # `Canadian, Mexican and Chinese governments`, `Russian-US talks`
                continue
            if tok.cap:
                return low in TITLES or low in TITLE_PARTS
            if low in STATE_HEADS:
                return True
            if low in NONSTATE_HEADS or low in FUNCTION_WORDS:
                return False
            if tok.brk:
                return False
            j += 1
            steps += 1
        return False

    def _regions_ahead(self, end: int) -> bool:
        """`Bryansk, Kursk regions`: a place listed before a plural `regions`."""
        toks = self.toks
        j = end
        while j < len(toks) and j - end < 8:
            if toks[j].low == "regions":
                return True
            if not (toks[j].cap or toks[j].low == "and") or (toks[j].cap and toks[j].poss):
                return False
            j += 1
        return False

    def _region_suffix(self, end: int) -> int | None:
        """End of `region` / `Region` / `border area` after a place, or None."""
        toks = self.toks
        if end >= len(toks) or toks[end - 1].brk:
            return None
        low = toks[end].low
        if low in REGION_SUFFIXES or low == "regions":
            return end + 1
        if low in {"border", "borderline"} and end + 1 < len(toks) and toks[end + 1].low == "area":
            return end + 2
        return None

    def _unknown(self, i: int, title: bool) -> int:
        """A capitalised run with no known name at its start."""
        toks = self.toks
        j = i
        while j < len(toks) and not (j > i and toks[j - 1].brk):
            tok = toks[j]
            if (
                not tok.cap
                and tok.low in NAME_PARTICLES
                and j > i
                and toks[j - 1].namelike
                and j + 1 < len(toks)
                and toks[j + 1].namelike
                and self._match(j + 1) is None
            ):
                j += 2  # `Alexandre de Moraes`
                continue
            if not tok.cap:
                # `Board of Peace`, `Committee of the State Council`: connectors
                # inside an organisation's name.
                connects = (
                    (tok.low in CONNECTORS or (tok.low == "on" and toks[j - 1].low in ORG_HEADS))
                    and toks[j - 1].cap
                    and (toks[j - 1].low in ORG_HEADS or toks[j - 1].low in CONNECTORS)
                )
                nxt = j + 1
                while connects and nxt < len(toks) and toks[nxt].low in CONNECTORS:
                    nxt += 1
                if not (connects and nxt < len(toks) and toks[nxt].cap):
                    break
                place = self._match(nxt)
                if place is not None and place[1] in _PLACE_KINDS:
                    if nxt - i <= _NAMED_FOR_PLACE_HEAD and any(
                        t.low in ORG_HEADS for t in toks[i:j]
                    ):
                        # `Reserve Bank of India`, `University of New Mexico`: a
                        # short head before the place is named for it, the place
                        # inside the name is no mention of its own.
                        j = place[0]
                    break  # `Committee of the State Council of China`: where it belongs
                j = nxt
                continue
            if j > i and (self._is_title(j) or tok.low in REGION_SUFFIXES):
                break  # `Zaporozhye Region`: the suffix is handled below
            if j > i:
                match = self._match(j)
                if (
                    match is not None
                    and match[1] != "surname"
                    and not self._weak(j, match)
                    and not (match[1] == "org" and toks[match[0] - 1].low in ORG_HEADS)
                    and not self._surname_like(i, j, match, title)
                ):
                    if j == i + 1 and match[1] == "country" and toks[i].namelike:
                        # `Air India`: a name with a country inside is a body, no country.
                        self._add("org", self._span_text(i, match[0]), i)
                        return match[0]
                    break
            j += 1
        span = toks[i:j]
        text = " ".join(t.text for t in span)
        before = _lower_words_before(toks, i, 2)
        after = _word_after(toks, j)
        last = span[-1].low
        if text in NOT_ENTITIES:
            return j
        if before and before[-1] in ORG_BEFORE and len(span) >= 4:
            # `party Les Patriotes Florian Philippot`: the party, then its leader.
            self._add("org", " ".join(t.text for t in span[:-2]), i)
            self._person(" ".join(t.text for t in span[-2:]), i + len(span) - 2, single=False)
            return j
        headed = any(
            a.low in ORG_HEADS and a.cap and (b.low in CONNECTORS or b.low == "on")
            for a, b in pairwise(span)
        )
        if (
            (last in ORG_HEADS and len(span) >= 2)
            or (len(span) >= 2 and is_company_form(span[-1].text))  # `Tata Steel Ltd`
            or headed  # `Department of Government Efficiency`
            or (before and before[-1] in ORG_BEFORE)
            or (len(span) == 1 and _CAMEL.search(span[0].text))  # `VinFast`, `AfD`
        ):
            self._add("org", text, i)
            return j
        if last in GEO_HEADS and len(span) >= 2:
            stem = " ".join(t.text for t in span[:-1])
            feature = lookup_place(stem, context=None, place_context=False)
            self._add("place", text, i, feature.country if feature else None)
            return j
        if last in OTHER_HEADS or last in ORG_HEADS:
            return j
        if len(span) == 2 and span[0].namelike and ROMAN_NUMERAL.match(span[1].text):
            self._person(text, i, single=False)  # `Nicholas II`
            return j
        if any(t.acronym or any(c.isdigit() for c in t.text) for t in span):
            word = span[0].text
            if (
                len(span) == 1
                and span[0].acronym
                and not (after is not None and after.low in OBJECT_AFTER)  # `RSV vaccine`
                and word.upper() not in NOT_ORG_ACRONYMS
                and not any(c.isdigit() for c in word)
            ):
                self._add("org", word, i)
            return j
        if not all(t.namelike or t.low in NAME_PARTICLES for t in span):
            return j
        region_end = self._region_suffix(j)
        if region_end is not None and len(span) <= 2:
            self._local_place(text, i, suffix="Region")
            return region_end
        if after is not None and after.low == "district":
            self._local_place(text, i, suffix="District")
            return j + 1
        if self._place_cue(i, j):
            self._local_place(text, i)
            return self._place_list(j)
        if after is not None and after.low in OBJECT_AFTER:
            return j  # `Vera Rubin telescope`: a name of a thing
        if len(span) >= 2:
            self._person(text, i, single=False)  # `Anura Kumara Dissanayake`
            return j
        # One unknown word: a person after a title (`skater Gumennik`), an
        # organisation before `party` or after `the` (`Tisza party`, `the Louvre`),
        # else nothing to say.
        word = span[0].text
        if title or (before and before[-1] in TITLES):
            self._person(text, i, single=True)
        elif after is not None and after.low in ORG_AFTER and not span[0].initial:
            self._add("org", text, i)
        elif after is not None and after.low in ORG_LEADERS:
            self._add("org", text, i)  # `Harvard president`: who leads it is a body
        elif (
            after is not None
            and after.low in SPEECH_VERBS
            and not self._plural_people(word)
            and span[0].low not in SPEAKER_NOUNS  # `Diplomat says`
        ):
            self._person(text, i, single=True)  # `Sheinbaum says`: a surname alone
        elif (
            before
            and before[-1] == "the"
            and not self._plural_people(word)
            and (toks[j - 1].brk or (after is not None and after.low in PERSON_AFTER))
        ):
            # `The Louvre noted`: a name that acts; `the Jewish holiday` does not.
            self._add("org", ORG_ALIASES.get(word, word), i)
        elif (
            i == 0
            and after is not None
            and not after.cap
            and not self._plural_people(word)
            and not TOPONYM_END.search(span[0].low)
            and not is_english_word(word)
        ):
            # `Glencore in talks`, `Petrobras raises prices`: a text that opens with
            # one name no dictionary, gazetteer or index knows names a body; people
            # are introduced by their full name or a title.
            self._add("org", word, i)
        return j

    def _surname_like(self, i: int, j: int, match: tuple[int, str, str], title: bool) -> bool:
        """`Governor Kazuo Ueda`, `Bernie Moreno`: a town's name as a surname.

        A one-word place after one unknown name-like word, both unknown as a pair,
        with no cue of place around, is read as the second half of a person's name
        when a title opened the run or the town is no big city.
        """
        end, kind, text = match
        toks = self.toks
        if j != i + 1 or end != j + 1 or kind not in {"city", "subdivision"}:
            return False
        if not toks[i].namelike or toks[i].initial or toks[i].brk:
            return False
        before = _lower_words_before(toks, i, 1)
        if self._region_suffix(end) is not None or (before and before[0] in _PLACE_PREPOSITIONS):
            return False
        after = _word_after(toks, end)
        if after is not None and after.cap:
            return False  # a longer name: let the rest of the scan decide
        return title or not is_big_city(text)

    def _plural_people(self, word: str) -> bool:
        """`the Americans`, `the West`: peoples and blocs, not organisations."""
        return word in BLOCS or (word.endswith("s") and word[:-1] in self.gaz.demonyms)

    def _place_cue(self, i: int, j: int) -> bool:
        toks = self.toks
        before = _lower_words_before(toks, i, 2)
        for cue in PLACE_BEFORE:
            if before[-len(cue) :] == cue:
                return True
        after = _word_after(toks, j)
        if after is not None and after.low in PLACE_AFTER:
            return True
        toponym = j - i == 1 and bool(TOPONYM_END.search(toks[i].low))
        if j - i == 1 and not toks[i].initial and STRONG_TOPONYM_END.search(toks[i].low):
            return True  # `shell Gorlovka`: these endings are places
        if j - i == 1 and toks[i].dash and j < len(toks) and STRONG_TOPONYM_END.search(toks[j].low):
            return True  # `Striguny-Novoaleksandrovka road`
        if toponym and i > 0 and toks[i - 1].poss and self._is_place(i - 1):
            return True  # `Zaporozhye Region's Kamenskoye`
        if j - i == 1 and before and before[-1] in LOCATIVE | {"and"}:
            if toponym:
                return True
            # `in Oleshnya in Kursk region`: a local place inside a known one.
            if after is not None and after.low == "in":
                nxt = self._match(j + 1)
                return nxt is not None and nxt[1] in {"city", "region", "country", "state"}
        return False

    def _org_list(self, j: int) -> int:
        """`Alibaba, Sinopec, JD.com and NetEase`: unknown names listed with one."""
        toks = self.toks
        while j < len(toks) and toks[j - 1].brk and toks[j - 1].text and not toks[j - 1].dash:
            nxt = j + 1 if toks[j].low == "and" else j
            if nxt >= len(toks) or not toks[nxt].cap or self._match(nxt) is not None:
                break
            end = nxt + 1
            if end < len(toks) and toks[end].cap and not toks[nxt].brk:
                break  # a longer name: not a simple list
            self._add("org", toks[nxt].text, nxt)
            j = end
        if j < len(toks) and toks[j].low == "and" and j + 1 < len(toks):
            nxt = j + 1
            if (
                toks[nxt].cap
                and self._match(nxt) is None
                and not (nxt + 1 < len(toks) and toks[nxt + 1].cap and not toks[nxt].brk)
            ):
                self._add("org", toks[nxt].text, nxt)
                j = nxt + 1
        return j

    def _place_list(self, j: int) -> int:
        """`settlements of Aleksandropol, Panteleymonovka and Valentinovka`."""
        toks = self.toks
        while j < len(toks):
            if toks[j].low == "and" and j + 1 < len(toks) and toks[j + 1].namelike:
                j += 1
            elif not (toks[j - 1].brk and toks[j].namelike):
                break
            if self._match(j) is not None:
                break
            self._local_place(toks[j].text, j)
            j += 1
        return j

    def _local_place(self, name: str, i: int, suffix: str | None = None) -> None:
        place = lookup_place(name, context=None, place_context=True)
        if place is not None and place.country is not None:
            full = f"{place.name} {suffix}" if suffix else place.name
            self._add("place", full, i, place.country)
            return
        full = f"{name} {suffix}" if suffix else name
        self._add("place", full, i, None).needs_context = True

    # -- output ---------------------------------------------------------------------

    def _person(self, text: str, i: int, *, single: bool) -> None:
        if single:
            name = self.local.get(text) or self.people.by_surname(text) or text
        else:
            name = self.people.canonical(text) or text
            self.out.full_names.append(name)
            self.local.setdefault(surname_of(name), name)
            self.local.setdefault(surname_of(text), name)
        self._add("person", name, i)

    def _add(self, kind: str, name: str, i: int, country: str | None = None) -> _Mention:
        mention = _Mention(kind, name, i, country)
        self.out.mentions.append(mention)
        return mention


def extract(token_lists: list[list[Token]], people: PeopleIndex) -> Entities:
    local: dict[str, str] = {}
    # Last text first, so that a surname in the headline links to the name the
    # lead gives in full (`Szijjarto calls...` / `Peter Szijjarto stated...`).
    extractions = [_Extractor(toks, people, local).run() for toks in reversed(token_lists)]
    extractions.reverse()
    for extraction in extractions:
        for name in extraction.full_names:
            people.learn(name)
    _resolve_context(extractions)
    found: dict[str, list[_Mention]] = {"person": [], "org": [], "place": []}
    seen: set[tuple[str, str]] = set()
    for extraction in extractions:
        for m in sorted(extraction.mentions, key=lambda m: m.start):
            key = (m.kind, m.name.casefold())
            if key not in seen:
                seen.add(key)
                found[m.kind].append(m)
    return Entities(
        people=[m.name for m in found["person"]],
        organizations=[m.name for m in found["org"]],
        places=[Place(name=m.name, country=m.country) for m in found["place"]],
    )


def _resolve_context(extractions: list[_Extraction]) -> None:
    """Countries of ambiguous cities and local places from the nearest known place.

    Anchors are ranked: a region or city in the same text, then one in the other
    text, then a country (the country is often the actor, not the location:
    `Russian troops liberate <village>` in a region of Ukraine).
    """
    for index, extraction in enumerate(extractions):
        pending = [m for m in extraction.mentions if m.needs_context]
        if not pending:
            continue
        anchors: list[tuple[int, int, _Mention]] = []
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
