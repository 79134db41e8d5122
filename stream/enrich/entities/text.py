"""The state of the scan over one text, and the lookups every rule shares.

`TextScan` holds a text's tokens, what is known (the gazetteer, the `PeopleIndex`,
the names seen in this teaser) and the mentions found so far. Its lookups are the
ones all rules read: the longest known name at a token (memoised), titles, cues
of place and region suffixes. The rules live in the modules named for what they
find (`people`, `organizations`, `places`), the order of reading in `scan`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from operator import attrgetter

from stream.enrich.entities.cues import TeaserCues
from stream.enrich.gazetteer import gazetteer, is_big_city
from stream.enrich.lexicon import (
    CONNECTORS,
    LOCATIVE,
    NOT_ENTITIES,
    NOT_NAMES,
    ORGANIZATIONS,
    PLACE_PARTICLES,
    REGION_SUFFIXES,
    TITLE_PARTS,
    TITLES,
)
from stream.enrich.names import companies
from stream.enrich.people import PeopleIndex
from stream.enrich.tokens import Token


@dataclass(slots=True)
class Mention:
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
class Extraction:
    mentions: list[Mention] = field(default_factory=list)
    full_names: list[str] = field(default_factory=list)


def lower_words_before(toks: list[Token], i: int, n: int) -> tuple[str, ...]:
    """Up to n words before position i, nearest last, stopping at punctuation."""
    words: list[str] = []
    j = i - 1
    while j >= 0 and len(words) < n:
        if toks[j].brk:
            break
        words.insert(0, toks[j].low)
        j -= 1
    return tuple(words)


def word_after(toks: list[Token], j: int) -> Token | None:
    """The token after a span ending at j, unless punctuation separates them."""
    if j < len(toks) and not toks[j - 1].brk:
        return toks[j]
    return None


@functools.cache
def known_kinds() -> dict[str, str]:
    """Every name the data knows, with its kind, in the order the kinds win.

    One lookup instead of one per table: names no entity (`New START`), bodies
    (ours and listed companies), regions, countries, nationalities, US states
    (unless a big city has the name: `Washington`), cities (and `St.` and `City`
    forms: `St. Petersburg`, `Gaza City`), subdivisions.
    """
    gaz = gazetteer()
    kinds: dict[str, str] = {}
    for name in NOT_ENTITIES:
        kinds.setdefault(name, "none")
    for name in (*ORGANIZATIONS, *companies()):
        kinds.setdefault(name, "org")
    for table, kind in (
        (gaz.regions, "region"),
        (gaz.countries, "country"),
        (gaz.demonyms, "demonym"),
    ):
        for name in table:
            kinds.setdefault(name, kind)
    for name in gaz.states:
        if not is_big_city(name):
            kinds.setdefault(name, "state")
    for name in gaz.cities:
        kinds.setdefault(name, "city")
        kinds.setdefault(f"{name} City", "city")  # `Gaza City`
        if name.startswith("Saint "):
            kinds.setdefault("St. " + name[6:], "city")
    for name in gaz.subdivisions:
        kinds.setdefault(name, "subdivision")
    return kinds


@functools.cache
def known_spans() -> dict[str, int]:
    """First word -> words in the longest name of `known_kinds` it opens."""
    spans = dict(gazetteer().spans)
    for name in (*companies(), *(n for n in known_kinds() if n.endswith(" City"))):
        words = name.split()
        spans[words[0]] = max(spans.get(words[0], 1), len(words))
    return spans


_TEXT = attrgetter("text")
#: Words before a name that make it a place (`in`, `of`, `between`).
_PLACE_WORDS_BEFORE = LOCATIVE | {"of", "between", "and"}


class TextScan:
    """One text's tokens, what is known, and the mentions found so far."""

    def __init__(
        self, toks: list[Token], people: PeopleIndex, local: dict[str, str], cues: TeaserCues
    ) -> None:
        self.toks = toks
        self.cues = cues  # what the whole teaser says (a sports story, a company)
        self.people = people
        self.local = local  # surname -> full name seen in this teaser
        self.gaz = gazetteer()
        self.out = Extraction()
        self._matches: dict[int, tuple[int, str, str] | None] = {}

    def _span_text(self, i: int, j: int) -> str:
        return " ".join(map(_TEXT, self.toks[i:j]))

    def _match(self, i: int) -> tuple[int, str, str] | None:
        """Longest known name starting at i, as (end, kind, text); memoised."""
        matches = self._matches
        if i in matches:
            return matches[i]
        match = matches[i] = self._find(i)
        return match

    def _find(self, i: int) -> tuple[int, str, str] | None:
        toks = self.toks
        if i >= len(toks):
            return None
        tok = toks[i]
        if not (tok.cap or tok.acronym):
            return None
        first = tok.text
        widest = known_spans().get(first, 1)
        if widest == 1:
            widest = self.people.span_from(first)
        elif (known := self.people.span_from(first)) > widest:
            widest = known
        if widest == 1:
            # Most names are one word long: no span to try.
            kind = self._kind(first, single=True)
            return None if kind is None else (i + 1, kind, first)
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
        kind = known_kinds().get(text)
        if kind == "none":
            return "none"
        if single and text.casefold() in NOT_NAMES:
            return None  # `Airport`, `Fleet`, `Republic` are towns somewhere
        if self.people.canonical(text) is not None:
            return "person"
        if kind == "org":
            return "org"
        if single and text in self.local:
            return "surname"  # `Hamilton` after `Lewis Hamilton`: the person, not the city
        if kind is not None:
            return kind
        if single and self.people.is_known_word(text):
            return "surname"  # a shared one (`Brown`) is a person too, as written
        return None

    def _place_context(self, i: int) -> bool:
        """A preposition of place before, a region suffix or a possessive after."""
        toks = self.toks
        before = lower_words_before(toks, i, 1)
        if before and before[-1] in _PLACE_WORDS_BEFORE:
            return True
        if i > 0 and toks[i - 1].dash and self._is_place(i - 1):
            return True  # `Rasht — Astara`, `Moscow-Denpasar`
        return toks[i].poss or self._region_suffix(i + 1) is not None

    def _place_before(self, i: int) -> Mention | None:
        """The place mention that ends right before token i, or None."""
        for m in reversed(self.out.mentions):
            if m.kind == "place" and m.start < i:
                return m if m.start >= i - 3 else None
        return None

    def _is_place(self, i: int) -> bool:
        """Whether a known place ends at token i (for ranges and possessives)."""
        for m in reversed(self.out.mentions):
            if m.kind == "place" and m.start <= i:
                return m.start >= i - 3
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

    def _add(self, kind: str, name: str, i: int, country: str | None = None) -> Mention:
        mention = Mention(kind, name, i, country)
        self.out.mentions.append(mention)
        return mention
