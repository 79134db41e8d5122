"""The tokenizer of enrichment: words, with the punctuation around them as flags.

A `Token` is a word with its shape computed once (capitalised, acronym, name-like)
and flags for what stood around it (a break, a dash, a possessive `'s`, the start
of a sentence), which is all the entity extractor reads. Compounds are split only
where a part is a known name on its own (`US-China`, `Putin-Trump`), which needs
the gazetteer and the people index.
"""

from __future__ import annotations

import re
from itertools import compress, count
from operator import not_
from typing import Final, NoReturn, cast

from stream.enrich.gazetteer import gazetteer
from stream.enrich.lexicon import STRONG_TOPONYM_END
from stream.enrich.people import PeopleIndex
from stream.identity import HYPHEN_FOLDS, QUOTE_FOLDS

# The quotes and hyphens that identity folds; dashes stay as written (see identity).
_FOLDS: Final = tuple({**QUOTE_FOLDS, **HYPHEN_FOLDS}.items())
_ASCII_FOLDS: Final = tuple((a, b) for a, b in _FOLDS if a.isascii())


def fold(text: str) -> str:
    """`text` with identity's quotes and hyphens folded (`’` -> `'`).

    One `replace` per character the text holds: `str.translate` with a table looks
    up every character of the text in a dictionary, ~8 % of a teaser's enrichment.
    """
    for typographic, plain in _ASCII_FOLDS if text.isascii() else _FOLDS:
        if typographic in text:
            text = text.replace(typographic, plain)
    return text


_DASHES: Final = frozenset({"—", "–", "-", "&"})
_MODIFIER_TAIL = re.compile(
    r"(?:ed|ing|led|run|born|made|held|built|style|wide|era|type|class|level|like|free|bound"
    r"|oriented|centric|friendly|owned|backed|based|speaking|funded|linked)$"
)
_SENTENCE_END = re.compile(r"[.:!?]")
_ABBREVIATIONS: Final = frozenset(
    {"St.", "Mr.", "Mrs.", "Ms.", "Dr.", "Jr.", "Sr.", "Ltd.", "Inc."}
)
_LEAD_PUNCT = "\"'([{"
_INITIALISM = re.compile(r"(?:[A-Z]\.)+")
_ACRONYM = re.compile(r"(?:[A-Z]\.){2,}|[A-Z][A-Z0-9&-]*[A-Z0-9]|[A-Z]{2,}s")
_NAMELIKE = re.compile(r"[^\W\d_]+(?:[-'.][^\W\d_]+)*\.?")
_ARTICLE_NAME = re.compile(r"(?:al|el|ad|ar|as|ash|at|az|an|ibn|bin|abu)-[A-Z][^\W\d_]+$")
_POSSESSIVE_NAMES: Final = frozenset({"People's", "Children's", "Women's", "Workers'"})
_TRAIL_PUNCT = "\"'.,;:!?)]}"


class _Fields:
    """A token's fields, writable: a token is filled in as this, then frozen (`_frozen`)."""

    __slots__ = ("acronym", "brk", "cap", "dash", "initial", "low", "namelike", "poss", "text")
    text: str
    low: str
    initial: bool  # first word of a sentence: capitalised whatever it is
    brk: bool  # punctuation after it: an entity does not run past it
    dash: bool  # that punctuation is a dash or a hyphen
    poss: bool  # it had a possessive `'s`
    cap: bool
    acronym: bool
    namelike: bool


