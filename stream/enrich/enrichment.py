"""The enrichment of a teaser and the entities of an article: where the rules meet.

`enrich_teaser` reads a teaser's headline and lead once into tokens and hands them
to the entity extractor and the language vote, with the headline rules beside;
`article_entities` does the entity part for an article. Long texts are read from
their opening only, which bounds the cost of a hostile page.
"""

from __future__ import annotations

from operator import attrgetter

from stream.enrich.companies import company_forms
from stream.enrich.entities import extract
from stream.enrich.entities.text import known_kinds, known_spans
from stream.enrich.gazetteer import gazetteer
from stream.enrich.headline import attribution, category
from stream.enrich.language import language, word_count
from stream.enrich.names import given_names
from stream.enrich.neardup.reading import load_tables
from stream.enrich.people import PeopleIndex
from stream.enrich.tokens import tokenize
from stream.enrich.vocabulary import is_english_word
from stream.models import Enrichment, Entities


def enrich_teaser(headline: str | None, lead: str | None, *, people: PeopleIndex) -> Enrichment:
    """Attribution, category, entities, language and word count of one teaser.

    `near_duplicate_of` is left None: the near-duplicate index sets it. Full names
    found are learned into `people` (the caller persists it).
    """
    rubric = category(headline)
    body = headline.split(":", 1)[1].strip() if headline and rubric else headline
    token_lists = [tokenize(_opening(text), people) if text else [] for text in (body, lead)]
    words = [*map(_LOW, token_lists[0]), *map(_LOW, token_lists[1])]
    # Validated from plain data in one call (pydantic-core's loop, not ours): what
    # the extractor found is validated with the rest.
    return Enrichment.model_validate(
        {
            "attribution": attribution(headline),
            "category": rubric,
            "entities": extract(token_lists, people),
            "language": language(" ".join(_opening(t) for t in (headline, lead) if t), words),
            "word_count": word_count(headline, lead),
        }
    )


_LOW = attrgetter("low")


# Headlines and leads run to a few hundred characters (294 at most in the samples);
# the entities and language of a longer text are read from its opening only. A
# page's lead can be one line of a megabyte, and reading all of it for names cost
# half a second (`benchmarks/bench_hostile.py`).
_MAX_READ_CHARS = 2_000


def _opening(text: str) -> str:
    """The first `_MAX_READ_CHARS` of `text`, cut between words where there is a space."""
    if len(text) <= _MAX_READ_CHARS:
        return text
    space = text.rfind(" ", 0, _MAX_READ_CHARS + 1)
    return text[: space if space > 0 else _MAX_READ_CHARS]


def article_entities(headline: str, lead: str | None, *, people: PeopleIndex) -> Entities:
    """People, organisations and places of an article's headline and lead."""
    texts = (headline, lead)
    token_lists = [tokenize(_opening(text), people) if text else [] for text in texts]
    return Entities.model_validate(extract(token_lists, people))


def preload() -> None:
    """Build the gazetteer and load the word lists now rather than on the first teaser.

    A worker calls it at start-up, off its event loop, so that the first teaser
    does not stall heartbeats. `benchmarks/bench_enrich.py` prints its cost.
    """
    gazetteer()
    company_forms()
    is_english_word("word")
    given_names()
    known_kinds()
    known_spans()
    load_tables()  # the near-duplicate rule's countries, capitals and people
