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

#: A score: `2-0`, `35-7`, `1-1`.
_SCORE: Final = re.compile(r"\d{1,3}-\d{1,3}")
_MONEY_WORDS: Final = frozenset({"bln", "mln", "trln", "billion", "million", "trillion"})
_CURRENCY_SIGNS: Final = frozenset("$€£¥")
#: Words between `the` and the company noun it opens (`the Danish shipping group`).
_COMPANY_NOUN_REACH: Final = 4


@dataclass(frozen=True, slots=True)
class TeaserCues:
    sport: bool = False
    company: bool = False
    business: bool = False  # sums of money: `$6 bln`, `500 mln euros`


def teaser_cues(token_lists: list[list[Token]]) -> TeaserCues:
    lows = {tok.low for toks in token_lists for tok in toks}
    sport = not lows.isdisjoint(SPORT_WORDS) or any(
        "-" in low and _SCORE.fullmatch(low) for low in lows
    )
    business = not lows.isdisjoint(_MONEY_WORDS) or any(low[:1] in _CURRENCY_SIGNS for low in lows)
    company = False
    if not lows.isdisjoint(COMPANY_NOUNS):
        for toks in token_lists:
            for k, tok in enumerate(toks):
                if tok.low == "the" and any(
                    nxt.low in COMPANY_NOUNS
                    for nxt in toks[k + 1 : k + 1 + _COMPANY_NOUN_REACH]
                    if not nxt.brk or nxt is toks[k + 1]
                ):
                    company = True
    return TeaserCues(sport=sport, company=company, business=business)