class Token(_Fields):
    """A word and the punctuation around it, as flags; its shape computed once.

    Never changed once built: the tokenizer memoises tokens by their word and hands
    one object to every text that has the word, so a change to one would leak into
    other teasers. Setting an attribute raises; a token with other flags is a new
    one (`with_break`).
    """

    __slots__ = ()

    def __new__(
        cls,
        text: str,
        *,
        initial: bool = False,
        brk: bool = False,
        dash: bool = False,
        poss: bool = False,
    ) -> Token:
        tok = _new(_Fields)
        tok.text, tok.low, tok.initial = text, text.casefold(), initial
        tok.brk, tok.dash, tok.poss = brk, dash, poss
        tok.cap = cap = text[:1].isupper()
        # `NATO`, `U.S.`, `G7`, and plurals such as `UAVs`; lower-case words (most
        # of them) skip the regular expressions.
        tok.acronym = acronym = cap and _ACRONYM.fullmatch(text) is not None
        # A word a name could be made of: capitalised letters, not an acronym.
        tok.namelike = cap and not acronym and _NAMELIKE.fullmatch(text) is not None
        if not cap and _ARTICLE_NAME.match(text):
            # `al-Sisi`, `el-Sisi`: an Arabic name keeps its lower-case article.
            tok.cap = tok.namelike = True
        return _frozen(tok)

    @staticmethod
    def letters(text: str, *, initial: bool) -> Token:
        """A word of letters only (most words): its shape without regular expressions."""
        tok = _new(_Fields)
        tok.text, tok.low, tok.initial = text, text.casefold(), initial
        tok.brk = tok.dash = tok.poss = False
        if text[0].isupper():
            tok.cap = True
            # The same shapes as `_ACRONYM` for letters: `NATO`, and plurals (`UAVs`).
            tok.acronym = acronym = (
                len(text) > 1
                and text.isascii()
                and (text.isupper() or (len(text) > 2 and text[-1] == "s" and text[:-1].isupper()))
            )
            tok.namelike = not acronym
        else:
            tok.cap = tok.acronym = tok.namelike = False  # most words: lower case
        return _frozen(tok)

    def with_break(self, *, dash: bool) -> Token:
        """This token with a break after it (a dash or `&` follows), as a new token."""
        tok = _new(_Fields)
        tok.text, tok.low, tok.initial, tok.poss = self.text, self.low, self.initial, self.poss
        tok.cap, tok.acronym, tok.namelike = self.cap, self.acronym, self.namelike
        tok.brk, tok.dash = True, dash
        return _frozen(tok)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(
            f"Token.{name} cannot be set: a token is shared by every text that has its"
            " word (the tokenizer memoises them); build a new one"
        )

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"Token.{name} cannot be deleted: a token is never changed")


_new = object.__new__


def _frozen(fields: _Fields) -> Token:
    """The filled-in fields as a `Token`, which refuses changes.

    A change of class between two layouts of the same slots (`Token` adds none):
    one step, where writing each field through `object.__setattr__` cost ~1 µs a
    token.
    """
    fields.__class__ = Token
    return cast(Token, fields)


#: Tokens of words of letters only, by the word: mid-sentence (most words) and at a
#: sentence's start. A token is a pure function of its word, and a feed repeats its
#: words, so most words of a teaser are read by one dictionary lookup in C instead of
#: a new object each (issue 15's cost). Bounded: emptied when full, as the vocabulary
#: of a month drifts (the 665 labelled teasers have 3,796 such words mid-sentence),
#: and no word longer than `_MEMO_CHARS` is kept, so a hostile page of long words
#: cannot make a table large: a full one holds ~11 MB.
_PLAIN: dict[str, Token] = {}
_OPENING: dict[str, Token] = {}
_MEMO_WORDS: Final = 1 << 15
_MEMO_CHARS: Final = 40
#: What a word with punctuation reads as (its tokens, whether a sentence starts after
#: it), mid-sentence and at a sentence's start; not for compounds, which depend on
#: the people index.
_PUNCTUATED: dict[str, tuple[tuple[Token, ...], bool]] = {}
_PUNCTUATED_OPENING: dict[str, tuple[tuple[Token, ...], bool]] = {}


def _letters(chunk: str, *, initial: bool) -> Token:
    """The token of a word of letters only, memoised."""
    memo = _OPENING if initial else _PLAIN
    tok = memo.get(chunk)
    if tok is None:
        tok = Token.letters(chunk, initial=initial)
        if len(chunk) <= _MEMO_CHARS:
            if len(memo) >= _MEMO_WORDS:
                memo.clear()
            memo[chunk] = tok
    return tok


