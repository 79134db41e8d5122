"""What the whole teaser says about its names: is it a sports story, does it speak of a company.

Read once over all of a teaser's tokens before its texts are scanned. In a sports
story a city or an unknown name that plays is a team (`Liverpool agree deal`,
`held by Genoa`); a lead that speaks of `the drugmaker` or `the airline` makes the
headline's unknown subject that company (`Maersk warns ...` / `The Danish shipping
group said`), where it would otherwise read as a person who speaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from stream.enrich.lexicon import COMPANY_NOUNS, SPORT_WORDS
from stream.enrich.tokens import Token

#: Words between `the` and the company noun it opens (`the Danish shipping group`).
_COMPANY_NOUN_REACH: Final = 4


@dataclass(frozen=True, slots=True)
class TeaserCues:
    sport: bool = False
    company: bool = False
    business: bool = False  # sums of money: `$6 bln`, `500 mln euros`


def teaser_cues(token_lists: list[list[Token]]) -> TeaserCues:
    words = " ".join(tok.low for toks in token_lists for tok in toks)
    return TeaserCues(
        sport=_SPORT.search(words) is not None,
        company=_COMPANY.search(words) is not None,
        business=_MONEY.search(words) is not None,
    )


def _words(words: frozenset[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_SPORT: Final = re.compile(
    rf"\b(?:{_words(SPORT_WORDS)}|grand final|grand prix)\b"
    r"|(?<![\d-])\d{1,3}-\d{1,3}(?![\d-])"  # a score: `2-0`, `35-7`
)
_COMPANY: Final = re.compile(
    rf"\bthe (?:\S+ ){{0,{_COMPANY_NOUN_REACH - 1}}}(?:{_words(COMPANY_NOUNS)})\b"
)
_MONEY: Final = re.compile(r"[$€£¥]|\b(?:bln|mln|trln|billion|million|trillion)\b")
