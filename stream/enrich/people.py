"""Who a surname stands for: the `PeopleIndex` that links `— Lavrov` to `Sergey Lavrov`.

Seeded with the people who dominate these feeds (`lexicon.SEED_PEOPLE`); it learns
the full names enrichment finds, and the caller owns and persists it (the worker
keeps one in a faust table). A surname alone becomes the full name seen before.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from stream.enrich.lexicon import SEED_PEOPLE


def surname_of(full_name: str) -> str:
    """The key a surname alone is looked up by: the last word of the name."""
    return full_name.split()[-1]


class PeopleIndex:
    """Who a surname stands for: seeded with the names that dominate these feeds.

    `learn(full_name)` records a name seen in full, so that a later surname alone
    links to it; the most recent full name with that surname wins, seeded people
    are never displaced, and spellings of a seeded person fold to its canonical
    name. `to_dict()` holds only what was learned (one entry per learned name, in
    the order learned) and is JSON-simple; `revision` counts the changes, so a
    caller persists it exactly when it moved.
    """

    #: Past this many learned names the oldest are forgotten (a bound on state).
    MAX_LEARNED: Final = 50_000

    def __init__(self, learned: Mapping[str, str] | None = None) -> None:
        self._canonical: dict[str, str] = {}
        self._seed_surnames: dict[str, str] = {}
        for name, (surnames, spellings) in SEED_PEOPLE.items():
            self._canonical[name] = name
            for spelling in spellings:
                self._canonical[spelling] = name
            for surname in surnames:
                self._seed_surnames[surname] = name
        self._learned: dict[str, str] = {}
        self._surnames: dict[str, str] = {}
        self.revision = 0
        for name in learned or {}:
            self.learn(name)
        self.revision = 0  # what was restored is no change

    def learn(self, full_name: str) -> str:
        """Record a full name; return the canonical name it stands for."""
        canonical = self._canonical.get(full_name)
        if canonical is not None:
            return canonical
        words = full_name.split()
        if not 2 <= len(words) <= 4 or any(ch.isdigit() for ch in full_name):
            return full_name
        surname = surname_of(full_name)
        if surname in self._seed_surnames:
            return full_name
        if self._surnames.get(surname) == full_name:
            return full_name  # already the one this surname stands for
        self.revision += 1
        self._learned.pop(full_name, None)  # re-learning makes it the most recent
        self._learned[full_name] = surname
        self._surnames[surname] = full_name
        while len(self._learned) > self.MAX_LEARNED:
            old = next(iter(self._learned))
            old_surname = self._learned.pop(old)
            if self._surnames.get(old_surname) == old:
                del self._surnames[old_surname]
        return full_name

    def canonical(self, full_name: str) -> str | None:
        """The canonical form of a known full name or spelling, else None."""
        if full_name in self._canonical:
            return self._canonical[full_name]
        return full_name if full_name in self._learned else None

    def by_surname(self, surname: str) -> str | None:
        """The full name a surname alone stands for, or None."""
        return self._seed_surnames.get(surname) or self._surnames.get(surname)

    def is_known_word(self, word: str) -> bool:
        """Whether a single word is a known surname (for splitting `Putin-Trump`)."""
        return self.by_surname(word) is not None

    def to_dict(self) -> dict[str, str]:
        return dict(self._learned)

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> PeopleIndex:
        return cls({k: "" for k in data if isinstance(k, str)})
