"""Names from maintained data: given names and listed companies."""

from __future__ import annotations

from stream.enrich.names import companies, is_common_word, is_given_name


def test_given_names_come_from_many_countries_and_common_words_are_not_names() -> None:
    for name in ("Sajid", "Kumara", "Coco", "Leo", "Mahmoud"):
        assert is_given_name(name), name
    assert not is_given_name("Marxist")
    assert is_common_word("Marxist")
    assert is_common_word("Super")
    assert not is_common_word("Leo")  # a dictionary word, but also a first name


def test_listed_companies_by_the_names_headlines_use() -> None:
    names = companies()
    assert {"Pfizer", "Glencore", "Saab", "Volkswagen", "Anglo American"} <= names
    # Known with and without a legal form or a group word (`Saab AB`, `Volkswagen Group`).
    assert {"Saab AB", "Volkswagen Group"} <= names
    # Places, dictionary words and first names are left to the context.
    assert not {"Toyota", "Shell", "Mercedes"} & names
