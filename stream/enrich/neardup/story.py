"""What makes two teasers one story: their content words overlap and no fact differs.

Exact dedup (`stream.identity`) only catches a teaser whose headline is unchanged.
Editors reword: an attribution restyled, a word swapped, clauses reordered, a name
shortened, and the headline becomes a new teaser. The index
(`stream.enrich.neardup.index`) flags such a teaser with the id of the earlier
teaser of the same story; this module is the rule it applies, pure functions over
what `stream.enrich.neardup.reading` reads in a text.

The rule (`same_story` is its exact form): two texts are one story when their
content words overlap (`overlap`: shared / smaller set, at least the threshold,
`Settings.near_duplicate_threshold`, default 0.5) and no fact contradicts
(`contradicts`). Content words are the words of the text without function words
and without its names (compared as facts), reduced to their Snowball stem
(PyStemmer) of their American spelling (`defence` / `defense`), the words editors
swap folded to one (`neardup.lexicon`: `NEAR_DUP_EVENTS`, `NEAR_DUP_SYNONYMS`:
`quits` / `steps down`, `cuts` / `lowers`, `buy` / `acquisition`). Facts are what a
template sibling changes: its numbers and dates, and the unit after a number (`by 6
wickets` / `by 6 runs`, `$500 mln` / `$500 bln`); its names, where a short form
matches its name (`BoE` / `Bank of England`, `Mavericks` / `Dallas Mavericks`, `Man
Utd` / `Manchester United`) and a country its capital and its people (`Iran` /
`Tehran` / `Iranian`); the period a report covers; its outcomes
(`NEAR_DUP_AXES`: `rises` / `falls`, `strengthens` / `weakens`, `gold` / `silver`,
men's / women's, who beat whom); and its event (`declares martial law` / `arrested
over martial law`). Word overlap alone cannot work: daily reports of one template
(`X attacks Y Region with N drones in past day`) share more words than most
rewordings do, and only their facts differ.
`benchmarks/bench_enrich.py` scores the rule on labelled pairs
(`tests/fixtures/neardup_pairs.json`).
"""

from __future__ import annotations

from typing import Final

from stream.enrich.neardup.lexicon import MONTHS, WEEKDAYS
from stream.enrich.neardup.reading import BREAK, OUTCOME_DRAW, ROLE, SOURCE

# What a text asserts is read there; the index and callers import it from here.
from stream.enrich.neardup.reading import Facts as Facts
from stream.enrich.neardup.reading import Name as Name
from stream.enrich.neardup.reading import facts as facts


def shingles(text: str) -> set[str]:
    """The words that tell what happened: content words, stemmed, synonyms folded.

    Function words and the names of the text (its facts, compared apart) are left
    out, so that two stories of one actor do not look alike by the actor alone;
    a text of names only keeps them.
    """
    return content_words(text, facts(text))


def content_words(text: str, own: Facts) -> set[str]:
    """`shingles` of a text whose facts are known (`facts(text)`, computed once)."""
    if own.source != text:
        own = facts(text)
    return set(own.words)


def jaccard(a: str, b: str) -> float:
    """The exact Jaccard index of two texts' shingle sets (for tests and tuning)."""
    x, y = shingles(a), shingles(b)
    union = x | y
    return len(x & y) / len(union) if union else 0.0


def overlap(a: str, b: str) -> float:
    """The exact overlap coefficient of two texts' shingles: shared / smaller set."""
    x, y = shingles(a), shingles(b)
    return len(x & y) / min(len(x), len(y)) if x and y else 0.0


def _same_word(a: str, b: str) -> bool:
    """One name word, maybe inflected (`Kazakh` / `Kazakhs`) or cut (`Fed` /
    `Federal`, `Utd` / `United`)."""
    if a == b:
        return True
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    n = len(short)
    if n >= 4 and short[: max(4, n - 1)] == long[: max(4, n - 1)]:
        return True
    if n < 3 or short[0] != long[0]:
        return False
    # An abbreviation: its letters in order in the word (`Utd`, `Fed`, `Govt`).
    rest = iter(long)
    return all(c in rest for c in short)


def _within(x: tuple[str, ...], y: tuple[str, ...]) -> bool:
    for p in x:
        if p in y:
            continue
        first = p[0]
        if not any(q[0] == first and _same_word(p, q) for q in y):
            return False
    return True