def tokenize(text: str, people: PeopleIndex) -> list[Token]:
    """Words with the punctuation around them turned into flags."""
    chunks = fold(text).split()
    # Mid-sentence words already memoised are copied in runs; only the others (new
    # words, punctuation, a sentence's first word) are read one by one below.
    # None where a lookup missed (`stops`): only the runs between misses are copied.
    known = cast("list[Token]", list(map(_PLAIN.get, chunks)))
    stops = [*compress(count(), map(not_, known)), len(chunks)]
    out: list[Token] = []
    initial = True
    i = stop = 0
    while True:
        if not initial:
            while stops[stop] < i:
                stop += 1
            if stops[stop] > i:
                out += known[i : stops[stop]]
                i = stops[stop]
        if i == len(chunks):
            return out
        chunk = chunks[i]
        i += 1
        if chunk.isalpha():
            # Most words: letters only, nothing around them to read.
            out.append(_letters(chunk, initial=initial))
            initial = False
            continue
        if chunk in _DASHES:
            if out:
                out[-1] = out[-1].with_break(dash=chunk != "&")
            continue
        memo = _PUNCTUATED_OPENING if initial else _PUNCTUATED
        read = memo.get(chunk)
        if read is None:
            read = _read_chunk(chunk, initial, people)
            if len(chunk) <= _MEMO_CHARS and "-" not in chunk and "–" not in chunk:
                if len(memo) >= _MEMO_WORDS:
                    memo.clear()
                memo[chunk] = read
        out += read[0]
        initial = read[1]


def _read_chunk(chunk: str, initial: bool, people: PeopleIndex) -> tuple[tuple[Token, ...], bool]:
    """The tokens of a word with punctuation, and whether a sentence starts after it."""
    word = chunk.lstrip(_LEAD_PUNCT)
    if len(word) != len(chunk):
        initial = True  # a quotation starts a sentence
    trail = ""
    while word and word[-1] in _TRAIL_PUNCT and word not in _ABBREVIATIONS:
        if word[-1] == "." and _INITIALISM.fullmatch(word):
            break  # U.S., U.K.
        trail = word[-1] + trail
        word = word[:-1]
    poss = False
    if word.endswith("'s") and len(word) > 2 and word not in _POSSESSIVE_NAMES:
        word, poss = word[:-2], True  # `People's Front` keeps its possessive
    elif word.endswith("s'") and len(word) > 2 and word not in _POSSESSIVE_NAMES:
        word, poss = word[:-1], True
    if not word:
        return (), initial
    out: list[Token] = []
    if "-" in word or "–" in word:
        parts = _split_compound(word, people)
        for index, part in enumerate(parts[:-1]):
            # `US-China`, `Putin-Trump`: two names, never one.
            apart = part[:1].isupper() and parts[-1][:1].isupper()
            out.append(Token(part, initial=initial and index == 0, brk=apart, dash=apart))
            initial = False
        word = parts[-1]
    out.append(Token(word, initial=initial, brk=poss or bool(trail), poss=poss))
    return tuple(out), bool(trail) and trail[0] != "," and _SENTENCE_END.search(trail) is not None


def _split_compound(word: str, people: PeopleIndex) -> list[str]:
    """`US-China` -> `US`, `China`; `Kurdish-populated` -> `Kurdish`, `populated`.

    Names stay whole (`Lvova-Belova`, `Al-Shujaiya`, `Rostov-on-Don`): a compound of
    capitalised parts is split only when a part is a known name on its own.
    """
    if "-" not in word and "–" not in word:
        return [word]
    parts = re.split(r"[-–]", word)
    if any(not p for p in parts) or any(c.isdigit() for c in word) or not word[:1].isupper():
        return [word]
    gaz = gazetteer()
    if word in gaz.cities or word in gaz.countries or word in gaz.regions:
        return [word]
    if not parts[-1][:1].isupper():
        # `Hong Kong-based`, `US-induced`, `Russian-speaking`: the lower-case tail is
        # a word of its own, so that the nationality rule sees it. `Cho Tae-yul`,
        # `Kim Jong-un` keep theirs: a name's syllable is no participle.
        head = [p for p in parts if p[:1].isupper()]
        tail = "-".join(parts[len(head) :])
        if (
            head
            and all(p[:1].isupper() for p in head)
            and tail[:1].islower()
            and _MODIFIER_TAIL.search(tail)
        ):
            return [*_split_compound("-".join(head), people), tail]
        return [word]
    known = any(STRONG_TOPONYM_END.search(p.casefold()) for p in parts) or any(
        p in gaz.countries
        or p in gaz.demonyms
        or p in gaz.cities
        or p in gaz.regions
        or people.is_known_word(p)
        for p in parts
    )
    return parts if known else [word]
