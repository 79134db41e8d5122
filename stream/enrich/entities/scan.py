"""The scan: a left-to-right reading of one text's capitalised runs.

Each run is matched against what is known (people, organisations, the gazetteer)
longest first, else classified by the words around it (titles, heads of
organisation names, prepositions of place, toponym endings); the rules it hands
each run to live in `people`, `organizations` and `places`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import compress, count, pairwise
from operator import attrgetter
from typing import Final

from stream.enrich.companies import is_company_form
from stream.enrich.entities.people import PeopleRules
from stream.enrich.entities.places import PlaceRules
from stream.enrich.entities.text import Extraction, lower_words_before, word_after
from stream.enrich.gazetteer import SMALL_CITY, city_candidates, lookup_place
from stream.enrich.lexicon import (
    ATHLETE_VERBS,
    CITY_REGION_COUNTRIES,
    COMPANY_NOUNS,
    COMPANY_OBJECT_VERBS,
    CONNECTORS,
    EVENT_PREFIXES,
    FEATURE_PREFIXES,
    FUNCTION_WORDS,
    GEO_HEADS,
    INITIAL_SKIP,
    KIN_WORDS,
    LOCAL_UNIT_HEADS,
    NAME_PARTICLES,
    NOT_ENTITIES,
    NOT_NAMES,
    NOT_ORG_ACRONYMS,
    OBJECT_AFTER,
    OPPONENT_BEFORE,
    ORG_AFTER,
    ORG_ALIASES,
    ORG_BEFORE,
    ORG_HEADS,
    ORG_LEADERS,
    OTHER_HEADS,
    PERSON_AFTER,
    PERSON_OBJECT_VERBS,
    REGION_SUFFIXES,
    ROMAN_NUMERAL,
    SPEAKER_NOUNS,
    SPEECH_VERBS,
    TEAM_MEMBERS,
    TEAM_VERBS,
    TITLE_PARTS,
    TITLES,
    TOPONYM_END,
    US_STATE_CUES,
)
from stream.enrich.names import is_common_word
from stream.enrich.vocabulary import is_english_word

_PLACE_KINDS: Final = frozenset({"country", "city", "state", "region"})
#: Words of an organisation's head that a place after `of` belongs to (`Reserve Bank`).
_NAMED_FOR_PLACE_HEAD: Final = 3
#: How many times larger than any namesake abroad a city must be to anchor others.
_CONFIDENT_FACTOR: Final = 10
#: A lower-case letter then a capital inside one word: a brand (`VinFast`, `AfD`).
_CAMEL: Final = re.compile(r"[a-z][A-Z]")
_DIGIT: Final = re.compile(r"\d")
_BATTLEGROUP: Final = frozenset({"battlegroup", "battle"})
_LOW: Final = attrgetter("low")
_CAP: Final = attrgetter("cap")
#: Capitalised words that open a name of an event or of a feature (`Typhoon`, `Mount`).
_NAME_PREFIXES: Final = EVENT_PREFIXES | FEATURE_PREFIXES
#: Heads after a person's name that make it part of another name (`Trump Route`);
#: built once here: a union in the test cost ~6 µs each time it ran.
_NAME_HEADS: Final = OTHER_HEADS | ORG_HEADS
#: Heads after a place that make it name something else (`Washington Airport`).
_HEADS_NOT_TITLES: Final = NOT_NAMES - TITLES


def _singular(verb: str) -> bool:
    """A team's or an athlete's verb with the -s of one person (`beats`, `clinches`)."""
    if not verb.endswith("s"):
        return False
    stem = verb[:-2] if verb.endswith("es") and verb[:-2] in TEAM_VERBS else verb[:-1]
    return stem in TEAM_VERBS or stem in ATHLETE_VERBS or stem in OPPONENT_BEFORE


class Extractor(PlaceRules, PeopleRules):
    """Entity mentions of one text: a left-to-right scan over capitalised runs."""

    def run(self) -> Extraction:
        toks = self.toks
        # Most words are lower case and start nothing: the scan visits only the
        # capitalised ones (and every word where a `battlegroup` may start), found in C.
        if _BATTLEGROUP.isdisjoint(map(_LOW, toks)):
            starts: Iterable[int] = compress(count(), map(_CAP, toks))
        else:
            starts = range(len(toks))
        i = 0
        for start in starts:
            if start < i:
                continue  # inside a run already read
            i = start
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

    def _run(self, i: int) -> int:
        """Classify the capitalised run that starts at i; return where it ends."""
        toks = self.toks
        start = i
        if toks[i].low in _NAME_PREFIXES and not toks[i].brk:
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

    def _known(self, i: int, match: tuple[int, str, str], title: bool) -> int:
        end, kind, text = match
        toks = self.toks
        after = word_after(toks, end)
        if kind == "none":
            org_end = self._org_after(end) if after is not None and after.cap else None
            if org_end is not None:
                # `Christian Democratic Union`, `Islamic Revolutionary Guard Corps`: an
                # adjective that names nothing alone opens a body's name.
                self._add("org", self._span_text(i, org_end), i)
                return org_end
            return end
        if kind in {"person", "surname"}:
            if after is not None and after.cap and after.low in _NAME_HEADS:
                return end + 1  # `Trump Route`: a name inside another name
            if kind == "surname" and after is not None and after.low in ORG_AFTER:
                self._add("org", text, i)  # `Dangote refinery`: the body named for him
                return end
            self._person(text, i, single=kind == "surname")
            return end
        if kind == "org":
            city = self._match(end) if self.cues.sport and after is not None else None
            if city is not None and city[1] == "city" and city[0] == end + 1:
                text, end = f"{text} {city[2]}", end + 1  # `Bayer Leverkusen`: a club
            self._add("org", text, i)
            return self._org_list(end)
        if kind == "demonym":
            return self._demonym(i, end, text)
        if kind == "country":
            return self._country(i, end, text)
        if kind == "state" and after is not None and after.low in US_STATE_CUES:
            self._add("place", text, i, self.gaz.states[text])  # `Ohio Senate seat`
            return end + 1 if after.cap else end
        region_end = self._region_suffix(end)
        if after is not None and after.cap and after.low in _HEADS_NOT_TITLES:
            # `Washington Airport`, `Pacific Fleet`, `Hudson River`, `Ottawa
            # Convention`: the place names something else.
            return self._unknown(i, title)
        if after is not None and self._org_after(end) is not None and kind != "region":
            return self._unknown(i, title)  # `Rostov Nuclear Power Plant`
        if kind == "subdivision":
            return self._subdivision_or_name(i, end, text, region_end)
        if kind == "city" and self._team(i, end):
            if after is not None and self._team_after(end):
                self._add("org", f"{text} {after.text}", i)  # `beat Sydney Roosters`
                return end + 1
            self._add("org", text, i)  # `Liverpool agree deal`, `held by Genoa`
            return end
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
            return self._subdivision_or_name(i, end, text, region_end)
        if region_end is not None or self._regions_ahead(end):
            if place.country in CITY_REGION_COUNTRIES:
                self._add("place", f"{place.name} Region", i, place.country)
                return region_end or end
            # `Buenos Aires province`, `Valparaiso region`: the subdivision itself.
            owners = self.gaz.subdivisions.get(text)
            if owners:
                return self._subdivision_or_name(i, end, text, region_end)
        mention = self._add("place", place.name, i, place.country)
        if kind == "region" and place.country is None and i > 0 and toks[i - 1].poss:
            owner = self._place_before(i)
            if owner is not None and owner.name in self.gaz.countries:
                mention.country = owner.country  # `Iraq's Kurdistan region`
        if kind == "city":
            candidates = city_candidates(text, place_context=True)
            countries = {c.country for c in candidates}
            state = self._state_after_comma(end)
            if state is not None and state in countries:
                mention.country = state  # `Paris, Texas`
            elif len(countries) > 1:
                mention.surface, mention.needs_context = text, True
                mention.options = tuple(sorted(countries))
                rival = max(c.population for c in candidates if c.country != candidates[0].country)
                mention.confident = candidates[0].population >= _CONFIDENT_FACTOR * rival
        return region_end or end

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

    def _unknown(self, i: int, title: bool) -> int:
        """A capitalised run with no known name at its start."""
        toks = self.toks
        body = self._body_of_person(i)
        if body is not None:
            self._add("org", self._span_text(i, body), i)
            return body
        j = i
        while j < len(toks) and not (j > i and toks[j - 1].brk):
            tok = toks[j]
            if not tok.cap and tok.low in NAME_PARTICLES and j > i and toks[j - 1].namelike:
                nxt = j + 1
                while nxt < len(toks) and not toks[nxt].cap and toks[nxt].low in NAME_PARTICLES:
                    nxt += 1  # `Dolf van den Brink`
                if nxt < len(toks) and toks[nxt].namelike and self._match(nxt) is None:
                    j = nxt + 1  # `Alexandre de Moraes`
                    continue
            if not tok.cap:
                # `Board of Peace`, `Committee of the State Council`: connectors
                # inside an organisation's name.
                connects = (
                    (tok.low in CONNECTORS or (tok.low == "on" and toks[j - 1].low in ORG_HEADS))
                    and toks[j - 1].cap
                    and (toks[j - 1].low in ORG_HEADS or toks[j - 1].low in CONNECTORS)
                ) or (
                    # `Department of Health and Human Services`: `and` inside the `of`.
                    tok.low == "and"
                    and toks[j - 1].cap
                    and j + 1 < len(toks)
                    and self._match(j + 1) is None
                    and any(
                        toks[k].low == "of" and toks[k - 1].low in ORG_HEADS
                        for k in range(i + 1, j)
                    )
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
            if (
                j > i
                and (self._is_title(j) or tok.low in REGION_SUFFIXES)
                # `International Court of Justice`: after a connector, the word ends
                # the body's name, it opens no title.
                and toks[j - 1].low not in CONNECTORS
            ):
                break  # `Zaporozhye Region`: the suffix is handled below
            if j > i:
                match = self._match(j)
                if (
                    match is not None
                    and match[1] != "surname"
                    and not self._weak(j, match)
                    and not (match[1] == "org" and toks[match[0] - 1].low in ORG_HEADS)
                    # `Pan American Health Organization`: a nationality inside a name.
                    and not (match[1] == "demonym" and self._org_after(match[0]) is not None)
                    and not self._surname_like(i, j, match, title)
                ):
                    if (
                        j == i + 1
                        and (toks[i].namelike or toks[i].acronym)
                        and (match[1] == "country" or (match[1] == "city" and self.cues.sport))
                    ):
                        # `Air India`, `MTN Nigeria`, and in a sports story `Real Madrid`,
                        # `Bayern Munich`: a name with a place inside is a body, no place.
                        self._add("org", self._span_text(i, match[0]), i)
                        return match[0]
                    break
            j += 1
        span = toks[i:j]
        text = " ".join(t.text for t in span)
        before = lower_words_before(toks, i, 2)
        after = word_after(toks, j)
        last = span[-1].low
        if text in NOT_ENTITIES:
            return j
        if span[-1].poss and is_common_word(span[0].text) and self._named_thing_at(j):
            self._add("org", text, i)  # `Blue Origin's New Glenn rocket`: its maker
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
            or (len(span) >= 2 and is_company_form(span[-1].text, span[-1].low))  # `Tata Steel Ltd`
            or headed  # `Department of Government Efficiency`
            or (before and before[-1] in ORG_BEFORE)
            or (
                len(span) == 1
                and _CAMEL.search(span[0].text)  # `VinFast`, `AfD`
                and not self._leader_of_place(i)  # `Florida's DeSantis signs`
            )
        ):
            self._add("org", text, i)
            return j
        if last in GEO_HEADS and len(span) >= 2:
            stem = " ".join(t.text for t in span[:-1])
            feature = lookup_place(stem, context=None, place_context=False)
            self._add("place", text, i, feature.country if feature else None)
            return j
        if last in LOCAL_UNIT_HEADS and len(span) >= 2:
            self._local_place(text, i)  # `searches in Kerr County`
            return j
        if last in OTHER_HEADS or last in ORG_HEADS:
            return j
        if len(span) == 2 and span[0].namelike and ROMAN_NUMERAL.match(span[1].text):
            self._person(text, i, single=False)  # `Nicholas II`
            return j
        if any(t.acronym or (not t.text.isalpha() and _DIGIT.search(t.text)) for t in span):
            word = span[0].text
            if (
                len(span) == 1
                and span[0].acronym
                and not (after is not None and after.low in OBJECT_AFTER)  # `RSV vaccine`
                and word.upper() not in NOT_ORG_ACRONYMS
                and not any(c.isdigit() for c in word)
                # `737 MAX`: a model after its number (not after an ordinal: `18th NBA`).
                and not (i > 0 and toks[i - 1].text.isdigit() and not toks[i - 1].brk)
            ):
                self._add("org", word, i)
            elif (
                len(span) == 2
                and span[0].acronym
                and span[1].namelike
                and not is_common_word(span[1].text)
            ):
                self._add("org", text, i)  # `SK Hynix`, `IG Metall`
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
        if (
            len(span) >= 2
            and not title
            and after is not None
            and (after.low in ORG_AFTER or (self.cues.sport and after.low in TEAM_MEMBERS))
        ):
            self._add("org", text, i)  # `Te Aka Whai Ora agency`, `Red Bull driver`
            return j
        if len(span) >= 2 and not title and self._team(i, j):
            self._add("org", text, i)  # `Paris Saint-Germain`, `Boca Juniors`
            return j
        if len(span) >= 2:
            self._name_run(i, j, title)  # `Anura Kumara Dissanayake`, `Super Falcons`
            return j
        return self._lone_word(i, title)

    def _subdivision_or_name(self, i: int, end: int, text: str, region_end: int | None) -> int:
        """A subdivision where a cue of place stands, else a name of another kind."""
        found = self._subdivision(i, end, text, region_end)
        return found if found is not None else self._unknown(i, False)

    def _lone_word(self, i: int, title: bool) -> int:
        """One unknown capitalised word: a person, an organisation, or nothing to say.

        A person after a title (`skater Gumennik`), before a speech verb (`Sheinbaum
        says`) or after a place's possessive before a verb (`Serbia's Vucic calls`);
        an organisation before `party` or after `the` (`Tisza party`, `the Louvre`),
        as a teaser's subject when its lead speaks of a company (`Maersk warns` /
        `the Danish shipping group`), as a team in a sports story (`Napoli go top`,
        `held by Genoa`), as the source after a dash (`— Eurostat`).
        """
        toks = self.toks
        tok = toks[i]
        word, text, j = tok.text, tok.text, i + 1
        before = lower_words_before(toks, i, 2)
        after = word_after(toks, j)
        verb = after is not None and not after.cap and after.low not in FUNCTION_WORDS
        possessed = i > 0 and toks[i - 1].poss and self._is_place(i - 1)  # `Serbia's Vucic`
        cues = self.cues
        if title or (before and (before[-1] in TITLES or before[-1] in KIN_WORDS)):
            self._person(text, i, single=True)  # `son Frederik`
        elif (
            before
            and before[-1] in PERSON_OBJECT_VERBS
            and (after is None or after.low in {"as", "from"})
        ):
            self._person(text, i, single=True)  # `sign Endrick from Palmeiras`, `name X as`
        elif word in ORG_ALIASES:
            self._add("org", ORG_ALIASES[word], i)  # `Houthi attacks`: the group's
        elif (cues.business or cues.company) and before and before[-1] in COMPANY_OBJECT_VERBS:
            self._add("org", text, i)  # `agrees to buy Covestro for 14.7 bln euros`
        elif self._person_possession(i):
            self._person(text, i, single=True)  # `after Tavares exit`, `Newsom's objections`
        elif tok.poss and self._company_possession(j):
            self._add("org", text, i)  # `Orano's licence`, `Teck's coal unit`
        elif (
            after is not None
            and after.low in ORG_AFTER
            and not (tok.initial and is_english_word(word))  # `Ruling party`
        ):
            self._add("org", text, i)  # `Tisza party`, `Dangote refinery`
        elif after is not None and (
            after.low in ORG_LEADERS or (cues.sport and after.low in TEAM_MEMBERS)
        ):
            # `Harvard president`, `Houthi leader`: who leads it is a body.
            self._add("org", ORG_ALIASES.get(word, word), i)
        elif (
            cues.company
            and (i == 0 or possessed)
            and not self._plural_people(word)
            # `Shares of the chipmaker` is no name; `Nestle cuts` is, a word though it is:
            # a singular subject of a verb where the lead speaks of a company.
            and not (tok.initial and is_english_word(word) and not self._acts_alone(i))
        ):
            self._add("org", text, i)  # `Maersk warns` / `The Danish shipping group`
        elif i > 0 and toks[i - 1].dash and j == len(toks) and not self._plural_people(word):
            self._add("org", text, i)  # `— Eurostat`: a source no index knows as a person
        elif (cues.sport and verb and after is not None and _singular(after.low)) or (
            before and _singular(before[-1]) and (cues.sport or self._person_before(i - 1))
        ):
            # `Sinner beats Zverev`, `Ronaldo scores`: a team's verb takes no -s
            # (`Liverpool agree`), an athlete's does, and so does who a person beats.
            self._person(text, i, single=True)
        elif cues.sport and (
            (verb and after is not None and after.low in TEAM_VERBS)
            or (before and before[-1] in OPPONENT_BEFORE)
        ):
            self._add("org", text, i)  # `Napoli go top`, `from Feyenoord`: a team
        elif (
            after is not None
            and after.low in SPEECH_VERBS
            and not self._plural_people(word)
            and tok.low not in SPEAKER_NOUNS  # `Diplomat says`
        ):
            self._person(text, i, single=True)  # `Sheinbaum says`: a surname alone
        elif verb and i > 0 and toks[i - 1].poss and self._person_before(i):
            self._add("org", text, i)  # `Keir Starmer's Labour wins`: a leader's party
        elif (
            possessed
            and cues.business
            and (after is None or after.low in FUNCTION_WORDS)
            and not self._plural_people(word)
        ):
            self._add("org", text, i)  # `a $12 bln deal with Malaysia's Petronas`
        elif self._leader_of_place(i):
            # `Serbia's Vucic calls`: its leader; in a story of money, its company
            # (`Norway's Equinor approves $6 bln ...`).
            if cues.business:
                self._add("org", text, i)
            else:
                self._person(text, i, single=True)
        elif (
            before
            and before[-1] == "the"
            and not self._plural_people(word)
            and (toks[j - 1].brk or (after is not None and after.low in PERSON_AFTER))
        ):
            # `The Louvre noted`: a name that acts; `the Jewish holiday` does not.
            self._add("org", ORG_ALIASES.get(word, word), i)
        elif i == 0 and verb and cues.person and not cues.company and not is_english_word(word):
            self._person(text, i, single=True)  # `Tinubu removes` / `the 71-year-old leader`
        elif (
            i == 0
            and after is not None
            and not after.cap
            and not self._plural_people(word)
            and not TOPONYM_END.search(tok.low)
            and not is_english_word(word)
            and tok.low not in COMPANY_NOUNS  # `Airline grounds jets`: the old dictionary
            and tok.low not in SPEAKER_NOUNS  # lacks words newer than it
            # `Seven-time world champion ...`: dictionary words joined by a hyphen.
            and not ("-" in word and all(map(is_english_word, word.split("-"))))
        ):
            # `Glencore in talks`, `Petrobras raises prices`: a text that opens with
            # one name no dictionary, gazetteer or index knows names a body; people
            # are introduced by their full name or a title.
            self._add("org", word, i)
        return j
