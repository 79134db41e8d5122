"""Hostile inputs for `pages.raw`, by kind: one catalogue for the tests and the benchmark.

Each kind is a message a crawler bug, a broken proxy or an attacker could put on the
topic, with the outcome the pipeline owes it: a dead-letter reason, or `article`
when the input is, however odd, a page. `tests/unit/test_hostile.py` checks the outcomes,
`tests/integration/test_bad_input_volume.py` sends them through a real worker, and
`benchmarks/bench_hostile.py` times them. Sizes are relative to the page limit so
that a test can shrink them with a smaller `max_page_bytes`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from importlib import resources

import orjson

#: The outcome of a message that becomes an article rather than a dead letter.
ARTICLE = "article"
#: The smallest page limit the catalogue is built for: the kinds within the parser's
#: fixed limits (tags, `Read more` lines) run to about 170 kB.
MIN_PAGE_BYTES = 200_000

#: The bundled sample page `000` (the same file as the tests' `SAMPLE_000`).
GOOD_TEXT = (
    resources.files("stream.data.pages").joinpath("000_4065343f77174ab1.txt").read_text("utf-8")
)
_ARTICLE_HEAD = (
    "Lavrov tells US to stop meddling\nA lead line for the article\n"
    "MOSCOW, February 11. /TASS/. A body paragraph.\n"
)
_HTML_HEAD = "<html><body><h1>Deep page</h1><p>A lead line for the article</p>"


@dataclass(frozen=True, slots=True)
class Hostile:
    """A message's value and headers (the key is the kind's name) and its due outcome."""

    kind: str
    value: bytes | None
    outcome: str
    headers: tuple[tuple[str, bytes], ...] = ()


def _envelope(**fields: object) -> bytes:
    return orjson.dumps(fields)


def _fill(unit: str, size: int, head: str = "") -> bytes:
    """`head` then `unit` repeated up to about `size` bytes."""
    room = max(size - len(head.encode()), 0)
    return (head + unit * (room // len(unit.encode()))).encode()


def _nested_json(depth: int) -> bytes:
    return b'{"body": "x", "deep": ' + b"[" * depth + b"]" * depth + b"}"


def _nested_envelope(depth: int) -> bytes:
    return b'{"body": ' * depth + b'"x"' + b"}" * depth


def _sprinkle(text: str, mark: str, every: int) -> str:
    """`mark` after every `every`-th character of `text`."""
    return mark.join(text[i : i + every] for i in range(0, len(text), every))


def _many_teasers(size: int) -> bytes:
    """An article then distinct teasers (headline, lead, `Read more`) up to `size` bytes."""
    blocks = [_ARTICLE_HEAD]
    total, i = len(_ARTICLE_HEAD), 0
    while total < size:
        block = f"Teaser headline number {i}\nIts lead line {i}\nRead more\n"
        blocks.append(block)
        total += len(block)
        i += 1
    return "".join(blocks).encode()


def catalogue(max_page_bytes: int) -> list[Hostile]:
    """Every hostile kind, sized for a worker whose page limit is `max_page_bytes`.

    The big kinds fill most of the limit (`big`), where a parser's worst case lives.
    """
    if max_page_bytes < MIN_PAGE_BYTES:
        raise ValueError(
            f"max_page_bytes {max_page_bytes:,} is below {MIN_PAGE_BYTES:,}: the big kinds "
            "would no longer be above the parser's fixed limits; use a larger one"
        )
    big = max_page_bytes * 9 // 10
    # What an envelope around the good page may add and stay under the limit.
    pad = big - len(GOOD_TEXT.encode()) - 1_000
    rng = random.Random(6)
    good = GOOD_TEXT
    kinds = [
        # -- not a page at all ------------------------------------------------------
        Hostile("empty", b"", "empty"),
        Hostile("null", None, "empty"),
        Hostile("whitespace", b" \n\t\r" * 1000, "empty"),
        Hostile("binary", rng.randbytes(big), "not_utf8"),
        Hostile("invalid_utf8_at_end", good.encode() + b"\xff", "not_utf8"),
        Hostile("overlong_utf8", b"Headline\xc0\xaf\nLead", "not_utf8"),
        Hostile("utf8_encoded_surrogate", b"Headline \xed\xa0\x80\nLead", "not_utf8"),
        Hostile("utf16_page", good.encode("utf-16"), "not_utf8"),
        Hostile("oversize", b"x" * (max_page_bytes + 1), "too_large"),
        Hostile("oversize_good_page", _fill(good, max_page_bytes + len(good)), "too_large"),
        Hostile("bad_header_utf8", good.encode(), "not_utf8", (("url", b"\xff\xfe"),)),
        Hostile("bad_header_fetched_at", good.encode(), "bad_envelope", (("fetched_at", b"soon"),)),
        Hostile(
            "bad_header_content_type",
            good.encode(),
            "bad_envelope",
            (("content-type", b"application/pdf"),),
        ),
        # -- broken or wrongly typed JSON envelopes ------------------------------------
        Hostile("json_truncated", _envelope(body=good)[:-40], "bad_envelope"),
        Hostile("json_no_body", _envelope(url="https://tass.com/a"), "bad_envelope"),
        Hostile("json_body_number", b'{"body": 42}', "bad_envelope"),
        Hostile("json_body_null", b'{"body": null}', "bad_envelope"),
        Hostile("json_body_list", _envelope(body=[good]), "bad_envelope"),
        Hostile("json_url_object", _envelope(body=good, url={"href": "x"}), "bad_envelope"),
        Hostile("json_fetched_at_text", _envelope(body=good, fetched_at="soon"), "bad_envelope"),
        Hostile("json_fetched_at_huge", _envelope(body=good, fetched_at="9" * pad), "bad_envelope"),
        Hostile(
            "json_content_type", _envelope(body=good, content_type="image/png"), "bad_envelope"
        ),
        Hostile("json_body_blank", _envelope(body=" \n "), "empty"),
        Hostile("json_duplicate_keys", b'{"body": 1, "body": 2}', "bad_envelope"),
        Hostile("json_lone_surrogate", b'{"body": "Head\\ud800line\\nLead"}', "bad_envelope"),
        Hostile("json_nested_extra_10000", _nested_json(10_000), "bad_envelope"),
        Hostile("json_nested_body_10000", _nested_envelope(10_000), "bad_envelope"),
        # orjson writes integers of at most 64 bits: kept as `extra`, this one would
        # make the article unpublishable.
        Hostile(
            "json_extra_bigint",
            b'{"x": 1' + b"0" * 40 + b", " + _envelope(body=good)[1:],
            "bad_envelope",
        ),
        # As deep as pydantic's JSON parser goes (it refuses 240 levels).
        Hostile(
            "json_nested_extra_200",
            b'{"deep": ' + b"[" * 200 + b"]" * 200 + b", " + _envelope(body=good)[1:],
            ARTICLE,
        ),
        Hostile("json_extra_huge", _envelope(body=good, crawler="x" * pad), ARTICLE),
        # orjson writes 1e5 as 100000.0: an envelope under the limit, an article above.
        Hostile(
            "json_floats_inflate",
            b'{"f": [' + b"1e5," * (big // 4) + b"1], " + _envelope(body=good)[1:],
            "too_large",
        ),
        # -- text that is no article -----------------------------------------------------
        Hostile("nul_bytes", b"\x00" * big, "no_article"),
        Hostile(
            "control_chars", bytes(range(1, 32)).replace(b"\n", b"") * (big // 31), "no_article"
        ),
        Hostile("one_mb_line", b"a" * big, "no_article"),
        Hostile("one_mb_line_of_words", _fill("word ", big), "no_article"),
        Hostile("template_residue", _fill("{{newsPoint.title}}\n", big), "no_article"),
        Hostile("only_read_more", _fill("Read more\n", 9_000), "no_article"),
        Hostile("symbols_only", _fill("*** --- ### \n", big), "no_article"),
        # -- pages with an article, however odd -------------------------------------------
        Hostile("good_page", good.encode(), ARTICLE),
        Hostile("one_mb_lead", _fill("word ", big, _ARTICLE_HEAD[:33]), ARTICLE),
        Hostile("very_long_word", _fill("x", big, _ARTICLE_HEAD), ARTICLE),
        Hostile(
            "huge_teaser_block",
            _fill("A line of a huge block\n", big - 20, _ARTICLE_HEAD) + b"Read more\n",
            ARTICLE,
        ),
        Hostile("many_stray_read_more", _fill("Read more\n", big // 4, _ARTICLE_HEAD), "too_large"),
        Hostile("some_stray_read_more", _fill("Read more\n", 9_000, _ARTICLE_HEAD), ARTICLE),
        Hostile("all_dateline_lines", _fill("MOSCOW, February 11. /TASS/. Words\n", big), ARTICLE),
        Hostile("nul_inside_page", _sprinkle(good, "\x00", 40).encode(), ARTICLE),
        Hostile(
            "zero_width_and_rtl", _sprinkle(good, "\u200b\u202e\u200f\ufeff", 7).encode(), ARTICLE
        ),
        Hostile("crlf_and_cr_lines", good.replace("\n", "\r").encode(), ARTICLE),
        Hostile("many_blank_lines", _fill("\n", big, _ARTICLE_HEAD), ARTICLE),
        Hostile(
            "many_tags",
            _fill("Foreign policySergey LavrovUkraine crisis\n", big, _ARTICLE_HEAD + "Tags\n"),
            ARTICLE,
        ),
        Hostile("many_teasers", _many_teasers(big), "too_large"),
        Hostile("many_teasers_within_limit", _many_teasers(50_000), ARTICLE),
        Hostile("escape_inflation", _fill("a\x01\x02\x03 ", big, _ARTICLE_HEAD), "too_large"),
        Hostile("quote_inflation", _fill('a"\\ ', big, _ARTICLE_HEAD), "too_large"),
        Hostile(
            "url_repeated_in_sightings",
            good.encode(),
            "too_large",
            (("url", b"https://tass.com/" + b"a" * (max_page_bytes // 5)),),
        ),
        Hostile(
            "url_header_huge",
            good.encode(),
            ARTICLE,
            (("url", b"https://tass.com/" + b"a" * 2000),),
        ),
        # -- inputs built for each regular expression ------------------------------------
        # `_DATELINE`: a place that runs to the bound, then a near-miss on every line.
        Hostile(
            "regex_dateline",
            _fill("A" + "B" * 57 + ", Januaryy 11 /TASS\n", big, _ARTICLE_HEAD),
            ARTICLE,
        ),
        Hostile(
            "regex_dateline_commas",
            _fill("MOSCOW" + ", M" * 400 + "\n", big, _ARTICLE_HEAD),
            ARTICLE,
        ),
        # `category`: spaces around a missing colon, in the headline it is tried on.
        Hostile("regex_category", ("A" + " " * 290 + "b\nLead\n").encode(), ARTICLE),
        # Entity regexes (`_ACRONYM`, `_NAMELIKE`, `_INITIALISM`, toponym endings) on
        # tokens that almost match, in the lead that the article's entities read.
        Hostile("regex_acronym", _fill("A-", big, _ARTICLE_HEAD[:33]) + b"a", ARTICLE),
        Hostile("regex_namelike", _fill("Ab-'", big, _ARTICLE_HEAD[:33]) + b"1", ARTICLE),
        Hostile("regex_initialism", _fill("A.", big, _ARTICLE_HEAD[:33]) + b"a", ARTICLE),
        Hostile("regex_toponym", _fill("ovk", big, _ARTICLE_HEAD[:33] + "Ab-C") + b"x", ARTICLE),
        Hostile("regex_compound", _fill("Ab-", big, _ARTICLE_HEAD[:33]) + b"Ab", ARTICLE),
        Hostile("regex_dashes", _fill(" — a", big, _ARTICLE_HEAD[:33]), ARTICLE),
        # `html._TAG` and the nesting estimate: tags with no end.
        Hostile("regex_html_tag", _fill("<ab", big, "<html>"), "too_large"),
        # -- hostile HTML ------------------------------------------------------------------
        Hostile(
            "html_nested_10000", (_HTML_HEAD + "<div>" * 10_000 + "text").encode(), "too_large"
        ),
        Hostile(
            "html_nested_10000_closed",
            (_HTML_HEAD + "<div>" * 10_000 + "</div>" * 10_000).encode(),
            "too_large",
        ),
        Hostile("html_nested_spans", (_HTML_HEAD + "<span>" * 40_000).encode(), "too_large"),
        Hostile(
            "html_misnested_formatting",
            (_HTML_HEAD + "<b><i><u>x</b></i></u>" * (big // 24)).encode(),
            "too_large",
        ),
        Hostile(
            "html_misnested_within_limit",
            (_HTML_HEAD + "<b><i><u>x</b></i></u>" * 3_200).encode(),
            ARTICLE,
        ),
        Hostile(
            "html_unclosed_tables", (_HTML_HEAD + "<table><tr><td>" * 3_000).encode(), "too_large"
        ),
        Hostile("html_flat_paragraphs", _fill("<p>word</p>", big, _HTML_HEAD), "too_large"),
        Hostile(
            "html_flat_paragraphs_within_limit",
            (_HTML_HEAD + "<p>word</p>" * 9_900).encode(),
            ARTICLE,
        ),
        Hostile("html_comment_bomb", _fill("<!--", big, _HTML_HEAD), ARTICLE),
        Hostile(
            "html_attribute_bomb",
            (_HTML_HEAD + '<p title="' + "x" * big + '">y</p>').encode(),
            ARTICLE,
        ),
        Hostile("html_entity_bomb", _fill("&amp;&#x1F600;&nbsp;&bogus;", big, _HTML_HEAD), ARTICLE),
        Hostile(
            "html_script_bomb",
            _fill("if (a < b && c <= d) { e = f; }\n", big, _HTML_HEAD + "<script>"),
            ARTICLE,
        ),
        Hostile(
            "html_external_entity",
            b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b"<html><body><h1>Headline &e;</h1><p>Lead</p></body></html>",
            ARTICLE,
        ),
    ]
    return kinds
