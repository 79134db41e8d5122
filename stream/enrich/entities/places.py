"""Places within one text: countries, nationality words, subdivisions, local places.

A country used attributively may name a body (`US Treasury`, `Kenya Airways`); a
nationality word counts only when it names the state; a state or province needs a
cue of place; a village no gazetteer holds is found by its cues and endings and
left for `resolution` to give a country.
"""

from __future__ import annotations

from typing import Final

from stream.enrich.entities.organizations import OrganizationRules
from stream.enrich.entities.text import lower_words_before, word_after
from stream.enrich.gazetteer import (
    SMALL_CITY,
    lookup_place,
)
from stream.enrich.lexicon import (
    FUNCTION_WORDS,
    GEO_HEADS,
    LOCATIVE,
    NONSTATE_HEADS,
    ORG_BEFORE,
    ORGANIZATIONS,
    PLACE_AFTER,
    PLACE_BEFORE,
    POSITION_WORDS,
    STATE_HEADS,
    STATE_ORG_HEADS,
    STRONG_TOPONYM_END,
    TITLE_PARTS,
    TITLES,
    TOPONYM_END,
    US_STATE_CUES,
)
from stream.enrich.names import is_common_word, is_given_name

#: Words before a one-word name that make it a local place (`in`, `and`): built
#: once, not at every test.
_LOCATIVE_OR_AND: Final = LOCATIVE | {"and"}
#: The last words of the cues before a local place (`village of`, `farmstead`).
_PLACE_BEFORE_LAST: Final = frozenset(cue[-1] for cue in PLACE_BEFORE)


#: Prepositions that put a place, not a person, after them (people are met `at`,
#: `from`, `to` someone as often as places are).
_INSIDE: Final = frozenset({"in", "near", "outside", "around"})


class PlaceRules(OrganizationRules):
    """The rules that find places (nationality words and organisations of a state too)."""

    def _subdivision(self, i: int, end: int, text: str, region_end: int | None) -> int | None:
        """A state or province (`Tamil Nadu`, `Punjab province`), where a cue stands.

        Its name is often a word or a person's name elsewhere, so it needs a cue:
        a preposition of place, a suffix (`province`, `state`), a country's
        possessive before it (`India's Tamil Nadu`) or a place and a comma before
        it (`Wayanad, Kerala`). Among namesakes the teaser's context chooses,
        else the most populous country. Without a cue it returns None: the scan
        reads the run as a name of another kind.
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
            return None
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
        named = self._name_after_nationality(i, end, text)
        if named is not None:
            return named
        after = word_after(toks, end)
        if not toks[end - 1].poss and after is not None and after.low in NONSTATE_HEADS:
            return end
        if not toks[end - 1].poss and after is not None and after.cap and after.low in GEO_HEADS:
            self._add("place", f"{text} {after.text}", i, place.country)  # `Panama Canal`
            return end + 1
        state = self.gaz.states.get(text)
        if state is not None:
            # `Georgia` is a country and a US state: `Georgia Governor` is the
            # state; else the teaser's other places choose, the country by default.
            if (after is not None and after.low in US_STATE_CUES) or (
                # `Plains, Georgia`: a state after a place and a comma.
                i > 0 and toks[i - 1].brk and not toks[i - 1].dash and self._is_place(i - 1)
            ):
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
        named = self._name_after_nationality(i, end, text)
        if named is not None:
            return named
        if self._names_state(end):
            self._add("place", country, i, code)
        return end

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

    def _place_cue(self, i: int, j: int) -> bool:
        toks = self.toks
        before = lower_words_before(toks, i, 2)
        if before and before[-1] in _PLACE_BEFORE_LAST:
            for cue in PLACE_BEFORE:
                if before[-len(cue) :] == cue:
                    return True
        after = word_after(toks, j)
        if after is not None and after.low in PLACE_AFTER:
            return True
        toponym = j - i == 1 and bool(TOPONYM_END.search(toks[i].low))
        if j - i == 1 and not toks[i].initial and STRONG_TOPONYM_END.search(toks[i].low):
            return True  # `shell Gorlovka`: these endings are places
        if j - i == 1 and toks[i].dash and j < len(toks) and STRONG_TOPONYM_END.search(toks[j].low):
            return True  # `Striguny-Novoaleksandrovka road`
        if toponym and i > 0 and toks[i - 1].poss and self._is_place(i - 1):
            return True  # `Zaporozhye Region's Kamenskoye`
        if (
            j - i == 2
            and toks[i].low in POSITION_WORDS
            and (
                (before and before[-1] in LOCATIVE)
                or (i > 0 and toks[i - 1].poss and self._is_place(i - 1))
            )
        ):
            return True  # `in East Kalimantan`, `Somalia's Lower Shabelle`
        if (
            j - i == 2
            and before
            and before[-1] in _INSIDE
            and not is_given_name(toks[i].text)
            and not is_common_word(toks[i].text)
        ):
            return True  # `reserves in Vaca Muerta`: no one's first name opens it
        if (
            j - i == 1
            and before
            and before[-1] in LOCATIVE
            and self._state_after_comma(j) is not None
        ):
            return True  # `in Plains, Georgia`
        if before and before[-1] in LOCATIVE and j - i <= 2:
            # `in Mecca`, `in Khan Younis`: another spelling of a city GeoNames knows.
            cities = self.gaz.alternates.get(self._span_text(i, j))
            if cities and cities[0].population >= SMALL_CITY:
                return True
        if j - i == 1 and before and before[-1] in _LOCATIVE_OR_AND:
            if toponym:
                return True
            # `in Oleshnya in Kursk region`: a local place inside a known one.
            if after is not None and after.low == "in":
                nxt = self._match(j + 1)
                return nxt is not None and nxt[1] in {"city", "region", "country", "state"}
        return False

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

    def _state_after_comma(self, end: int) -> str | None:
        """The country of a state or country named after a comma (`Paris, Texas`)."""
        toks = self.toks
        if end >= len(toks) or not toks[end - 1].brk or toks[end - 1].dash:
            return None
        name = toks[end].text
        return self.gaz.states.get(name) or self.gaz.countries.get(name)

    def _name_after_nationality(self, i: int, end: int, text: str) -> int | None:
        """`Saudi Aramco`, `China Evergrande`: a nationality or a country before one
        unknown name that is no common word nor anyone's first name is a company's;
        after a noun that names a body, any name is (`ruling party Georgian Dream`)."""
        toks = self.toks
        after = word_after(toks, end)
        before = lower_words_before(toks, i, 1)
        if (
            after is None
            or toks[end - 1].poss
            or not after.namelike
            or (end + 1 < len(toks) and toks[end + 1].cap and not after.brk)
            or (
                (is_common_word(after.text) or is_given_name(after.text))
                and not (before and before[-1] in ORG_BEFORE)
            )
            or self._match(end) is not None
        ):
            return None
        self._add("org", f"{text} {after.text}", i)
        return end + 1
