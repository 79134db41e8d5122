"""An article's dateline place and its country come from one title-caser and one gazetteer.

`stream.parse` spells the place of `ROSTOV-ON-DON, May 5. /TASS/.` with
`stream.enrich.gazetteer.title_case`, and the pipeline finds its country with
`resolve_place`, which title-cases the same way: once they had a title-caser each,
and the dateline read `Rostov-On-Don` with no country while `resolve_place`
answered RU.
"""

from __future__ import annotations

import datetime as dt

import pytest

from stream import pipeline
from stream.enrich import resolve_place, title_case
from stream.intake import InputMessage
from stream.models import Place
from stream.settings import Settings

NOW = dt.datetime(2026, 5, 6, 8, 0, tzinfo=dt.UTC)


def _dateline(written: str) -> tuple[str | None, str | None]:
    body = f"Headline of the story\nLead of the story.\n{written}, May 5. /TASS/. Body text.\n"
    message = InputMessage(value=body.encode())
    article = pipeline.process_page(message, Settings(partitions=8), now=NOW).article
    assert article is not None
    assert article.dateline is not None
    return article.dateline.place, article.dateline.country


def test_rostov_on_don_dateline_has_its_place_and_country() -> None:
    assert _dateline("ROSTOV-ON-DON") == ("Rostov-on-Don", "RU")


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("MOSCOW", ("Moscow", "RU")),
        ("ST. PETERSBURG", ("St. Petersburg", "RU")),
        ("BOSNIA AND HERZEGOVINA", ("Bosnia and Herzegovina", "BA")),
        ("UAE", ("UAE", "AE")),
        ("NOWHERESVILLE", ("Nowheresville", None)),
        # A state or province no city list holds: ISO 3166-2, as the entities read it.
        ("KERALA", ("Kerala", "IN")),
        ("RIO GRANDE DO SUL", ("Rio Grande do Sul", "BR")),
    ],
)
def test_dateline_place_is_spelled_as_resolved(
    written: str, expected: tuple[str, str | None]
) -> None:
    assert expected == _dateline(written)


@pytest.mark.parametrize(
    "written", ["ROSTOV-ON-DON", "RIO DE JANEIRO", "BOSNIA AND HERZEGOVINA", "N'DJAMENA", "UAE"]
)
def test_resolve_place_of_the_title_cased_name_is_that_of_the_capitals(written: str) -> None:
    assert resolve_place(written) == resolve_place(title_case(written))


def test_resolve_place_of_rostov_on_don() -> None:
    assert Place(name="Rostov-on-Don", country="RU") == resolve_place("Rostov-on-Don")
