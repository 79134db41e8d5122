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
from stream.enrich.people import PeopleIndex
from stream.models import Enrichment

FIELDS: Final = ("attribution", "category", "people", "organizations", "places")
#: The targets the service is held to (organisations are reported, not held).
TARGETS: Final = {"attribution": 0.98, "category": 0.98, "people": 0.9, "places": 0.9}


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


def load_labels(path: Path) -> list[dict[str, Any]]:
    teasers: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["teasers"]
    return teasers


def evaluate(labels: list[dict[str, Any]]) -> Evaluation:
    """Scores per field, the disagreements, and the share of teasers tagged `en`."""
    people = PeopleIndex()
    scores = {field: Score() for field in FIELDS}
    errors: list[Disagreement] = []
    english = 0
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
    return Evaluation(scores, errors, english / len(labels))


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
