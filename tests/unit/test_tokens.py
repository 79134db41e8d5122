"""The tokenizer's memo: one token object per word, shared by every text, never changed.

`stream.enrich.tokens` hands the same `Token` to every teaser with the word, so a
token changed by one reading (a break after it, a possessive) would change every
later teaser that has the word. These tests pin that a token cannot be changed,
that what the memo holds is what reading its word afresh gives, and that no
teaser's enrichment depends on the teasers read before it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from stream.enrich import PeopleIndex, enrich_teaser
from stream.enrich import tokens as tokens_module
from stream.enrich.scoring import load_labels
from stream.enrich.tokens import Token, tokenize

LABELS = Path(__file__).resolve().parents[1] / "fixtures" / "teaser_labels.json"


def _fields(tok: Token) -> tuple[object, ...]:
    return tuple(getattr(tok, name) for name in Token.__slots__)


def test_a_token_cannot_be_changed() -> None:
    tok = tokenize("Lavrov arrives in Geneva", PeopleIndex())[0]
    with pytest.raises(AttributeError, match="shared by every text"):
        tok.brk = True
    with pytest.raises(AttributeError):
        del tok.poss
    assert (tok.text, tok.brk, tok.poss) == ("Lavrov", False, False)


def test_a_word_reads_the_same_after_a_text_that_breaks_it() -> None:
    """A dash, `&`, a comma or a possessive after a word flags that text's token only."""
    people = PeopleIndex()
    text = "talks with Lavrov continue in Geneva and Paris"
    before = [_fields(t) for t in tokenize(text, people)]
    breaking = tokenize("talks with Lavrov — Geneva & Paris, talks with Lavrov's Geneva", people)
    assert [(t.text, t.brk, t.dash, t.poss) for t in breaking] == [
        ("talks", False, False, False),
        ("with", False, False, False),
        ("Lavrov", True, True, False),
        ("Geneva", True, False, False),
        ("Paris", True, False, False),
        ("talks", False, False, False),
        ("with", False, False, False),
        ("Lavrov", True, False, True),
        ("Geneva", False, False, False),
    ]
    assert [_fields(t) for t in tokenize(text, people)] == before


def test_the_memo_holds_what_reading_each_word_afresh_gives() -> None:
    people = PeopleIndex()
    for record in load_labels(LABELS):
        enrich_teaser(record["headline"], record["lead"], people=people)
    plain, opening = tokens_module._PLAIN, tokens_module._OPENING
    assert plain
    assert opening
    for memo, initial in ((plain, False), (opening, True)):
        for word, tok in memo.items():
            assert _fields(tok) == _fields(Token(word, initial=initial)), word
    punctuated = tokens_module._PUNCTUATED, tokens_module._PUNCTUATED_OPENING
    assert all(punctuated)
    for memo, initial in zip(punctuated, (False, True), strict=True):
        for chunk, (toks, after) in memo.items():
            fresh, fresh_after = tokens_module._read_chunk(chunk, initial, PeopleIndex())
            assert ([_fields(t) for t in toks], after) == (
                [_fields(t) for t in fresh],
                fresh_after,
            ), chunk


def test_no_enrichment_depends_on_the_teasers_read_before_it() -> None:
    """The sample enriched in order and in reverse order: the same for every teaser."""
    teasers = [(r["headline"], r["lead"]) for r in load_labels(LABELS)]
    forward = [enrich_teaser(h, lead, people=PeopleIndex()) for h, lead in teasers]
    backward = [enrich_teaser(h, lead, people=PeopleIndex()) for h, lead in reversed(teasers)]
    assert forward == backward[::-1]


def test_the_memo_keeps_no_long_word() -> None:
    """A hostile page of long words cannot fill the memo with them: they are read,
    not kept."""
    word = "a" * (tokens_module._MEMO_CHARS + 1)
    toks = tokenize(f"the {word} and {word.title()}, again", PeopleIndex())
    assert [t.text for t in toks] == ["the", word, "and", word.title(), "again"]
    assert word not in tokens_module._PLAIN
    assert f"{word.title()}," not in tokens_module._PUNCTUATED
    assert "the" in tokens_module._OPENING
    assert "and" in tokens_module._PLAIN
