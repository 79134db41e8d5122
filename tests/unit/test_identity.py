"""What counts as the same teaser, and the deterministic ids (`stream/identity.py`)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stream import identity
from stream.identity import normalize, page_id, partition_for, teaser_id, teaser_key

# -- normalize ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # NFKC: compatibility forms become the plain letters and digits.
        ("ﬁnal Ｌａｖｒｏｖ ①", "final lavrov 1"),
        # Typographic quotes and apostrophes fold to ASCII.
        (
            "Macron’s ‘jealousy’ “quote” «guillemets» „low”",
            'macron\'s \'jealousy\' "quote" "guillemets" "low"',
        ),
        # Dashes and the minus sign fold to a hyphen.
        ("a — b – c ‒ d − e ‐ f", "a - b - c - d - e - f"),
        # Whitespace runs of any kind collapse to one space and are trimmed.
        ("  a \t\n b\u00a0\u2009c  ", "a b c"),
        # Zero-width characters go.
        ("Lav\u200brov\ufeff", "lavrov"),
        # Case is folded, not just lowered.
        ("STRASSE Straße", "strasse strasse"),
    ],
    ids=["nfkc", "quotes", "dashes", "whitespace", "zero-width", "casefold"],
)
def test_normalize_rules(text: str, expected: str) -> None:
    assert expected == normalize(text)


@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert once == normalize(once)


# Each ASCII character with the typographic variants a page may print instead.
_VARIANTS = {
    "'": "'’‘‛′`ʼ",
    '"': '"“”„‟«»',
    "-": "-—–‒―−‐‑",
    " ": " \t\n\u00a0\u2009\u3000",
}
_plain = st.text(st.sampled_from("abcXYZ 019'\"-"), min_size=1, max_size=30)


@st.composite
def _typographic_twin(draw: st.DrawFn) -> tuple[str, str]:
    plain = draw(_plain)
    twin = "".join(
        draw(st.sampled_from(_VARIANTS[char])) if char in _VARIANTS else char for char in plain
    )
    twin = draw(st.sampled_from([twin, twin.upper(), twin.title(), f"  {twin}\u200b "]))
    return plain, twin


@given(_typographic_twin())
def test_normalize_is_blind_to_typographic_variants(pair: tuple[str, str]) -> None:
    plain, twin = pair
    assert normalize(plain) == normalize(twin)


@pytest.mark.parametrize(("typographic", "plain"), [("Macron´s", "Macron's"), ("″x″", '"x"')])
def test_acute_accent_and_double_prime_fold_like_the_other_quotes(
    typographic: str, plain: str
) -> None:
    assert normalize(plain) == normalize(typographic)


# -- teaser identity ---------------------------------------------------------------


def test_teaser_key_is_the_headline_else_the_lead() -> None:
    expected = ("headline", "lead", "")
    assert expected == (
        teaser_key("Headline", "Lead"),
        teaser_key(None, "Lead"),
        teaser_key(None, None),
    )


def test_edited_lead_under_the_same_headline_is_the_same_teaser() -> None:
    assert teaser_id("Headline", "First lead") == teaser_id("Headline", "Edited lead")


def test_typographic_variants_of_a_headline_are_the_same_teaser() -> None:
    assert teaser_id("Macron’s ‘jealousy’ — senator", None) == teaser_id(
        "macron's 'jealousy' - SENATOR", "lead"
    )


def test_different_headlines_are_different_teasers() -> None:
    assert teaser_id("Lavrov says yes", None) != teaser_id("Lavrov says no", None)


def test_one_line_teaser_is_identified_by_its_lead_whichever_field_holds_it() -> None:
    # The parser may read a one-line teaser as headline or lead; the id is the same.
    line = "Russia’s Battlegroup Center inflicted roughly 430 casualties"
    assert teaser_id(None, line) == teaser_id(line, None)


@pytest.mark.parametrize(
    ("headline", "lead", "expected"),
    [
        (
            "Zelensky blocks peace in Ukraine to profit further from conflict — Russian senator",
            "any lead",
            "58b6260319bcc4cf",
        ),
        (None, "Russia’s Battlegroup Center inflicted roughly 430 casualties", "5b207ba6a2deb7ad"),
    ],
)
def test_teaser_ids_are_stable_across_runs(headline: str | None, lead: str, expected: str) -> None:
    # Pinned literals: a change here re-publishes every teaser already seen.
    assert expected == teaser_id(headline, lead)


# -- page and dead-letter ids ------------------------------------------------------


def test_page_id_is_pinned() -> None:
    expected = ("2e48e8c5e7c30ed7", "b4ce9765f6eb8529")
    assert expected == (
        page_id("https://tass.com/politics/2086735", "body"),
        page_id(None, "Headline\nLead\n"),
    )


def test_page_id_follows_the_url_not_the_body() -> None:
    url = "https://tass.com/politics/2086735"
    assert page_id(url, "first crawl") == page_id(f" {url}\n", "second crawl, edited")
    assert page_id(url, "body") != page_id("https://tass.com/politics/1", "body")


def test_page_id_without_url_follows_the_body() -> None:
    assert page_id(None, "body") == page_id("", "body") == page_id(None, b"body")
    assert page_id(None, "body") != page_id(None, "other body")
    assert page_id(None, "https://x") != page_id("https://x", "https://x")


def test_dead_letter_id_is_the_source_position() -> None:
    expected = "fe5e415e04e1b083"
    assert expected == identity.dead_letter_id("pages.raw", 3, 42)
    assert identity.dead_letter_id("pages.raw", 3, 43) != expected


# -- partitions --------------------------------------------------------------------


@given(st.text(), st.text(), st.integers(min_value=1, max_value=1024))
def test_partition_for_is_in_range_and_deterministic(
    headline: str, lead: str, partitions: int
) -> None:
    tid = teaser_id(headline, lead)
    partition = partition_for(tid, partitions)
    assert 0 <= partition < partitions
    assert partition == partition_for(teaser_id(headline, lead), partitions)


def test_partition_for_spreads_ids_evenly() -> None:
    counts = [0] * 8
    for n in range(8000):
        counts[partition_for(teaser_id(f"headline {n}", None), 8)] += 1
    # A uniform hash puts about 1000 in each; 800 is more than six sigma away.
    assert min(counts) > 800
