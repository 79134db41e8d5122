"""The tokenizer of enrichment: words, with the punctuation around them as flags.

A `Token` is a word with its shape computed once (capitalised, acronym, name-like)
and flags for what stood around it (a break, a dash, a possessive `'s`, the start
of a sentence), which is all the entity extractor reads. Compounds are split only
where a part is a known name on its own (`US-China`, `Putin-Trump`), which needs
the gazetteer and the people index.
"""

from __future__ import annotations

import re
from typing import Final

from stream.enrich.gazetteer import gazetteer
from stream.enrich.lexicon import STRONG_TOPONYM_END
from stream.enrich.people import PeopleIndex
from stream.identity import HYPHEN_FOLDS, QUOTE_FOLDS

# The quotes and hyphens that identity folds; dashes stay as written (see identity).
_FOLD = str.maketrans({**QUOTE_FOLDS, **HYPHEN_FOLDS})
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


class Token:
    """A word and the punctuation around it, as flags; its shape computed once."""

    __slots__ = ("acronym", "brk", "cap", "dash", "initial", "low", "namelike", "poss", "text")

    def __init__(self, text: str, *, initial: bool = False) -> None:
        self.text = text
        self.initial = initial  # first word of a sentence: capitalised whatever it is
        self.brk = False  # punctuation after it: an entity does not run past it
        self.dash = False  # that punctuation is a dash or a hyphen
        self.poss = False  # it had a possessive `'s`
        self.cap = text[:1].isupper()
        self.low = text.casefold()
        # `NATO`, `U.S.`, `G7`, and plurals such as `UAVs`; lower-case words (most
        # of them) skip the regular expressions.
        self.acronym = self.cap and _ACRONYM.fullmatch(text) is not None
        # A word a name could be made of: capitalised letters, not an acronym.
        self.namelike = self.cap and not self.acronym and _NAMELIKE.fullmatch(text) is not None
        if not self.cap and _ARTICLE_NAME.match(text):
            # `al-Sisi`, `el-Sisi`: an Arabic name keeps its lower-case article.
            self.cap = self.namelike = True

    @classmethod
    def letters(cls, text: str, *, initial: bool) -> Token:
        """A word of letters only (most words): its shape without regular expressions."""
        tok = _new(cls)
        tok.text, tok.initial = text, initial
        tok.brk = tok.dash = tok.poss = False
        tok.low = text.casefold()
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
        return tok


_new = object.__new__


def tokenize(text: str, people: PeopleIndex) -> list[Token]:
    """Words with the punctuation around them turned into flags."""
    out: list[Token] = []
    initial = True
    for chunk in text.translate(_FOLD).split():
        if chunk.isalpha():
            # Most words: letters only, nothing around them to read.
            out.append(Token.letters(chunk, initial=initial))
            initial = False
            continue
        if chunk in _DASHES:
            if out:
                out[-1].brk = True
                out[-1].dash = chunk != "&"
            continue
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
            continue
        if "-" in word or "–" in word:
            parts = _split_compound(word, people)
            for index, part in enumerate(parts[:-1]):
                tok = Token(part, initial=initial and index == 0)
                # `US-China`, `Putin-Trump`: two names, never one.
                tok.brk = tok.dash = part[:1].isupper() and parts[-1][:1].isupper()
                out.append(tok)
                initial = False
            word = parts[-1]
        tok = Token(word, initial=initial)
        tok.poss = poss
        tok.brk = poss or bool(trail)
        out.append(tok)
        initial = bool(trail) and trail[0] != "," and _SENTENCE_END.search(trail) is not None
    return out


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
