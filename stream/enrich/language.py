"""The language of a short text, and its word count.

Rule-based: the script decides where it is not Latin (three letters of it are
enough), else the function words of `lexicon.STOPWORDS` vote, and a tie or a
single vote says nothing. Headlines are short and full of names, and a lead
always carries function words, which is where this beats n-gram models.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from itertools import chain
from typing import Final

from stream.enrich.lexicon import STOPWORDS

_SCRIPTS: Final = (
    (re.compile(r"[\u0600-\u06ff]"), "ar"),
    (re.compile(r"[\u0590-\u05ff]"), "he"),
    (re.compile(r"[\u3040-\u30ff]"), "ja"),
    (re.compile(r"[\uac00-\ud7af]"), "ko"),
    (re.compile(r"[\u4e00-\u9fff]"), "zh"),
    (re.compile(r"[\u0370-\u03ff]"), "el"),
    (re.compile(r"[\u0900-\u097f]"), "hi"),
    (re.compile(r"[\u0e00-\u0e7f]"), "th"),
    (re.compile(r"[\u10a0-\u10ff]"), "ka"),
    (re.compile(r"[\u0530-\u058f]"), "hy"),
)
# Any letter of those scripts: most texts have none (typographic quotes and dashes
# make a text non-ASCII, not non-Latin), and one search spares ten.
_ANY_SCRIPT = re.compile("|".join(pattern.pattern for pattern, _ in _SCRIPTS))
_WORDS = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_CYRILLIC = re.compile(r"[а-яёіїєґ]")
_UKRAINIAN = re.compile(r"[іїєґ]")
_STOPWORD_LANGUAGES: Final[Mapping[str, tuple[str, ...]]] = {
    word: tuple(code for code, words in STOPWORDS.items() if word in words)
    for word in set().union(*STOPWORDS.values())
}


def language(text: str, words: list[str] | None = None) -> str | None:
    """ISO 639-1 code of a short text, by script and function words; None if unsure.

    `words`, the text's words case-folded, saves reading them again when the caller
    has them. Chosen over py3langid (3 of 201 sample headlines wrong, ~60-120 µs)
    and lingua (right, but milliseconds and ~100 MB): headlines are short and full
    of names, which n-gram models misread, while a lead always carries function words.
    """
    other_script = not text.isascii() and _ANY_SCRIPT.search(text) is not None
    if other_script:
        for pattern, code in _SCRIPTS:
            if len(pattern.findall(text)) >= 3:
                return code
    if words is None:
        words = [w.casefold() for w in _WORDS.findall(text)]
    if not words:
        return None
    # Most non-ASCII texts owe it to their quotes and dashes: one search of all the
    # words says whether any word is Cyrillic before they are counted one by one.
    if not text.isascii() and _CYRILLIC.search(" ".join(words)) is not None:
        cyrillic = sum(1 for w in words if _CYRILLIC.match(w))
        if cyrillic * 2 >= len(words):
            return "uk" if _UKRAINIAN.search(text.casefold()) else "ru"
    # Counted in C: the words of a long lead are most of a teaser's words. A vote per
    # language a function word is one of, then one `list.count` per language voted
    # for (a few), which costs less than building a `Counter`.
    votes = [*chain.from_iterable(filter(None, map(_STOPWORD_LANGUAGES.get, words)))]
    if not votes:
        return None
    voted = [*dict.fromkeys(votes)]  # in the order of their first vote
    counts = [*map(votes.count, voted)]
    top = max(counts)
    best = voted[counts.index(top)]  # the first to reach it, as a stable ranking has it
    second = sorted(counts)[-2] if len(counts) > 1 else 0
    # One function word settles it in a headline of several words when no other
    # language has any (`Toyota recalls 280,000 hybrids over faulty airbag sensor`).
    if top == 1 and second == 0 and len(words) >= _SINGLE_VOTE_WORDS:
        return best
    return best if top >= 2 and top > second else None


#: Words a text needs before a single function word may decide its language.
_SINGLE_VOTE_WORDS: Final = 4


def word_count(*texts: str | None) -> int:
    """Words in the texts: runs of letters or digits (`tit-for-tat`, `1,255` count once)."""
    return sum(_count(t) for t in texts if t)


_COUNTED = re.compile(r"\w+(?:[-'’.,]\w+)*")
# The same words in ASCII text, where `\w` is a table lookup instead of four
# Unicode database lookups per character.
_COUNTED_ASCII = re.compile(r"\w+(?:[-'.,]\w+)*", re.ASCII)
#: The non-ASCII characters of news text that are no letter, as ASCII ones that
#: stand where they do in `_COUNTED`: the apostrophe joins, the rest separate.
_COUNT_FOLDS: Final = (
    ("’", "'"),
    *((mark, " ") for mark in "—–‘“”«»…"),
)


def _count(text: str) -> int:
    if not text.isascii():
        for mark, plain in _COUNT_FOLDS:
            if mark in text:
                text = text.replace(mark, plain)
        if not text.isascii():
            return len(_COUNTED.findall(text))
    return len(_COUNTED_ASCII.findall(text))
