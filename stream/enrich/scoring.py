"""Quality of enrichment against a hand-labelled set: precision, recall and F1 per field.

The labelled set is a JSON object whose `teasers` each hold a `headline`, a `lead`
and the expected `attribution`, `category`, `people`, `organizations` and
`places` (`tests/fixtures/teaser_labels.json` is the one the service is held to,
and states every labelling rule). `evaluate` runs `enrich_teaser` over them in
order with a fresh `PeopleIndex` that learns as it goes, as the worker's does.
Scores are micro-averaged over teasers. Attribution and category are single
values: a wrong value counts as a false positive and a false negative. People and
organisations are compared as sets of names (case-folded), places as sets of
(name, country) pairs, so a right name with a wrong country is wrong. The test
suite asserts the targets; `benchmarks/bench_enrich.py` prints the table.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, NamedTuple

from stream.enrich.enrichment import enrich_teaser
from stream.enrich.neardup import NearDuplicateIndex
from stream.enrich.people import PeopleIndex
from stream.models import Enrichment

FIELDS: Final = ("attribution", "category", "people", "organizations", "places")
#: The targets the service is held to (issue 15), on every labelled set.
TARGETS: Final = {
    "attribution": 0.98,
    "category": 0.98,
    "people": 0.9,
    "organizations": 0.9,
    "places": 0.9,
}


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


class Disagreement(NamedTuple):
    """One field of one teaser where enrichment and the label differ."""

    teaser: str  # its headline, else its lead
    field: str
    missed: set[Any]  # labelled, not found
    extra: set[Any]  # found, not labelled


class Evaluation(NamedTuple):
    scores: dict[str, Score]
    disagreements: list[Disagreement]
    english_share: float  # of teasers tagged `en` (every labelled teaser is English)
    # Of the places found whose name is labelled, the share with the labelled country.
    country_accuracy: float


def load_labels(path: Path, split: str | None = None) -> list[dict[str, Any]]:
    """The labelled teasers of a set, or only those of one `split` (`tune`, `held_out`)."""
    teasers: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["teasers"]
    return [t for t in teasers if split is None or t.get("split") == split]


def load_pairs(path: Path, split: str | None = None) -> list[dict[str, Any]]:
    """The labelled near-duplicate pairs, or only those of one `split`."""
    pairs: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["pairs"]
    return [p for p in pairs if split is None or p.get("split") == split]


def evaluate(labels: list[dict[str, Any]]) -> Evaluation:
    """Scores per field, the disagreements, and the share of teasers tagged `en`."""
    people = PeopleIndex()
    scores = {field: Score() for field in FIELDS}
    errors: list[Disagreement] = []
    english = 0
    named = right_country = 0
    for record in labels:
        got = enrich_teaser(record["headline"], record["lead"], people=people)
        english += got.language == "en"
        for field in FIELDS:
            gold, pred = _values(field, record), _values(field, got)
            score = scores[field]
            score.tp += len(gold & pred)
            score.fp += len(pred - gold)
            score.fn += len(gold - pred)
            if gold != pred:
                key = record["headline"] or record["lead"]
                errors.append(Disagreement(key, field, gold - pred, pred - gold))
        gold_country = {p["name"].casefold(): p["country"] for p in record["places"]}
        for place in got.entities.places:
            if place.name.casefold() in gold_country:
                named += 1
                right_country += place.country == gold_country[place.name.casefold()]
    accuracy = right_country / named if named else 1.0
    return Evaluation(scores, errors, english / len(labels), accuracy)


class PairScore(NamedTuple):
    """Near-duplicate verdicts on labelled pairs: precision and recall of `same_story`."""

    score: Score
    wrong: list[dict[str, Any]]  # the pairs judged against their label

    @property
    def precision(self) -> float:
        return self.score.precision

    @property
    def recall(self) -> float:
        return self.score.recall


def evaluate_pairs(pairs: list[dict[str, Any]], *, threshold: float) -> PairScore:
    """Each pair on its own: an empty index, `a` added, `b` checked against it."""
    score = Score()
    wrong: list[dict[str, Any]] = []
    for pair in pairs:
        index = NearDuplicateIndex({}, threshold=threshold)
        index.check_and_add("a", pair["a"])
        flagged = index.check_and_add("b", pair["b"]) == "a"
        score.tp += flagged and pair["same_story"]
        score.fp += flagged and not pair["same_story"]
        score.fn += not flagged and pair["same_story"]
        if flagged != pair["same_story"]:
            wrong.append(pair)
    return PairScore(score, wrong)


def _values(field: str, record: dict[str, Any] | Enrichment) -> set[Any]:
    if isinstance(record, Enrichment):
        if field in {"attribution", "category"}:
            value = getattr(record, field)
            return {value} if value else set()
        entities = record.entities
        if field == "places":
            return {(p.name.casefold(), p.country) for p in entities.places}
        return {name.casefold() for name in getattr(entities, field)}
    if field in {"attribution", "category"}:
        return {record[field]} if record[field] else set()
    if field == "places":
        return {(p["name"].casefold(), p["country"]) for p in record["places"]}
    return {name.casefold() for name in record[field]}
