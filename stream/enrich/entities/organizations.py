"""Organisations: legal forms, heads of names, lists of bodies, teams after a city."""

from __future__ import annotations

from typing import Final

from stream.enrich.companies import is_company_form
from stream.enrich.entities.text import (
    TextScan,
    lower_words_before,
    word_after,
)
from stream.enrich.lexicon import (
    COMPANY_POSSESSIONS,
    CONNECTORS,
    FUNCTION_WORDS,
    NOT_NAMES,
    OBJECT_AFTER,
    OPPONENT_BEFORE,
    ORG_HEADS,
    TEAM_VERBS,
)
from stream.enrich.names import (
    is_common_word,
    is_given_name,
)

#: Words of the longest company name read up to its legal form.
_LONGEST_COMPANY: Final = 6

#: A city big enough for a team named after it (`Bilbao`, not `George`, South Africa).
_TEAM_CITY: Final = 250_000


class OrganizationRules(TextScan):
    """The rules that find organisations."""

    def _battlegroup(self, i: int) -> int:
        toks = self.toks
        j = i + (2 if toks[i].low == "battle" else 1)
        if j < len(toks) and toks[j].cap and not toks[j - 1].brk:
            self._add("org", f"Battlegroup {toks[j].text}", i)
            return j + 1
        return j

    def _company_end(self, i: int) -> int | None:
        """End of a capitalised run from i that ends with a legal form (`Ltd`), or None."""
        toks = self.toks
        j = i
        while j < len(toks) and toks[j].cap and j - i < _LONGEST_COMPANY:
            if j > i and is_company_form(toks[j].text, toks[j].low):
                return j + 1
            if toks[j].brk and not toks[j].text.endswith("."):
                return None
            j += 1
        return None

    def _org_after(self, end: int) -> int | None:
        """End of an organisation's name that starts at `end` (`Foreign Ministry`,
        `Indo-Pacific Command`, `Pacific Fleet`), or None."""
        toks = self.toks
        if end >= len(toks) or toks[end - 1].brk or not (toks[end].cap or toks[end].acronym):
            return None
        match = self._match(end)
        if match is not None and match[1] == "org":
            return match[0]
        j = end
        while j < len(toks) and (j == end or not toks[j - 1].brk) and j - end < 6:
            if not toks[j].cap:
                # `Agricultural and Livestock Research Organization`
                if toks[j].low not in {"and", "of"} or j + 1 >= len(toks) or not toks[j + 1].cap:
                    return None
                j += 1
                continue
            if self._is_title(j):
                return None
            if toks[j].low in ORG_HEADS:
                while j + 1 < len(toks) and toks[j + 1].cap and toks[j + 1].low in ORG_HEADS:
                    j += 1  # `Nuclear Power Plant`
                return j + 1
            j += 1
        return None

    def _body_of_person(self, i: int) -> int | None:
        """End of the name of the body a person belongs to, after their `of`, or None.

        `Heather Humphreys of Fine Gael`, `Duma Boko of the Umbrella for Democratic
        Change`: an unknown name right after a person's name and `of` (`the`) is
        their party, club or company; a known place there is where they are from.
        """
        toks = self.toks
        k = i - 1 if i > 0 and toks[i - 1].low == "the" else i
        if k < 2 or toks[k - 1].low != "of" or toks[k - 2].brk or self._match(i) is not None:
            return None
        last = self.out.mentions[-1] if self.out.mentions else None
        if (
            last is None
            or last.kind != "person"
            or not all(t.cap for t in toks[last.start : k - 1])
        ):
            return None
        j = i + 1
        while j < len(toks) and not toks[j - 1].brk:
            nxt = j
            while nxt < len(toks) and not toks[nxt].cap and toks[nxt].low in CONNECTORS:
                nxt += 1  # `Umbrella for Democratic Change`, `Alliance for the Union`
            if nxt >= len(toks) or not toks[nxt].cap:
                break
            j = nxt + 1
        return j

    def _org_list(self, j: int) -> int:
        """`Alibaba, Sinopec, JD.com and NetEase`: unknown names listed with one."""
        toks = self.toks
        while j < len(toks) and toks[j - 1].brk and toks[j - 1].text and not toks[j - 1].dash:
            nxt = j + 1 if toks[j].low == "and" else j
            if nxt >= len(toks) or not toks[nxt].cap or self._match(nxt) is not None:
                break
            end = nxt + 1
            if end < len(toks) and toks[end].cap and not toks[nxt].brk:
                break  # a longer name: not a simple list
            self._add("org", toks[nxt].text, nxt)
            j = end
        if j < len(toks) and toks[j].low == "and" and j + 1 < len(toks):
            nxt = j + 1
            if (
                toks[nxt].cap
                and self._match(nxt) is None
                and not (nxt + 1 < len(toks) and toks[nxt + 1].cap and not toks[nxt].brk)
            ):
                self._add("org", toks[nxt].text, nxt)
                j = nxt + 1
        return j

    def _team_after(self, end: int) -> bool:
        """A capitalised plural after a city that ends the name: `Dallas Mavericks`."""
        toks = self.toks
        after = word_after(toks, end)
        return (
            after is not None
            and after.namelike
            and after.text.endswith("s")
            and not (end + 1 < len(toks) and toks[end + 1].cap and not toks[end].brk)
            and self._match(end) is None
            and after.low not in NOT_NAMES
        )

    def _team(self, i: int, j: int) -> bool:
        """In a sports story, whether the name from i to j is a team.

        It is when it takes a team's verb in the plural (`Liverpool agree`,
        `Celtics win`), stands as the other side (`held by Genoa`, `beat Atletico
        Mineiro`), holds a city (`Paris Saint-Germain`) or ends with a common
        plural (`Boca Juniors`).
        """
        if not self.cues.sport:
            return False
        toks = self.toks
        after = word_after(toks, j)
        if after is not None and not after.cap and after.low in TEAM_VERBS:
            return True
        before = lower_words_before(toks, i, 1)
        if before and before[-1] in OPPONENT_BEFORE:
            return True
        if j - i < 2:
            return False
        first, last = toks[i], toks[j - 1]
        for tok in toks[i:j]:
            cities = self.gaz.cities.get(tok.text)
            if cities and cities[0].population >= _TEAM_CITY:
                # `Paris Saint-Germain`, not `Vincent Kompany` (a town in the US too).
                return tok is first or not is_given_name(first.text)
        return (
            last.low.endswith("s")
            and is_common_word(last.text)
            and not is_given_name(first.text)
            and not is_given_name(last.text[:-1])  # `Nico Williams`
        )

    def _acts_alone(self, i: int) -> bool:
        """`Nestle cuts`, `Woodside approves`: a singular name before a verb with an -s
        (`Shares of ...`, `Investors cheer ...` are plural)."""
        toks = self.toks
        after = word_after(toks, i + 1)
        return (
            after is not None
            and not after.cap
            and after.low.endswith("s")
            and not after.low.endswith("ss")
            and after.low not in FUNCTION_WORDS
            and not toks[i].low.endswith("s")
        )

    def _named_thing_at(self, j: int) -> bool:
        """`New Glenn rocket`, `Juice probe`: a name, then the thing it names."""
        toks = self.toks
        k = j
        while k < len(toks) and toks[k].cap and not toks[k].brk:
            k += 1
        return j < k < len(toks) and toks[k].low in OBJECT_AFTER

    def _company_possession(self, j: int) -> bool:
        """What a company has, within two words after a possessive (`Teck's coal unit`)."""
        toks = self.toks
        for tok in toks[j : j + 2]:
            if tok.low in COMPANY_POSSESSIONS:
                return True
            if tok.cap or tok.brk:
                return False
        return False
