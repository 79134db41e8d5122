"""Legal forms of companies (`Inc`, `PJSC`, `GmbH`, `S.A.`), from `cleanco`'s term data.

A capitalised name that ends with one is a company (`Tata Steel Ltd`, `Siemens
Energy GmbH`). The forms come from `cleanco`, which keeps them by country and type;
forms that are also words of running text (`as`, `et`) are left out, and so are
two-letter forms without full stops (`SA`, `NL`, `EU` are country and bloc codes
as often as forms: `S.A.` stays). A form counts only written with a capital, after
a name.
"""

from __future__ import annotations

import functools

from stream.enrich.lexicon import CLAUSE_OPENERS, FUNCTION_WORDS, NEAR_DUP_STOPWORDS


@functools.cache
def company_forms() -> frozenset[str]:
    """The legal forms, case-folded, with and without their full stops."""
    from cleanco.termdata import terms_by_type  # type: ignore[import-untyped]  # untyped

    words = FUNCTION_WORDS | CLAUSE_OPENERS | NEAR_DUP_STOPWORDS
    forms: set[str] = set()
    for terms in terms_by_type.values():
        for term in terms:
            term = term.strip()
            if " " in term or len(term.replace(".", "")) < 2:
                continue  # one token only: `gmbh & co. kg` is not read as one
            for form in (term, term.replace(".", "")):
                if form and form not in words and (len(form) > 2 or "." in form):
                    forms.add(form)
    return frozenset(forms)


def is_company_form(word: str, low: str | None = None) -> bool:
    """Whether a capitalised word is a company's legal form (`Inc.`, `AG`, `PJSC`);
    `low` is the word case-folded, where the caller has it (a token's `low`)."""
    return word[:1].isupper() and (word.casefold() if low is None else low) in company_forms()
