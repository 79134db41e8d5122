"""People: a full or lone name becomes a mention, linked through the `PeopleIndex`.

A surname alone stands for the full name this teaser or the index gives; a town's
name after a first name is a surname (`Bernie Moreno`); peoples and blocs are no one.
"""

from __future__ import annotations

from typing import Final

from stream.enrich.entities.text import TextScan, lower_words_before, word_after
from stream.enrich.gazetteer import is_big_city
from stream.enrich.lexicon import BLOCS
from stream.enrich.people import surname_of

#: Prepositions that put a place, not a person, after them (`in Moreno`).
_PLACE_PREPOSITIONS: Final = frozenset({"in", "at", "near", "outside", "around", "into"})


class PeopleRules(TextScan):
    """The rules that find people."""

    def _person(self, text: str, i: int, *, single: bool) -> None:
        if single:
            name = self.local.get(text) or self.people.by_surname(text) or text
        else:
            name = self.people.canonical(text) or text
            self.out.full_names.append(name)
            self.local.setdefault(surname_of(name), name)
            self.local.setdefault(surname_of(text), name)
        self._add("person", name, i)

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
        return title or not is_big_city(text)

    def _plural_people(self, word: str) -> bool:
        """`the Americans`, `the West`: peoples and blocs, not organisations."""
        return word in BLOCS or (word.endswith("s") and word[:-1] in self.gaz.demonyms)
