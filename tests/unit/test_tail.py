"""stream.cli.tail: a record as a JSON line, and `--pretty` for people (pure)."""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from stream.cli.tail import render, render_pretty


@dataclass
class Record:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None


ARTICLE = Record(
    "articles.parsed", 3, 17, b"ba140a890f279f00", b'{"schema":"article/1","lead":"x"}'
)


def test_pretty_says_where_a_record_came_from_then_indents_it() -> None:
    text = render_pretty(ARTICLE, colour=False)
    where, body = text.split("\n", 1)
    assert where == "-- articles.parsed[3]@17 key=ba140a890f279f00"
    assert body == '{\n  "schema": "article/1",\n  "lead": "x"\n}\n'
    assert orjson.loads(body) == orjson.loads(render(ARTICLE))
    assert "\x1b" not in text


def test_pretty_dims_the_where_line_only_for_a_terminal() -> None:
    text = render_pretty(ARTICLE, colour=True)
    assert text.startswith("\x1b[2m-- articles.parsed[3]@17")
    assert text.count("\x1b") == 2  # dim, reset: the JSON itself stays plain


def test_a_value_that_is_not_json_is_wrapped_with_where_it_came_from() -> None:
    raw = Record("pages.raw", 0, 5, None, b"\xff\xfe")
    assert orjson.loads(render(raw)) == {
        "topic": "pages.raw",
        "partition": 0,
        "offset": 5,
        "key": None,
        "value": "//4=",
        "value_encoding": "base64",
    }
    assert render_pretty(raw, colour=False).startswith("-- pages.raw[0]@5 key=None\n{\n")
