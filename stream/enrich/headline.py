"""Rules over a headline's shape: its attribution (`— Lavrov`) and its category (`IN BRIEF:`).

The attribution is the source after a trailing dash, unless the dash is inside a
quotation or between two places (`Rasht — Astara railway`); the category is a
leading rubric before a colon, unless the label names an entity (`NATO:`).
"""

from __future__ import annotations

import re

from stream.enrich.gazetteer import gazetteer
from stream.enrich.lexicon import (
    AUXILIARIES,
    CLAUSE_OPENERS,
    ORGANIZATIONS,
    RUBRICS,
    SPEAKER_NOUNS,
)

_DASH = re.compile(r"\s[—–-]\s|\s[—–]|[—–]\s")
_QUOTES_OPEN = "\"“«'‘`"


def attribution(headline: str | None) -> str | None:
    """The source after a trailing dash (`— Lavrov`), or None."""
    if not headline:
        return None
    split = _split_attribution(headline)
    return split[1] if split else None


def _split_attribution(headline: str) -> tuple[str, str] | None:
    if "—" not in headline and "–" not in headline and "-" not in headline:
        return None  # no dash at all (most headlines): spares the search
    text = headline.strip()
    for found in reversed(list(_DASH.finditer(text))):
        body, tail = text[: found.start()].rstrip(), text[found.end() :].strip()
        if _inside_quotes(body) or not body or not tail:
            continue
        if _quoted(body):
            # `'Wrong when one country strangles another' — Kremlin on X`.
            source = re.split(r"\s(?:on|about|over|says|said)\s", tail, maxsplit=1)[0]
            if _is_source(source):
                return body, source
            continue
        if _is_source(tail) and not _is_range(body, tail):
            return body, tail
        return None
    return None


def _inside_quotes(body: str) -> bool:
    """An opening quote with no closing one: the dash is inside a quotation."""
    straight = body.count('"') % 2 == 1
    curly = body.count("“") > body.count("”") or body.count("«") > body.count("»")
    return straight or curly


def _quoted(body: str) -> bool:
    return len(body) > 2 and body[0] in _QUOTES_OPEN and body[-1] in "\"”»'’"


def _is_source(tail: str) -> bool:
    """Whether a trailing dash segment reads as a source: a name, or a noun phrase.

    A name (`— Lavrov`, `— Kremlin on X`) or a known speaker noun
    (`— senior Russian diplomat`) always does; any other short phrase does unless
    it reads as the rest of a sentence (`— and it worked`, `— what we know`): it
    may not open with a function word nor hold an auxiliary verb. So a role, a
    body or an outlet no list knows counts (`— columnist`, `— rescuers`,
    `— official results`, `— disaster management authority`).
    """
    words = tail.rstrip(".!?").split()
    if not 1 <= len(words) <= 7 or any(c in tail for c in '"“”«»:'):
        return False
    last = words[-1].strip(",.'’")
    if not last:
        return False
    if last[:1].isupper() or last.isupper():
        return True
    low = last.casefold()
    if low in SPEAKER_NOUNS or (low.endswith("s") and low[:-1] in SPEAKER_NOUNS):
        return True
    lows = [w.strip(",.'’").casefold() for w in words]
    return (
        len(words) <= _MAX_PHRASE_WORDS
        and lows[0] not in CLAUSE_OPENERS
        and not any(w in AUXILIARIES for w in lows)
        and all(w.replace("-", "").isalpha() for w in lows)
    )


#: A source named by a noun phrase is short (`— disaster management authority`).
_MAX_PHRASE_WORDS = 4


def _is_range(body: str, tail: str) -> bool:
    """`Rasht — Astara railway`: a dash between two places, not before a source
    (`Owo — Ondo state governor`: a place's officer speaks)."""
    words = tail.split()
    if len(words) > 1 and words[-1].strip(",.").casefold() in SPEAKER_NOUNS:
        return False
    previous = body.split()[-1].strip(",")
    first = words[0].strip(",")
    gaz = gazetteer()
    places = (gaz.cities, gaz.countries)
    return any(previous in p for p in places) and any(first in p for p in places)


def category(headline: str | None) -> str | None:
    """A leading rubric (`IN BRIEF`, `Press review`) without its colon, or None."""
    if not headline or ":" not in headline:
        return None
    found = re.match(r"\s*([^:]{2,30}?)\s*:\s+\S", headline)
    if found is None:
        return None
    label = found.group(1)
    if label.casefold() in RUBRICS:
        return label
    words = label.split()
    if 1 <= len(words) <= 3 and label.isupper() and re.fullmatch(r"[A-Z &'-]+", label):
        gaz = gazetteer()
        if label in ORGANIZATIONS or label in gaz.countries or label in gaz.regions:
            return None
        return label
    return None
