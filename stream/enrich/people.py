"""Who a surname stands for: the `PeopleIndex` that links `— Lavrov` to `Sergey Lavrov`.

Seeded with the people who dominate these feeds (`lexicon.SEED_PEOPLE`); it learns
the full names enrichment finds, and the caller owns and persists it (the worker
keeps one in a faust table). A seeded surname alone becomes the full name
(`— Lavrov`); a learned one marks a lone word as a person's surname, written as
the text writes it, since the full name learned from another teaser may be
another person's (`Sherrod Brown`, `Gordon Brown`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from stream.enrich.lexicon import SEED_PEOPLE


def _spellings(a: str, b: str) -> bool:
    """Two spellings of one first name (`Arthur` / `Artur`, `Sergey` / `Sergei`)."""
    first_a, first_b = a.split()[0].casefold(), b.split()[0].casefold()
    head = first_a[:_SHARED_PREFIX]
    return len(head) == _SHARED_PREFIX and first_b.startswith(head)


#: Letters two spellings of one first name share at the start.
_SHARED_PREFIX: Final = 3


def surname_of(full_name: str) -> str:
    """The key a surname alone is looked up by: the last word of the name."""
    return full_name.split()[-1]


class PeopleIndex:
    """Who a surname stands for: seeded with the names that dominate these feeds.

    `learn(full_name)` records a name seen in full, so that a later surname alone
    links to it. A surname links only to one person: two learned people who share
    it (`Sherrod Brown`, `Gordon Brown`) leave it standing for nobody, because the
    most recent one is as likely wrong as right; two spellings of one name
    (`Arthur Petrov`, `Artur Petrov`) are one person, the latest spelling kept.
    Seeded people are never displaced, and spellings of a seeded person fold to
    its canonical name. `to_dict()` holds only what was learned (one entry per
    learned name, in the order learned) and is JSON-simple; `revision` counts the
    changes, so a caller persists it exactly when it moved.
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
        self._owners: dict[str, list[str]] = {}  # surname -> the learned people of it
        # First word -> words in the longest known name it opens (a bound for scans).
        self._spans: dict[str, int] = {}
        for name in self._canonical:
            self._note_span(name)
        self.revision = 0
        # Learned names added or forgotten since `changes()` was last asked: what an
        # incremental store must write (one key per name, not the whole index).
        self._changed: set[str] = set()
        for name in learned or {}:
            self.learn(name)
        self.revision = 0  # what was restored is no change
        self._changed.clear()

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
        owners = self._owners.setdefault(surname, [])
        if owners and owners[-1] == full_name:
            return full_name  # already the latest this surname was seen with
        self.revision += 1
        for old in [o for o in owners if o == full_name or _spellings(o, full_name)]:
            owners.remove(old)  # `Artur Petrov` replaces `Arthur Petrov`
            self._learned.pop(old, None)
            self._changed.add(old)
        owners.append(full_name)
        self._learned[full_name] = surname
        self._changed.add(full_name)
        self._note_span(full_name)
        while len(self._learned) > self.MAX_LEARNED:
            old = next(iter(self._learned))
            old_surname = self._learned.pop(old)
            self._changed.add(old)
            left = [o for o in self._owners.get(old_surname, ()) if o != old]
            if left:
                self._owners[old_surname] = left
            else:
                self._owners.pop(old_surname, None)
        return full_name

    def _note_span(self, name: str) -> None:
        words = name.split()
        self._spans[words[0]] = max(self._spans.get(words[0], 1), len(words))

    def span_from(self, word: str) -> int:
        """Words in the longest known name that starts with `word` (1 if none).

        Names forgotten past `MAX_LEARNED` keep their bound: it only limits a scan.
        """
        return self._spans.get(word, 1)

    def canonical(self, full_name: str) -> str | None:
        """The canonical form of a known full name or spelling, else None."""
        if full_name in self._canonical:
            return self._canonical[full_name]
        return full_name if full_name in self._learned else None

    def by_surname(self, surname: str) -> str | None:
        """The full name a surname alone stands for, or None (unknown or shared)."""
        seeded = self._seed_surnames.get(surname)
        if seeded is not None:
            return seeded
        owners = self._owners.get(surname)
        return owners[0] if owners and len(owners) == 1 else None

    def seeded(self, surname: str) -> str | None:
        """The full name of a seeded surname (`Lavrov` -> `Sergey Lavrov`), or None."""
        return self._seed_surnames.get(surname)

    def is_known_word(self, word: str) -> bool:
        """Whether a single word is a known surname (for splitting `Putin-Trump`)."""
        return word in self._seed_surnames or word in self._owners

    def changes(self) -> dict[str, bool]:
        """Each learned name added (True) or forgotten (False) since the last call.

        A name re-learned after being forgotten counts as added, and moves to the
        end of the learned order, as `learn` moved it.
        """
        changed = {name: name in self._learned for name in self._changed}
        self._changed.clear()
        return changed

    def to_dict(self) -> dict[str, str]:
        return dict(self._learned)

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> PeopleIndex:
        return cls({k: "" for k in data if isinstance(k, str)})
