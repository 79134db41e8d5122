"""What the whole teaser says about its names: is it a sports story, does it speak of a company.

Read once over all of a teaser's tokens before its texts are scanned. In a sports
story a city or an unknown name that plays is a team (`Liverpool agree deal`,
`held by Genoa`); a lead that speaks of `the drugmaker` or `the airline` makes the
headline's unknown subject that company (`Maersk warns ...` / `The Danish shipping
group said`), where it would otherwise read as a person who speaks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import compress, count, repeat
from operator import attrgetter, contains
from typing import Final, NamedTuple

from stream.enrich.lexicon import (
    COMPANY_NOUNS,
    PERSON_NOUNS,
    SPORT_WORDS,
)
from stream.enrich.tokens import Token

#: Words between `the` and the company noun it opens (`the Danish shipping group`).
_COMPANY_NOUN_REACH: Final = 4
_LOW: Final = attrgetter("low")


class TeaserCues(NamedTuple):
    sport: bool = False
    company: bool = False
    business: bool = False  # sums of money: `$6 bln`, `500 mln euros`
    person: bool = False  # `the former general`, `the 71-year-old`


def teaser_cues(token_lists: list[list[Token]]) -> TeaserCues:
    # Set operations and substring tests in C: a regular expression with every
    # sports word cost ~35 µs a teaser on the sample's long leads, these ~5.
    low_lists = [list(map(_LOW, toks)) for toks in token_lists]
    lows = set().union(*low_lists)
    words = " ".join(lows)
    sport = (
        not lows.isdisjoint(SPORT_WORDS)
        or ("grand" in lows and ("final" in lows or "prix" in lows))
        or (
            "-" in words
            and _SCORE.search(" ".join(compress(lows, map(contains, lows, repeat("-")))))
            is not None
        )
    )
    business = not lows.isdisjoint(_MONEY_WORDS) or _MONEY_SIGN.search(words) is not None
    company = not lows.isdisjoint(COMPANY_NOUNS) and any(
        _the_noun(toks, text_lows, _is_company_noun)
        for toks, text_lows in zip(token_lists, low_lists, strict=True)
    )
    person = (not lows.isdisjoint(PERSON_NOUNS) or "year-old" in words) and any(
        _the_noun(toks, text_lows, _is_person_noun)
        for toks, text_lows in zip(token_lists, low_lists, strict=True)
    )
    return TeaserCues(sport=sport, company=company, business=business, person=person)


def _the_noun(toks: list[Token], lows: list[str], is_noun: Callable[[str], bool]) -> bool:
    """`the Danish shipping group`, `the 71-year-old leader`: `the`, a few words, a noun
    of the kind asked."""
    for k in compress(count(), map("the".__eq__, lows)):  # where `the` stands, found in C
        for nxt in toks[k + 1 : k + 1 + _COMPANY_NOUN_REACH]:
            if is_noun(nxt.low):
                return True
            if nxt.brk:
                break
    return False


def _is_company_noun(low: str) -> bool:
    return low in COMPANY_NOUNS


def _is_person_noun(low: str) -> bool:
    return low in PERSON_NOUNS or low.endswith("year-old")


#: A score: `2-0`, `35-7` (not a date's `2024-25` or a `737-800`). Searched in the
#: words with a hyphen only: it is one word (the tokenizer keeps a compound with a
#: digit whole), and a search of every word costs ~100 instructions a character.
_SCORE: Final = re.compile(r"(?<![\d-])\d{1,3}-\d{1,3}(?![\d-])")
_MONEY_SIGN: Final = re.compile("[$€£¥]")
_MONEY_WORDS: Final = frozenset({"bln", "mln", "trln", "billion", "million", "trillion"})
