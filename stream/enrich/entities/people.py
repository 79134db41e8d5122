"""People: a full or lone name becomes a mention, linked through the `PeopleIndex`.

A surname alone stands for the full name this teaser or the index gives; a town's
name after a first name is a surname (`Bernie Moreno`); peoples and blocs are no one.
"""

from __future__ import annotations

from typing import Final

from stream.enrich.entities.text import TextScan, lower_words_before, word_after
from stream.enrich.gazetteer import is_big_city
from stream.enrich.lexicon import (
    BLOCS,
    FUNCTION_WORDS,
    NONSTATE_HEADS,
    OBJECT_AFTER,
    PERSON_POSSESSIONS,
)
from stream.enrich.names import is_common_word, is_given_name
from stream.enrich.people import surname_of
from stream.enrich.vocabulary import is_english_word

#: Prepositions that put a place, not a person, after them (`in Moreno`).
_PLACE_PREPOSITIONS: Final = frozenset({"in", "at", "near", "outside", "around", "into"})


class PeopleRules(TextScan):
    """The rules that find people."""

    def _person(self, text: str, i: int, *, single: bool) -> None:
        if single:
            name = self.local.get(text) or self.people.seeded(text) or text
        else:
            name = self.people.canonical(text) or text
            self.out.full_names.append(name)
            self.local.setdefault(surname_of(name), name)
            self.local.setdefault(surname_of(text), name)
        self._add("person", name, i)

    def _name_run(self, i: int, j: int, title: bool) -> None:
        """An unknown run of two or more name-like words: a person, unless it is not.

        A person's name opens with a first name or with a word no dictionary has
        (`Anura Kumara Dissanayake`, `Shaktikanta Das`). A run that opens with a
        common word (`Super Falcons`, `Europa Clipper`, `Human Services`) is no
        one's name, but a common word right before a first name is a description
        (`Spinners Sajid Khan`): the name is what follows it.
        Where the common word is capitalised mid-sentence and a first name follows,
        the run is a name all the same (`elects Anura Kumara Dissanayake`: `anura`
        is a dictionary word too). A title before the run makes it a person
        whatever it opens with.
        """
        toks = self.toks
        if title or not is_common_word(toks[i].text):
            self._person(self._span_text(i, j), i, single=False)
        elif j - i >= 3 and is_given_name(toks[i + 1].text):
            if toks[i].initial:  # `Spinners Sajid Khan take ...`: a description
                self._person(self._span_text(i + 1, j), i + 1, single=False)
            else:  # `elects Anura Kumara Dissanayake`: capitalised as a name
                self._person(self._span_text(i, j), i, single=False)
        elif toks[j - 1].low.endswith("s") and is_common_word(toks[j - 1].text):
            self._add("org", self._span_text(i, j), i)  # `Super Falcons`, `All Blacks`

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
        before = lower_words_before(toks, i, 1)
        if self._region_suffix(end) is not None or (before and before[0] in _PLACE_PREPOSITIONS):
            return False
        after = word_after(toks, end)
        if after is not None and after.cap:
            return False  # a longer name: let the rest of the scan decide
        first = toks[i].text
        # `Lewis Hamilton`: after a first name even a big city's name is a surname.
        return (
            title
            or not is_big_city(text)
            or (is_given_name(first) and first not in self.gaz.cities)
        )

    def _person_possession(self, i: int) -> bool:
        """`after Tavares exit`, `over Newsom's objections`: one unknown name before
        what only a person has or undergoes (a dictionary word there is a thing's)."""
        toks = self.toks
        j = i + 1
        return (
            j < len(toks)
            and (toks[i].poss or not toks[i].brk)
            and not toks[j].cap
            and toks[j].low in PERSON_POSSESSIONS
            and not is_english_word(toks[i].text)
        )

    def _plural_people(self, word: str) -> bool:
        """`the Americans`, `the West`: peoples and blocs, not organisations."""
        return word in BLOCS or (word.endswith("s") and word[:-1] in self.gaz.demonyms)

    def _leader_of_place(self, i: int) -> bool:
        """`Serbia's Vucic calls`: one name after a place's possessive, before a verb."""
        toks = self.toks
        if i == 0 or not toks[i - 1].poss or not self._is_place(i - 1):
            return False
        after = word_after(toks, i + 1)
        return (
            after is not None
            and not after.cap
            and after.low not in FUNCTION_WORDS
            and after.low not in NONSTATE_HEADS
            and after.low not in OBJECT_AFTER
            and not self._plural_people(toks[i].text)
        )

    def _person_before(self, i: int) -> bool:
        """Whether a person's name ends right before token i (`Keir Starmer's ...`)."""
        for m in reversed(self.out.mentions):
            if m.start < i:
                return m.kind == "person" and m.start >= i - 4
        return False
