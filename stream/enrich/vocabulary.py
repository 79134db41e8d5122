"""Whether a word is an English dictionary word (`floods`, `gunmen`), not a name.

From `english-words` (its `web2` list, Webster's Second International): a text
that opens with a capitalised word no dictionary has is a name (`Glencore in
talks`), while `Floods kill 40` opens with a common noun. ~24 MB once loaded.
"""

from __future__ import annotations

import functools
from typing import Final

#: Endings folded to find a dictionary form (`floods`, `gunmen`, `achieving`).
_ENDINGS: Final = (
    ("ies", "y"),
    ("men", "man"),
    ("es", ""),
    ("s", ""),
    ("ing", ""),
    ("ing", "e"),
    ("ed", ""),
    ("ed", "e"),
    ("est", ""),
    ("est", "e"),
)


@functools.cache
def _words() -> frozenset[str]:
    from english_words import get_english_words_set  # type: ignore[import-untyped]  # untyped

    return frozenset(get_english_words_set(["web2"], lower=True))


def _known(low: str, words: frozenset[str]) -> bool:
    if low in words:
        return True
    for suffix, stem in _ENDINGS:
        if low.endswith(suffix):
            base = low[: -len(suffix)]
            if base + stem in words:
                return True
            if len(base) > 2 and base[-1] == base[-2] and base[:-1] in words:
                return True  # `hottest`, `stopped`: a doubled consonant
    return False


def is_english_word(word: str) -> bool:
    """Whether a word or an inflection of one is in the dictionary.

    Compounds are not split: `Glencore` would read as `glen` + `core`. So a new
    compound (`Heatwave`) is taken for a name.
    """
    return _known(word.casefold(), _words())
