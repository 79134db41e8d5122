"""What makes two teasers one story: their content words overlap and no fact differs.

Exact dedup (`stream.identity`) only catches a teaser whose headline is unchanged.
Editors reword: an attribution restyled, a word swapped, clauses reordered, a name
shortened, and the headline becomes a new teaser. This index flags such a teaser
with the id of the earlier teaser of the same story, so that `near_duplicate_of`
can be set; it never suppresses anything. Every piece of state lives in the
injected mapping (a changelogged faust Table in the worker, a dict in tests), so the
index survives restarts and any process that opens the same store sees the same
teasers.

The rule (`same_story` is its exact form): two texts are one story when their
content words overlap (`overlap`: shared / smaller set, at least the threshold,
`Settings.near_duplicate_threshold`, default 0.5) and no fact contradicts
(`contradicts`: another number, date, name or outcome on each side). Content words
(`shingles`) are the words after `identity.normalize`, without function words and
names, stemmed, with synonyms folded (`lexicon.NEAR_DUP_SYNONYMS`). Word overlap
alone cannot work: daily reports of one template (`X attacks Y Region with N
drones in past day`) share more words than most rewordings do, and only their
facts differ. `benchmarks/bench_enrich.py` scores the rule on labelled pairs
(`tests/fixtures/neardup_pairs.json`).
"""

from __future__ import annotations

import re
from typing import Any, Final, NamedTuple

from stream.enrich.lexicon import (
    CALENDAR_WORDS,
    NEAR_DUP_AXES,
    NEAR_DUP_STOPWORDS,
    NEAR_DUP_SYNONYMS,
    NUMBER_WORDS,
    TITLE_PARTS,
    TITLES,
)
from stream.enrich.vocabulary import is_english_word
from stream.identity import normalize

_WORD = re.compile(r"\w+")


def shingles(text: str) -> set[str]:
    """The words that tell what happened: content words, stemmed, synonyms folded.

    Function words and the names of the text (its facts, compared apart) are left
    out, so that two stories of one actor do not look alike by the actor alone;
    a text of names only keeps them.
    """
    return content_words(text, facts(text))


def content_words(text: str, own: Facts) -> set[str]:
    words = [_stem(w) for w in _WORD.findall(normalize(text)) if w not in NEAR_DUP_STOPWORDS]
    names = {w for name in own.names if not name.soft for w in name.words}
    kept = {w for w in words if w not in names}
    return kept or set(words)


def _stem(word: str) -> str:
    word = NEAR_DUP_SYNONYMS.get(word, word)
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def jaccard(a: str, b: str) -> float:
    """The exact Jaccard index of two texts' shingle sets (for tests and tuning)."""
    x, y = shingles(a), shingles(b)
    union = x | y
    return len(x & y) / len(union) if union else 0.0


def overlap(a: str, b: str) -> float:
    """The exact overlap coefficient of two texts' shingles: shared / smaller set."""
    x, y = shingles(a), shingles(b)
    return len(x & y) / min(len(x), len(y)) if x and y else 0.0


class Name(NamedTuple):
    """A run of capitalised words (`Bank of England`), case-folded, and its initials."""

    words: tuple[str, ...]
    initials: str
    # A lone dictionary word that opens the text is capitalised by position only
    # (`Floods kill`): it never contradicts, it only matches.
    soft: bool


class Facts(NamedTuple):
    """What a teaser asserts beyond its wording: numbers, names, outcome words."""

    numbers: frozenset[str]  # `47`, `4.75`, `2nd`, and months and weekdays
    names: tuple[Name, ...]
    axes: dict[str, frozenset[int]]  # see lexicon.NEAR_DUP_AXES

    def to_json(self) -> list[Any]:
        names = [[*n.words, n.initials, int(n.soft)] for n in self.names]
        return [sorted(self.numbers), names, {k: sorted(v) for k, v in self.axes.items()}]

    @classmethod
    def from_json(cls, value: Any) -> Facts | None:
        try:
            numbers, names, axes = value
            return cls(
                frozenset(map(str, numbers)),
                tuple(Name(tuple(n[:-2]), str(n[-2]), bool(n[-1])) for n in names),
                {str(k): frozenset(map(int, v)) for k, v in axes.items()},
            )
        except (TypeError, ValueError, AttributeError, IndexError):
            return None


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NAME_CONNECTORS: Final = frozenset({"of", "for", "and", "de", "do", "da", "the"})
_EDGE = "\"'“”‘’()[],.;:!?"


