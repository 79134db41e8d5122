"""Near-duplicate teasers: the same story told again, found by its words, checked by its facts.

Exact dedup (`stream.identity`) only catches a teaser whose headline is unchanged;
this package flags a reworded one with the id of the earlier teaser of the same
story (`near_duplicate_of`). Two parts:

- `story`: the rule, pure functions over two texts (`same_story`, `overlap`,
  `facts`, `contradicts`), scored on labelled pairs by `benchmarks/bench_enrich.py`,
  over what `reading` reads in a text (its content words and facts);
- `index`: `NearDuplicateIndex`, which finds the candidates among every recorded
  teaser (by content word, `words`) and keeps its state in an injected mapping (a
  changelogged faust Table).
"""

from stream.enrich.neardup.index import (
    COMPARED,
    KEPT,
    NearDuplicateIndex,
    stored_record,
    teaser_text,
)
from stream.enrich.neardup.story import (
    Facts,
    Name,
    contradicts,
    facts,
    jaccard,
    overlap,
    same_story,
    shingles,
)

__all__ = [
    "COMPARED",
    "KEPT",
    "Facts",
    "Name",
    "NearDuplicateIndex",
    "contradicts",
    "facts",
    "jaccard",
    "overlap",
    "same_story",
    "shingles",
    "stored_record",
    "teaser_text",
]