def _names_match(a: Name, b: Name) -> bool:
    """`Dallas Mavericks` / `Mavericks`, `Bank of England` / `BoE`: one name.

    Two names of countries (or their capitals or people) match by country alone.
    Otherwise one name's words must all be in the other (a qualifier may be added,
    never swapped: `Bryansk Region` is not `Kursk Region`), or one is the other's
    initials.
    """
    if a.key and b.key and ROLE not in (a.key, b.key):
        return a.key == b.key
    x, y = a.words, b.words
    if x == y:
        return True
    # Every way to match starts two words alike: a prefix, an abbreviation, initials.
    fx, fy = x[0][0], y[0][0]
    if fx != fy and all(w[0] != fx for w in y) and all(w[0] != fy for w in x):
        return False
    return _within(x, y) or _within(y, x) or _initials(a, b) or _initials(b, a)


def _initials(short: Name, other: Name) -> bool:
    """`BoE` / `Bank of England`, `RBA` / `Reserve Bank of Australia`, `PS` /
    `PlayStation`."""
    if len(short.words) != 1:
        return False
    word = short.words[0]
    if len(other.words) == 1:
        return len(other.initials) >= 2 and word == other.initials
    return word == other.initials or word == "".join(w[0] for w in other.words)


# Neighbours that tell nothing of a slot when they follow a name.
_NO_SLOT: Final = frozenset({BREAK, SOURCE})


def _same_slot(a: tuple[Name, ...], b: tuple[Name, ...]) -> list[tuple[Name, Name]]:
    """The pairs of names that fill the same slot: the same word after them, or for
    two names capitalised as names, the same word before them. A source (after a
    dash) fills none."""
    after: dict[str, list[Name]] = {}
    before: dict[str, list[Name]] = {}
    for y in b:
        if y.before != SOURCE:
            if y.after not in _NO_SLOT:
                after.setdefault(y.after, []).append(y)
            if not y.soft:
                before.setdefault(y.before, []).append(y)
    pairs: list[tuple[Name, Name]] = []
    if not (after or before):
        return pairs
    for x in a:
        if x.before == SOURCE:
            continue
        for y in after.get(x.after, ()):
            pairs.append((x, y))
        if not x.soft:
            for y in before.get(x.before, ()):
                if y.after != x.after or x.after in _NO_SLOT:  # else paired above
                    pairs.append((x, y))
    return pairs


def contradicts(a: Facts, b: Facts) -> bool:
    """Whether two teasers assert different facts: not the same story.

    A fact present on both sides with different values: each side has a number the
    other lacks (`47 drones` / `63 drones`); a name each side lacks fills the same
    slot (`over Bryansk Region in` / `over Kursk Region in`, `Apple shares` /
    `Amazon shares`); both take different values on one axis (`rises` / `falls`,
    `in past day` / `in past week`) or name events and share none. A fact only one
    side gives (a dropped date, an added first name or source) is no contradiction.
    Who won is a fact: with one outcome word on each side, the same value must come
    with the same subject (`India beat Australia` is not `Australia beat India`),
    another value with another (`Brown loses to Moreno` is `Moreno defeats Brown`).
    """
    only_a = a.numbers - b.numbers
    if only_a:
        only_b = b.numbers - a.numbers
        if only_b and _other_numbers(only_a, only_b):
            return True
    for axis in a.axes.keys() & b.axes.keys():
        if axis != "outcome" and not (a.axes[axis] & b.axes[axis]):
            return True
    if "outcome" in a.axes and "outcome" in b.axes and _other_winner(a, b):
        return True
    matched: dict[int, bool] = {}

    def unmatched(n: Name, others: tuple[Name, ...]) -> bool:
        known = matched.get(id(n))
        if known is None:
            known = matched[id(n)] = any(_names_match(n, m) for m in others)
        return not known

    return any(
        unmatched(x, b.names) and unmatched(y, a.names) for x, y in _same_slot(a.names, b.names)
    )


def _other_numbers(only_a: frozenset[str], only_b: frozenset[str]) -> bool:
    """Whether the numbers, months and weekdays only each side gives share a kind."""
    if min(only_a) < "a" and min(only_b) < "a":
        return True  # digits sort first: a number on each side, as most siblings have
    return bool({_kind(n) for n in only_a} & {_kind(n) for n in only_b})


def _kind(value: str) -> int:
    return 1 if value in MONTHS else 2 if value in WEEKDAYS else 0


def _other_winner(a: Facts, b: Facts) -> bool:
    va, vb = a.axes["outcome"], b.axes["outcome"]
    if len(va) != 1 or len(vb) != 1 or OUTCOME_DRAW in va | vb:
        return not (va & vb)
    if not (0 <= a.subject < len(a.names) and 0 <= b.subject < len(b.names)):
        return va != vb
    x, y = a.names[a.subject], b.names[b.subject]
    same_subject = _names_match(x, y)
    return same_subject != (va == vb)


def same_story(a: str, b: str, *, threshold: float) -> bool:
    """The exact form of the index's rule: words overlap enough, and no fact differs."""
    return overlap(a, b) >= threshold and not contradicts(facts(a), facts(b))