def facts(text: str) -> Facts:
    """The numbers, names and outcome words of a text (see `same_story`)."""
    numbers: set[str] = set()
    names: list[Name] = []
    axes: dict[str, set[int]] = {}
    run: list[str] = []
    soft = False
    tokens = text.split()
    # Words in capitals beside others in capitals (`5 CIVILIANS KILLED`) say nothing
    # about which are names; a lone one is an acronym (`NATO`).
    shouting = [t.isupper() and sum(c.isalpha() for c in t) >= 2 for t in tokens]
    uncased = [
        shout and ((k > 0 and shouting[k - 1]) or (k + 1 < len(tokens) and shouting[k + 1]))
        for k, shout in enumerate(shouting)
    ]

    def close() -> None:
        while run and run[-1] in _NAME_CONNECTORS:
            run.pop()
        if run:
            words = tuple(w for w in run if w not in _NAME_CONNECTORS)
            names.append(Name(words, "".join(w[0] for w in run), soft and len(words) == 1))
        run.clear()

    for index, raw in enumerate(tokens):
        if raw.islower() and raw.isalpha():
            # Most words: lower-case letters, no name, no digit, nothing around them.
            if raw in NUMBER_WORDS:
                numbers.add(NUMBER_WORDS[raw])
            elif raw in CALENDAR_WORDS:
                numbers.add(raw)
            if run and raw in _NAME_CONNECTORS:
                run.append(raw)
            else:
                close()
            if raw in NEAR_DUP_AXES:
                axis, value = NEAR_DUP_AXES[raw]
                axes.setdefault(axis, set()).add(value)
            continue
        word = raw.strip(_EDGE)
        if not word or word in "—–-":
            close()
            continue
        low = word.casefold()
        numbers.update(n.replace(",", "") for n in _NUMBER.findall(word))
        if low in NUMBER_WORDS:
            numbers.add(NUMBER_WORDS[low])
        elif low in CALENDAR_WORDS:
            numbers.add(low)
        parts = [p for p in re.split(r"[-’']", word) if p]
        capital = (
            not uncased[index]
            and any(p[:1].isupper() for p in parts)
            and not any(c.isdigit() for c in word)
        )
        if capital and low not in TITLES and low not in TITLE_PARTS:
            if not run:
                soft = (
                    index == 0
                    and not word.isupper()
                    and not re.search(r"['’]s?$", word)
                    and is_english_word(word)  # `Floods kill`, not `Toyota recalls`
                )
            run.extend(p.casefold() for p in parts if p[:1].isupper())
        elif run and low in _NAME_CONNECTORS:
            run.append(low)
        else:
            close()
        if not capital and low in NEAR_DUP_AXES:
            axis, value = NEAR_DUP_AXES[low]
            axes.setdefault(axis, set()).add(value)
        if raw[-1:] in ",.;:!?":
            close()
    close()
    axes.setdefault("negation", {-1})
    return Facts(frozenset(numbers), tuple(names), {k: frozenset(v) for k, v in axes.items()})


def _same_word(a: str, b: str) -> bool:
    """One name word, maybe inflected (`Nigeria` / `Nigerian`, `Kazakh` / `Kazakhs`)."""
    n = min(len(a), len(b))
    return a == b or (n >= 4 and a[: max(4, n - 1)] == b[: max(4, n - 1)])


def _names_match(a: Name, b: Name) -> bool:
    """`Dallas Mavericks` / `Mavericks`, `Bank of England` / `BoE`: one name.

    One name's words must all be in the other (a qualifier may be added, never
    swapped: `Bryansk Region` is not `Kursk Region`), or one is the other's initials.
    """

    def within(x: tuple[str, ...], y: tuple[str, ...]) -> bool:
        return all(p in y or any(_same_word(p, q) for q in y) for p in x)

    if within(a.words, b.words) or within(b.words, a.words):
        return True
    return _initials(a, b)


def _initials(a: Name, b: Name) -> bool:
    """`BoE` / `Bank of England`: one name of one word is the other's initials."""
    short, other = (a, b) if len(a.words) == 1 else (b, a)
    return len(short.words) == 1 and len(other.initials) >= 2 and short.words[0] == other.initials


def contradicts(a: Facts, b: Facts) -> bool:
    """Whether two teasers assert different facts: not the same story.

    A number, a name or an outcome present on both sides with different values:
    each side has a number the other lacks (`47 drones` / `63 drones`), a name the
    other lacks (`Bryansk Region` / `Kursk Region`), or both take different values
    on one axis (`rises` / `falls`). A fact only one side gives (a dropped date, an
    added first name) is no contradiction. With an outcome word on both sides, the
    first name both share must lead in both (`India beat Australia` is not
    `Australia beat India`).
    """
    if (a.numbers - b.numbers) and (b.numbers - a.numbers):
        return True
    only_a = [n for n in a.names if not n.soft and not any(_names_match(n, m) for m in b.names)]
    only_b = [n for n in b.names if not n.soft and not any(_names_match(n, m) for m in a.names)]
    if only_a and only_b:
        return True
    if any(not (a.axes[k] & b.axes[k]) for k in a.axes.keys() & b.axes.keys()):
        return True
    if "outcome" in a.axes and "outcome" in b.axes:
        shared_a = [n for n in a.names if any(_names_match(n, m) for m in b.names)]
        shared_b = [n for n in b.names if any(_names_match(n, m) for m in a.names)]
        if shared_a and shared_b and not _names_match(shared_a[0], shared_b[0]):
            return True
    return False


def same_story(a: str, b: str, *, threshold: float) -> bool:
    """The exact form of the index's rule: words overlap enough, and no fact differs."""
    return overlap(a, b) >= threshold and not contradicts(facts(a), facts(b))
